import { PassThrough, type Writable } from 'node:stream';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { useColor, withColorChoice, type ColorChoice } from './color';
import { runCli } from '../test-utils/run-cli';

function streamOf(tty: boolean): Writable {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (tty) s.isTTY = true;
  return s;
}

describe('useColor: --color, then FORCE_COLOR, then NO_COLOR, then TERM=dumb, then a terminal', () => {
  const cases: [string, boolean, NodeJS.ProcessEnv, ColorChoice | undefined, boolean][] = [
    ['a terminal', true, {}, undefined, true],
    ['a pipe', false, {}, undefined, false],
    ['auto is the default', true, {}, 'auto', true],
    ['NO_COLOR on a terminal', true, { NO_COLOR: '1' }, undefined, false],
    ['an empty NO_COLOR is unset (no-color.org)', true, { NO_COLOR: '' }, undefined, true],
    ['TERM=dumb', true, { TERM: 'dumb' }, undefined, false],
    ['FORCE_COLOR on a pipe', false, { FORCE_COLOR: '1' }, undefined, true],
    ['an empty FORCE_COLOR forces', false, { FORCE_COLOR: '' }, undefined, true],
    ['FORCE_COLOR=3', false, { FORCE_COLOR: '3' }, undefined, true],
    ['FORCE_COLOR=0 on a terminal', true, { FORCE_COLOR: '0' }, undefined, false],
    ['FORCE_COLOR=false on a terminal', true, { FORCE_COLOR: 'false' }, undefined, false],
    ['FORCE_COLOR wins over NO_COLOR', false, { FORCE_COLOR: '1', NO_COLOR: '1' }, undefined, true],
    ['FORCE_COLOR wins over TERM=dumb', false, { FORCE_COLOR: '1', TERM: 'dumb' }, undefined, true],
    ['--color=always on a pipe', false, {}, 'always', true],
    ['--color=always wins over NO_COLOR', false, { NO_COLOR: '1' }, 'always', true],
    ['--color=never on a terminal', true, {}, 'never', false],
    ['--color=never wins over FORCE_COLOR', true, { FORCE_COLOR: '1' }, 'never', false],
  ];
  it.each(cases)('%s', (_what, tty, env, choice, expected) => {
    expect(useColor(streamOf(tty), env, choice)).toBe(expected);
  });

  it('takes the parsed --color into the io, and leaves it for other values', () => {
    const io: { cwd: string; color?: ColorChoice } = { cwd: '/' };
    expect(withColorChoice(io, { color: 'never' })).toEqual({ cwd: '/', color: 'never' });
    expect(withColorChoice(io, {})).toBe(io);
    expect(withColorChoice(io, { color: false })).toBe(io);
  });
});

describe('check colours its uncovered lines as useColor says', () => {
  const seed = path.join(__dirname, '..', '..', 'samples', 'seed-walkthrough');
  const expected = readFileSync(path.join(seed, 'expected.check.txt'), 'utf8');
  const args = ['check', 'trace.log', '--policy', 'policy.secpol'];

  it('plain on a pipe, and under --color=never whatever FORCE_COLOR says', async () => {
    expect((await runCli(args, { cwd: seed })).stdout).toBe(expected);
    const never = await runCli([...args, '--color=never'], {
      cwd: seed,
      env: { FORCE_COLOR: '1' },
    });
    expect(never.stdout).toBe(expected);
    expect((await runCli([...args, '--no-color'], { cwd: seed })).stdout).toBe(expected);
  });

  it('red with --color=always or FORCE_COLOR, the text unchanged', async () => {
    const red = expected
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => `\x1b[31m${l}\x1b[39m\n`)
      .join('');
    for (const [extra, env] of [
      [['--color=always'], { NO_COLOR: '1' }],
      [[], { FORCE_COLOR: '1' }],
    ] as const) {
      const r = await runCli([...args, ...extra], { cwd: seed, env });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe(red);
    }
  });

  it('refuses another value, and --color given twice', async () => {
    const bad = await runCli([...args, '--color=sometimes'], { cwd: seed });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--color must be one of auto, always, never (given: sometimes)');
    const twice = await runCli([...args, '--color=always', '--color=never'], { cwd: seed });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('--color');
  });
});
