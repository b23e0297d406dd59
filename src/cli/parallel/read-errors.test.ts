/**
 * A trace that cannot be read is one line in words ("secpol-learn: cannot
 * read FILE: WORDS"), exit 2, never a stack trace: on the one-thread path
 * (src/cli/read-traces.ts) and the threaded one (read-parallel.ts, its workers
 * through the built dist/bin.js), for every command that reads traces. An
 * unreadable file (chmod 000) needs a user other than root: skipped, saying
 * so, when the test runs as root.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { runCli } from '../../test-utils/run-cli';
import { readTracesParallel, threadCount } from './read-parallel';

const ROOT_DIR = path.join(__dirname, '..', '..', '..');
const SEED = path.join(ROOT_DIR, 'samples', 'seed-walkthrough');
const DIST_BIN = path.join(ROOT_DIR, 'dist', 'bin.js');
const AS_ROOT = process.getuid?.() === 0;
const FILTER = { names: [], abilities: false, paths: false };

/** Every command that reads traces, with what it needs besides the trace. */
const COMMANDS: Array<[string, string[]]> = [
  ['suggest', []],
  ['suggest', ['--policy', 'policy.secpol']],
  ['generate', []],
  ['check', ['--policy', 'policy.secpol']],
  ['explain', ['--policy', 'policy.secpol']],
  ['harden', ['--policy', 'policy.secpol']],
];

/** A gzip header and then `bytes` of noise: inflating it fails at once. */
function corruptGzip(bytes: number): Buffer {
  const header = gzipSync('x').subarray(0, 10);
  return Buffer.concat([header, randomBytes(bytes)]);
}

const wordsOnly = (stderr: string, file: RegExp | string, words: string): void => {
  const name = typeof file === 'string' ? file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : file.source;
  expect(stderr).toMatch(new RegExp(`^secpol-learn: cannot read ${name}: ${words}\\n$`));
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'read-errors-'));
  copyFileSync(path.join(SEED, 'policy.secpol'), path.join(dir, 'policy.secpol'));
  copyFileSync(path.join(SEED, 'trace.log'), path.join(dir, 'trace.log'));
  mkdirSync(path.join(dir, 'a-directory'));
  writeFileSync(path.join(dir, 'bad.log.gz'), corruptGzip(64 * 1024));
  writeFileSync(path.join(dir, 'bad2.log.gz'), corruptGzip(64 * 1024));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a trace that cannot be read, on one thread', () => {
  it.each(COMMANDS)('%s %p: a directory is named in words, exit 2', async (command, extra) => {
    const r = await runCli([command, 'trace.log', 'a-directory', ...extra], {
      cwd: dir,
      env: { SECPOL_LEARN_THREADS: '1' },
    });
    expect(r.code).toBe(2);
    wordsOnly(r.stderr, 'a-directory', 'is a directory');
    expect(r.stdout).toBe('');
  });

  it.each(COMMANDS)(
    '%s %p: a corrupt gzip file is named in words, exit 2',
    async (command, extra) => {
      const r = await runCli([command, 'bad.log.gz', ...extra], { cwd: dir });
      expect(r.code).toBe(2);
      wordsOnly(r.stderr, 'bad.log.gz', '(corrupt gzip data|gzip data cut short)');
    },
  );

  it('corrupt gzip on standard input is "cannot read -"', async () => {
    const r = await runCli(['suggest'], { cwd: dir, stdin: corruptGzip(4096) });
    expect(r.code).toBe(2);
    wordsOnly(r.stderr, '-', '(corrupt gzip data|gzip data cut short)');
  });

  const unreadable = AS_ROOT ? it.skip : it;
  if (AS_ROOT)
    process.stderr.write(
      'read-errors: unreadable-trace tests skipped (running as root: chmod 000 does not stop root)\n',
    );
  unreadable.each(COMMANDS)(
    '%s %p: an unreadable file is "permission denied"',
    async (c, extra) => {
      const file = path.join(dir, 'locked.log');
      writeFileSync(file, readFileSync(path.join(dir, 'trace.log')));
      chmodSync(file, 0o000);
      try {
        const r = await runCli([c, 'trace.log', 'locked.log', ...extra], { cwd: dir });
        expect(r.code).toBe(2);
        wordsOnly(r.stderr, 'locked.log', 'permission denied');
      } finally {
        chmodSync(file, 0o600);
      }
    },
  );
});

describe('a trace that cannot be read, on several threads', () => {
  it('two corrupt gzip files: the first that fails is named in words', async () => {
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
    await expect(
      readTracesParallel(['bad.log.gz', 'bad2.log.gz'], FILTER, { ...io, env: {}, cwd: dir }, 10, {
        threads: 2,
        minBytes: 0,
        inProcess: true,
      }),
    ).rejects.toThrow(/^cannot read bad2?\.log\.gz: (corrupt gzip data|gzip data cut short)$/);
  });

  const unreadable = AS_ROOT ? it.skip : it;
  unreadable('an unreadable file among large ones is "permission denied"', async () => {
    const file = path.join(dir, 'locked2.log');
    writeFileSync(file, readFileSync(path.join(dir, 'trace.log')));
    chmodSync(file, 0o000);
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
    try {
      await expect(
        readTracesParallel(['trace.log', 'locked2.log'], FILTER, { ...io, env: {}, cwd: dir }, 10, {
          threads: 2,
          minBytes: 0,
          inProcess: true,
        }),
      ).rejects.toThrow(/^cannot read locked2\.log: permission denied$/);
    } finally {
      chmodSync(file, 0o600);
    }
  });

  // Worker threads run the compiled worker: through dist/bin.js, with files over the threshold
  // (a gzip file counts 7 times its size: two of 20 MB make 280 MB, over 256 MiB).
  const built = existsSync(DIST_BIN) ? it : it.skip;
  if (!existsSync(DIST_BIN))
    process.stderr.write(
      'read-errors: worker-thread test skipped (no dist/bin.js: npm run build)\n',
    );
  built('two large corrupt gzip files through the workers: words, exit 2', () => {
    const big = path.join(dir, 'big');
    mkdirSync(big);
    writeFileSync(path.join(big, 'a.log.gz'), corruptGzip(20_000_000));
    writeFileSync(path.join(big, 'b.log.gz'), corruptGzip(20_000_000));
    try {
      for (const [command, extra] of COMMANDS.filter(
        ([c]) => c === 'suggest' || c === 'generate',
      )) {
        const r = spawnSync(
          process.execPath,
          [DIST_BIN, command, 'big/a.log.gz', 'big/b.log.gz', ...extra],
          {
            cwd: dir,
            encoding: 'utf8',
            env: { ...process.env, SECPOL_LEARN_THREADS: '2' },
          },
        );
        expect(r.status).toBe(2);
        wordsOnly(r.stderr, /big\/[ab]\.log\.gz/, '(corrupt gzip data|gzip data cut short)');
        expect(r.stdout).toBe('');
      }
    } finally {
      rmSync(big, { recursive: true, force: true });
    }
  });
});

describe('threadCount', () => {
  it('is SECPOL_LEARN_THREADS capped by the cores, else the cores', () => {
    expect(threadCount({ SECPOL_LEARN_THREADS: '64' }, 2)).toBe(2);
    expect(threadCount({ SECPOL_LEARN_THREADS: '3' }, 8)).toBe(3);
    expect(threadCount({ SECPOL_LEARN_THREADS: '1' }, 8)).toBe(1);
    expect(threadCount({}, 4)).toBe(4);
    for (const bad of ['0', '-2', '1.5', 'many', ''])
      expect(threadCount({ SECPOL_LEARN_THREADS: bad }, 4)).toBe(4);
    expect(threadCount({ SECPOL_LEARN_THREADS: '100000' })).toBe(availableParallelism());
  });

  it.each(['suggest', 'generate'])('is explained by `%s --help`', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      'SECPOL_LEARN_THREADS=N asks for N threads (1: one thread), never more than the cores available',
    );
  });
});
