/**
 * A latin1 policy (a file that is not UTF-8) is judged by its bytes, as the
 * target compares them: `check`, `explain`, `suggest` (its already-allowed
 * test) and `harden` read its paths the way the trace reader reads the same
 * bytes (src/policy/model/path-bytes.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../test-utils/run-cli';

const dir = mkdtempSync(path.join(tmpdir(), 'secpol-latin1-judge-'));

/** Writes `parts` (text as UTF-8, numbers as raw bytes) to `name` in the test directory. */
function file(name: string, ...parts: Array<string | number[]>): string {
  const p = path.join(dir, name);
  writeFileSync(
    p,
    Buffer.concat(parts.map((x) => (typeof x === 'string' ? Buffer.from(x) : Buffer.from(x)))),
  );
  return p;
}

const header = 'type devc_t;\n';
// `caf` 0xE9: `é` in latin1, not UTF-8 (the file is latin1 because of this byte alone).
const latinE = file('latin-e.secpol', header, 'allow_attach devc_t /dev/caf', [0xe9], ';\n');
// `caf` 0xC3 0xA9 (the UTF-8 bytes of `é`), latin1 because of the 0x92 in a comment.
const utf8Bytes = file(
  'utf8-bytes.secpol',
  header,
  '# it',
  [0x92],
  's the driver\nallow_attach devc_t /dev/caf',
  [0xc3, 0xa9],
  ';\n',
);
// The trace is UTF-8: its `é` is the bytes 0xC3 0xA9.
const failure =
  'error: proc/boot/devc-cafe (pid:4102) of type devc_t failed to attach to path /dev/café: no rule\n';
const trace = file('trace.log', failure);
const success = file(
  'ok.log',
  'info: proc/boot/devc-cafe (pid:4102) of type devc_t attached channel to path /dev/café\n',
);

describe('a latin1 policy judged by its bytes', () => {
  it('check: the byte 0xE9 does not cover the trace path whose bytes are C3 A9', async () => {
    const r = await runCli(['check', '--policy', latinE, trace]);
    expect(r.stdout).toContain(
      'trace.log:1: uncovered: proc/boot/devc-cafe (devc_t) attach /dev/café: no allow_attach rule for devc_t matches /dev/café',
    );
    expect(r.code).toBe(1);
  });

  it('check: the bytes C3 A9 in a latin1 file cover it', async () => {
    const r = await runCli(['check', '--policy', utf8Bytes, trace]);
    expect(r.stdout).not.toContain('uncovered');
    expect(r.code).toBe(0);
  });

  it('explain: not allowed by the 0xE9 rule, allowed by the C3 A9 rule', async () => {
    const no = await runCli(['explain', '--policy', latinE, trace]);
    expect(no.stdout).toContain('== no attach rule (1) ==');
    // The rule consulted is shown as the file writes it (latin1 0xE9 is é), never a lone surrogate.
    expect(no.stdout).toContain('latin-e.secpol:2:21 allow_attach devc_t /dev/caf\u00e9');
    expect(no.stdout).not.toMatch(/[\udc00-\udfff]/);
    const yes = await runCli(['explain', '--policy', utf8Bytes, trace]);
    expect(yes.stdout).toContain('== already allowed now');
    expect(yes.stdout).toContain('allowed now by ' + utf8Bytes + ':3');
  });

  it('suggest: the 0xE9 rule does not count as already allowing the path; the C3 A9 rule does', async () => {
    const no = await runCli(['suggest', '--policy', latinE, trace]);
    expect(no.stdout).toContain('/dev/café');
    expect(no.stderr).toContain('1 rule item(s) added; 0 already allowed by the policy');
    const yes = await runCli(['suggest', '--policy', utf8Bytes, trace]);
    expect(yes.stdout).toBe('');
    expect(yes.stderr).toContain(`devc_t attach /dev/café already allowed by ${utf8Bytes}:3`);
    expect(yes.stderr).toContain('0 rule item(s) added; 1 already allowed by the policy');
  });

  it('harden: the 0xE9 rule is unused by the trace, the C3 A9 rule is used', async () => {
    const no = await runCli(['harden', '--policy', latinE, success]);
    expect(no.stdout).toContain('allow_attach devc_t');
    expect(no.stderr).toContain('1 unused grant(s)');
    const yes = await runCli(['harden', '--policy', utf8Bytes, success]);
    expect(yes.stdout).toBe('');
    expect(yes.stderr).toContain('0 unused grant(s)');
  });

  it("a policy's bytes that are not UTF-8 never match a trace's U+FFFD (the trace's own bad byte)", async () => {
    const bad = file(
      'bad.log',
      'error: proc/boot/devc-cafe (pid:4102) of type devc_t failed to attach to path /dev/caf',
      [0xe9],
      ': no rule\n',
    );
    const glob = file('glob.secpol', header, 'allow_attach devc_t /dev/caf', [0xe9], '*;\n');
    // JSON Lines input can spell the lone surrogate the model reads 0xE9 as: it matches nothing either.
    const json = file(
      'bad.jsonl',
      `${JSON.stringify({
        schema: 'secpol-learn/trace-event@1',
        record:
          'error: proc/boot/devc-cafe (pid:4102) of type devc_t failed to attach to path /dev/caf\udce9: no rule',
      })}\n`,
    );
    for (const [policy, input] of [
      [latinE, bad],
      [glob, bad],
      [latinE, json],
      [glob, json],
    ] as const) {
      const r = await runCli(['check', '--policy', policy, input]);
      expect(r.stdout).toContain('uncovered');
      expect(r.code).toBe(1);
    }
  });

  it('a type name is ASCII by the grammar: a latin1 byte in one is a syntax error, not a type', async () => {
    const typed = file('typed.secpol', 'type caf', [0xe9], '_t;\n');
    const r = await runCli(['check', '--policy', typed, trace]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('typed.secpol:1:');
  });
});

describe('writing a trace path into a latin1 policy', () => {
  it("refuses a trace's `/dev/café` next to the file's own `caf` 0xE9 (the same characters, other bytes)", async () => {
    const target = file('write.secpol', header, 'allow_attach devc_t /dev/caf', [0xe9], ';\n');
    const before = readFileSync(target);
    const r = await runCli(['suggest', '--policy', target, '--write', trace]);
    expect(r.stderr).toContain(
      `${target}:3: U+00E9 cannot be written into this file (the file is not UTF-8, and written as one byte it would not be the UTF-8 bytes the trace recorded); nothing written`,
    );
    expect(r.code).toBe(2);
    expect(readFileSync(target)).toEqual(before);
    const patch = await runCli(['suggest', '--policy', target, '--format', 'patch', trace]);
    expect(patch.code).toBe(2);
    expect(patch.stdout).toBe('');
  });
});

describe('a latin1 path that is not UTF-8 is shown as the file writes it', () => {
  // `cat` 0xE8: `è` in latin1.
  const latinG = file('latin-g.secpol', header, 'allow_attach devc_t /dev/caf', [0xe8], ';\n');

  it('diff: text and JSON show é and è (distinct bytes stay distinct), never a lone surrogate', async () => {
    const text = await runCli(['diff', latinE, latinG]);
    expect(text.stdout).toContain('+ added devc_t attach: allow_attach devc_t /dev/cafè');
    expect(text.stdout).toContain('- removed devc_t attach: allow_attach devc_t /dev/café');
    const json = await runCli(['diff', latinE, latinG, '--format', 'json']);
    expect(json.stdout).not.toMatch(/\\udc|[\udc00-\udfff]/);
    const objects = (JSON.parse(json.stdout) as { entries: Array<{ object: string }> }).entries
      .map((e) => e.object)
      .sort();
    expect(objects).toEqual(['/dev/cafè', '/dev/café']);
  });

  it('harden: the grant is shown as written', async () => {
    const r = await runCli(['harden', '--policy', latinG, success, '--format', 'json']);
    expect(r.stdout).not.toMatch(/\\udc|[\udc00-\udfff]/);
    expect(r.stdout).toContain('allow_attach devc_t /dev/cafè');
  });
});

describe('tidy over latin1 files', () => {
  it("proves a glob over a latin1 file's own non-UTF-8 paths; --write refuses the new word", async () => {
    const lines = [0, 1, 2, 3].map((n) => ['allow_attach devc_t /dev/tty', [0xe9], `${n};\n`]);
    const p = file('ttys.secpol', header, ...lines.flat());
    const before = readFileSync(p);
    const r = await runCli(['tidy', p]);
    expect(r.stdout).toContain('/dev/tty\u00e9*');
    expect(r.stderr).toContain('0 unexplained');
    expect(r.code).toBe(0);
    // A non-ASCII word the latin1 file does not hold yet is refused (policy-bytes.ts), nothing written.
    const w = await runCli(['tidy', p, '--write']);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('U+00E9 cannot be written into this file');
    expect(readFileSync(p).equals(before)).toBe(true);
  });

  it('does not move a latin1 path rule into a UTF-8 file (its bytes would change)', async () => {
    const a = file('utf8-part.secpol', header, 'allow_attach devc_t /dev/x;\n');
    const b = file('latin-part.secpol', 'allow_attach devc_t /dev/caf', [0xe9], ';\n');
    const r = await runCli(['tidy', a, b]);
    expect(r.stdout).toContain('nothing to tidy');
    expect(r.code).toBe(0);
  });
});
