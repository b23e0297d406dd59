import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { InputError } from '../errors';
import { decodePolicyBytes, readPolicyFile, writePolicyFileAtomic } from './policy-file-io';

describe('policy file I/O', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'secpol-io-'));

  it('decodes UTF-8 as UTF-8 and other bytes as latin1', () => {
    expect(decodePolicyBytes(Buffer.from('# 中\ntype a_t;\n'))).toEqual({
      text: '# 中\ntype a_t;\n',
      encoding: 'utf8',
    });
    expect(decodePolicyBytes(Buffer.from([0x23, 0x92, 0x0a]))).toEqual({
      text: '#\x92\n',
      encoding: 'latin1',
    });
  });

  it('rewrites a latin1 file with its bytes intact, atomically and keeping its mode', async () => {
    const file = path.join(dir, 'a.secpol');
    const bytes = Buffer.concat([
      Buffer.from('# it'),
      Buffer.from([0x92]),
      Buffer.from('s\ntype a_t;\n'),
    ]);
    writeFileSync(file, bytes);
    chmodSync(file, 0o640);
    const src = await readPolicyFile(file);
    expect(src.encoding).toBe('latin1');
    await writePolicyFileAtomic(file, src.text, src.encoding);
    expect(readFileSync(file)).toEqual(bytes);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['a.secpol']);
  });

  it('names the file when it cannot be read or written', async () => {
    await expect(
      readPolicyFile(path.join(dir, 'missing.secpol'), 'missing.secpol'),
    ).rejects.toThrow('cannot read policy missing.secpol: no such file or directory');
    await expect(
      writePolicyFileAtomic(path.join(dir, 'no', 'x.secpol'), '', 'utf8'),
    ).rejects.toBeInstanceOf(InputError);
  });
});
