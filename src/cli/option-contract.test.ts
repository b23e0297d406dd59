import { readFileSync } from 'node:fs';
import { runCli } from '../test-utils/run-cli';

const POLICY = 'samples/seed-walkthrough/policy.secpol';
const TRACE = 'samples/seed-walkthrough/trace.log';
const trace = readFileSync(TRACE, 'utf8');
const OTHER = 'samples/multi-process-boot/trace.log';

describe('option contract (docs/cli.md)', () => {
  it.each([
    [['check', '--policy', POLICY, '--format', 'json', '--format', 'sarif', TRACE], '--format'],
    [['check', '--policy', POLICY, '--ranges', 'a', '--ranges', 'b', TRACE], '--ranges'],
    [['lint', '--qnx', '7.1', '--qnx', '8.0', POLICY], '--qnx'],
    [['monitor', '-o', 'a.txt', '-o', 'b.txt', TRACE], '-o/--output'],
    [['suggest', '--policy', POLICY, '--format', 'json', '--format=patch', TRACE], '--format'],
  ])('refuses a repeated single-value option: %j', async (argv, name) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${name} was given more than once`);
    expect(r.stderr).toContain(`Try 'secpol-learn ${argv[0]} --help'.`);
    expect(r.stdout).toBe('');
  });

  it.each([
    [['check', '--policy', POLICY, TRACE, '-f'], '-f'],
    [['check', TRACE, '--policy'], '--policy'],
    [['monitor', TRACE, '-o'], '-o'],
    [['check', '--policy', POLICY, TRACE, '--deny'], '--deny'],
  ])('refuses an option without its value: %j', async (argv, name) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${name} needs a value`);
  });

  it('a list option takes one value per occurrence and leaves the traces after it alone', async () => {
    // -f devf-ram TRACE: TRACE is a trace, not a second name (stdin is empty and must stay unread).
    const r = await runCli(['check', '--policy', POLICY, '-f', 'devf-ram', TRACE]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${TRACE}:1: uncovered: sbin/devf-ram`);
    expect(r.stdout).not.toContain('usr/bin/touch');
    const both = await runCli(['monitor', '-ap', '-f', 'devf-ram', '-f', 'touch', TRACE]);
    expect(both.code).toBe(0);
    expect(both.stdout).toContain('devf-ram');
    expect(both.stdout).toContain('touch');
  });

  it('reads `-` next to trace files, wherever it appears', async () => {
    for (const argv of [
      ['check', '--strict', '--policy', POLICY, OTHER, '-'],
      ['check', '-', '--strict', '--policy', POLICY, OTHER],
    ]) {
      const r = await runCli(argv, { stdin: trace });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('-:1: uncovered: sbin/devf-ram');
    }
  });
});

describe('arguments with control, bidirectional or invisible characters', () => {
  const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;
  // A device's log collected by a glob: its name clears the screen and reverses what follows.
  const HOSTILE = 'tr\x1b[2J\u202eace.log';

  it.each([
    [['check', '--policy', POLICY, HOSTILE], 4],
    [['suggest', TRACE, '--policy', `p\x1b]0;x\x07.secpol`], 4],
    [['monitor', '-v', TRACE, '-o', `out\u2066.txt`], 5],
    [['lint', `a\u200b.secpol`], 2],
    [['check', '--policy', POLICY, '--qnx', '\x1b[31m8.0', TRACE], 5],
    [['types', '-b', 'board\u202e.build', TRACE], 3],
  ])('are refused before anything is read, named with `?` (case %#)', async (argv, n) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      new RegExp(
        `^secpol-learn: argument ${n} \\(\`[^\`]*\\?[^\`]*\`\\) has a control, bidirectional or invisible character`,
      ),
    );
    expect(r.stderr).not.toMatch(RAW);
  });

  it('a tab or a non-ASCII letter in a name is not refused', async () => {
    const r = await runCli(['check', '--policy', POLICY, 'caf\u00e9\tlog']);
    expect(r.stderr).not.toContain('has a control');
    expect(r.stderr).toContain('cannot read');
  });
});

describe('`-` where a file is named that is not a trace', () => {
  it.each([
    [['suggest', TRACE, '--ranges', '-']],
    [['check', '--policy', POLICY, '--ranges', '-', TRACE]],
    [['lint', POLICY, '--ranges', '-']],
  ])('--ranges - is refused in words (it looked for a file named `-`): %j', async (argv) => {
    const r = await runCli(argv, { stdin: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--ranges must name a file, not standard input (-)');
  });
});
