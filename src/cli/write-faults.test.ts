/**
 * `--write` under faults (docs/reliability.md): a read-only file system, a
 * full disk, two writers at once, and kill -9 at random points. Read-only
 * and full-disk runs need a small tmpfs, mounted when the test runs as root;
 * otherwise the read-only case uses chmod 555 (as a user) and the full-disk
 * case is skipped with one line saying so. Writers run as child processes
 * (the CLI through ts-node, or the transaction module itself).
 */
import { spawn, spawnSync } from 'node:child_process';
import { exitOf, track, within } from '../test-utils/children';
import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../test-utils/run-cli';

const seed = path.join(__dirname, '..', '..', 'samples', 'seed-walkthrough');
const POLICY = readFileSync(path.join(seed, 'policy.secpol'), 'utf8');
const TRACE_FILE = path.join(seed, 'trace.log');
const LINES = POLICY.split('\n');
const A = LINES.slice(0, 17).join('\n') + '\n';
const B = LINES.slice(17).join('\n');
const BIN = path.join(__dirname, '..', 'bin.ts');
const ROOT = process.getuid?.() === 0;

/** Mounts a tmpfs of `kib` KiB (root only); undefined when it cannot. */
/** A fresh directory holding only policy.secpol (the seed's policy). */
function policyDir(prefix: string): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const file = path.join(dir, 'policy.secpol');
  writeFileSync(file, POLICY);
  return { dir, file };
}

/** Runs `script` (TypeScript's sources, from src/) with `file` as its argument: how it ended, and its stdout and stderr. */
async function runWriter(script: string, file: string): Promise<{ exit: unknown; out: string }> {
  const child = track(
    spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script, file], {
      cwd: path.join(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const exited = exitOf(child);
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return { exit: await within(120_000, exited, 'the writer to end'), out };
}

function tmpfs(kib: number): string | undefined {
  if (!ROOT) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'secpol-tmpfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir]);
  return r.status === 0 ? dir : undefined;
}
const mounted: string[] = [];
afterAll(() => {
  for (const dir of mounted) spawnSync('umount', [dir]);
});

const suggestWrite = (cwd: string, ...policies: string[]): ReturnType<typeof runCli> =>
  runCli(['suggest', TRACE_FILE, ...policies.flatMap((p) => ['--policy', p]), '--write'], { cwd });

/** Names in `dir` other than the policy files: backups, temporaries, locks. */
const extra = (dir: string, keep: string[]): string[] =>
  readdirSync(dir).filter((f) => !keep.includes(f));

describe('--write on a file system that refuses', () => {
  it('a read-only directory: one line in words, exit 2, nothing written', async () => {
    const fs = tmpfs(256);
    let dir: string;
    if (fs) {
      mounted.push(fs);
      dir = fs;
      writeFileSync(path.join(dir, 'policy.secpol'), POLICY);
      expect(spawnSync('mount', ['-o', 'remount,ro', dir]).status).toBe(0);
    } else {
      dir = mkdtempSync(path.join(tmpdir(), 'secpol-ro-'));
      writeFileSync(path.join(dir, 'policy.secpol'), POLICY);
      chmodSync(dir, 0o555);
    }
    const r = await suggestWrite(dir, 'policy.secpol');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `secpol-learn: cannot write policy.secpol: ${fs ? 'read-only file system' : 'permission denied'}\n`,
    );
    expect(readFileSync(path.join(dir, 'policy.secpol'), 'utf8')).toBe(POLICY);
    expect(extra(dir, ['policy.secpol'])).toEqual([]);
  });

  const full = ROOT ? it : it.skip;
  if (!ROOT)
    process.stderr.write('write-faults: full-disk test skipped (needs root to mount a tmpfs)\n');
  full(
    'a full disk at any point: a policy in two files is written whole or not at all, in words',
    async () => {
      const dir = tmpfs(512);
      if (!dir) throw new Error('mount -t tmpfs failed as root');
      mounted.push(dir);
      const outcomes = new Set<number>();
      // Leave 0..11 pages free after filling the disk: the write runs out at every step in turn.
      for (let pages = 0; pages < 12; pages++) {
        for (const f of readdirSync(dir)) rmSync(path.join(dir, f), { recursive: true });
        writeFileSync(path.join(dir, 'a.secpol'), A);
        writeFileSync(path.join(dir, 'b.secpol'), B);
        writeFileSync(path.join(dir, 'slack'), Buffer.alloc(pages * 4096));
        const chunk = Buffer.alloc(64 * 1024, 0x23);
        let n = 0;
        try {
          for (;;) writeFileSync(path.join(dir, `fill${n++}`), chunk);
        } catch (error) {
          expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
        }
        // Small files fill the last partial chunk's room.
        try {
          for (;;) writeFileSync(path.join(dir, `small${n++}`), Buffer.alloc(4096));
        } catch {
          // Full.
        }
        rmSync(path.join(dir, 'slack'));
        const r = await suggestWrite(dir, 'a.secpol', 'b.secpol');
        const [a, b] = ['a.secpol', 'b.secpol'].map((f) => readFileSync(path.join(dir, f), 'utf8'));
        const left = extra(dir, ['a.secpol', 'b.secpol']).filter(
          (f) => !/^(fill|small)\d+$/.test(f),
        );
        outcomes.add(r.code);
        if (r.code === 2) {
          expect(r.stderr).toMatch(
            /^secpol-learn: cannot write (backup of )?[ab]\.secpol: no space left on device\n$/,
          );
          expect([a, b]).toEqual([A, B]);
          expect(left).toEqual([]);
        } else {
          expect(r.code).toBe(0);
          expect(a).not.toBe(A);
          expect(b).not.toBe(B);
          expect(left.sort()).toEqual(['a.secpol.orig', 'b.secpol.orig']);
        }
      }
      expect(outcomes.has(2)).toBe(true);
    },
  );
});

/** Fills the file system of `dir` to the last byte (64 KiB files, then 4 KiB ones). */
function fill(dir: string): void {
  let n = 0;
  for (const size of [64 * 1024, 4096]) {
    try {
      for (;;) writeFileSync(path.join(dir, `fill${n++}`), Buffer.alloc(size, 0x23));
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
  }
}

describe('every writer on a full disk', () => {
  const samples = path.join(__dirname, '..', '..', 'samples');
  const boot = path.join(samples, 'multi-process-boot');
  const migrateSample = path.join(samples, 'migrate-7.1-8.0');
  const answers = path.join(samples, 'review-session', 'answers.json');
  // Each writer, the file it writes (`p.secpol`, or `out.txt` for monitor) and what `p.secpol` holds.
  const WRITERS: Array<[string, string[], string, string]> = [
    [
      'fmt --write',
      ['fmt', '--write', 'p.secpol'],
      'p.secpol',
      'type  a_t;\nallow a_t self:ability {  io };\n',
    ],
    [
      'migrate --write',
      ['migrate', '--from', '7.1', '--to', '8.0', '--write', 'p.secpol'],
      'p.secpol',
      readFileSync(path.join(migrateSample, 'policy.secpol'), 'utf8'),
    ],
    [
      'tidy --write',
      ['tidy', '--write', 'p.secpol'],
      'p.secpol',
      readFileSync(path.join(boot, 'policy.secpol'), 'utf8'),
    ],
    [
      'review --write',
      [
        'review',
        path.join(boot, 'trace.log'),
        '--policy',
        'p.secpol',
        '--no-interactive',
        '--answers',
        answers,
        '--write',
      ],
      'p.secpol',
      readFileSync(path.join(boot, 'policy.secpol'), 'utf8'),
    ],
    // Its write failed when the buffer was flushed: an empty file was renamed over out.txt, exit 0.
    ['monitor -o', ['monitor', '-o', 'out.txt', path.join(boot, 'trace.log')], 'out.txt', POLICY],
  ];
  const full = ROOT ? it.each(WRITERS) : it.skip.each(WRITERS);
  if (!ROOT)
    process.stderr.write('write-faults: full-disk writers skipped (needs root to mount a tmpfs)\n');
  full(
    '%s: one line in words, exit 2, nothing changed or left',
    async (_label, argv, written, policy) => {
      const dir = tmpfs(256);
      if (!dir) throw new Error('mount -t tmpfs failed as root');
      mounted.push(dir);
      writeFileSync(path.join(dir, 'p.secpol'), policy);
      if (written !== 'p.secpol') writeFileSync(path.join(dir, written), 'old output\n');
      const before = readFileSync(path.join(dir, written));
      fill(dir);
      const r = await runCli(argv, { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `^secpol-learn: cannot write ${written.replace('.', '\\.')}: no space left on device$`,
          'm',
        ),
      );
      expect(readFileSync(path.join(dir, written))).toEqual(before);
      expect(extra(dir, ['p.secpol', written]).filter((f) => !/^fill\d+$/.test(f))).toEqual([]);
    },
  );
});

/** Runs the CLI as a child process (paths in `args` absolute); resolves to its exit code and stderr. */
function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = track(
      spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', BIN, ...args], {
        cwd: path.join(__dirname, '..', '..'),
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

describe('standard output that cannot be written', () => {
  const full = existsSync('/dev/full') ? it : it.skip;
  full('a full disk under stdout: one line in words, exit 2, no stack trace', () => {
    const fd = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', BIN, 'monitor', '-aps', TRACE_FILE],
        { cwd: path.join(__dirname, '..', '..'), stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' },
      );
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(
        'secpol-learn: cannot write standard output: no space left on device\n',
      );
    } finally {
      closeSync(fd);
    }
  });

  full(
    'check on a full disk still prints its verdict on stderr after the write error, exit 2',
    () => {
      const fd = openSync('/dev/full', 'w');
      try {
        const sample = path.join('samples', 'waivers');
        const r = spawnSync(
          process.execPath,
          [
            '-r',
            'ts-node/register/transpile-only',
            BIN,
            'check',
            '--policy',
            path.join(sample, 'policy.secpol'),
            path.join(sample, 'trace.log'),
          ],
          {
            cwd: path.join(__dirname, '..', '..'),
            stdio: ['ignore', fd, 'pipe'],
            encoding: 'utf8',
          },
        );
        expect(r.status).toBe(2);
        const lines = r.stderr.trimEnd().split('\n');
        expect(lines[lines.length - 2]).toMatch(/^secpol-learn check: FAIL: \d+ failure record/);
        expect(lines[lines.length - 1]).toBe(
          'secpol-learn: cannot write standard output: no space left on device',
        );
      } finally {
        closeSync(fd);
      }
    },
  );
});

describe('--write with other writers', () => {
  it('two suggest --write at once on one policy: both updates land, or the second is refused (exit 2), never lost', async () => {
    // Each trace needs a grant of its own; together they need both.
    const one = 'error: sbin/devf-ram (pid:1) type fs_user_t lacks ability PATHSPACE as root\n';
    const two =
      'error: sbin/devf-ram (pid:2) type fs_nonuser_t lacks ability PUBLIC_CHANNEL as root\n';
    for (let round = 0; round < 2; round++) {
      const dir = mkdtempSync(path.join(tmpdir(), 'secpol-race-'));
      writeFileSync(path.join(dir, 'policy.secpol'), POLICY);
      writeFileSync(path.join(dir, 'one.log'), one);
      writeFileSync(path.join(dir, 'two.log'), two);
      const results = await Promise.all(
        ['one.log', 'two.log'].map((t) =>
          cli([
            'suggest',
            path.join(dir, t),
            '--policy',
            path.join(dir, 'policy.secpol'),
            '--write',
          ]),
        ),
      );
      for (const r of results) {
        expect([0, 2]).toContain(r.code);
        // The holder named by its pid, or, read before it wrote its pid (or after it removed
        // the lock), as another process; or found finished between the read and the probe.
        if (r.code === 2)
          expect(r.stderr).toMatch(
            /\/policy\.secpol: (is being written by (process \d+|another process)|was being written by (process \d+|another process), which has just finished|changed since it was read)/,
          );
      }
      const policy = readFileSync(path.join(dir, 'policy.secpol'), 'utf8');
      const landed = ['one.log', 'two.log'].filter((_, i) => results[i]!.code === 0);
      // What every writer that exited 0 asked for is in the policy now: nothing more to suggest.
      const again = await runCli(['suggest', ...landed, '--policy', 'policy.secpol'], { cwd: dir });
      expect(again.stdout).toBe('');
      expect(policy).not.toBe(POLICY);
      expect(readdirSync(dir).filter((f) => f.endsWith('.lock') || f.endsWith('.tmp'))).toEqual([]);
    }
  }, 180_000);

  it('kill -9 and SIGTERM at random points: the policy is always the old or the new bytes, a backup never partial', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-kill-'));
    mkdirSync(path.join(dir, 'p'));
    const file = path.join(dir, 'p', 'policy.secpol');
    // Large enough that a write takes a while: the kill lands inside one.
    const pad = (tag: string): string =>
      POLICY + Array.from({ length: 40000 }, (_, i) => `# ${tag} ${i}\n`).join('');
    const OLD = pad('old');
    const NEW = pad('new');
    const script = `
      const fs = require('fs');
      const { writeTransaction } = require('./cli/write-transaction');
      const [file, a, b] = process.argv.slice(1);
      const texts = [fs.readFileSync(a, 'utf8'), fs.readFileSync(b, 'utf8')];
      (async () => {
        for (let i = 1; ; i++) {
          const done = await writeTransaction(
            [{ name: file, path: file, text: texts[i % 2], encoding: 'utf8' }], { backup: true });
          for (const w of done) fs.rmSync(w.backup);
          if (i === 1) process.stdout.write('ready\\n');
        }
      })();`;
    writeFileSync(path.join(dir, 'old'), OLD);
    writeFileSync(path.join(dir, 'new'), NEW);
    for (let round = 0; round < 4; round++) {
      writeFileSync(file, OLD);
      rmSync(`${file}.lock`, { force: true });
      const child = track(
        spawn(
          process.execPath,
          [
            '-r',
            'ts-node/register/transpile-only',
            '-e',
            script,
            file,
            path.join(dir, 'old'),
            path.join(dir, 'new'),
          ],
          { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] },
        ),
      );
      // Made at once: an exit before the kill (a writer that failed) is never missed.
      const exited = exitOf(child);
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      // The writer says `ready` after its first transaction; one that exits first failed.
      const ready = new Promise<string>((res) => child.stdout.once('data', () => res('ready')));
      const first = await within(
        120_000,
        Promise.race([ready, exited.then(() => 'exited')]),
        `writer ${round} to say ready`,
      );
      expect({ first, stderr }).toEqual({ first: 'ready', stderr: '' });
      await new Promise((res) => setTimeout(res, Math.random() * 300));
      // SIGKILL cannot be caught; SIGTERM is, and the writer removes its lock and temporaries first.
      const signal = round % 2 === 0 ? 'SIGKILL' : 'SIGTERM';
      child.kill(signal);
      expect(await within(60_000, exited, `writer ${round} to end on ${signal}`)).toEqual({
        code: null,
        signal,
      });
      expect([OLD, NEW]).toContain(readFileSync(file, 'utf8'));
      // (Temporaries of an earlier round's SIGKILL stay; their names carry that writer's pid.)
      if (signal === 'SIGTERM')
        expect(
          readdirSync(path.join(dir, 'p')).filter(
            (f) => f.endsWith('.lock') || f.includes(`.${child.pid}.`),
          ),
        ).toEqual([]);
      for (const f of readdirSync(path.join(dir, 'p')).filter((f) => f.includes('.orig'))) {
        expect([OLD, NEW]).toContain(readFileSync(path.join(dir, 'p', f), 'utf8'));
      }
    }
  }, 600_000);

  // Fails before: each transaction removed its signal listeners at its end, and Node drops a
  // signal it caught but had not yet handed to a listener when the last one goes: the writer ran on.
  it('a SIGTERM that lands as a transaction ends still ends the writer', async () => {
    const { dir, file } = policyDir('secpol-late-signal-');
    const script = `
      const fs = require('fs');
      const rm = fs.promises.rm;
      // The lock's removal is a transaction's last wait: the signal comes the moment it is done.
      fs.promises.rm = async (...args) => {
        const done = await rm(...args);
        if (String(args[0]).endsWith('.lock')) process.kill(process.pid, 'SIGTERM');
        return done;
      };
      const { writeTransaction } = require('./cli/write-transaction');
      const [file] = process.argv.slice(1);
      writeTransaction(
        [{ name: file, path: file, text: fs.readFileSync(file, 'utf8') + '# late\\n', encoding: 'utf8' }],
        { backup: false },
      ).then(() => setTimeout(() => process.stdout.write('ran on\\n'), 3000));`;
    const { exit, out } = await runWriter(script, file);
    expect(exit).toEqual({
      code: null,
      signal: 'SIGTERM',
    });
    expect(out).toBe('');
    // The transaction was done: the new text is there, and no lock is left.
    expect(readFileSync(file, 'utf8')).toBe(`${POLICY}# late\n`);
    expect(readdirSync(dir)).toEqual(['policy.secpol']);
  }, 180_000);

  // follow.ts listens from before the first transaction: the command's listener, added
  // before or after, is told of the signal and nothing else is done with it.
  it.each(['before', 'after'])(
    "between transactions a signal is left to the command's own listener (follow.ts), added %s the first",
    async (when) => {
      const { file } = policyDir('secpol-own-signal-');
      const script = `
      const fs = require('fs');
      const { writeTransaction } = require('./cli/write-transaction');
      const [file] = process.argv.slice(1);
      const when = '${when}';
      const listen = () => process.once('SIGTERM', () => process.stdout.write('handled\\n'));
      if (when === 'before') listen();
      writeTransaction(
        [{ name: file, path: file, text: fs.readFileSync(file, 'utf8') + '# own\\n', encoding: 'utf8' }],
        { backup: false },
      ).then(() => {
        if (when === 'after') listen();
        const alive = setTimeout(() => undefined, 3000);
        process.kill(process.pid, 'SIGTERM');
        setTimeout(() => clearTimeout(alive), 500);
      });`;
      const { exit, out } = await runWriter(script, file);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(out).toBe('handled\n');
      expect(readFileSync(file, 'utf8')).toBe(`${POLICY}# own\n`);
    },
    180_000,
  );

  it('during a transaction a signal ends the writer whoever else listens, its lock removed', async () => {
    const { dir, file } = policyDir('secpol-mid-signal-');
    const script = `
      const fs = require('fs');
      const readFile = fs.promises.readFile;
      // The policy read again under the lock: one signal comes mid-transaction.
      let sent = false;
      fs.promises.readFile = async (...args) => {
        const text = await readFile(...args);
        if (!sent) process.kill(process.pid, 'SIGTERM');
        sent = true;
        return text;
      };
      // A command's own listener, as follow.ts adds one before any write.
      process.once('SIGTERM', () => process.stdout.write('handled\\n'));
      const { writeTransaction } = require('./cli/write-transaction');
      const [file] = process.argv.slice(1);
      writeTransaction(
        [{ name: file, path: file, text: '# mid\\n', encoding: 'utf8' }],
        { backup: false },
      ).then(() => setTimeout(() => process.stdout.write('ran on\\n'), 3000));`;
    const { exit, out } = await runWriter(script, file);
    expect(exit).toEqual({
      code: null,
      signal: 'SIGTERM',
    });
    expect(out).not.toContain('ran on');
    expect(readFileSync(file, 'utf8')).toBe(POLICY);
    expect(readdirSync(dir)).toEqual(['policy.secpol']);
  }, 180_000);
});
