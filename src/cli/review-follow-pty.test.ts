/**
 * `review --follow` end to end through a real pseudo-terminal: `script` runs
 * the built executable (dist/bin.js: `npm run build` first) following a trace
 * file that the test grows while the session runs, or a pipe on standard
 * input that the test writes (the keys then come from /dev/tty), and the test
 * types keys as each prompt appears. Nothing waits for a time: every step
 * waits for an output pattern, under a deadline that fails the step (so the `finally`
 * runs before jest's own timeout). Every process started is killed in that
 * `finally`: `script`'s process group, and the executable itself, whose pid
 * the shell writes before `exec` (script puts it in a session of its own).
 */
import {
  execFileSync,
  spawn,
  spawnSync,
  type ChildProcessWithoutNullStreams,
} from 'node:child_process';
import { open, type FileHandle } from 'node:fs/promises';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SEED_FIRST, SEED_POLICY, SEED_REST } from '../test-utils/live';
import { writeFastClock } from '../test-utils/fast-clock';

const ROOT_DIR = path.join(__dirname, '..', '..');
const DIST_BIN = path.join(ROOT_DIR, 'dist', 'bin.js');
/** How long one step may wait for its pattern on a loaded machine before the test fails. */
const STEP_DEADLINE_MS = 40_000;

/** Terminal output without escape sequences. */
const plain = (s: string): string =>
  s.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]/g, '').replace(/\r/g, '');

/** A command run by `script` on a pseudo-terminal in `dir`, typed at as its output asks. */
interface Terminal {
  /** Waits until the output since the last keys matches `pattern`, then types `keys` (if any). */
  when(pattern: RegExp, keys?: string): Promise<void>;
  /** The exit status of the command (script's, which is the command's with -e), under the deadline. */
  exit(): Promise<number | null>;
  /** Everything shown, without escape sequences. */
  screen(): string;
  /** Kills whatever still runs (script's group, then the executable by its pid). */
  kill(): void;
}

function terminal(dir: string, command: string): Terminal {
  // The shell writes its pid, then becomes the executable: `exe.pid` names the process to kill.
  const cmd = `echo $$ > exe.pid; exec ${command}`;
  const child: ChildProcessWithoutNullStreams = spawn('script', ['-qfec', cmd, '/dev/null'], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: dir, TERM: 'xterm', NO_COLOR: '1', LANG: 'C.UTF-8' },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let screen = '';
  let mark = 0;
  let waiting: { pattern: RegExp; resolve: () => void } | undefined;
  let closed = false;
  const check = (): void => {
    if (waiting && waiting.pattern.test(plain(screen.slice(mark)))) {
      const w = waiting;
      waiting = undefined;
      w.resolve();
    }
  };
  child.stdout.on('data', (c: Buffer) => {
    screen += c.toString('utf8');
    check();
  });
  const exited = new Promise<number | null>((res) =>
    child.on('close', (code) => {
      closed = true;
      res(code);
    }),
  );
  /** `promise`, or an error showing the screen when it has not settled by the deadline. */
  const deadline = async <T>(what: string, promise: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        promise,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${what}; the terminal shows:\n${plain(screen)}`)),
            STEP_DEADLINE_MS,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    when: async (pattern, keys) => {
      try {
        await deadline(
          `no ${String(pattern)} on the terminal`,
          new Promise<void>((resolve) => {
            waiting = { pattern, resolve };
            check();
          }),
        );
      } finally {
        waiting = undefined;
      }
      mark = screen.length;
      if (keys !== undefined) child.stdin.write(keys);
    },
    exit: () => deadline('the command did not exit', exited),
    screen: () => plain(screen),
    kill: () => {
      if (!closed && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      let pid = NaN;
      try {
        pid = Number(readFileSync(path.join(dir, 'exe.pid'), 'utf8').trim());
      } catch {
        // The shell never ran.
      }
      if (Number.isInteger(pid) && pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    },
  };
}

describe('review --follow on a pseudo-terminal', () => {
  it('asks each group as the followed trace grows, and writes the decisions on q', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'review-follow-pty-'));
    copyFileSync(SEED_POLICY, path.join(dir, 'policy.secpol'));
    writeFileSync(path.join(dir, 'trace.log'), SEED_FIRST);
    // Under the fast clock a bar would draw on the first bytes read (src/test-utils/fast-clock.ts;
    // review-pty.test.ts sees it drawn, then erased before the first prompt, without --follow).
    const clock = writeFastClock(dir);
    const t = terminal(
      dir,
      `'${process.execPath}' --require '${clock}' '${DIST_BIN}' review --follow trace.log --policy policy.secpol --answers answers.json > out.secpol`,
    );
    try {
      // The first record alone: one group, asked while the file is still open.
      await t.when(/\[1\/1\] fs_user_t needs pathspace[^]*your choice \(/, 'a\r');
      await t.when(/waiting for new failures/);
      // The writer goes on: the new groups are asked as they appear.
      appendFileSync(path.join(dir, 'trace.log'), SEED_REST);
      await t.when(/fs_nonuser_t needs fs_t \(connect\)[^]*your choice \(/, 'a\r');
      await t.when(/your choice \(/, 'q\r');
      const code = await t.exit();
      const shown = t.screen();
      // The progress bar is never drawn for a followed stream (it would be over the prompts).
      expect(shown).not.toContain('reading traces');
      expect(shown).not.toMatch(/\[[#-]{24}\]/);
      expect(shown).toMatch(
        /secpol-learn review: 4 group\(s\); 2 decided, 0 waived, 2 with no decision/,
      );
      expect(code).toBe(0);
      // The decisions were replayed on the plan of the whole trace.
      const out = readFileSync(path.join(dir, 'out.secpol'), 'utf8');
      expect(out).toMatch(/allow fs_user_t self:ability \{\n(.*\n)* {4}pathspace\n\};/);
      expect(out).toContain('allow fs_nonuser_t fs_t:channel connect;');
      expect(out).not.toContain('allow_attach');
      const answers = JSON.parse(readFileSync(path.join(dir, 'answers.json'), 'utf8')) as {
        decisions: Array<{ kind: string; choice: string }>;
      };
      expect(answers.decisions.map((d) => `${d.kind} ${d.choice}`).sort()).toEqual([
        'ability allow',
        'connect allow',
      ]);
    } finally {
      t.kill();
    }
  }, 300_000);
});

describe('review --follow of standard input on a pseudo-terminal', () => {
  it('reads the stream from a pipe and the keys from the terminal (/dev/tty)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'review-follow-stdin-'));
    copyFileSync(SEED_POLICY, path.join(dir, 'policy.secpol'));
    const fifo = path.join(dir, 'monitor.fifo');
    // As `ssh target secpolmonitor -aps | secpol-learn review --follow ...`: a pipe the test writes.
    execFileSync('mkfifo', [fifo]);
    const t = terminal(
      dir,
      `'${process.execPath}' '${DIST_BIN}' review --follow --policy policy.secpol --answers answers.json < monitor.fifo > out.secpol`,
    );
    let writer: FileHandle | undefined;
    try {
      // Read-write: opening never waits for the reader (Linux), so no step can hang here.
      writer = await open(fifo, 'r+');
      await writer.write(SEED_FIRST);
      await t.when(/\[1\/1\] fs_user_t needs pathspace[^]*your choice \(/, 'a\r');
      await t.when(/waiting for new failures/);
      await writer.write(SEED_REST);
      await t.when(/fs_nonuser_t needs fs_t \(connect\)[^]*your choice \(/, 'n\r');
      await t.when(/your choice \(/, 'q\r');
      // The monitor ends: the decisions are replayed on the plan of the whole stream.
      await writer.close();
      writer = undefined;
      const code = await t.exit();
      expect(t.screen()).toMatch(
        /secpol-learn review: 4 group\(s\); 2 decided, 0 waived, 2 with no decision/,
      );
      expect(code).toBe(0);
      const out = readFileSync(path.join(dir, 'out.secpol'), 'utf8');
      expect(out).toMatch(/allow fs_user_t self:ability \{\n(.*\n)* {4}pathspace\n\};/);
      expect(out).not.toContain('fs_t:channel connect');
      const answers = JSON.parse(readFileSync(path.join(dir, 'answers.json'), 'utf8')) as {
        decisions: Array<{ kind: string; choice: string }>;
      };
      expect(answers.decisions.map((d) => `${d.kind} ${d.choice}`).sort()).toEqual([
        'ability allow',
        'connect never',
      ]);
    } finally {
      await writer?.close();
      t.kill();
    }
  }, 300_000);
});

describe('review on a Node.js without require(esm)', () => {
  it('refuses the interactive session in words, exit 2, before reading traces', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'review-old-node-'));
    copyFileSync(SEED_POLICY, path.join(dir, 'policy.secpol'));
    writeFileSync(path.join(dir, 'trace.log'), SEED_FIRST);
    // --no-experimental-require-module makes Node 20.19+ load ES modules as Node 20.18 did.
    const t = terminal(
      dir,
      `'${process.execPath}' --no-experimental-require-module '${DIST_BIN}' review trace.log --policy policy.secpol`,
    );
    try {
      await t.when(/secpol-learn: [^]*Try/);
      const code = await t.exit();
      const shown = t.screen();
      expect(shown).toMatch(
        /the interactive review needs Node\.js 20\.19 or later[^]*--answers FILE --no-interactive/,
      );
      expect(shown).not.toMatch(/internal error|\n\s+at /);
      expect(code).toBe(2);
      // The replay prompts nothing: it runs on that Node (exit 1: groups with no decision).
      const replay = spawnSync(
        process.execPath,
        [
          '--no-experimental-require-module',
          DIST_BIN,
          'review',
          'trace.log',
          '--policy',
          'policy.secpol',
          '--no-interactive',
        ],
        { cwd: dir, encoding: 'utf8' },
      );
      expect(replay.stderr).toContain('secpol-learn review: 1 group(s); 0 decided');
      expect(replay.status).toBe(1);
    } finally {
      t.kill();
    }
  }, 300_000);
});
