/**
 * Golden tests over samples/policies/<form>/ (input.secpol → expected.fmt.secpol)
 * and samples/_errors_/<case>/ (input.secpol → expected.txt, the full
 * diagnostic text with code frames). `UPDATE=1 npx jest src/policy` rewrites
 * the expected files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatDiagnostic } from '../diagnostics/code-frame';
import { expectGolden } from '../test-utils/golden';
import { parsePolicy } from './parse';
import { printPolicy } from './print';

const samples = path.join(__dirname, '..', '..', 'samples');
const cases = (dir: string): string[] => readdirSync(path.join(samples, dir)).sort();

describe('formatter golden files (samples/policies)', () => {
  it.each(cases('policies'))('%s', (form) => {
    const dir = path.join(samples, 'policies', form);
    const text = readFileSync(path.join(dir, 'input.secpol'), 'utf8');
    const { ast, diagnostics } = parsePolicy(text, { file: 'input.secpol' });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const formatted = printPolicy(ast);
    expectGolden(formatted, path.join(dir, 'expected.fmt.secpol'));
    // The canonical layout is a fixpoint.
    expect(printPolicy(parsePolicy(formatted, { file: 'x' }).ast)).toBe(formatted);
  });
});

describe('syntax error golden files (samples/_errors_)', () => {
  it.each(cases('_errors_'))('%s', (name) => {
    const dir = path.join(samples, '_errors_', name);
    const text = readFileSync(path.join(dir, 'input.secpol'), 'utf8');
    const { diagnostics } = parsePolicy(text, { file: 'input.secpol' });
    expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expectGolden(
      diagnostics.map((d) => formatDiagnostic(d, text)).join(''),
      path.join(dir, 'expected.txt'),
    );
  });
});
