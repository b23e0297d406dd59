/** Tests of expectGolden: a missing golden file fails unless UPDATE=1, which writes it. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expectGolden } from './golden';

describe('expectGolden', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'secpol-golden-'));
  const saved = process.env.UPDATE;
  afterEach(() => {
    if (saved === undefined) delete process.env.UPDATE;
    else process.env.UPDATE = saved;
  });

  it('fails on a missing expected file and does not create it', () => {
    delete process.env.UPDATE;
    const file = path.join(dir, 'missing.txt');
    expect(() => expectGolden('x\n', file)).toThrow(/missing.*UPDATE=1/);
    expect(existsSync(file)).toBe(false);
  });

  it('compares with an existing file', () => {
    delete process.env.UPDATE;
    const file = path.join(dir, 'same.txt');
    writeFileSync(file, 'a\n');
    expectGolden('a\n', file);
    expect(() => expectGolden('b\n', file)).toThrow();
  });

  it('writes the file under UPDATE=1, missing or not', () => {
    process.env.UPDATE = '1';
    const file = path.join(dir, 'new.txt');
    expectGolden('new\n', file);
    expectGolden('newer\n', file);
    expect(readFileSync(file, 'utf8')).toBe('newer\n');
  });
});
