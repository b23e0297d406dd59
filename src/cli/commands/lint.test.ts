/** CLI tests of `secpol-learn lint`: exit codes 0/1/2, --strict, --qnx, --format json, --help. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../test-utils/run-cli';

const dir = mkdtempSync(path.join(tmpdir(), 'secpol-lint-'));
const put = (name: string, text: string): string => {
  writeFileSync(path.join(dir, name), text);
  return name;
};
put('clean.secpol', 'type a;\nallow a self:ability pathspace;\n');
put('warn.secpol', 'type a;\nallow a self:ability io;\n');
put('error.secpol', 'type a;\nallow a self:ability dumper;\n');
put('syntax.secpol', 'type a\nallow a self:ability io;\n');
put('split-1.secpol', 'type a;\n');
put('split-2.secpol', 'allow a self:ability pathspace;\n');
put('ranges-bad.secpol', 'type a;\nallow a self:ability { pathspace:5 setuid:10-5 };\n');
put('ranges.txt', 'mem_phys : r : 0x1000-0x1fff\n');

describe('secpol-learn lint', () => {
  it('exits 0 on a clean policy', async () => {
    const r = await runCli(['lint', 'clean.secpol'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: '' });
  });

  it('prints warnings with a code frame and exits 0, or 1 with --strict', async () => {
    const r = await runCli(['lint', 'warn.secpol'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warn.secpol:2:22: warning: `io` gives raw hardware I/O privilege');
    expect(r.stdout).toContain(
      '[report-risky-grant]\n  |\n2 | allow a self:ability io;\n  |                      ^^',
    );
    expect((await runCli(['lint', '--strict', 'warn.secpol'], { cwd: dir })).code).toBe(1);
  });

  it('exits 1 on errors (per --qnx version) and syntax errors', async () => {
    expect((await runCli(['lint', 'error.secpol'], { cwd: dir })).code).toBe(1);
    expect((await runCli(['lint', '--qnx', '8.0', 'error.secpol'], { cwd: dir })).code).toBe(0);
    const s = await runCli(['lint', 'syntax.secpol'], { cwd: dir });
    expect(s.code).toBe(1);
    expect(s.stdout).toMatch(/^syntax\.secpol:1:7: error: expected/);
  });

  it('reports a subrange on an ability that takes none and a reversed range at the range', async () => {
    const r = await runCli(['lint', 'ranges-bad.secpol'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'ranges-bad.secpol:2:34: error: `pathspace` takes no subrange in QNX 7.1: grant `pathspace` without `:…`, or not at all [report-unranged-subrange]\n  |\n2 | allow a self:ability { pathspace:5 setuid:10-5 };\n  |                                  ^',
    );
    expect(r.stdout).toContain(
      'ranges-bad.secpol:2:43: error: reversed range `10-5` of `setuid`: its start is above its end, so it covers nothing (write `5-10`) [report-reversed-range]\n  |\n2 | allow a self:ability { pathspace:5 setuid:10-5 };\n  |                                           ^^^^',
    );
  });

  it('lints several files as one policy', async () => {
    const r = await runCli(['lint', '--strict', 'split-1.secpol', 'split-2.secpol'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: '' });
  });

  it('writes one JSON document with a version marker', async () => {
    const r = await runCli(['lint', '--format', 'json', '--ranges', 'ranges.txt', 'warn.secpol'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // The common header first (docs/json-schema.md), then the 0.1 marker, kept.
    expect(Object.keys(doc).slice(0, 3)).toEqual(['schema', 'schemaVersion', 'version']);
    expect(doc).toMatchObject({
      schema: 'secpol-learn/lint',
      schemaVersion: 1,
      version: 'secpol-learn/lint@1',
      qnx: '7.1',
      files: ['warn.secpol'],
      summary: { errors: 0, warnings: 1, infos: 0 },
    });
    expect(doc.diagnostics[0]).toMatchObject({
      file: 'warn.secpol',
      line: 2,
      column: 22,
      ruleId: 'report-risky-grant',
    });
  });

  it('exits 2 on an unreadable file or a bad --qnx', async () => {
    const r = await runCli(['lint', 'missing.secpol'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.secpol');
    expect(
      (await runCli(['lint', '--ranges', 'nope.txt', 'clean.secpol'], { cwd: dir })).code,
    ).toBe(2);
    expect((await runCli(['lint', '--qnx', '6.6', 'clean.secpol'], { cwd: dir })).code).toBe(2);
  });

  it('has examples in --help', async () => {
    const r = await runCli(['lint', '--help'], { cwd: dir });
    expect(r.stdout).toContain('--qnx 8.0 --strict');
  });
});

describe('lint with standard input (-)', () => {
  it('lints standard input as the file `-` (it tried to open a file named `-`)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-lint-stdin-'));
    const r = await runCli(['lint', '-'], {
      cwd: dir,
      stdin: 'type a_t;\nallow a_t self:ability {\n',
    });
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toMatch(/^-:\d+:\d+: error: /m);
    expect(r.stderr).not.toContain('cannot read');
  });
});
