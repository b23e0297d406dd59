/**
 * `--waive` end to end, in-process, over samples/waivers (goldens taken with
 * SECPOL_LEARN_TODAY=2027-01-15; `UPDATE=1` rewrites them): check's exit code
 * in every case (all waived 0, one unwaived 1, stale or expired under --strict
 * 1, a wrong waiver file or date 2), SARIF suppressions validated, suggest
 * emitting nothing for a waived access, explain naming the waiver, harden
 * unchanged by waivers, lint --waive, and hostile reasons refused everywhere.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../test-utils/run-cli';
import { expectGolden } from '../test-utils/golden';
import { validateSarif } from '../render/validate-sarif';
import { hasUnsafeCharacter } from '../diagnostics/safe-text';

const sample = path.join(__dirname, '..', '..', 'samples', 'waivers');
const env = { SECPOL_LEARN_TODAY: '2027-01-15' };
const base = ['--policy', 'policy.secpol', '--waive', 'waivers.secpol', 'trace.log'];
const golden = (file: string, text: string): void => expectGolden(text, path.join(sample, file));

/** A copy of the sample to change. */
function copy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'waivers-'));
  cpSync(sample, dir, { recursive: true });
  return dir;
}

const WAIVERS = readFileSync(path.join(sample, 'waivers.secpol'), 'utf8');
/** The sample's waivers without the stale `prot_exec` one. */
const USED_ONLY = WAIVERS.slice(0, WAIVERS.indexOf('# reason: JIT'));

describe('golden: samples/waivers', () => {
  it('check --follow: a waived failure is not printed as it arrives; the end is the same as without --follow', async () => {
    const trace = readFileSync(path.join(sample, 'trace.log'), 'utf8');
    const args = ['check', '--follow', '--policy', 'policy.secpol', '--waive', 'waivers.secpol'];
    const live = await runCli([...args, '-'], { cwd: sample, env, stdin: trace });
    const whole = await runCli(['check', ...base], { cwd: sample, env });
    expect(live.code).toBe(1);
    // The one uncovered failure only: the four waived records never reach standard output.
    expect(live.stdout.trim().split('\n')).toHaveLength(1);
    expect(live.stdout.replace(/^-:/, 'trace.log:')).toBe(whole.stdout);
    expect(live.stderr).toContain('2 waived (4 record(s))');
  });

  it('check: the waived failures pass, the real need fails (text, json, sarif)', async () => {
    const text = await runCli(['check', ...base], { cwd: sample, env });
    expect(text.code).toBe(1);
    golden('expected.check.txt', text.stdout);
    golden('expected.check.stderr.txt', text.stderr);
    expect(text.stdout.trim().split('\n')).toHaveLength(1);
    expect(text.stderr).toContain(
      '2 failure record(s) waived (waivers.secpol:6 until 2027-06-30): libc probes setuid(0)',
    );
    expect(text.stderr).toMatch(/^waivers\.secpol:13:1: warning: .*\[stale-waiver\]$/m);
    const json = await runCli(['check', ...base, '--format', 'json'], { cwd: sample, env });
    golden('expected.check.json', json.stdout);
    const doc = JSON.parse(json.stdout) as {
      waived: Array<{ line: number; waiver: { line: number; reason: string } }>;
      waiverWarnings: Array<{ ruleId: string }>;
    };
    expect(doc.waived.map((w) => [w.line, w.waiver.line])).toEqual([
      [4, 6],
      [5, 10],
    ]);
    expect(doc.waiverWarnings.map((w) => w.ruleId)).toEqual(['stale-waiver']);
    const sarif = await runCli(['check', ...base, '--format', 'sarif'], { cwd: sample, env });
    golden('expected.check.sarif', sarif.stdout);
    const log = JSON.parse(sarif.stdout) as {
      runs: Array<{
        results: Array<{ ruleId: string; suppressions?: Array<{ justification: string }> }>;
      }>;
    };
    expect(validateSarif(log)).toEqual([]);
    const results = log.runs[0]!.results;
    expect(
      results.filter((r) => r.suppressions).map((r) => r.suppressions![0]!.justification),
    ).toEqual([
      'libc probes setuid(0) at start-up; harmless (QNX troubleshooting guide) (waivers.secpol:6, until 2027-06-30)',
      'the player asks for the top priority, then runs at its own; harmless (waivers.secpol:10, until 2027-06-30)',
    ]);
    expect(results.filter((r) => !r.suppressions).map((r) => r.ruleId)).toEqual([
      'uncovered-failure',
      'stale-waiver',
    ]);
  });

  it('without --waive the documents are as before (no waiver fields)', async () => {
    const json = await runCli(
      ['check', '--policy', 'policy.secpol', 'trace.log', '--format', 'json'],
      {
        cwd: sample,
        env,
      },
    );
    expect(json.code).toBe(1);
    expect(json.stdout).not.toMatch(/waive/);
  });

  it('suggest emits nothing for the waived accesses, says so on stderr and in JSON', async () => {
    const r = await runCli(['suggest', ...base], { cwd: sample, env });
    expect(r.code).toBe(0);
    golden('expected.suggest.secpol', r.stdout);
    golden('expected.suggest.stderr.txt', r.stderr);
    expect(r.stdout).not.toMatch(/setuid|priority/);
    expect(r.stdout).toContain('allow_attach player_t /dev/player;');
    const unwaived = await runCli(['suggest', '--policy', 'policy.secpol', 'trace.log'], {
      cwd: sample,
    });
    expect(unwaived.stdout).toMatch(/setuid:0/);
    const j = await runCli(['suggest', ...base, '--format', 'json'], { cwd: sample, env });
    golden('expected.suggest.json', j.stdout);
    const doc = JSON.parse(j.stdout) as {
      waived: Array<{ access: string; waiver: { line: number } }>;
    };
    expect(doc.waived.map((w) => `${w.access} ${w.waiver.line}`)).toEqual([
      'ability setuid (0) as root 6',
      'ability priority (63) as root 10',
    ]);
  });

  it('explain shows the waiver as the reason', async () => {
    const r = await runCli(['explain', ...base], { cwd: sample, env });
    expect(r.code).toBe(0);
    golden('expected.explain.txt', r.stdout);
    expect(r.stdout).toContain('  why: waived by waivers.secpol:6 until 2027-06-30: libc probes');
    const j = await runCli(['explain', ...base, '--format', 'json'], { cwd: sample, env });
    expect(j.stdout).toContain('"reason": "waived"');
    // The pull-request comment proposes no rule for a waived failure.
    const md = await runCli(['explain', ...base, '--format', 'markdown'], { cwd: sample, env });
    golden('expected.explain.md', md.stdout);
    const rules = md.stdout.slice(md.stdout.indexOf('## Rules that would allow them'));
    expect(rules).toContain('allow_attach player_t /dev/player;');
    expect(rules).not.toMatch(/setuid|priority/);
  });

  it('harden: waivers are not grants, the report is the same; stale waivers are warned about', async () => {
    const plain = await runCli(['harden', '--policy', 'policy.secpol', 'trace.log'], {
      cwd: sample,
    });
    const waived = await runCli(['harden', ...base], { cwd: sample, env });
    expect(waived.code).toBe(0);
    expect(waived.stdout).toBe(plain.stdout);
    expect(waived.stderr).toMatch(/waivers\.secpol:13:1: warning: .*\[stale-waiver\]/);
  });
});

describe('check --waive: exit codes', () => {
  it('all waived: 0; stale under --strict: 1; without the stale waiver, --strict: 0', async () => {
    const cwd = copy();
    const fixed = await runCli(['suggest', ...base, '--write'], { cwd, env });
    expect(fixed.code).toBe(0);
    const all = await runCli(['check', ...base], { cwd, env });
    expect(all.stdout).toBe('');
    expect(all.code).toBe(0);
    expect(all.stderr).toMatch(/check: PASS: .*2 waived \(4 record\(s\)\)/);
    expect((await runCli(['check', ...base, '--strict'], { cwd, env })).code).toBe(1);
    writeFileSync(path.join(cwd, 'waivers.secpol'), USED_ONLY);
    expect((await runCli(['check', ...base, '--strict'], { cwd, env })).code).toBe(0);
  });

  it('the until day still applies; the day after, the waiver is expired: the failures fail', async () => {
    const cwd = copy();
    await runCli(['suggest', ...base, '--write'], { cwd, env });
    writeFileSync(path.join(cwd, 'waivers.secpol'), USED_ONLY);
    const last = await runCli(['check', ...base], {
      cwd,
      env: { SECPOL_LEARN_TODAY: '2027-06-30' },
    });
    expect(last.code).toBe(0);
    const after = await runCli(['check', ...base], {
      cwd,
      env: { SECPOL_LEARN_TODAY: '2027-07-01' },
    });
    expect(after.code).toBe(1);
    expect(after.stderr).toContain(
      'waivers.secpol:6:1: warning: waiver expired on 2027-06-30: it no longer applies [expired-waiver]',
    );
    expect(after.stdout).toMatch(/^trace\.log:4: uncovered: .*setuid\(0\)/m);
  });

  it('a wrong waiver file, a missing reason or a bad date: 2, nothing on stdout', async () => {
    const cwd = copy();
    for (const [text, message] of [
      [
        'allow player_t self:ability setuid:0;\n',
        /waivers\.secpol:1:1: error: waiver without a reason/,
      ],
      [
        '# reason: x\n# until: 2027-02-30\nallow player_t self:ability setuid:0;\n',
        /waivers\.secpol:2:1: error: waiver expiry is not a day/,
      ],
      ['# reason: x\nallow player_t self:ability {\n', /waivers\.secpol:\d+:\d+: error: /],
    ] as const) {
      writeFileSync(path.join(cwd, 'waivers.secpol'), text);
      for (const command of ['check', 'suggest', 'explain', 'harden']) {
        const r = await runCli([command, ...base], { cwd, env });
        expect([command, r.code]).toEqual([command, 2]);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(message);
      }
    }
    const noFile = await runCli(
      ['check', '--policy', 'policy.secpol', '--waive', 'nope.secpol', 'trace.log'],
      { cwd, env },
    );
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/cannot read .*nope\.secpol: no such file/);
    const bad = await runCli(['check', ...base], {
      cwd: sample,
      env: { SECPOL_LEARN_TODAY: 'tomorrow' },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SECPOL_LEARN_TODAY must be a day written YYYY-MM-DD');
  });
});

describe('lint --waive', () => {
  it('checks reasons, dates and expiry; a clean file passes', async () => {
    const ok = await runCli(['lint', '--waive', 'waivers.secpol'], { cwd: sample, env });
    expect(ok.code).toBe(0);
    const cwd = copy();
    writeFileSync(
      path.join(cwd, 'w.secpol'),
      '# reason: old\n# until: 2026-01-01\nallow player_t self:ability spawn;\nallow player_t self:ability io;\n',
    );
    const r = await runCli(['lint', '--waive', 'w.secpol', 'policy.secpol'], { cwd, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^w\.secpol:3:1: warning: waiver expired on 2026-01-01: it no longer applies \[expired-waiver\]$/m,
    );
    expect(r.stdout).toMatch(/^w\.secpol:4:1: error: waiver without a reason.*\[waiver-reason\]$/m);
  });
});

describe('hostile waiver reasons', () => {
  it('a reason with control or bidirectional characters is refused, never printed raw', async () => {
    const cwd = copy();
    for (const c of ['\u202e', '\u2066', '\x1b]0;owned\x07', '\x9b31m', '\u200b']) {
      writeFileSync(
        path.join(cwd, 'waivers.secpol'),
        `# reason: harmless${c}probe\n# until: 2027-06-30${c}\nallow player_t self:ability setuid:0;\n`,
      );
      for (const argv of [
        ['check', ...base],
        ['check', ...base, '--format', 'sarif'],
        ['suggest', ...base, '--format', 'json'],
        ['explain', ...base, '--format', 'markdown'],
        ['harden', ...base],
        ['lint', '--waive', 'waivers.secpol', '--format', 'json'],
        ['lint', '--waive', 'waivers.secpol'],
      ]) {
        const r = await runCli(argv, { cwd, env });
        expect([argv.join(' '), r.code]).toEqual([argv.join(' '), argv[0] === 'lint' ? 1 : 2]);
        expect(hasUnsafeCharacter(r.stdout.replace(/\n/g, ''))).toBe(false);
        expect(hasUnsafeCharacter(r.stderr.replace(/\n/g, ''))).toBe(false);
      }
    }
  });
});
