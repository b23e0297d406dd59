import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../test-utils/run-cli';

const UGLY = '# lead\ntype   a_t ;\nallow a_t self:ability {io pathspace};\n';
const PRETTY = '# lead\ntype a_t;\nallow a_t self:ability {\n    io\n    pathspace\n};\n';
const BROKEN = 'type a_t\nallow a_t self:ability io;\n';

function workdir(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'secpol-fmt-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

describe('secpol-learn fmt', () => {
  it('prints the formatted policy on stdout and leaves the file alone', async () => {
    const cwd = workdir({ 'p.secpol': UGLY });
    expect(await runCli(['fmt', 'p.secpol'], { cwd })).toEqual({
      code: 0,
      stdout: PRETTY,
      stderr: '',
    });
    expect(readFileSync(path.join(cwd, 'p.secpol'), 'utf8')).toBe(UGLY);
  });

  it('formats several files in order', async () => {
    const cwd = workdir({ 'a.secpol': UGLY, 'b.secpol': 'type  b_t;' });
    expect(await runCli(['fmt', 'a.secpol', 'b.secpol'], { cwd })).toEqual({
      code: 0,
      stdout: `${PRETTY}type b_t;\n`,
      stderr: '',
    });
  });

  it('--check lists the files that would change and exits 1', async () => {
    const cwd = workdir({ 'ugly.secpol': UGLY, 'pretty.secpol': PRETTY });
    expect(await runCli(['fmt', '--check', 'ugly.secpol', 'pretty.secpol'], { cwd })).toEqual({
      code: 1,
      stdout: 'ugly.secpol\n',
      stderr: '',
    });
    expect((await runCli(['fmt', '--check', 'pretty.secpol'], { cwd })).code).toBe(0);
  });

  it('--write rewrites changed files, keeps their mode, and never touches a file that does not parse', async () => {
    const cwd = workdir({ 'ugly.secpol': UGLY, 'broken.secpol': BROKEN });
    chmodSync(path.join(cwd, 'ugly.secpol'), 0o600);
    const r = await runCli(['fmt', '--write', 'ugly.secpol', 'broken.secpol'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'broken.secpol:1:9: error: expected `,` or `;`, found `allow`\n  |\n1 | type a_t\n  |         ^\n' +
        'secpol-learn: wrote ugly.secpol (original kept as ugly.secpol.orig)\n',
    );
    expect(readFileSync(path.join(cwd, 'ugly.secpol'), 'utf8')).toBe(PRETTY);
    expect(readFileSync(path.join(cwd, 'ugly.secpol.orig'), 'utf8')).toBe(UGLY);
    expect(statSync(path.join(cwd, 'ugly.secpol')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(cwd, 'broken.secpol'), 'utf8')).toBe(BROKEN);
  });

  it('--write keeps non-UTF-8 bytes in comments', async () => {
    const bytes = Buffer.concat([
      Buffer.from('# don'),
      Buffer.from([0x92]),
      Buffer.from('t\ntype  a_t;\n'),
    ]);
    const cwd = workdir({ 'cp1252.secpol': bytes });
    expect((await runCli(['fmt', '--write', 'cp1252.secpol'], { cwd })).code).toBe(0);
    expect(readFileSync(path.join(cwd, 'cp1252.secpol'))).toEqual(
      Buffer.concat([Buffer.from('# don'), Buffer.from([0x92]), Buffer.from('t\ntype a_t;\n')]),
    );
  });

  it('reports `//` comments as warnings without failing', async () => {
    const cwd = workdir({ 's.secpol': '// c\ntype a_t;\n' });
    const r = await runCli(['fmt', 's.secpol'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('// c\ntype a_t;\n');
    expect(r.stderr).toContain('s.secpol:1:1: warning: `//` comment');
  });

  it('exits 2 naming an unreadable file, before writing anything', async () => {
    const cwd = workdir({ 'ugly.secpol': UGLY });
    const r = await runCli(['fmt', '--write', 'ugly.secpol', 'missing.secpol'], { cwd });
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'secpol-learn: cannot read policy missing.secpol: no such file or directory\n',
    });
    expect(readFileSync(path.join(cwd, 'ugly.secpol'), 'utf8')).toBe(UGLY);
  });

  it('rejects --check with --write, and a missing file name', async () => {
    expect((await runCli(['fmt', '--check', '--write', 'x'])).code).toBe(2);
    // `-` is standard input (below), no longer a missing name.
    expect((await runCli(['fmt'])).code).toBe(2);
  });

  it('has --help with examples', async () => {
    const r = await runCli(['fmt', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('fmt --check');
  });
});

describe('fmt with standard input (-)', () => {
  it('formats and checks standard input as it does a file, and never writes it back', async () => {
    const cwd = workdir({});
    expect(await runCli(['fmt', '-'], { cwd, stdin: UGLY })).toEqual({
      code: 0,
      stdout: PRETTY,
      stderr: '',
    });
    expect(await runCli(['fmt', '--check', '-'], { cwd, stdin: UGLY })).toEqual({
      code: 1,
      stdout: '-\n',
      stderr: '',
    });
    const write = await runCli(['fmt', '--write', '-'], { cwd, stdin: UGLY });
    expect(write.code).toBe(2);
    expect(write.stderr).toContain('standard input (-) cannot be written back');
    const twice = await runCli(['fmt', '-', '-'], { cwd, stdin: UGLY });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('standard input (-) can be named once');
  });
});
