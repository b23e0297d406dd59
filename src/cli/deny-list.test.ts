/**
 * `--deny` is a list option (docs/cli.md, load-guards.ts): given twice, the
 * rules of both files apply in `check`, `lint` and `suggest`, each finding
 * names its own guard FILE:LINE:COL, a negation in one file does not cancel
 * another's rule, and the trace after `--deny FILE` stays a trace.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../test-utils/run-cli';

const SAMPLE = path.join(__dirname, '..', '..', 'samples', 'review-harden');

/** Two guard files, each forbidding what the sample policy grants and what its trace asks for. */
const A = [
  '# a.deny',
  'allow init_t self:ability setuid:0;',
  'allow log_reader_t net_t:channel connect;',
].join('\n');
const B = [
  '# b.deny',
  '  allow console_t self:ability mem_phys:0-0xfffff;',
  'allow net_t self:ability interrupt:11;',
  '# a negation here must not cancel a.deny',
  'allow init_t self:ability -setuid;',
].join('\n');

function sampleDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deny-list-'));
  for (const f of ['policy.secpol', 'trace.log'])
    fs.copyFileSync(path.join(SAMPLE, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'a.deny'), `${A}\n`);
  fs.writeFileSync(path.join(dir, 'b.deny'), `${B}\n`);
  return dir;
}

describe('--deny given twice', () => {
  it('check enforces both files, each finding naming its own guard FILE:LINE:COL', async () => {
    const cwd = sampleDir();
    const r = await runCli(
      ['check', '--policy', 'policy.secpol', '--deny', 'a.deny', '--deny', 'b.deny', 'trace.log'],
      { cwd },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'init_t is granted setuid (via default_priv), which guard rule a.deny:2:27 forbids',
    );
    expect(r.stdout).toContain(
      'console_t is granted mem_phys, which guard rule b.deny:2:32 forbids',
    );
    // The trace after --deny was read as a trace: its uncovered failures are listed.
    expect(r.stdout).toMatch(/^trace\.log:\d+: uncovered: /m);
    // Each file alone finds only its own.
    const one = await runCli(
      ['check', '--policy', 'policy.secpol', '--deny', 'b.deny', 'trace.log'],
      { cwd },
    );
    expect(one.stdout).not.toContain('a.deny');
    expect(one.stdout).toContain('b.deny:2:32');
  });

  it('lint reports both files as errors, also in SARIF', async () => {
    const cwd = sampleDir();
    const r = await runCli(['lint', '--deny', 'a.deny', 'policy.secpol', '--deny', 'b.deny'], {
      cwd,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /policy\.secpol:13:5: error: .*guard rule a\.deny:2:27 forbids \[guard-rule\]/,
    );
    expect(r.stdout).toMatch(
      /policy\.secpol:20:5: error: .*guard rule b\.deny:2:32 forbids \[guard-rule\]/,
    );
    const s = await runCli(
      ['lint', 'policy.secpol', '--deny', 'a.deny', '--deny', 'b.deny', '--format', 'sarif'],
      { cwd },
    );
    expect(s.stdout).toContain('a.deny:2:27');
    expect(s.stdout).toContain('b.deny:2:32');
  });

  it('suggest refuses what either file forbids, naming the guard and the record', async () => {
    const cwd = sampleDir();
    const r = await runCli(
      ['suggest', 'trace.log', '--policy', 'policy.secpol', '--deny', 'a.deny', '--deny', 'b.deny'],
      { cwd },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('net_t:channel connect');
    expect(r.stdout).not.toContain('interrupt:11');
    expect(r.stderr).toMatch(
      /trace\.log:\d+: warning: refused by guard rule a\.deny:3:1: log_reader_t connect net_t/,
    );
    expect(r.stderr).toMatch(
      /trace\.log:\d+: warning: refused by guard rule b\.deny:3:\d+: net_t ability interrupt/,
    );
    // Without the guards both are suggested: the refusals above are the guards' doing.
    const free = await runCli(['suggest', 'trace.log', '--policy', 'policy.secpol'], { cwd });
    expect(free.stdout).toContain('net_t:channel connect');
    expect(free.stdout).toContain('interrupt:11');
  });

  it('reports the syntax errors of every guard file, then exits 2', async () => {
    const cwd = sampleDir();
    fs.writeFileSync(path.join(cwd, 'a.deny'), 'allow init_t self:ability setuid:0\n');
    fs.writeFileSync(path.join(cwd, 'b.deny'), 'allow x_t self:ability {\n');
    const r = await runCli(
      ['check', '--policy', 'policy.secpol', '--deny', 'a.deny', '--deny', 'b.deny', 'trace.log'],
      { cwd },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a\.deny:\d+:\d+/);
    expect(r.stderr).toMatch(/b\.deny:\d+:\d+/);
  });

  it('refuses standard input as a guard file', async () => {
    const r = await runCli(['lint', 'policy.secpol', '--deny', '-'], { cwd: sampleDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--deny must name a file');
  });
});
