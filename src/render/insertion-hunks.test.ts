/**
 * Hunks built from insertions: `patch` (jsdiff's applyPatch) turns the old text
 * into the new one for any insertions, and for whole new lines the hunks are
 * jsdiff's own, byte for byte.
 */
import fc from 'fast-check';
import { applyPatch, formatPatch, structuredPatch, FILE_HEADERS_ONLY } from 'diff';
import { insertionHunks, type Insertion } from './insertion-hunks';

const apply = (text: string, ins: Insertion[]): string => {
  let out = '';
  let at = 0;
  for (const i of ins) {
    out += text.slice(at, i.offset) + i.text;
    at = i.offset;
  }
  return out + text.slice(at);
};

const format = (before: string, ins: Insertion[]): string =>
  formatPatch(
    {
      oldFileName: 'a/p',
      newFileName: 'b/p',
      oldHeader: undefined,
      newHeader: undefined,
      hunks: insertionHunks(before, ins),
    },
    FILE_HEADERS_ONLY,
  );

const jsdiff = (before: string, after: string): string =>
  formatPatch(
    structuredPatch('a/p', 'b/p', before, after, undefined, undefined, { context: 3 }),
    FILE_HEADERS_ONLY,
  );

/** An old text: 0–30 lines, maybe without the last newline. */
const oldText = fc
  .record({
    lines: fc.array(fc.constantFrom('type a_t;', 'allow a_t self:ability {', '    io', '};', ''), {
      maxLength: 30,
    }),
    newline: fc.boolean(),
  })
  .map(({ lines, newline }) =>
    lines.length === 0 ? '' : lines.join('\n') + (newline ? '\n' : ''),
  );

/** Sorted insertions into `text`: whole lines at line starts, words anywhere, text at the end. */
function insertionsInto(text: string, unique: boolean): fc.Arbitrary<Insertion[]> {
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index + 1)].filter(
    (o) => o < text.length || text.endsWith('\n') || text === '',
  );
  const one = unique
    ? fc
        .record({ at: fc.constantFrom(...lineStarts), n: fc.integer({ min: 1, max: 3 }) })
        .map(({ at, n }) => ({ at, lines: n }))
    : fc
        .record({ at: fc.integer({ min: 0, max: text.length }), n: fc.integer({ min: 0, max: 3 }) })
        .map(({ at, n }) => ({ at, lines: n }));
  return fc.array(one, { maxLength: 8 }).map((list) => {
    let k = 0;
    return list
      .map(({ at, lines }) => ({
        offset: at,
        text:
          lines === 0
            ? ` w${k++} `
            : Array.from({ length: lines }, () => `    new${k++}`).join('\n') + '\n',
      }))
      .sort((x, y) => x.offset - y.offset);
  });
}

describe('insertionHunks', () => {
  it('gives a patch that turns the old text into the new one, for any insertions', () => {
    fc.assert(
      fc.property(
        oldText.chain((t) => fc.tuple(fc.constant(t), insertionsInto(t, false))),
        ([before, ins]) => {
          const after = apply(before, ins);
          expect(applyPatch(before, format(before, ins))).toBe(after);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives jsdiff hunks, byte for byte, for new whole lines', () => {
    fc.assert(
      fc.property(
        oldText.chain((t) => fc.tuple(fc.constant(t), insertionsInto(t, true))),
        ([before, ins]) => {
          expect(format(before, ins)).toBe(jsdiff(before, apply(before, ins)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('changes a line without a final newline as jsdiff does, and an empty file', () => {
    const cases: Array<[string, Insertion[]]> = [
      ['a\nb\nc', [{ offset: 5, text: '\nX\n' }]],
      ['a\n{ io }\nc', [{ offset: 7, text: 'pathspace ' }]],
      ['', [{ offset: 0, text: 'type a_t;\n' }]],
    ];
    for (const [before, ins] of cases)
      expect(format(before, ins)).toBe(jsdiff(before, apply(before, ins)));
  });
});
