/**
 * Commands that read traces read secpolgenerate output too
 * (samples/secpolgenerate, docs/secpolgenerate.md): goldens for suggest and
 * check, the line not understood named on stderr, explain and harden on the
 * same inputs, a hostile entry refused with FILE:LINE, and an entry not
 * understood named FILE:LINE and counted.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../test-utils/run-cli';
import { expectGolden } from '../../test-utils/golden';

const SAMPLE = path.resolve(__dirname, '..', '..', '..', 'samples', 'secpolgenerate');

describe('secpolgenerate output as trace input', () => {
  it('suggest: the rules the errors view asks for that the policy lacks', async () => {
    const r = await runCli(
      ['suggest', '--policy', 'policy.secpol', 'errors.txt', 'saved-state.txt'],
      {
        cwd: SAMPLE,
      },
    );
    expect(r.code).toBe(0);
    expectGolden(r.stdout, path.join(SAMPLE, 'expected.suggest.secpol'));
    // The errors view's channel connect (errors.txt:18) is a connect requirement.
    expect(r.stdout).toContain('allow sshd_t random_t:channel connect;');
    expect(r.stderr).toContain('0 trace line(s) not understood');
  });

  it('check: the failures the policy does not cover, exit 1', async () => {
    const r = await runCli(
      ['check', '--policy', 'policy.secpol', 'errors.txt', 'saved-state.txt'],
      {
        cwd: SAMPLE,
      },
    );
    expect(r.code).toBe(1);
    expectGolden(r.stdout, path.join(SAMPLE, 'expected.check.txt'));
    expect(r.stdout).toMatch(/^errors\.txt:18: uncovered: .*\[no-connect-rule\]$/m);
    expect(r.stderr).toContain('0 line(s) not understood');
  });

  it('the suggested rules make check pass on the same input', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-gen-'));
    const r = await runCli(
      [
        'suggest',
        '--policy',
        path.join(SAMPLE, 'policy.secpol'),
        '--format',
        'secpol',
        path.join(SAMPLE, 'errors.txt'),
      ],
      { cwd: dir },
    );
    const patched = path.join(dir, 'patched.secpol');
    writeFileSync(patched, `${readPolicy()}\n${r.stdout}`);
    const c = await runCli(['check', '--policy', patched, path.join(SAMPLE, 'errors.txt')], {
      cwd: dir,
    });
    expect(c.code).toBe(0);
  });

  it('explain and harden read it too', async () => {
    const e = await runCli(['explain', '--policy', 'policy.secpol', 'errors.txt'], { cwd: SAMPLE });
    expect(e.stdout).toContain('type random_t lacks ability io as root');
    const h = await runCli(['harden', '--policy', 'policy.secpol', 'saved-state.txt'], {
      cwd: SAMPLE,
    });
    expect(h.code).toBe(0);
  });

  it('a hostile entry is refused with FILE:LINE, the rest learned', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-gen-'));
    writeFileSync(
      path.join(dir, 'errors.txt'),
      'allow_attach a_t {\n    /dev/ok\n    /dev/bell\u0007\n};\nallow a_t self:ability { pathspace };\n',
    );
    const r = await runCli(['suggest', 'errors.txt'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('/dev/ok');
    expect(r.stdout).toContain('pathspace');
    expect(r.stdout).not.toContain('bell');
    expect(r.stderr).toMatch(/errors\.txt:3: warning: [^\n]*refused/);
    expect(r.stderr).not.toContain('\u0007');
  });

  it('an entry not understood is named FILE:LINE on stderr and counted, the rest learned', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-gen-'));
    writeFileSync(
      path.join(dir, 'errors.txt'),
      'allow a_t b_t:channel { connect };\nallow a_t self:ability { settypeid:c_t };\n',
    );
    const r = await runCli(['suggest', 'errors.txt'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('settypeid:c_t');
    expect(r.stderr).toContain(
      'errors.txt:1: warning: line not understood: secpolgenerate output, a rule this reader does not map to a check [trace-unknown-line]\n',
    );
    expect(r.stderr).toContain('1 trace line(s) not understood');
  });
});

function readPolicy(): string {
  return readFileSync(path.join(SAMPLE, 'policy.secpol'), 'utf8');
}
