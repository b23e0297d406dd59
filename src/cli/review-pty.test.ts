/**
 * `review` end to end through a real pseudo-terminal: `script` runs the built
 * executable (dist/bin.js: `npm run build` first, as the other tests of the
 * executable) on a copy of the seed walkthrough, and the test types keys as
 * each prompt appears (it waits for the prompt's text, never for a time).
 */
import { spawn } from 'node:child_process';
import { track } from '../test-utils/children';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeFastClock } from '../test-utils/fast-clock';

const ROOT_DIR = path.join(__dirname, '..', '..');
const SEED = path.join(ROOT_DIR, 'samples', 'seed-walkthrough');
const DIST_BIN = path.join(ROOT_DIR, 'dist', 'bin.js');

/** Terminal output without escape sequences. */
const plain = (s: string): string =>
  s.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]/g, '').replace(/\r/g, '');

describe('review on a pseudo-terminal', () => {
  it('asks each group with one key and writes the patch, guards, waivers and answers', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'review-pty-'));
    for (const f of ['trace.log', 'policy.secpol'])
      copyFileSync(path.join(SEED, f), path.join(dir, f));
    // The fast clock makes the progress bar draw on the first bytes read (src/test-utils/fast-clock.ts).
    const clock = writeFastClock(dir);
    const cmd = `'${process.execPath}' --require '${clock}' '${DIST_BIN}' review trace.log --policy policy.secpol --answers answers.json --deny-file never.secpol --waive waivers.secpol > out.secpol`;
    const child = track(
      spawn('script', ['-qfec', cmd, '/dev/null'], {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: dir, TERM: 'xterm', NO_COLOR: '1', LANG: 'C.UTF-8' },
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    let screen = '';
    // Output before the last keys typed is not searched again (prompts echo their answers).
    let mark = 0;
    let waiting: { pattern: RegExp; resolve: () => void } | undefined;
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
    const exited = new Promise<number | null>((res) => child.on('close', res));
    /** Waits until the output since the last keys matches `pattern`, then types `keys`. */
    const when = async (pattern: RegExp, keys: string): Promise<void> => {
      await new Promise<void>((resolve) => {
        waiting = { pattern, resolve };
        check();
      });
      mark = screen.length;
      child.stdin.write(keys);
    };
    await when(/\[1\/4\][^]*your choice \(/, 't\r');
    await when(/launch usr\/bin\/touch as \(fs_user_t\)/, '\r');
    await when(/\[2\/4\][^]*your choice \(/, 'n\r');
    await when(/\[3\/4\][^]*your choice \(/, 'w\r');
    await when(/reason \(why/, 'ln probes /tmp\r');
    await when(/until \(YYYY/, '2027-06-30\r');
    await when(/\[4\/4\][^]*your choice \(/, 'a\r');
    // Nothing left to ask: the last decision could still be undone (u); save (q).
    await when(/nothing left to ask; your choice \(/, 'q\r');
    const code = await exited;
    const shown = plain(screen);
    // The bar was drawn while the trace was read, erased (`\r ESC[K`), and only then came the
    // first group: it is never drawn over or after a prompt.
    const firstGroup = screen.indexOf('[1/4]');
    const bars = [...screen.matchAll(/reading traces \[[#-]{24}\] +\d+%/g)].map((m) => m.index);
    expect(bars.length).toBeGreaterThan(0);
    const lastBar = bars[bars.length - 1]!;
    expect(lastBar).toBeLessThan(firstGroup);
    const erased = screen.indexOf('\r\x1b[K', lastBar);
    expect(erased).toBeGreaterThan(lastBar);
    expect(erased).toBeLessThan(firstGroup);
    expect(screen.slice(firstGroup)).not.toContain('reading traces');
    expect(shown).toContain('[1/4] fs_nonuser_t needs fs_t (connect)');
    expect(shown).toContain('policy:    no channel connect rule');
    expect(shown).toContain(
      'secpol-learn review: 4 group(s); 4 decided, 0 waived, 0 with no decision',
    );
    expect(code).toBe(0);
    const file = (f: string): string => readFileSync(path.join(dir, f), 'utf8');
    expect(file('out.secpol')).toMatch(/allow fs_user_t self:ability \{\n.*\n {4}pathspace\n\};/);
    expect(file('out.secpol')).not.toContain('allow_attach');
    expect(file('never.secpol')).toBe(
      '# never: needed by sbin/devf-ram (first seen trace.log:4)\nallow_attach fs_nonuser_t /;\n',
    );
    expect(file('waivers.secpol')).toBe(
      '# reason: ln probes /tmp\n# until: 2027-06-30\nallow_link fs_nonuser_t /tmp/;\n',
    );
    expect(JSON.parse(file('answers.json'))).toMatchObject({
      schema: 'secpol-learn/review-answers',
      decisions: [
        { kind: 'connect', choice: 'launch-as', process: 'usr/bin/touch', as: 'fs_user_t' },
        { kind: 'attach', choice: 'never' },
        { kind: 'link', choice: 'waive' },
        { kind: 'ability', object: 'pathspace', choice: 'allow' },
      ],
    });
  }, 60_000);
});
