/**
 * Lists of adversarial length (issue 15): every list the input sizes (one
 * type's paths, lint diagnostics, attribute members, syntax errors) is
 * handled at 150,000 items by the commands that meet it, with a result in
 * words and never a stack trace (`RangeError: Maximum call stack size
 * exceeded` came from spreading such lists into a call; ESLint now forbids
 * that in src/). Texts are built with `repeat`/`join`, not generated per
 * case, to keep the suite fast.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli, type CliResult } from '../test-utils/run-cli';

const N = 150_000;
const dir = mkdtempSync(path.join(tmpdir(), 'secpol-long-'));
const put = (name: string, text: string): string => {
  writeFileSync(path.join(dir, name), text);
  return name;
};
const run = (argv: string[]): Promise<CliResult> => runCli(argv, { cwd: dir });
const count = (text: string, word: string): number => text.split(word).length - 1;
const noStack = (r: CliResult): void => {
  expect(r.stderr).not.toMatch(/\n\s+at |RangeError|internal error/);
  expect(r.stdout).not.toMatch(/\n\s+at |RangeError/);
};
const indices = Array.from({ length: N }, (_, i) => i);

// A failure of a type with N paths, and successes of it, for the trace-reading commands.
const trace = [
  'info: sbin/srv (pid:10) of type srv_t attached channel to',
  '      path /srv/p7',
  '',
  'error: sbin/srv (pid:10) type srv_t lacks ability',
  '       PATHSPACE as root',
  '',
].join('\n');

describe('lists of 150,000 items', () => {
  jest.setTimeout(120_000);

  it("one type's paths: lint, fmt, check and harden answer", async () => {
    put(
      'paths.secpol',
      `type srv_t;\nallow_attach srv_t {\n${indices.map((i) => `    /srv/p${i}`).join('\n')}\n};\n`,
    );
    put('paths.log', trace);
    const lint = await run(['lint', 'paths.secpol']);
    noStack(lint);
    expect(lint.code).toBe(0);
    const fmt = await run(['fmt', 'paths.secpol']);
    noStack(fmt);
    expect(fmt.code).toBe(0);
    expect(count(fmt.stdout, '/srv/p')).toBe(N);
    const check = await run(['check', 'paths.log', '--policy', 'paths.secpol']);
    noStack(check);
    expect(check.code).toBe(1);
    const harden = await run([
      'harden',
      'paths.log',
      '--policy',
      'paths.secpol',
      '--format',
      'json',
    ]);
    noStack(harden);
    // Every path but the one the trace used is unused.
    expect(count(harden.stdout, '"code": "unused-grant"')).toBe(N - 1);
  });

  it('lint diagnostics: one per undeclared type, all listed', async () => {
    put('undeclared.secpol', indices.map((i) => `allow u${i} self:ability pathspace;\n`).join(''));
    const r = await run(['lint', 'undeclared.secpol', '--format', 'json']);
    noStack(r);
    expect(r.code).toBe(0);
    expect(count(r.stdout, '"ruleId": "report-undeclared-type"')).toBe(N);
  });

  it('attribute members: lint, diff and suggest answer', async () => {
    const members = indices.map((i) => `type m${i}, grp;\n`).join('');
    put('members.secpol', `attribute grp;\n${members}allow grp self:ability pathspace;\n`);
    put('members-2.secpol', `attribute grp;\n${members}allow grp self:ability { pathspace io };\n`);
    const lint = await run(['lint', 'members.secpol']);
    noStack(lint);
    expect(lint.code).toBe(0);
    const diff = await run(['diff', 'members.secpol', 'members-2.secpol', '--format', 'json']);
    noStack(diff);
    expect(diff.code).toBe(1);
    expect(count(diff.stdout, '"object": "io"')).toBe(N);
  });

  it('syntax errors: lint and fmt report each with a frame', async () => {
    put('syntax.secpol', 'type ;\n'.repeat(N));
    for (const argv of [
      ['lint', 'syntax.secpol'],
      ['fmt', 'syntax.secpol'],
    ]) {
      const r = await run(argv);
      noStack(r);
      expect(r.code).toBe(1);
      expect(count(r.stdout + r.stderr, 'error: expected a type name')).toBe(N);
    }
  });
});

describe('diff of policies full of syntax errors', () => {
  jest.setTimeout(120_000);

  it('20,000 errors on one line: each reported once, each frame of bounded size', async () => {
    const n = 20_000;
    put('one-line.secpol', `${'type ; '.repeat(n)}\n`);
    const r = await run(['diff', 'one-line.secpol', 'one-line.secpol']);
    noStack(r);
    expect(r.code).toBe(2);
    // Both sides are read and reported.
    expect(count(r.stderr, 'error: expected')).toBe(2 * n);
    // The work per error does not grow with the line (a window of it, not the 140 KB line):
    // the whole report is a bounded number of bytes per error.
    expect(r.stderr.length).toBeLessThan(2 * n * 400);
  });
});
