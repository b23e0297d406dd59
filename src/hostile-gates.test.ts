/**
 * Every gate that read no record says so and exits 2 (issue 15: "A gate that
 * read no record must never pass"). `check` is tested in
 * src/cli/commands/check-empty.test.ts; the other gates are `review
 * --no-interactive` (the CI replay of recorded answers, which passed an
 * empty trace with "0 group(s)") and `types --check` (which judged the
 * buildfile alone: every launch "not in the traces"). `--allow-empty` accepts
 * such an input explicitly; the same commands as reports (an interactive
 * review, `types` without `--check`) are not gates.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './test-utils/run-cli';

const SAMPLES = path.resolve(__dirname, '..', 'samples');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-gates-'));
  const copy = (from: string, to: string): void =>
    fs.copyFileSync(path.join(SAMPLES, from), path.join(dir, to));
  copy('review-session/policy.secpol', 'policy.secpol');
  copy('review-session/trace.log', 'trace.log');
  copy('launch-types/board.build', 'board.build');
  copy('launch-types/trace.log', 'launch.log');
  fs.writeFileSync(path.join(dir, 'empty.log'), '');
  fs.writeFileSync(
    path.join(dir, 'binary.log'),
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0xff, 10, 0x9b]),
  );
  fs.writeFileSync(path.join(dir, 'prose.log'), 'booting\nall fine\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const GATES: Array<[string, string[], string]> = [
  [
    'review --no-interactive',
    ['review', '--policy', 'policy.secpol', '--no-interactive'],
    'trace.log',
  ],
  ['types --check', ['types', '-b', 'board.build', '--check'], 'launch.log'],
];

describe.each(GATES)('%s', (_label, argv, real) => {
  test.each(['empty.log', 'binary.log', 'prose.log'])(
    'exits 2 naming %s, beside a real trace too; --allow-empty lets it through',
    async (name) => {
      for (const traces of [[name], [real, name]]) {
        const r = await runCli([...argv, ...traces], { cwd: dir });
        expect({ traces, code: r.code }).toEqual({ traces, code: 2 });
        expect(r.stderr).toContain(`secpol-learn: ${name}: no secpolmonitor record read`);
        expect(r.stdout).toBe('');
      }
      const allowed = await runCli([...argv, '--allow-empty', name], { cwd: dir });
      expect(allowed.code).not.toBe(2);
    },
  );

  test('names standard input when nothing was piped in', async () => {
    const r = await runCli(argv, { cwd: dir, stdin: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secpol-learn: standard input: no secpolmonitor record read');
  });

  test('a summary of an empty trace is no record either', async () => {
    const summary = await runCli(['summarize', 'empty.log'], { cwd: dir });
    fs.writeFileSync(path.join(dir, 'empty.summary.jsonl'), summary.stdout);
    const r = await runCli([...argv, 'empty.summary.jsonl'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secpol-learn: empty.log: no secpolmonitor record read');
  });

  test('a trace with records is judged as before', async () => {
    const r = await runCli([...argv, real], { cwd: dir });
    expect(r.stderr).not.toContain('no secpolmonitor record read');
    expect([0, 1]).toContain(r.code);
  });
});

test('types without --check is a report, not a gate: an empty trace exits 0', async () => {
  const r = await runCli(['types', '-b', 'board.build', 'empty.log'], { cwd: dir });
  expect(r.code).toBe(0);
});
