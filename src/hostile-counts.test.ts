/**
 * One line, one report, one count (issue 15: "a line with control characters
 * is counted twice"). A trace line whose record holds an escape sequence or
 * another character the parser reads as `?` is named once on stderr, with
 * FILE:LINE, and counted once among the lines not understood, by every
 * command; learning commands neither learn it nor refuse it a second time,
 * gates still judge it (docs/safe-output.md, "One line, one report, one count").
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './test-utils/run-cli';

const POLICY = 'type devc_t;\nallow devc_t self:ability { pathspace };\n';

/** Line 2 has an escape sequence inside the path, line 3 a bell inside an unknown-form record. */
const TRACE = [
  'error: proc/boot/devc-ser8250 (pid:4102) of type devc_t attached channel to path /dev/ser1',
  'error: proc/boot/devc-ser8250 (pid:4102) of type devc_t attached channel to path /dev/se\x1b[1mr2',
  'error: proc/boot/devc-ser8250 (pid:4102) of type devc_t attached \x07something new',
  '',
].join('\n');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-counts-'));
  fs.writeFileSync(path.join(dir, 'policy.secpol'), POLICY);
  fs.writeFileSync(path.join(dir, 't.log'), TRACE);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The stderr lines that name `t.log:LINE`, per line. */
function placesNamed(stderr: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of stderr.matchAll(/^t\.log:(\d+): (?:warning|error)/gm))
    out[m[1]!] = (out[m[1]!] ?? 0) + 1;
  return out;
}

describe.each([
  ['suggest', ['suggest', '--policy', 'policy.secpol', 't.log']],
  ['generate', ['generate', 't.log']],
])('%s learns from the clean line only', (_name, argv) => {
  test('each altered line is named once and counted once, and not refused again', async () => {
    const r = await runCli(argv, { cwd: dir });
    expect(r.code).toBe(0);
    expect(placesNamed(r.stderr)).toEqual({ '2': 1, '3': 1 });
    expect(r.stderr).not.toContain('infer-refused-field');
    expect(r.stderr).not.toContain('trace-truncated-record');
    expect(r.stderr).toMatch(/ from 1 event\(s\)/);
    expect(r.stderr).toMatch(/; 2 (?:trace )?line\(s\) not understood/);
    if (argv[0] === 'suggest') {
      expect(r.stderr).toContain('0 trace record(s) refused');
      expect(r.stdout).toContain('/dev/ser1');
      expect(r.stdout).not.toMatch(/\/dev\/se\?|\/dev\/ser2|\/dev\/se\[/);
    }
  });
});

describe('gates still judge an altered failure record', () => {
  test('check fails on the escape-sequence line: read once (stderr), judged once (stdout)', async () => {
    const r = await runCli(['check', '--policy', 'policy.secpol', 't.log'], { cwd: dir });
    expect(r.code).toBe(1);
    // The bell's unknown-form record: its warning only, no "not judged" note beside it.
    expect(placesNamed(r.stderr)).toEqual({ '2': 1, '3': 1 });
    expect(r.stderr).toMatch(/^t\.log:2: warning: escape sequence inside the record text/m);
    expect(r.stdout.match(/^t\.log:2: uncovered: /gm)).toHaveLength(1);
    expect(r.stderr).toMatch(/; 2 line\(s\) not understood/);
  });

  test('a summary of the trace gives check and suggest the same words as the trace', async () => {
    const summary = await runCli(['summarize', 't.log'], { cwd: dir });
    expect(summary.code).toBe(0);
    expect(summary.stderr).toMatch(/from 1 event\(s\) in 1 input\(s\); 2 line\(s\) not understood/);
    fs.writeFileSync(path.join(dir, 's.jsonl'), summary.stdout);
    for (const command of ['check', 'suggest']) {
      const fromTrace = await runCli([command, '--policy', 'policy.secpol', 't.log'], { cwd: dir });
      const fromSummary = await runCli([command, '--policy', 'policy.secpol', 's.jsonl'], {
        cwd: dir,
      });
      expect({ command, ...fromSummary }).toEqual({ command, ...fromTrace });
    }
  });
});
