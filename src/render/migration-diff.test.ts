/**
 * The migration's diff built from its edits (edit-hunks.ts) against jsdiff's
 * diff of the whole texts (`unifiedDiffParts`): the same bytes on the sample
 * and on generated policies (items renamed, items and whole statements cut,
 * on one line or many, CRLF, a last line without a newline), and for any
 * edits of any text, hunks that turn the old text into the new one.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { applyPatch } from 'diff';
import { parsePolicies } from '../policy/parse';
import { migratePolicy } from '../review/migrate';
import { applyCuts } from '../review/remove-grants';
import { editHunks } from './edit-hunks';
import { migrationDiffParts } from './migration-diff';
import { unifiedDiffParts } from './unified-diff';

const SAMPLE = path.join(__dirname, '..', '..', 'samples', 'migrate-7.1-8.0');

/** Both diffs of migrating `text` from 7.1 to 8.0. */
function bothDiffs(text: string): { fast: string; jsdiff: string; changed: boolean } {
  const texts = [{ file: 'policy.secpol', text }];
  const m = migratePolicy(parsePolicies(texts).policy, texts, '7.1', '8.0');
  const join = (parts: Array<{ header: string; body: string }>): string =>
    parts.map((p) => p.header + p.body).join('');
  return {
    fast: join(migrationDiffParts(texts, m, '/')),
    jsdiff: join(
      unifiedDiffParts([{ file: 'policy.secpol', before: text, after: m.after[0]!.text }], '/'),
    ),
    changed: m.after[0]!.text !== text,
  };
}

/** Statements of a 7.1 policy: some migrate (renamed, cut), some do not. */
const STATEMENTS = [
  'allow a_t self:ability {\n    qvm\n    mem_phys:0x80000000-0x8fffffff\n    clockperiod:1000000-\n};',
  'allow b_t self:ability {\n    qnet\n    public_channel\n};',
  'allow c_t self:ability { interruptevent:52 io:1 };',
  'allow d_t self:ability keydata;',
  'allow d_t b_t:channel connect;',
  'allow e_t self:ability { qvm qnet };',
  'allow f_t self:ability {\n    nonroot\n    qnet\n};',
  'allow g_t self:ability {\n    spawn\n    fork\n};',
  '# a comment',
  '',
  'allow h_t self:ability qvm; # trailing comment',
];

describe('migrate --format patch from the edits', () => {
  it('is the bytes of jsdiff on the sample (the golden patch)', () => {
    const { fast, jsdiff } = bothDiffs(readFileSync(path.join(SAMPLE, 'policy.secpol'), 'utf8'));
    expect(fast).toBe(jsdiff);
    expect(fast).toBe(readFileSync(path.join(SAMPLE, 'expected.migrate.patch'), 'utf8'));
  });

  it('is the bytes of jsdiff on generated policies', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...STATEMENTS), { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        fc.boolean(),
        (statements, crlf, lastNewline) => {
          const decls =
            'type a_t;\ntype b_t;\ntype c_t;\ntype d_t;\ntype e_t;\ntype f_t;\ntype g_t;\ntype h_t;\n';
          let text = decls + statements.join('\n') + (lastNewline ? '\n' : '');
          if (crlf) text = text.replace(/\n/g, '\r\n');
          const { fast, jsdiff } = bothDiffs(text);
          expect(fast).toBe(jsdiff);
        },
      ),
      { numRuns: 300, seed: 4 },
    );
  });

  it('gives hunks that turn any text into the text with any edits applied', () => {
    const { formatPatch } = jest.requireActual<typeof import('diff')>('diff');
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom('a', 'b', '\n', ' ', 'c\n'), { maxLength: 60 })
          .map((a) => a.join('')),
        fc.array(fc.tuple(fc.nat(60), fc.nat(8), fc.constantFrom('', 'x', 'y\n', '\n')), {
          maxLength: 6,
        }),
        (before, raw) => {
          const edits = raw
            .map(([s, n, text]) => ({
              start: Math.min(s, before.length),
              end: Math.min(s + n, before.length),
              text,
            }))
            .filter((e) => e.end > e.start);
          const after = applyCuts(before, edits);
          const hunks = editHunks(before, edits);
          const patch = formatPatch({
            oldFileName: 'a',
            newFileName: 'b',
            oldHeader: undefined,
            newHeader: undefined,
            hunks,
          });
          expect(applyPatch(before, patch)).toBe(after);
        },
      ),
      { numRuns: 1000, seed: 7 },
    );
  });
});
