import { PassThrough } from 'node:stream';
import * as path from 'node:path';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createProgress, fileSizes, type ProgressIo } from './progress';
import { run } from './run';
import type { CliIo } from './io';
import type { ColorChoice } from './color';

function stream(tty: boolean): PassThrough & { isTTY?: boolean; text: () => string } {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; text: () => string };
  if (tty) s.isTTY = true;
  const chunks: string[] = [];
  s.on('data', (c: Buffer) => chunks.push(c.toString()));
  s.text = () => chunks.join('');
  return s;
}

/** Draws a bar half way through a read long enough to show it; what reached stderr. */
async function drawHalf(tty: boolean, env: NodeJS.ProcessEnv, color?: ColorChoice) {
  const s = stream(tty);
  let t = 0;
  const io: ProgressIo = { stderr: s, env, ...(color ? { color } : {}) };
  const p = createProgress(io, { label: 'reading', now: () => t });
  p.expect(1_000_000);
  p.advance(100_000); // before the delay: nothing
  t = 3000;
  p.advance(400_000);
  p.done();
  await new Promise((r) => setImmediate(r));
  return s.text();
}

describe('createProgress', () => {
  it('prints nothing on a pipe, however long the read, whatever forces colour', async () => {
    for (const [env, color] of [
      [{}, undefined],
      [{ FORCE_COLOR: '1' }, undefined],
      [{}, 'always'],
    ] as const) {
      const s = stream(false);
      let t = 0;
      const p = createProgress(
        { stderr: s, env, ...(color ? { color } : {}) },
        {
          label: 'reading',
          now: () => t,
        },
      );
      p.expect(1000);
      for (let i = 0; i < 10; i++) {
        t += 5000;
        p.advance(100);
      }
      p.done();
      await new Promise((r) => setImmediate(r));
      expect(s.text()).toBe('');
    }
  });

  it('draws on a terminal after the delay, coloured as color.ts decides, and erases itself', async () => {
    const cases: [NodeJS.ProcessEnv, ColorChoice | undefined, boolean][] = [
      [{}, undefined, true],
      [{ NO_COLOR: '1' }, undefined, false],
      [{}, 'never', false],
      [{ NO_COLOR: '1' }, 'always', true],
      [{ NO_COLOR: '1', FORCE_COLOR: '1' }, undefined, true],
      [{ FORCE_COLOR: '0' }, undefined, false],
    ];
    for (const [env, color, coloured] of cases) {
      const out = await drawHalf(true, env, color);
      expect(out).toContain('reading [############------------]  50%');
      expect(out.includes('\x1b[36m')).toBe(coloured);
      expect(out.endsWith('\r\x1b[K')).toBe(true);
    }
  });

  it('never draws under TERM=dumb (no cursor control), even with colour forced', async () => {
    expect(await drawHalf(true, { TERM: 'dumb' })).toBe('');
    expect(await drawHalf(true, { TERM: 'dumb', FORCE_COLOR: '1' }, 'always')).toBe('');
  });

  it('stays silent for short reads on a terminal', async () => {
    const s = stream(true);
    let t = 0;
    const p = createProgress({ stderr: s, env: {} }, { label: 'reading', now: () => t });
    p.advance(10);
    t = 1500;
    p.advance(10);
    p.done();
    await new Promise((r) => setImmediate(r));
    expect(s.text()).toBe('');
  });

  it('draws again after done() when more is read (monitor -v erases it before a diagnostic)', async () => {
    const s = stream(true);
    let t = 0;
    const p = createProgress({ stderr: s, env: {} }, { label: 'reading', now: () => t });
    p.expect(100);
    t = 3000;
    p.advance(10);
    p.done();
    t = 4000;
    p.advance(10);
    p.done();
    await new Promise((r) => setImmediate(r));
    expect(s.text().match(/reading \[/g)).toHaveLength(2);
  });
});

describe('fileSizes', () => {
  it('adds the regular files, and counts standard input and missing names as 0', () => {
    const seed = path.join(__dirname, '..', '..', 'samples', 'seed-walkthrough');
    const one = fileSizes(['trace.log'], seed);
    expect(one).toBeGreaterThan(0);
    expect(fileSizes(['trace.log', '-', 'no-such-file', '.'], seed)).toBe(one);
  });
});

/** A captured stream that says it is (or is not) a terminal. */
function capture(tty: boolean): PassThrough & { isTTY?: boolean; text: () => string } {
  return stream(tty);
}

/** Runs the CLI in-process with stderr (and optionally stdout) a terminal, on a clock jumping 5 s a read. */
async function runOnTerminal(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; stdoutTty?: boolean } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture(options.stdoutTty ?? false);
  const stderr = capture(true);
  const stdin = new PassThrough();
  stdin.end('');
  const io: CliIo = {
    stdin,
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: path.join(__dirname, '..', '..', 'samples', 'seed-walkthrough'),
  };
  let t = 0;
  const clock = jest.spyOn(Date, 'now').mockImplementation(() => (t += 5000));
  try {
    const code = await run(argv, io);
    await new Promise((r) => setImmediate(r));
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    clock.mockRestore();
  }
}

const seed = path.join(__dirname, '..', '..', 'samples', 'seed-walkthrough');

const BAR = /\r(?:\x1b\[36m)?reading traces \[#+-*\] +\d+% \d+ MB \d+ MB\/s(?:\x1b\[39m)?\x1b\[K/;

describe('the progress bar of every command that reads traces', () => {
  const commands: string[][] = [
    ['suggest', 'trace.log', '--policy', 'policy.secpol'],
    ['generate', 'trace.log'],
    ['check', 'trace.log', '--policy', 'policy.secpol'],
    ['explain', 'trace.log', '--policy', 'policy.secpol'],
    ['harden', 'trace.log', '--policy', 'policy.secpol'],
    ['monitor', 'trace.log'],
  ];

  it.each(commands)('%s: one look, on a terminal, erased before the result', async (...argv) => {
    const r = await runOnTerminal(argv);
    expect(r.stderr).toMatch(BAR);
    expect(r.stderr).toContain('\x1b[36m');
    // Erased before the summary line, which starts clean.
    expect(r.stderr).toMatch(/\r\x1b\[K(?:secpol-learn|[a-z])/);
    expect(r.stdout).not.toContain('\x1b');
  });

  it.each(commands)('%s: without colour under --color=never and NO_COLOR', async (...argv) => {
    for (const [extra, env] of [
      [['--color=never'], {}],
      [[], { NO_COLOR: '1' }],
    ] as const) {
      const r = await runOnTerminal([...argv, ...extra], { env });
      expect(r.stderr).toMatch(BAR);
      expect(r.stderr).not.toContain('\x1b[36m');
    }
  });

  it.each(commands)('%s: no bar under TERM=dumb', async (...argv) => {
    const r = await runOnTerminal(argv, { env: { TERM: 'dumb' } });
    expect(r.stderr).not.toContain('reading traces');
    expect(r.stderr).not.toContain('\x1b');
  });

  it('monitor -v erases the bar before each line it names on stderr', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-progress-'));
    const trace = readFileSync(path.join(seed, 'trace.log'), 'utf8');
    writeFileSync(path.join(dir, 'mixed.log'), trace.replace(/\n/g, '\nnot a record\n'));
    const r = await runOnTerminal([
      'monitor',
      '-v',
      path.join(dir, 'mixed.log'),
      '-o',
      '/dev/null',
    ]);
    expect(r.stderr).toMatch(BAR);
    expect(r.stderr).toMatch(/\r\x1b\[K\/.*mixed\.log:\d+: warning: /);
    // After every drawing of the bar comes `\r`: an erase or a redraw, never a line glued to it.
    expect(r.stderr).not.toMatch(/MB\/s(?:\x1b\[39m)?\x1b\[K[^\r]/);
  });

  it('monitor draws none when its events go to the terminal too', async () => {
    const r = await runOnTerminal(['monitor', 'trace.log'], { stdoutTty: true });
    expect(r.stdout).toContain('devf-ram');
    expect(r.stderr).not.toContain('reading traces');
    const toFile = await runOnTerminal(['monitor', 'trace.log', '-o', '/dev/null'], {
      stdoutTty: true,
    });
    expect(toFile.stderr).toMatch(BAR);
  });
});
