/**
 * `--write` as a transaction (docs/reliability.md), in-process over the seed
 * sample: symlinks, backups that exist (file, symlink, directory), a policy
 * named twice, hard links, CRLF, mode and owner, locks held, a file changed
 * under the writer, characters the file's encoding cannot hold, a policy
 * split over two files, `fmt --write` and `monitor -o`. Faults that need
 * other processes or file systems are in write-faults.test.ts.
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../test-utils/run-cli';
import { digestOf, encodePolicyText, toCrlf, usesCrlf } from './policy-bytes';
import { lockHeldMessage, writeTransaction } from './write-transaction';
import { readPolicyFile } from './policy-file-io';

const seed = path.join(__dirname, '..', '..', 'samples', 'seed-walkthrough');
const POLICY = readFileSync(path.join(seed, 'policy.secpol'), 'utf8');
const TRACE = readFileSync(path.join(seed, 'trace.log'), 'utf8');

/** A directory holding the seed trace, and the seed policy as `policy.secpol` unless told otherwise. */
function workdir(files: Record<string, string | Buffer> = { 'policy.secpol': POLICY }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'secpol-tx-'));
  writeFileSync(path.join(dir, 'trace.log'), TRACE);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

const suggestWrite = (cwd: string, ...policies: string[]): ReturnType<typeof runCli> =>
  runCli(['suggest', 'trace.log', ...policies.flatMap((p) => ['--policy', p]), '--write'], {
    cwd,
  });

/** The seed policy as `suggest --write` leaves it (computed once, in a fresh directory). */
let PATCHED = '';
beforeAll(async () => {
  const dir = workdir();
  expect((await suggestWrite(dir, 'policy.secpol')).code).toBe(0);
  PATCHED = readFileSync(path.join(dir, 'policy.secpol'), 'utf8');
  expect(PATCHED).not.toBe(POLICY);
  expect(PATCHED.startsWith(POLICY.split('\n').slice(0, 17).join('\n'))).toBe(true);
});

const read = (dir: string, name: string): string => readFileSync(path.join(dir, name), 'utf8');
/** Temporary and lock files left in `dir` (none after any run, failed or not). */
const leftovers = (dir: string): string[] =>
  readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'));

describe('--write: symlinks and backups', () => {
  it('writes a symlinked policy through to its target, keeping the link and backing up the target', async () => {
    const dir = workdir({});
    mkdirSync(path.join(dir, 'real'));
    writeFileSync(path.join(dir, 'real', 'policy.secpol'), POLICY);
    symlinkSync(path.join('real', 'policy.secpol'), path.join(dir, 'policy.secpol'));
    const r = await suggestWrite(dir, 'policy.secpol');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('wrote policy.secpol (original kept as real/policy.secpol.orig)');
    expect(lstatSync(path.join(dir, 'policy.secpol')).isSymbolicLink()).toBe(true);
    expect(read(dir, 'real/policy.secpol')).toBe(PATCHED);
    expect(read(dir, 'real/policy.secpol.orig')).toBe(POLICY);
    expect(leftovers(dir)).toEqual([]);
    expect(leftovers(path.join(dir, 'real'))).toEqual([]);
  });

  it('never writes through a symlinked .orig nor over an existing backup: the next free .orig.N, said on stderr', async () => {
    const dir = workdir();
    writeFileSync(path.join(dir, 'victim'), 'precious\n');
    symlinkSync('victim', path.join(dir, 'policy.secpol.orig'));
    writeFileSync(path.join(dir, 'policy.secpol.orig.1'), 'an older backup\n');
    mkdirSync(path.join(dir, 'policy.secpol.orig.2'));
    const r = await suggestWrite(dir, 'policy.secpol');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'policy.secpol.orig already exists and is kept; the original is saved as policy.secpol.orig.3',
    );
    expect(r.stderr).toContain('wrote policy.secpol (original kept as policy.secpol.orig.3)');
    expect(read(dir, 'victim')).toBe('precious\n');
    expect(lstatSync(path.join(dir, 'policy.secpol.orig')).isSymbolicLink()).toBe(true);
    expect(read(dir, 'policy.secpol.orig.1')).toBe('an older backup\n');
    expect(read(dir, 'policy.secpol.orig.3')).toBe(POLICY);
    expect(read(dir, 'policy.secpol')).toBe(PATCHED);
  });

  it('a second --write keeps the first backup: .orig stays the very first original', async () => {
    const dir = workdir();
    expect((await suggestWrite(dir, 'policy.secpol')).code).toBe(0);
    writeFileSync(path.join(dir, 'policy.secpol'), POLICY); // as if edited back
    expect((await suggestWrite(dir, 'policy.secpol')).code).toBe(0);
    expect(read(dir, 'policy.secpol.orig')).toBe(POLICY);
    expect(read(dir, 'policy.secpol.orig.1')).toBe(POLICY);
  });

  it('a policy named twice (or by a second name) is one file: patched once, .orig is the original', async () => {
    const dir = workdir();
    symlinkSync('policy.secpol', path.join(dir, 'alias.secpol'));
    const r = await suggestWrite(dir, 'policy.secpol', './policy.secpol', 'alias.secpol');
    expect(r.code).toBe(0);
    expect(read(dir, 'policy.secpol')).toBe(PATCHED);
    expect(read(dir, 'policy.secpol.orig')).toBe(POLICY);
    expect(existsSync(path.join(dir, 'policy.secpol.orig.1'))).toBe(false);
  });

  it('two names of one file with different new text are refused, nothing written', async () => {
    const dir = workdir();
    const file = path.join(dir, 'policy.secpol');
    await expect(
      writeTransaction(
        [
          { name: 'policy.secpol', path: file, text: 'type a;\n', encoding: 'utf8' },
          { name: './policy.secpol', path: file, text: 'type b;\n', encoding: 'utf8' },
        ],
        { backup: true },
      ),
    ).rejects.toThrow(
      './policy.secpol: is the same file as policy.secpol and would get other text',
    );
    expect(read(dir, 'policy.secpol')).toBe(POLICY);
    expect(readdirSync(dir).sort()).toEqual(['policy.secpol', 'trace.log']);
  });
});

describe('--write keeps what the file is', () => {
  it('keeps hard links: every name sees the patched policy, one inode', async () => {
    const dir = workdir();
    linkSync(path.join(dir, 'policy.secpol'), path.join(dir, 'other-name.secpol'));
    const ino = statSync(path.join(dir, 'policy.secpol')).ino;
    expect((await suggestWrite(dir, 'policy.secpol')).code).toBe(0);
    expect(read(dir, 'other-name.secpol')).toBe(PATCHED);
    expect(statSync(path.join(dir, 'policy.secpol')).ino).toBe(ino);
    expect(statSync(path.join(dir, 'policy.secpol')).nlink).toBe(2);
    expect(read(dir, 'policy.secpol.orig')).toBe(POLICY);
  });

  it('keeps CRLF: inserted lines end in CRLF, every other byte as it was', async () => {
    const dir = workdir({ 'policy.secpol': toCrlf(POLICY) });
    expect((await suggestWrite(dir, 'policy.secpol')).code).toBe(0);
    const after = read(dir, 'policy.secpol');
    expect(after).toBe(toCrlf(PATCHED));
    expect(usesCrlf(after)).toBe(true);
    expect(read(dir, 'policy.secpol.orig')).toBe(toCrlf(POLICY));
  });

  it('keeps mode, and owner when run as root', async () => {
    const dir = workdir();
    const file = path.join(dir, 'policy.secpol');
    chmodSync(file, 0o640);
    const root = process.getuid?.() === 0;
    if (root) chownSync(file, 1234, 2345);
    expect((await suggestWrite(dir, 'policy.secpol')).code).toBe(0);
    for (const f of [file, `${file}.orig`]) {
      const s = statSync(f);
      expect(s.mode & 0o7777).toBe(0o640);
      if (root) expect([s.uid, s.gid]).toEqual([1234, 2345]);
    }
  });

  it('refuses a character the file encoding cannot hold, naming FILE:LINE; never writes its low byte', async () => {
    // A latin1 file (0x92 in a comment): `Ļ` (U+013B) would land as `;`.
    const bytes = Buffer.concat([
      Buffer.from('# it'),
      Buffer.from([0x92]),
      Buffer.from('s\ntype a_t;\n'),
    ]);
    const dir = workdir({ 'p.secpol': bytes });
    const src = await readPolicyFile(path.join(dir, 'p.secpol'), 'p.secpol');
    expect(src.encoding).toBe('latin1');
    await expect(
      writeTransaction(
        [
          {
            name: 'p.secpol',
            path: path.join(dir, 'p.secpol'),
            text: `${src.text}allow_attach a_t /tmp/xĻyĊz;\n`,
            encoding: src.encoding,
            digest: src.digest!,
          },
        ],
        { backup: true },
      ),
    ).rejects.toThrow('p.secpol:3: U+013B cannot be written into this file');
    expect(readFileSync(path.join(dir, 'p.secpol'))).toEqual(bytes);
    expect(readdirSync(dir).sort()).toEqual(['p.secpol', 'trace.log']);
    expect(() => encodePolicyText('a\n\ud800\n', 'utf8', 'u.secpol')).toThrow('u.secpol:2: U+D800');
    expect(encodePolicyText('# Ļ\n', 'utf8', 'u.secpol')).toEqual(Buffer.from('# Ļ\n'));
  });
});

describe('--write refuses what another writer holds or changed', () => {
  it('refuses while the lock is held, naming the lock and its holder, and leaves the lock alone', async () => {
    const dir = workdir();
    writeFileSync(path.join(dir, 'policy.secpol.lock'), `${process.pid}\n`);
    const r = await suggestWrite(dir, 'policy.secpol');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `secpol-learn: policy.secpol: is being written by process ${process.pid} (${path.join(dir, 'policy.secpol.lock')}); nothing written`,
    );
    expect(r.stderr).not.toContain('    at ');
    expect(read(dir, 'policy.secpol')).toBe(POLICY);
    expect(existsSync(path.join(dir, 'policy.secpol.lock'))).toBe(true);
    expect(existsSync(path.join(dir, 'policy.secpol.orig'))).toBe(false);
  });

  it('names a lock left by a process that is gone', async () => {
    const dir = workdir();
    writeFileSync(path.join(dir, 'policy.secpol.lock'), '2147483646\n');
    const r = await suggestWrite(dir, 'policy.secpol');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'policy.secpol.lock was left by process 2147483646, which is no longer running: remove it and run again',
    );
  });

  it('does not call a lock left when its holder finished between the read and the probe', () => {
    const dir = workdir();
    const lock = path.join(dir, 'policy.secpol.lock');
    const holderEnds = (then: () => void) => (pid: number) => {
      expect(pid).toBe(2147483646);
      then();
      return false;
    };
    writeFileSync(lock, '2147483646\n');
    expect(
      lockHeldMessage(
        lock,
        holderEnds(() => rmSync(lock)),
      ),
    ).toBe(
      `was being written by process 2147483646, which has just finished (${lock} is gone); nothing written, run again`,
    );
    writeFileSync(lock, '2147483646\n');
    expect(
      lockHeldMessage(
        lock,
        holderEnds(() => writeFileSync(lock, '77\n')),
      ),
    ).toBe(`is being written by another process (${lock} exists); nothing written`);
    // Gone before its pid was read: the creation failed, then the holder finished.
    rmSync(lock);
    expect(lockHeldMessage(lock)).toBe(
      `was being written by another process, which has just finished (${lock} is gone); nothing written, run again`,
    );
    writeFileSync(lock, '2147483646\n');
    expect(
      lockHeldMessage(
        lock,
        holderEnds(() => undefined),
      ),
    ).toBe(
      `${lock} was left by process 2147483646, which is no longer running: remove it and run again; nothing written`,
    );
  });

  it('refuses a file changed since it was read for planning', async () => {
    const dir = workdir();
    const file = path.join(dir, 'policy.secpol');
    const src = await readPolicyFile(file, 'policy.secpol');
    writeFileSync(file, `${POLICY}type someone_elses_t;\n`);
    await expect(
      writeTransaction(
        [
          {
            name: 'policy.secpol',
            path: file,
            text: PATCHED,
            encoding: 'utf8',
            digest: src.digest!,
          },
        ],
        { backup: true },
      ),
    ).rejects.toThrow('policy.secpol: changed since it was read (another writer got there first)');
    expect(read(dir, 'policy.secpol')).toBe(`${POLICY}type someone_elses_t;\n`);
    expect(leftovers(dir)).toEqual([]);
    expect(src.digest).toBe(digestOf(Buffer.from(POLICY)));
  });
});

describe('--write over a policy split in two files', () => {
  const lines = POLICY.split('\n');
  const A = lines.slice(0, 17).join('\n') + '\n';
  const B = lines.slice(17).join('\n');

  it('patches both files, one backup each', async () => {
    const dir = workdir({ 'a.secpol': A, 'b.secpol': B });
    const r = await suggestWrite(dir, 'a.secpol', 'b.secpol');
    expect(r.code).toBe(0);
    expect(read(dir, 'a.secpol') + read(dir, 'b.secpol')).toBe(PATCHED);
    expect(read(dir, 'a.secpol')).not.toBe(A);
    expect(read(dir, 'b.secpol')).not.toBe(B);
    expect([read(dir, 'a.secpol.orig'), read(dir, 'b.secpol.orig')]).toEqual([A, B]);
  });

  it('writes neither when one cannot be written (its lock is held): no backup, no temporary file', async () => {
    const dir = workdir({ 'a.secpol': A, 'b.secpol': B });
    writeFileSync(path.join(dir, 'b.secpol.lock'), `${process.pid}\n`);
    const r = await suggestWrite(dir, 'a.secpol', 'b.secpol');
    expect(r.code).toBe(2);
    expect([read(dir, 'a.secpol'), read(dir, 'b.secpol')]).toEqual([A, B]);
    expect(readdirSync(dir).sort()).toEqual(['a.secpol', 'b.secpol', 'b.secpol.lock', 'trace.log']);
  });
});

describe('fmt --write', () => {
  it('keeps a backup and CRLF; fmt --check passes a formatted CRLF file', async () => {
    const dir = workdir({ 'p.secpol': 'type  a_t;\r\nallow a_t self:ability {io};\r\n' });
    const r = await runCli(['fmt', '--write', 'p.secpol'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toBe('secpol-learn: wrote p.secpol (original kept as p.secpol.orig)\n');
    const after = read(dir, 'p.secpol');
    expect(usesCrlf(after)).toBe(true);
    expect(read(dir, 'p.secpol.orig')).toBe('type  a_t;\r\nallow a_t self:ability {io};\r\n');
    expect((await runCli(['fmt', '--check', 'p.secpol'], { cwd: dir })).code).toBe(0);
  });
});

describe('monitor -o', () => {
  it('refuses an output that is one of the inputs (also by a hard link), which stays whole', async () => {
    const dir = workdir();
    linkSync(path.join(dir, 'trace.log'), path.join(dir, 'same.log'));
    for (const out of ['trace.log', 'same.log']) {
      const r = await runCli(['monitor', '-ap', '-o', out, 'trace.log'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`-o ${out} is the input trace.log: writing it would empty it`);
      expect(read(dir, 'trace.log')).toBe(TRACE);
    }
  });

  it('leaves the output as it was when an input cannot be read, and writes it whole (mode kept) when all can', async () => {
    const dir = workdir();
    writeFileSync(path.join(dir, 'out.txt'), 'previous run\n');
    chmodSync(path.join(dir, 'out.txt'), 0o600);
    const bad = await runCli(['monitor', '-ap', '-o', 'out.txt', 'missing.log'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(read(dir, 'out.txt')).toBe('previous run\n');
    const half = await runCli(['monitor', '-ap', '-o', 'out.txt', 'trace.log', 'missing.log'], {
      cwd: dir,
    });
    expect(half.code).toBe(2);
    expect(read(dir, 'out.txt')).toBe('previous run\n');
    expect(leftovers(dir)).toEqual([]);
    const good = await runCli(['monitor', '-ap', '-o', 'out.txt', 'trace.log'], { cwd: dir });
    expect(good.code).toBe(0);
    const stdout = await runCli(['monitor', '-ap', 'trace.log'], { cwd: dir });
    expect(read(dir, 'out.txt')).toBe(stdout.stdout);
    expect(stdout.stdout).toContain('devf-ram');
    expect(statSync(path.join(dir, 'out.txt')).mode & 0o777).toBe(0o600);
    expect(leftovers(dir)).toEqual([]);
  });

  it('-o - is standard output, never a file named `-`', async () => {
    const dir = workdir();
    const dash = await runCli(['monitor', '-ap', '-o', '-', 'trace.log'], { cwd: dir });
    const plain = await runCli(['monitor', '-ap', 'trace.log'], { cwd: dir });
    expect(dash).toEqual(plain);
    expect(plain.stdout).toContain('devf-ram');
    expect(existsSync(path.join(dir, '-'))).toBe(false);
  });

  it('says in words when the output cannot be created', async () => {
    const dir = workdir();
    const r = await runCli(['monitor', '-ap', '-o', 'no/such/dir/out.txt', 'trace.log'], {
      cwd: dir,
    });
    expect(r).toMatchObject({
      code: 2,
      stderr: 'secpol-learn: cannot write no/such/dir/out.txt: no such file or directory\n',
    });
  });
});
