/**
 * Commands that read traces read secpolgenerate output too
 * (samples/secpolgenerate, docs/secpolgenerate.md): goldens for suggest and
 * check, the line not understood named on stderr, explain and harden on the
 * same inputs, and a hostile entry refused with FILE:LINE.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../test-utils/run-cli';
import { expectGolden } from '../../test-utils/golden';

const SAMPLE = path.resolve(__dirname, '..', '..', '..', 'samples', 'secpolgenerate');
const NOT_UNDERSTOOD =
  'errors.txt:18: warning: line not understood: secpolgenerate output, a rule this reader does not map to a check (channel connects and type-valued subranges name no type id) [trace-unknown-line]\n';

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
    expect(r.stderr.startsWith(NOT_UNDERSTOOD)).toBe(true);
    expect(r.stderr).toContain('1 trace line(s) not understood');
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
    expect(r.stderr).toContain(NOT_UNDERSTOOD);
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
});

function readPolicy(): string {
  return readFileSync(path.join(SAMPLE, 'policy.secpol'), 'utf8');
}
