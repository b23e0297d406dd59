/**
 * CLI tests of `secpol-learn migrate`: goldens on samples/migrate-7.1-8.0
 * (text, patch, JSON, markdown), exit codes 0/1/2, `--write` giving the
 * patch's bytes, `lint --qnx 8.0` clean on the result, and trace warnings.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../test-utils/run-cli';
import { expectGolden } from '../../test-utils/golden';

const SAMPLE = path.resolve(__dirname, '..', '..', '..', 'samples', 'migrate-7.1-8.0');
const base = ['migrate', '--from', '7.1', '--to', '8.0', 'policy.secpol'];

function copy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'secpol-migrate-'));
  for (const f of ['policy.secpol', 'trace.log'])
    copyFileSync(path.join(SAMPLE, f), path.join(dir, f));
  return dir;
}

describe('secpol-learn migrate (samples/migrate-7.1-8.0)', () => {
  it('text: one line per change and per trace warning, exit 1 for the review items', async () => {
    const r = await runCli([...base, '--trace', 'trace.log'], { cwd: SAMPLE });
    expect(r.code).toBe(1);
    expectGolden(r.stdout, path.join(SAMPLE, 'expected.migrate.txt'));
    expectGolden(r.stderr, path.join(SAMPLE, 'expected.migrate.stderr.txt'));
  });

  it.each([
    ['patch', 'expected.migrate.patch'],
    ['json', 'expected.migrate.json'],
    ['markdown', 'expected.migrate.md'],
  ])('--format %s', async (format, golden) => {
    const r = await runCli([...base, '--trace', 'trace.log', '--format', format], {
      cwd: SAMPLE,
    });
    expect(r.code).toBe(1);
    expectGolden(r.stdout, path.join(SAMPLE, golden));
  });

  it('POLICY TRACES: a positional file of secpolmonitor records is read as a trace, gzip too', async () => {
    const dir = copy();
    writeFileSync(
      path.join(dir, 'trace.log.gz'),
      gzipSync(readFileSync(path.join(dir, 'trace.log'))),
    );
    const named = await runCli([...base, '--trace', 'trace.log'], { cwd: dir });
    for (const trace of ['trace.log', 'trace.log.gz']) {
      const r = await runCli([...base, trace], { cwd: dir });
      expect([trace, r.code]).toEqual([trace, 1]);
      expect(r.stdout).toBe(named.stdout.replace(/trace\.log:/g, `${trace}:`));
      expect(r.stderr).toContain(
        `secpol-learn migrate: ${trace} is read as a trace (it holds secpolmonitor records, not a policy)\n`,
      );
    }
    // Sorted by its first 64 KiB (cut at a line end): a trace longer than that is still a trace.
    const record = readFileSync(path.join(dir, 'trace.log'), 'utf8');
    writeFileSync(path.join(dir, 'long.log'), record.repeat(Math.ceil(200_000 / record.length)));
    const long = await runCli([...base, 'long.log'], { cwd: dir });
    expect(long.stderr).toContain('secpol-learn migrate: long.log is read as a trace');
    // A policy with a syntax error stays a policy: code frames and exit 2, not read as a trace.
    writeFileSync(path.join(dir, 'bad.secpol'), 'type a_t\nallow a_t self:ability qnet;\n');
    const bad = await runCli([...base, 'bad.secpol'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.secpol:1:');
    // Traces alone: no policy to migrate.
    const alone = await runCli(['migrate', '--from', '7.1', '--to', '8.0', 'trace.log'], {
      cwd: dir,
    });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('a policy file is required');
  });

  it('--write gives the bytes of the patch applied, and lint --qnx 8.0 passes on them', async () => {
    const dir = copy();
    const patch = (await runCli([...base, '--format', 'patch'], { cwd: dir })).stdout;
    const applied = copy();
    execFileSync('git', ['apply', '-'], { cwd: applied, input: patch });
    const w = await runCli([...base, '--write'], { cwd: dir });
    expect(w.code).toBe(1);
    expect(w.stderr).toContain('wrote policy.secpol (original kept as policy.secpol.orig)');
    const written = readFileSync(path.join(dir, 'policy.secpol'), 'utf8');
    expect(written).toBe(readFileSync(path.join(applied, 'policy.secpol'), 'utf8'));
    expect(readFileSync(path.join(dir, 'policy.secpol.orig'), 'utf8')).toBe(
      readFileSync(path.join(SAMPLE, 'policy.secpol'), 'utf8'),
    );
    const before = await runCli(['lint', '--qnx', '8.0', 'policy.secpol.orig'], { cwd: dir });
    expect(before.code).toBe(1);
    expect((await runCli(['lint', '--qnx', '8.0', 'policy.secpol'], { cwd: dir })).code).toBe(0);
    // Nothing is left to migrate: exit 0, no patch.
    const again = await runCli([...base, '--format', 'patch'], { cwd: dir });
    expect(again).toMatchObject({ code: 0, stdout: '' });
  });

  it('exit 0 when every change is automatic; --strict makes trace warnings fail', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-migrate-'));
    writeFileSync(path.join(dir, 'p.secpol'), 'type q_t;\nallow q_t self:ability { qvm io:1 };\n');
    writeFileSync(
      path.join(dir, 't.log'),
      'error: proc/boot/qvm (pid:7) type q_t lacks ability QVM as root\n',
    );
    const args = ['migrate', '--from', '7.1', '--to', '8.0', 'p.secpol'];
    const r = await runCli([...args, '--trace', 't.log'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'p.secpol:2:26: info: `qvm` is `hyp` in QNX 8.0 (QNX 8.0 sys/procmgr.h: HYP (id 56) is "renamed from QVM"): renamed in `qvm` [migrate-renamed]\n' +
        't.log:1: warning: ability QVM is not a QNX 8.0 ability (it is one in QNX 7.0, 7.1): this trace was taken on another release (1 record(s)) [migrate-other-release]\n',
    );
    expect((await runCli([...args, '--trace', 't.log', '--strict'], { cwd: dir })).code).toBe(1);
    // 7.0 → 7.1: the tables do not differ, nothing changes.
    const same = await runCli(['migrate', '--from', '7.0', '--to', '7.1', 'p.secpol'], {
      cwd: dir,
    });
    expect(same).toMatchObject({ code: 0, stdout: '' });
    expect(same.stderr).toContain('the ability tables of QNX 7.0 and 7.1 do not differ');
  });

  it('exit 2 for bad usage and unreadable or invalid policies, in words', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-migrate-'));
    writeFileSync(path.join(dir, 'bad.secpol'), 'type a_t\nallow a_t self:ability qnet;\n');
    const run = (args: string[]): ReturnType<typeof runCli> => runCli(args, { cwd: dir });
    const same = await run(['migrate', '--from', '8.0', '--to', '8.0', 'bad.secpol']);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('--from and --to are both 8.0');
    expect((await run(['migrate', '--from', '7.1', '--to', '9.0', 'bad.secpol'])).code).toBe(2);
    expect((await run(['migrate', '--to', '8.0', 'bad.secpol'])).code).toBe(2);
    expect((await run(['migrate', '--from', '7.1', '--to', '8.0'])).code).toBe(2);
    const syntax = await run(['migrate', '--from', '7.1', '--to', '8.0', 'bad.secpol']);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toContain('bad.secpol:1:');
    expect(syntax.stdout).toBe('');
    const missing = await run(['migrate', '--from', '7.1', '--to', '8.0', 'none.secpol']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read policy none.secpol: no such file or directory');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
