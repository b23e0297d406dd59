/**
 * Commands that read traces read secpolgenerate output too
 * (samples/secpolgenerate, docs/secpolgenerate.md): goldens for suggest and
 * check, the line not understood named on stderr, explain and harden on the
 * same inputs, a hostile entry refused with FILE:LINE, an entry not
 * understood named FILE:LINE and counted, and every other command that reads
 * traces (generate, types, migrate --trace, monitor, summarize) reading it.
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
    // The line holding the control character is named and left out whole (src/trace/secpolgenerate.ts).
    expect(r.stderr).toContain(
      'errors.txt:3: warning: line not understood: secpolgenerate output, holds a control, bidirectional or invisible character; left out [trace-unknown-line]',
    );
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

describe('every command that reads traces reads secpolgenerate output (detected by content)', () => {
  // The errors view with a line no reader understands at its end (line 19), and the saved state.
  const dir = mkdtempSync(path.join(tmpdir(), 'secpol-gen-all-'));
  const errors = `${readFileSync(path.join(SAMPLE, 'errors.txt'), 'utf8')}this is not a rule\n`;
  writeFileSync(path.join(dir, 'errors.txt'), errors);
  writeFileSync(path.join(dir, 'policy.secpol'), readPolicy());
  const LAST = errors.split('\n').length - 1;
  const BOARD = path.resolve(SAMPLE, '..', 'launch-types', 'board.build');

  it.each([
    ['suggest', ['suggest', '--policy', 'policy.secpol', 'errors.txt'], 0],
    ['generate', ['generate', 'errors.txt'], 0],
    ['check', ['check', '--policy', 'policy.secpol', 'errors.txt'], 1],
    ['explain', ['explain', '--policy', 'policy.secpol', 'errors.txt'], 0],
    ['harden', ['harden', '--policy', 'policy.secpol', 'errors.txt'], 0],
    ['types', ['types', '-b', BOARD, 'errors.txt'], 0],
    [
      'migrate --trace',
      ['migrate', '--from', '7.1', '--to', '8.0', 'policy.secpol', '--trace', 'errors.txt'],
      0,
    ],
  ] as const)(
    '%s: the entries are read, the line not understood named FILE:LINE',
    async (_, argv, code) => {
      const r = await runCli([...argv], { cwd: dir });
      expect(r.code).toBe(code);
      expect(r.stderr).toContain(
        `errors.txt:${LAST}: warning: line not understood: secpolgenerate output`,
      );
    },
  );

  it('the line not understood says what the reader expected there', async () => {
    const r = await runCli(['generate', 'errors.txt'], { cwd: dir });
    expect(r.stderr).toContain(
      `errors.txt:${LAST}: warning: line not understood: secpolgenerate output, neither an errors-view rule (\`allow ...;\`) nor a saved-state entry (\`type NAME\`, \`used\`, \`attach PATH\`) this reader knows [trace-unknown-line]\n`,
    );
  });

  it('monitor and summarize count the records and the line not understood', async () => {
    const m = await runCli(['monitor', '-n', 'errors.txt'], { cwd: dir });
    expect(m.stdout).toContain('error: - (pid:-) type random_t lacks ability IO as root');
    expect(m.stderr).toContain(`1 not understood; first at errors.txt:${LAST}`);
    const s = await runCli(['summarize', 'errors.txt'], { cwd: dir });
    expect(s.stderr).toContain(
      '9 requirement(s) from 9 event(s) in 1 input(s); 1 line(s) not understood',
    );
  });

  it('the entry QNX documents for the errors view (reference §4.2) becomes its own rule', async () => {
    const text = 'allow random_t self:ability {\n    io\n};\n';
    writeFileSync(path.join(dir, 'entry.txt'), text);
    const r = await runCli(['generate', 'entry.txt'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /type random_t;\nallow random_t self:ability \{\n(?:\s*#[^\n]*\n)*\s*io\n\};/,
    );
    expect(r.stderr).toContain('0 trace line(s) not understood');
  });
});

function readPolicy(): string {
  return readFileSync(path.join(SAMPLE, 'policy.secpol'), 'utf8');
}
