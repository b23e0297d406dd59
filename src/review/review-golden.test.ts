/**
 * `check`, `explain`, `diff` and `harden` end to end, in-process: golden
 * files for every command and format over samples/<case>/ (`UPDATE=1`
 * rewrites them), and the exit-code contract: covered 0, uncovered 1, bad
 * usage / unreadable input / a policy that does not parse 2, lines not read
 * named on stderr and failing with `--strict`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../test-utils/run-cli';
import { expectGolden } from '../test-utils/golden';

const samples = path.join(__dirname, '..', '..', 'samples');
const CASES = ['seed-walkthrough', 'multi-process-boot', 'review-harden'];

describe.each(CASES)('golden: samples/%s', (name) => {
  const cwd = path.join(samples, name);
  const golden = (file: string, text: string): void => expectGolden(text, path.join(cwd, file));
  const base = ['--policy', 'policy.secpol', 'trace.log'];

  it('check (text, json, sarif): exit 1, every uncovered failure with its trace line', async () => {
    const text = await runCli(['check', ...base], { cwd });
    expect(text.code).toBe(1);
    golden('expected.check.txt', text.stdout);
    golden('expected.check.stderr.txt', text.stderr);
    for (const line of text.stdout.trim().split('\n'))
      expect(line).toMatch(/^trace\.log:\d+: uncovered: /);
    const json = await runCli(['check', ...base, '--format', 'json'], { cwd });
    expect(json.code).toBe(1);
    golden('expected.check.json', json.stdout);
    const doc = JSON.parse(json.stdout) as { passed: boolean; uncovered: unknown[] };
    expect(doc.passed).toBe(false);
    expect(doc.uncovered).toHaveLength(text.stdout.trim().split('\n').length);
    const sarif = await runCli(['check', ...base, '--format', 'sarif'], { cwd });
    expect(sarif.code).toBe(1);
    golden('expected.check.sarif', sarif.stdout);
  });

  it('explain (text, json, markdown)', async () => {
    for (const [format, file] of [
      ['text', 'expected.explain.txt'],
      ['json', 'expected.explain.json'],
      ['markdown', 'expected.explain.md'],
    ] as const) {
      const r = await runCli(['explain', ...base, '--format', format], { cwd });
      expect(r.code).toBe(0);
      golden(file, r.stdout);
    }
  });

  it('harden (text, json, patch, sarif, markdown)', async () => {
    for (const [format, file] of [
      ['text', 'expected.harden.txt'],
      ['json', 'expected.harden.json'],
      ['patch', 'expected.harden.patch'],
      ['sarif', 'expected.harden.sarif'],
      ['markdown', 'expected.harden.md'],
    ] as const) {
      const r = await runCli(['harden', ...base, '--format', format], { cwd });
      expect(r.code).toBe(0);
      golden(file, r.stdout);
    }
  });

  it('is deterministic: trace order and repeated runs give the same bytes', async () => {
    const a = await runCli(['explain', ...base, '--format', 'json'], { cwd });
    const b = await runCli(['explain', ...base, '--format', 'json'], { cwd });
    expect(a.stdout).toBe(b.stdout);
  });
});

describe('golden: samples/review-harden with guard rules (--deny)', () => {
  const cwd = path.join(samples, 'review-harden');
  it('check fails on guard violations, naming the grant and the guard', async () => {
    const r = await runCli(
      ['check', '--policy', 'policy.secpol', '--deny', 'never.secpol', 'trace.log'],
      { cwd },
    );
    expect(r.code).toBe(1);
    expectGolden(r.stdout, path.join(cwd, 'expected.check-deny.txt'));
    expect(r.stdout).toContain('policy.secpol:20:5: guard: console_t is granted mem_phys');
  });
  it('lint reports guard violations as errors (exit 1), also as SARIF', async () => {
    const r = await runCli(['lint', 'policy.secpol', '--deny', 'never.secpol'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /policy\.secpol:13:5: error: init_t is granted setuid \(via default_priv\), which guard rule never\.secpol:2:27 forbids \[guard-rule\]/,
    );
    const s = await runCli(
      ['lint', 'policy.secpol', '--deny', 'never.secpol', '--format', 'sarif'],
      { cwd },
    );
    expect(s.code).toBe(1);
    expectGolden(s.stdout, path.join(cwd, 'expected.lint-deny.sarif'));
  });
  it('suggest refuses what a guard forbids, naming the record that asked', async () => {
    const r = await runCli(
      ['suggest', 'trace.log', '--policy', 'policy.secpol', '--deny', 'never.secpol'],
      { cwd },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('net_t:channel connect');
    expect(r.stdout).toContain('interrupt:11');
    expect(r.stderr).toContain(
      'trace.log:18: warning: refused by guard rule never.secpol:5:1: log_reader_t connect net_t as root (usr/bin/slog2info) must never be granted [guard-refused]',
    );
    const j = await runCli(
      [
        'suggest',
        'trace.log',
        '--policy',
        'policy.secpol',
        '--deny',
        'never.secpol',
        '--format',
        'json',
      ],
      { cwd },
    );
    expect(
      (JSON.parse(j.stdout) as { refused: Array<{ line: number }> }).refused.map((x) => x.line),
    ).toEqual([18]);
  });
});

describe('golden: samples/review-diff', () => {
  const cwd = path.join(samples, 'review-diff');
  it('diff (text, json, markdown): exit 1, grants not text', async () => {
    for (const [format, file] of [
      ['text', 'expected.diff.txt'],
      ['json', 'expected.diff.json'],
      ['markdown', 'expected.diff.md'],
    ] as const) {
      const r = await runCli(['diff', 'old', 'new', '--format', format], { cwd });
      expect(r.code).toBe(1);
      expectGolden(r.stdout, path.join(cwd, file));
    }
  });
  it('a comma-separated list equals the directory; a policy against itself differs in nothing (exit 0)', async () => {
    const a = await runCli(['diff', 'old', 'new'], { cwd });
    const b = await runCli(['diff', 'old/base.secpol,old/services.secpol', 'new/policy.secpol'], {
      cwd,
    });
    expect(b.stdout).toBe(a.stdout);
    const same = await runCli(['diff', 'old', 'old/base.secpol,old/services.secpol'], { cwd });
    expect(same.code).toBe(0);
    expect(same.stdout).toBe('');
  });
  it('ignores layout and comments: a reformatted copy is no difference', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-diff-'));
    const text = readFileSync(path.join(cwd, 'new', 'policy.secpol'), 'utf8');
    const reformatted = text
      .replace(/#.*$/gm, '# changed comment')
      .replace(/ \{ /g, ' {\n\t')
      .replace(/\n\n/g, '\n');
    writeFileSync(path.join(dir, 'p.secpol'), reformatted);
    const r = await runCli(
      ['diff', path.join(cwd, 'new', 'policy.secpol'), path.join(dir, 'p.secpol')],
      { cwd },
    );
    expect(r.code).toBe(0);
  });
});

describe('exit codes', () => {
  const cwd = path.join(samples, 'seed-walkthrough');
  let dir: string;
  beforeAll(async () => {
    // A covered policy: the seed policy with suggest's patch applied.
    dir = mkdtempSync(path.join(tmpdir(), 'secpol-check-'));
    const s = await runCli(['suggest', 'trace.log', '--policy', 'policy.secpol'], { cwd });
    const policy = readFileSync(path.join(cwd, 'policy.secpol'), 'utf8');
    writeFileSync(path.join(dir, 'covered.secpol'), `${policy}\n${s.stdout}`);
    writeFileSync(path.join(dir, 'broken.secpol'), 'type a\nallow a self:ability io;\n');
    writeFileSync(
      path.join(dir, 'garbage.log'),
      `${readFileSync(path.join(cwd, 'trace.log'), 'utf8')}\nthis is not a record\n`,
    );
  });

  it('0 when every failure is covered', async () => {
    const r = await runCli(['check', '--policy', path.join(dir, 'covered.secpol'), 'trace.log'], {
      cwd,
    });
    expect(r.stderr).toContain('PASS');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });
  it('1 when a failure is not covered', async () => {
    expect((await runCli(['check', '--policy', 'policy.secpol', 'trace.log'], { cwd })).code).toBe(
      1,
    );
  });
  it('2 for bad usage: no --policy', async () => {
    const r = await runCli(['check', 'trace.log'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--policy');
  });
  it('2 for an unreadable trace or policy, naming the file', async () => {
    const t = await runCli(['check', '--policy', 'policy.secpol', 'missing.log'], { cwd });
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('missing.log');
    const p = await runCli(['explain', '--policy', 'missing.secpol', 'trace.log'], { cwd });
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('missing.secpol');
    const d = await runCli(['diff', 'missing.secpol', 'policy.secpol'], { cwd });
    expect(d.code).toBe(2);
  });
  it('2 for a policy that does not parse, with FILE:LINE:COL', async () => {
    const r = await runCli(['check', '--policy', path.join(dir, 'broken.secpol'), 'trace.log'], {
      cwd,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.secpol:1:7: error/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('lines not read: named on stderr and counted; exit 0 unless --strict (then 1)', async () => {
    const covered = path.join(dir, 'covered.secpol');
    const r = await runCli(['check', '--policy', covered, path.join(dir, 'garbage.log')], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/garbage\.log:\d+: warning: line not understood/);
    expect(r.stderr).toContain('1 line(s) not understood');
    const strict = await runCli(
      ['check', '--policy', covered, '--strict', path.join(dir, 'garbage.log')],
      { cwd },
    );
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('FAIL');
  });
  it('reads the trace from standard input', async () => {
    const r = await runCli(['check', '--policy', 'policy.secpol'], {
      cwd,
      stdin: readFileSync(path.join(cwd, 'trace.log')),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^-:1: uncovered/);
  });
  it('harden says so when the traces hold no successes', async () => {
    const failuresOnly = readFileSync(path.join(cwd, 'trace.log'), 'utf8').replace(
      /^info:.*(\n\s+\S.*)*$/gm,
      '',
    );
    writeFileSync(path.join(dir, 'errors.log'), failuresOnly);
    const r = await runCli(['harden', '--policy', 'policy.secpol', path.join(dir, 'errors.log')], {
      cwd,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no successes');
    expect(r.stdout).not.toContain('[unused-grant]');
  });
});

describe('check --waive --strict: an expired or stale waiver is an error', () => {
  const cwd = path.join(samples, 'waivers');
  const base = ['check', '--policy', 'policy.secpol', '--waive', 'waivers.secpol', 'trace.log'];
  const stale =
    'waivers.secpol:13:1: SEVERITY: waiver matched no failure: remove it, or the failure no longer happens [stale-waiver]';
  const expired =
    'waivers.secpol:6:1: SEVERITY: waiver expired on 2027-06-30: it no longer applies [expired-waiver]';
  const lines = (stderr: string, severity: string): string[] =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith(`waivers.secpol:`) && l.includes(`: ${severity}: `));

  it('a warning without --strict, an error line with it (exit 1 either way here: /dev/player is uncovered)', async () => {
    const env = { SECPOL_LEARN_TODAY: '2027-01-15' };
    const plain = await runCli(base, { cwd, env });
    expect(lines(plain.stderr, 'warning')).toEqual([stale.replace('SEVERITY', 'warning')]);
    expect(lines(plain.stderr, 'error')).toEqual([]);
    const strict = await runCli([...base, '--strict'], { cwd, env });
    expect(strict.code).toBe(1);
    expect(lines(strict.stderr, 'error')).toEqual([stale.replace('SEVERITY', 'error')]);
    expect(lines(strict.stderr, 'warning')).toEqual([]);
    expect(strict.stderr).toContain('1 waiver warning(s) (--strict: fail)');
    const sarif = await runCli([...base, '--strict', '--format', 'sarif'], { cwd, env });
    const results = (
      JSON.parse(sarif.stdout) as {
        runs: Array<{ results: Array<{ ruleId: string; level: string }> }>;
      }
    ).runs[0]!.results;
    expect(results.filter((r) => r.ruleId === 'stale-waiver').map((r) => r.level)).toEqual([
      'error',
    ]);
  });

  it('expired: an error line under --strict, at the waiver', async () => {
    const env = { SECPOL_LEARN_TODAY: '2027-07-01' };
    const strict = await runCli([...base, '--strict'], { cwd, env });
    expect(strict.code).toBe(1);
    expect(lines(strict.stderr, 'error')).toContain(expired.replace('SEVERITY', 'error'));
  });
});
