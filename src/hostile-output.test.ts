/**
 * Hostile-output suite (docs/safe-output.md): every command and output format
 * over generated traces whose names and paths carry what a terminal, markdown,
 * JSON or policy text would interpret. Asserts per output medium that nothing
 * is interpreted: policy text re-parses and prints as itself, grants only
 * paths and types the trace holds literally; markdown holds no raw HTML and
 * every table row has its header's cell count; JSON and SARIF parse and carry
 * no raw control, bidirectional or invisible character; terminal text neither;
 * and every hostile record that does not reach the policy literally is
 * reported at its FILE:LINE.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { runCli } from './test-utils/run-cli';
import { parsePolicy } from './policy/parse';
import { printPolicy } from './policy/print';
import { applyPatch } from 'diff';

/** Fragments with a meaning in some output medium, and look-alikes. */
const FRAGMENTS = [
  '|',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '`',
  '```',
  '](javascript:alert(1))',
  '[x]',
  '&lt;',
  '\\',
  '\r',
  '\x1b[2J',
  '\x1b[31m',
  '\x1b]0;pwned\x07',
  '\x07',
  '\x00',
  '\u009b31m',
  '\u0085',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\u2028',
  'а', // Cyrillic a
  'ο', // Greek omicron
  '／', // fullwidth solidus
  '\ufffd',
  '"',
  'x'.repeat(300),
  'ok',
];

/** Characters no output may carry raw (newline and tab excepted). */
const RAW_UNSAFE =
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;

interface HostileRecord {
  form: 'attach' | 'ability' | 'process' | 'type';
  fragment: string;
}

const hostileRecord: fc.Arbitrary<HostileRecord> = fc.record({
  form: fc.constantFrom('attach', 'ability', 'process', 'type'),
  fragment: fc.constantFrom(...FRAGMENTS),
});

/** The record line for a hostile record (a text line; `\r` and the like stay in it). */
function recordLine(r: HostileRecord, i: number): string {
  const f = r.fragment;
  switch (r.form) {
    case 'attach':
      return `error: bin/p${i} (pid:${i}) of type p${i}_t failed to attach to path /dev/a${f}b${i}: no rule`;
    case 'ability':
      return `error: bin/p${i} (pid:${i}) type p${i}_t lacks ability AB${f}C${i} as root`;
    case 'process':
      return `error: bin/p${f}${i} (pid:${i}) of type p${i}_t failed to attach to path /dev/q${i}: no rule`;
    case 'type':
      return `error: bin/p${i} (pid:${i}) of type t${f}${i} failed to attach to path /dev/r${i}: no rule`;
  }
}

/** What a hostile record would put into policy text when accepted. */
function literalNeed(r: HostileRecord, i: number): string {
  const f = r.fragment;
  switch (r.form) {
    case 'attach':
      return `/dev/a${f}b${i}`;
    case 'ability':
      return `ab${f}c${i}`.toLowerCase();
    case 'process':
      return `/dev/q${i}`;
    case 'type':
      return `t${f}${i}`;
  }
}

/** Unescaped `|` in a markdown table line. */
function cellBars(line: string): number {
  return (line.replace(/\\./g, '').match(/\|/g) ?? []).length;
}

function checkMarkdown(md: string, label: string): void {
  // Outside code blocks and code spans (where markdown prints text as is), the one HTML the
  // cells hold is the `<br>` between consulted rules.
  const prose = md
    .replace(/^```[\s\S]*?^```$/gm, '')
    .replace(/(`+)[^`][\s\S]*?[^`]?\1(?!`)/g, '')
    .replace(/<br>/g, '');
  expect({ label, html: prose.match(/<[A-Za-z/!?][^\n]*/g) }).toEqual({
    label,
    html: null,
  });
  const lines = md.split('\n');
  let header: number | undefined;
  for (const line of lines) {
    if (!line.startsWith('|')) {
      header = undefined;
      continue;
    }
    const bars = cellBars(line);
    if (header === undefined) header = bars;
    expect({ label, line, bars }).toEqual({ label, line, bars: header });
  }
}

function checkJson(text: string, label: string, lines = false): void {
  const docs = lines ? text.split('\n').filter((l) => l !== '') : [text];
  for (const d of docs) {
    let parsed = true;
    try {
      JSON.parse(d);
    } catch {
      parsed = false;
    }
    expect({ label, parsed }).toEqual({ label, parsed: true });
  }
}

function checkPolicy(text: string, trace: string, label: string): void {
  const first = parsePolicy(text, { file: label });
  expect(first.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const printed = printPolicy(first.ast);
  expect(printPolicy(parsePolicy(printed, { file: label }).ast)).toBe(printed);
  // Every path and ability granted is in the trace literally (or the base policy's text).
  for (const m of text.matchAll(/^\s*allow_(?:attach|link) \S+ (\S+);/gm)) {
    expect({ label, path: m[1], inTrace: trace.includes(m[1]!) }).toEqual({
      label,
      path: m[1],
      inTrace: true,
    });
  }
}

describe('hostile traces through every output', () => {
  let dir: string;
  const policy = path.resolve('samples/seed-walkthrough/policy.secpol');
  const policyText = fs.readFileSync(policy, 'utf8');
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-output-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('outputs escape, policies re-parse, refusals are reported', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostileRecord, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        // File names reach cells and summaries as text, not code.
        fc.constantFrom('t', 't|<b>x<i>[a](b)&amp;`'),
        async (records, jsonLines, name) => {
          const lines = records.map(recordLine);
          const file = jsonLines ? `${name}.jsonl` : `${name}.log`;
          const text = jsonLines
            ? lines
                .map((l) => JSON.stringify({ schema: 'secpol-learn/trace-event@1', record: l }))
                .join('\n')
            : lines.join('\n');
          fs.writeFileSync(path.join(dir, file), `${text}\n`);
          const cwd = dir;
          const run = (argv: string[]): ReturnType<typeof runCli> => runCli(argv, { cwd });
          const outputs: Array<{ label: string; out: string; err: string; code: number }> = [];
          const cmd = async (label: string, argv: string[]): Promise<string> => {
            const r = await run(argv);
            outputs.push({ label, out: r.stdout, err: r.stderr, code: r.code });
            return r.stdout;
          };
          const learn = [file, '--policy', policy];
          const suggest = await cmd('suggest', ['suggest', ...learn]);
          checkPolicy(suggest, lines.join('\n'), 'suggest');
          // The patch applies to the policy and gives a policy that parses.
          const patch = await cmd('suggest patch', ['suggest', ...learn, '--format', 'patch']);
          const patched = patch === '' ? policyText : applyPatch(policyText, patch);
          expect(patched === false ? 'does not apply' : 'applies').toBe('applies');
          if (patched !== false)
            checkPolicy(patched, `${policyText}\n${lines.join('\n')}`, 'patched');
          checkJson(await cmd('suggest json', ['suggest', ...learn, '--format', 'json']), 'sj');
          checkMarkdown(
            await cmd('suggest md', ['suggest', ...learn, '--format', 'markdown']),
            'sm',
          );
          const generated = await cmd('generate', ['generate', file]);
          checkPolicy(generated, lines.join('\n'), 'generate');
          checkJson(await cmd('generate json', ['generate', file, '--format', 'json']), 'gj');
          await cmd('check', ['check', ...learn]);
          checkJson(await cmd('check json', ['check', ...learn, '--format', 'json']), 'cj');
          checkJson(await cmd('check sarif', ['check', ...learn, '--format', 'sarif']), 'cs');
          await cmd('explain', ['explain', ...learn]);
          checkJson(await cmd('explain json', ['explain', ...learn, '--format', 'json']), 'ej');
          checkMarkdown(
            await cmd('explain md', ['explain', ...learn, '--format', 'markdown']),
            'em',
          );
          for (const format of ['text', 'json', 'patch', 'sarif', 'markdown']) {
            const out = await cmd(`harden ${format}`, ['harden', ...learn, '--format', format]);
            if (format === 'json' || format === 'sarif') checkJson(out, `harden ${format}`);
            if (format === 'markdown') checkMarkdown(out, 'harden md');
          }
          await cmd('monitor', ['monitor', file]);
          checkJson(await cmd('monitor json', ['monitor', '--json', file]), 'mj', true);

          for (const o of outputs) {
            expect({ label: o.label, code: o.code < 70 }).toEqual({ label: o.label, code: true });
            expect({ label: o.label, out: RAW_UNSAFE.exec(o.out)?.[0] }).toEqual({
              label: o.label,
              out: undefined,
            });
            expect({ label: o.label, err: RAW_UNSAFE.exec(o.err)?.[0] }).toEqual({
              label: o.label,
              err: undefined,
            });
          }
          // A record whose field does not reach the policy literally is reported at its line.
          const stderr = outputs[0]!.err;
          records.forEach((r, i) => {
            const need = literalNeed(r, i);
            const learned = suggest.includes(need);
            const reported = stderr.includes(`${file}:${i + 1}:`);
            expect({ record: lines[i], learned, reported }).toEqual({
              record: lines[i],
              learned,
              reported: learned ? reported : true,
            });
          });
        },
      ),
      { numRuns: 12, seed: 15 },
    );
  }, 120_000);
});
