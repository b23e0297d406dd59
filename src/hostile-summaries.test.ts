/**
 * Hostile summaries (issue 18: a summary comes from devices and is untrusted),
 * in the style of src/hostile-commands.test.ts, over its generated corpus
 * (test-utils/hostile-corpus.ts):
 *
 * - a hostile trace summarized and read back gives `suggest` the bytes the
 *   trace gives it (stdout and stderr), in every encoding;
 * - a summary whose string fields were rewritten to carry hostile fragments
 *   (control, escape, bidirectional, zero-width characters, policy
 *   punctuation, keywords, look-alikes) never makes an internal error, never
 *   prints a raw control character, and every policy text `suggest` and
 *   `generate` print parses with zero errors; every line not read is named
 *   at FILE:LINE on stderr.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { runCli } from './test-utils/run-cli';
import { hostileCase, HOSTILE_FRAGMENTS, KEYWORD_ABILITIES } from './test-utils/hostile-corpus';
import { parsePolicy } from './policy/parse';

const RAW_UNSAFE =
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;

const SEED = path.resolve(__dirname, '..', 'samples', 'seed-walkthrough');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-summaries-'));
  fs.copyFileSync(path.join(SEED, 'policy.secpol'), path.join(dir, 'policy.secpol'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cli = (argv: string[]): ReturnType<typeof runCli> => runCli(argv, { cwd: dir });

/** Where a string can sit in a review line (an access), and how to put `s` there. */
const REVIEW_PLACES: Array<[string, (o: Record<string, unknown>, s: string) => void]> = [
  ['record', (o, s) => (o.record = s)],
  ['record tail', (o, s) => (o.record = `${String(o.record)}${s}`)],
  ['first.file', (o, s) => ((o.first as { file: string }).file = s)],
  [
    'failure place',
    (o, s) =>
      (o.failurePlaces = (o.failurePlaces as Array<{ line: number }>).map((p) => ({
        ...p,
        file: s,
      }))),
  ],
];

/** Where a string can sit in a summary line, and how to put `s` there. */
const PLACES: Array<[string, (o: Record<string, unknown>, s: string) => void]> = [
  ['type', (o, s) => (o.type = s)],
  ['process', (o, s) => (o.process = s)],
  ['object', (o, s) => (o.object = s)],
  ['pid', (o, s) => ((o.evidence as { pids: string[] }).pids = [s])],
  ['first.file', (o, s) => ((o.evidence as { first: { file: string } }).first.file = s)],
  ['sample', (o, s) => ((o.evidence as { sample: string }).sample = s)],
  ['unfixable', (o, s) => (o.unfixable = s)],
];

const hostileText = fc
  .tuple(
    fc.constantFrom('fs_t', '/dev/x', 'io', 'a.log', '1', ...KEYWORD_ABILITIES),
    fc.constantFrom(...HOSTILE_FRAGMENTS, '\n allow evil_t self:ability { io };\n'),
    fc.constantFrom('', 'b', '/y'),
  )
  .map(([a, b, c]) => a + b + c);

describe('hostile summaries', () => {
  it('a hostile trace, summarized, gives suggest, check, explain and harden the same bytes', async () => {
    await fc.assert(
      fc.asyncProperty(hostileCase, async (c) => {
        fs.writeFileSync(path.join(dir, 'h.log'), c.trace);
        const s = await cli(['summarize', 'h.log']);
        expect(s.code).toBe(0);
        fs.writeFileSync(path.join(dir, 'h.jsonl'), s.stdout);
        expect(s.stdout).not.toMatch(RAW_UNSAFE);
        const direct = await cli(['suggest', 'h.log', '--format', 'json']);
        expect(await cli(['suggest', 'h.jsonl', '--format', 'json'])).toEqual(direct);
        for (const c of ['check', 'explain', 'harden']) {
          const args = [c, '--policy', 'policy.secpol', '--format', 'json'];
          expect(await cli([...args, 'h.jsonl'])).toEqual(await cli([...args, 'h.log']));
        }
      }),
      { seed: 77, numRuns: 15 },
    );
  }, 600_000);

  it('hostile fields in a summary: no internal error, no raw control character, policy text that parses, bad lines named', async () => {
    const seed = fs.readFileSync(
      path.resolve(__dirname, '..', 'samples', 'seed-walkthrough', 'trace.log'),
    );
    fs.writeFileSync(path.join(dir, 'seed.log'), seed);
    const base = (await cli(['summarize', 'seed.log'])).stdout.trimEnd().split('\n');
    let refusedLines = 0;
    const atoms = base.flatMap((l, i) => (l.includes('"entry":"atom"') ? [i] : []));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...atoms), fc.constantFrom(...PLACES), hostileText), {
          minLength: 1,
          maxLength: 4,
        }),
        async (edits) => {
          const lines = [...base];
          for (const [at, [, put], text] of edits) {
            const o = JSON.parse(lines[at]!) as Record<string, unknown>;
            put(o, text);
            lines[at] = JSON.stringify(o);
          }
          fs.writeFileSync(path.join(dir, 'bad.jsonl'), `${lines.join('\n')}\n`);
          const runs = await Promise.all([
            cli(['suggest', 'bad.jsonl']),
            cli(['suggest', 'bad.jsonl', '--explain', '--format', 'markdown']),
            cli(['suggest', 'bad.jsonl', '--format', 'json']),
            cli(['generate', 'bad.jsonl']),
          ]);
          for (const r of runs) {
            expect(r.code).toBe(0);
            expect(r.stdout).not.toMatch(RAW_UNSAFE);
            expect(r.stderr).not.toMatch(RAW_UNSAFE);
            expect(r.stdout).not.toMatch(/evil_t/);
          }
          for (const r of [runs[0]!, runs[3]!]) {
            const { diagnostics } = parsePolicy(r.stdout, { file: 'out.secpol' });
            expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          }
          // Each edited line is read, or named at FILE:LINE.
          const named = new Set(
            [
              ...runs[0]!.stderr.matchAll(/^bad\.jsonl:(\d+): warning: summary line not read/gm),
            ].map((m) => Number(m[1])),
          );
          refusedLines += named.size;
          const edited = new Set(edits.map(([at]) => at + 1));
          for (const n of named) expect(edited.has(n)).toBe(true);
          const summary = await cli(['summarize', 'bad.jsonl']);
          const kept = summary.stdout
            .split('\n')
            .filter((l) => l.includes('"entry":"atom"')).length;
          // Lines not read are gone; the others are kept (two edited atoms may merge into one).
          expect(kept).toBeGreaterThanOrEqual(atoms.length - edited.size);
          expect(kept).toBeLessThanOrEqual(atoms.length - named.size);
        },
      ),
      { seed: 77, numRuns: 30 },
    );
    // The corpus reaches the refusals (a suite that refuses nothing tests nothing).
    expect(refusedLines).toBeGreaterThan(20);
  }, 600_000);

  it('hostile review lines: check, explain and harden never fail inside, print no raw control character, and name each line not read', async () => {
    fs.writeFileSync(path.join(dir, 'seed.log'), fs.readFileSync(path.join(SEED, 'trace.log')));
    const base = (await cli(['summarize', 'seed.log'])).stdout.trimEnd().split('\n');
    const accesses = base.flatMap((l, i) => (l.includes('"entry":"review-atom"') ? [i] : []));
    let refusedLines = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.constantFrom(...accesses), fc.constantFrom(...REVIEW_PLACES), hostileText),
          { minLength: 1, maxLength: 4 },
        ),
        async (edits) => {
          const lines = [...base];
          for (const [at, [, put], text] of edits) {
            const o = JSON.parse(lines[at]!) as Record<string, unknown>;
            put(o, text);
            lines[at] = JSON.stringify(o);
          }
          fs.writeFileSync(path.join(dir, 'bad.jsonl'), `${lines.join('\n')}\n`);
          const policy = ['--policy', 'policy.secpol'];
          const runs = await Promise.all([
            cli(['check', ...policy, 'bad.jsonl']),
            cli(['check', ...policy, 'bad.jsonl', '--format', 'sarif']),
            cli(['explain', ...policy, 'bad.jsonl', '--format', 'markdown']),
            cli(['harden', ...policy, 'bad.jsonl', '--format', 'patch']),
          ]);
          for (const r of runs) {
            expect([0, 1]).toContain(r.code);
            expect(r.stdout).not.toMatch(RAW_UNSAFE);
            expect(r.stderr).not.toMatch(RAW_UNSAFE);
            expect(r.stdout).not.toMatch(/evil_t/);
          }
          const named = new Set(
            [
              ...runs[0]!.stderr.matchAll(/^bad\.jsonl:(\d+): warning: summary line not read/gm),
            ].map((m) => Number(m[1])),
          );
          refusedLines += named.size;
          const edited = new Set(edits.map(([at]) => at + 1));
          for (const n of named) expect(edited.has(n)).toBe(true);
        },
      ),
      { seed: 78, numRuns: 25 },
    );
    expect(refusedLines).toBeGreaterThan(15);
  }, 600_000);
});
