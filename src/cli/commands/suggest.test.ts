/**
 * `suggest` and `generate` end to end, in-process: golden files over
 * samples/<case>/ (trace.log + policy.secpol → expected.*; `UPDATE=1`
 * rewrites them), and the command-line contract (exit codes, stderr,
 * --write, determinism, hostile traces, patches that `patch -p1` applies).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../test-utils/run-cli';
import { expectGolden } from '../../test-utils/golden';
import { parsePolicies } from '../../policy/parse';
import { lintPolicy } from '../../policy/lint';

const samples = path.join(__dirname, '..', '..', '..', 'samples');
const CASES = ['seed-walkthrough', 'multi-process-boot', 'merge-into-blocks'].filter((c) =>
  existsSync(path.join(samples, c, 'trace.log')),
);

function lintErrors(text: string): string[] {
  const { policy, diagnostics } = parsePolicies([{ file: 'p', text }]);
  return [...diagnostics, ...lintPolicy(policy).diagnostics]
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.line}: ${d.message}`);
}

describe.each(CASES)('golden: samples/%s', (name) => {
  const cwd = path.join(samples, name);
  const golden = (file: string, text: string): void => expectGolden(text, path.join(cwd, file));

  it('suggest --explain (secpol)', async () => {
    const r = await runCli(['suggest', 'trace.log', '--policy', 'policy.secpol', '--explain'], {
      cwd,
    });
    expect(r.code).toBe(0);
    golden('expected.secpol', r.stdout);
    golden('expected.stderr.txt', r.stderr);
  });

  it('suggest --format patch: applies with patch -p1, lints clean, and is a fixpoint', async () => {
    const r = await runCli(
      ['suggest', 'trace.log', '--policy', 'policy.secpol', '--format', 'patch'],
      { cwd },
    );
    expect(r.code).toBe(0);
    golden('expected.patch', r.stdout);
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-patch-'));
    copyFileSync(path.join(cwd, 'policy.secpol'), path.join(dir, 'policy.secpol'));
    copyFileSync(path.join(cwd, 'trace.log'), path.join(dir, 'trace.log'));
    writeFileSync(path.join(dir, 'x.patch'), r.stdout);
    execFileSync('patch', ['-p1', '-s', '-i', 'x.patch'], { cwd: dir });
    const patched = readFileSync(path.join(dir, 'policy.secpol'), 'utf8');
    expect(lintErrors(patched)).toEqual([]);
    const again = await runCli(['suggest', 'trace.log', '--policy', 'policy.secpol'], { cwd: dir });
    expect(again.stdout).toBe('');
  });

  it('suggest --format json and markdown', async () => {
    const json = await runCli(
      ['suggest', 'trace.log', '--policy', 'policy.secpol', '--format', 'json'],
      { cwd },
    );
    golden('expected.json', json.stdout);
    const md = await runCli(
      ['suggest', 'trace.log', '--policy', 'policy.secpol', '--format', 'markdown'],
      { cwd },
    );
    golden('expected.md', md.stdout);
  });

  it('suggest --format sarif: one result per risky item, its level from the severity', async () => {
    const r = await runCli(
      ['suggest', 'trace.log', '--policy', 'policy.secpol', '--format', 'sarif'],
      { cwd },
    );
    expect(r.code).toBe(0);
    golden('expected.sarif', r.stdout);
    const json = await runCli(
      ['suggest', 'trace.log', '--policy', 'policy.secpol', '--format', 'json'],
      { cwd },
    );
    const level = { high: 'error', medium: 'warning', low: 'note' } as const;
    type Item = { text: string; risk?: { severity: keyof typeof level; rule: string } };
    const risky = (JSON.parse(json.stdout) as { changes: Array<{ items: Item[] }> }).changes
      .flatMap((c) => c.items)
      .filter((i) => i.risk);
    const results = (
      JSON.parse(r.stdout) as {
        runs: Array<{
          results: Array<{ ruleId: string; level: string; message: { text: string } }>;
        }>;
      }
    ).runs[0]!.results;
    expect(results.map((x) => [x.ruleId, x.level])).toEqual(
      risky.map((i) => [i.risk!.rule, level[i.risk!.severity]]),
    );
    for (const [i, x] of results.entries())
      expect(x.message.text).toContain(`suggested \`${risky[i]!.text}\``);
  });

  it('suggest -c', async () => {
    const r = await runCli(['suggest', 'trace.log', '--policy', 'policy.secpol', '-c'], { cwd });
    expect(r.code).toBe(0);
    golden('expected.combine.secpol', r.stdout);
  });

  it('generate: a draft that parses and lints clean', async () => {
    const r = await runCli(['generate', 'trace.log'], { cwd });
    expect(r.code).toBe(0);
    golden('expected.draft.secpol', r.stdout);
    expect(lintErrors(r.stdout)).toEqual([]);
    const c = await runCli(['generate', 'trace.log', '-c', '--collapse'], { cwd });
    golden('expected.draft-c.secpol', c.stdout);
    expect(lintErrors(c.stdout)).toEqual([]);
  });
});

describe('suggest: command-line contract', () => {
  const cwd = path.join(samples, 'multi-process-boot');

  it('prints the same bytes whatever the order of the trace files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-order-'));
    const lines = readFileSync(path.join(cwd, 'trace.log'), 'utf8').split('\n');
    writeFileSync(path.join(dir, 'a.log'), lines.slice(0, 12).join('\n') + '\n');
    writeFileSync(path.join(dir, 'b.log'), lines.slice(12).join('\n'));
    copyFileSync(path.join(cwd, 'policy.secpol'), path.join(dir, 'policy.secpol'));
    const ab = await runCli(
      ['suggest', 'a.log', 'b.log', '--policy', 'policy.secpol', '--explain'],
      { cwd: dir },
    );
    const ba = await runCli(
      ['suggest', 'b.log', 'a.log', '--policy', 'policy.secpol', '--explain'],
      { cwd: dir },
    );
    expect(ab.code).toBe(0);
    expect(ba.stdout).toBe(ab.stdout);
    expect(ba.stderr).toBe(ab.stderr);
  });

  it('learns the same rules from a fleet reduction: monitor output, as text or as --json', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-fleet-'));
    const text = await runCli(['monitor', '-apsr', 'trace.log'], { cwd });
    const json = await runCli(['monitor', '-apsr', '--json', 'trace.log'], { cwd });
    writeFileSync(path.join(dir, 'device.log'), text.stdout);
    writeFileSync(path.join(dir, 'device.jsonl'), json.stdout);
    copyFileSync(path.join(cwd, 'policy.secpol'), path.join(dir, 'policy.secpol'));
    const direct = await runCli(['suggest', 'trace.log', '--policy', 'policy.secpol'], { cwd });
    for (const reduced of ['device.log', 'device.jsonl']) {
      const r = await runCli(['suggest', reduced, '--policy', 'policy.secpol'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(' 0 trace line(s) not understood');
      expect(r.stdout).toBe(direct.stdout);
    }
  });

  it('applies the monitor filters -f, -a and -p', async () => {
    const f = await runCli(['suggest', 'trace.log', '-f', 'devc-ser8250'], { cwd });
    expect(f.stdout).toContain('# type devc_t');
    expect(f.stdout).not.toContain('# type init_t');
    const p = await runCli(['suggest', 'trace.log', '-f', 'devc-ser8250', '-p'], { cwd });
    expect(p.stdout).toContain('allow_attach devc_t');
    expect(p.stdout).not.toContain('interrupt');
    const a = await runCli(['suggest', 'trace.log', '-f', 'devc-ser8250', '-a'], { cwd });
    expect(a.stdout).toContain('interrupt:14-15');
    expect(a.stdout).not.toContain('allow_attach');
  });

  it('--write patches in place, keeps .orig, and a second run finds nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-write-'));
    copyFileSync(path.join(cwd, 'policy.secpol'), path.join(dir, 'policy.secpol'));
    copyFileSync(path.join(cwd, 'trace.log'), path.join(dir, 'trace.log'));
    const before = readFileSync(path.join(dir, 'policy.secpol'), 'utf8');
    const r = await runCli(['suggest', 'trace.log', '--policy', 'policy.secpol', '--write'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('wrote policy.secpol (original kept as policy.secpol.orig)');
    expect(readFileSync(path.join(dir, 'policy.secpol.orig'), 'utf8')).toBe(before);
    expect(readFileSync(path.join(dir, 'policy.secpol'), 'utf8')).not.toBe(before);
    const again = await runCli(['suggest', 'trace.log', '--policy', 'policy.secpol'], { cwd: dir });
    expect(again.stdout).toBe('');
  });

  it('--write never turns a trace ability into a block flag or a keyword', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-flags-'));
    const policy = 'type a_t;\nallow a_t self:ability {\n    io\n};\n';
    writeFileSync(path.join(dir, 'p.secpol'), policy);
    writeFileSync(
      path.join(dir, 't.log'),
      ['DEFAULT_PRIV', 'NONROOT', 'UNLOCK', 'NOINHERIT', 'ALLOW', 'TYPE', 'RANGE', 'PATHSPACE']
        .map((a) => `error: bin/a (pid:1) type a_t lacks ability ${a} as root\n`)
        .join(''),
    );
    const r = await runCli(['suggest', 't.log', '--policy', 'p.secpol', '--write'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('7 trace record(s) refused');
    expect(readFileSync(path.join(dir, 'p.secpol'), 'utf8')).toBe(
      'type a_t;\nallow a_t self:ability {\n    io\n    pathspace\n};\n',
    );
  });

  it('never modifies the policy without --write', async () => {
    const before = readFileSync(path.join(cwd, 'policy.secpol'), 'utf8');
    await runCli(['suggest', 'trace.log', '--policy', 'policy.secpol', '--format', 'patch'], {
      cwd,
    });
    expect(readFileSync(path.join(cwd, 'policy.secpol'), 'utf8')).toBe(before);
  });

  it('exits 2 with code frames for a policy that does not parse', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-bad-'));
    writeFileSync(path.join(dir, 'bad.secpol'), 'type a_t\nallow a_t self:ability { io };\n');
    writeFileSync(
      path.join(dir, 't.log'),
      'error: bin/a (pid:1) type a_t lacks ability IO as root\n',
    );
    const r = await runCli(['suggest', 't.log', '--policy', 'bad.secpol'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/bad\.secpol:\d+:\d+/);
    // The policy is parsed before any trace is read (its model is built after): a policy
    // error stops a long run at once, so a missing trace is never reached.
    for (const command of ['suggest', 'generate']) {
      const early = await runCli(
        [command, 'no-such.log', command === 'suggest' ? '--policy' : '--base', 'bad.secpol'],
        { cwd: dir },
      );
      expect(early.code).toBe(2);
      expect(early.stderr).toMatch(/bad\.secpol:\d+:\d+/);
      expect(early.stderr).not.toContain('no-such.log');
    }
  });

  it('exits 2 for bad usage and unreadable input, without a stack trace', async () => {
    const noPolicy = await runCli(['suggest', 'trace.log', '--format', 'patch'], { cwd });
    expect(noPolicy.code).toBe(2);
    expect(noPolicy.stderr).toContain('--format patch needs --policy');
    const missing = await runCli(['suggest', 'no-such.log'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'secpol-learn: cannot read no-such.log: no such file or directory\n',
    );
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses hostile trace fields: no injected rule, a warning naming the line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-hostile-'));
    writeFileSync(
      path.join(dir, 't.log'),
      [
        'error: bin/a (pid:1) of type a_t failed to attach to path /dev/x;allow_attach: no rule',
        'error: bin/a (pid:1) of type a_t failed to attach to path /dev/*: no rule',
        'error: bin/a (pid:1) of type a_t failed to attach to path /dev/...: no rule',
        'error: bin/a (pid:1) of type a_t failed to attach to path /dev/y#x: no rule',
        'error: bin/a (pid:1) type a_t lacks ability SETTYPEID(3) (b_t{) as root',
        'error: bin/a (pid:1) type a_t lacks ability IO as root',
        '',
      ].join('\n'),
    );
    const r = await runCli(['suggest', 't.log', '--explain'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '# secpol-learn suggest: 1 rule item from 1 trace file(s)\n\n# type a_t\nallow a_t self:ability {\n    # risk: high [report-risky-grant]: `io` gives raw hardware I/O privilege (in/out instructions, interrupt masking); needed only by drivers\n    # needed by bin/a (pid 1): 1 denied\n    # first seen t.log:6\n    io\n};\n',
    );
    for (const line of [1, 2, 3, 4, 5])
      expect(r.stderr).toMatch(new RegExp(`t\\.log:${line}: (warning|error): `));
    // Refusal warnings describe the field; they never quote it.
    expect(r.stderr.split('\n').filter((l) => l.includes('refused'))).not.toContainEqual(
      expect.stringMatching(/allow_attach|b_t\{|\/dev/),
    );
  });
});
