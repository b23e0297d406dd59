/**
 * `check`'s text written as bytes (`uncoveredRows` and `UncoveredLineBytes`,
 * check-output.ts, into the CLI's `LineBatch`): the UTF-8 bytes of
 * `uncoveredLines`' text, newlines included, for every kind of value a
 * family's row holds (none too), counts of one and more, and names past
 * ASCII (a file name ending in a lone surrogate: its piece meets the colon; an empty one).
 */
import { LineBatch } from '../cli/line-batch';
import { tallyEvents } from '../infer/review-tally';
import { ValueKind } from '../infer/atom-table';
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { parseTraceText } from '../trace/push-parser';
import type { CheckInput } from '../review/check-result';
import { checkRows, FamilyFailure } from '../review/check-stream';
import { uncoveredLines, uncoveredRows, UncoveredLineBytes } from './check-output';

const POLICY = ['type fs_t;', 'type init_t;', 'allow init_t self:ability { io };'].join('\n');

const INPUT: CheckInput = {
  traceFiles: [],
  policyFiles: ['p.secpol'],
  notUnderstood: [],
  notUnderstoodCount: 0,
  guardViolations: [],
  strict: false,
};

/** Denied records of `ability(VALUE)` for each value, by type `type` and process `process`. */
function denied(type: string, process: string, ability: string, values: string[]): string[] {
  return values.map(
    (v, i) =>
      `error: ${process} (pid:${100 + i}) type ${type} lacks ability ${ability}${v ? `(${v})` : ''} as root`,
  );
}

const TRACE = [
  // Decimal values (past 2^31 and 2^53's digits too), one repeated: `(2 records)`.
  // A process name past ASCII.
  ...denied('init_t', 'bin/ü€', 'SETUID', ['0', '7', '7', '2147483648', '999999999999999']),
  // Ranges, one past 2^32.
  ...denied('init_t', 'bin/b', 'MAP_FIXED', ['4000 - 4100', '322861374720 - 322861429279']),
  // A value longer than a value key's number: held as a text.
  ...denied('init_t', 'bin/ü€', 'SETUID', ['12345678901234567890']),
  // Type ids of an undeclared type's connects (suffixes changing back and forth).
  ...denied('nope_t', 'bin/g', 'CHANNEL_CONNECT', [
    '7) (init_t',
    '8) (fs_t',
    '8) (fs_t',
    '9) (init_t',
  ]),
  // No value: one atom in its family, judged alone (a line as text).
  ...denied('init_t', 'bin/b', 'PATHSPACE', ['', '']),
  // No value and a value in one family of an undeclared type (its verdict shared): a family's
  // row with no value, once and twice.
  ...denied('nope_t', 'bin/ü€', 'SETGID', ['', '5', '', '6', '6']),
].join('\n');

/** The bytes `writeRows` writes for `rows`: strings as lines, families through `UncoveredLineBytes`. */
function written(rows: ReturnType<typeof uncoveredRows>, batch: LineBatch): Buffer {
  const bytes = new UncoveredLineBytes();
  let next = rows.next();
  for (; !next.done; next = rows.next()) {
    const row = next.value;
    if (typeof row === 'string') batch.addLine(row);
    else {
      bytes.write(row, batch);
      batch.endLine();
    }
  }
  return batch.take();
}

describe('UncoveredLineBytes', () => {
  it.each(['t.log', 'träce-😀.log', 'lone-\uD800', ''])(
    'writes the UTF-8 of uncoveredLines (file %s)',
    (file) => {
      const model = buildModel(parsePolicies([{ file: 'p.secpol', text: POLICY }]).policy);
      const summary = tallyEvents(parseTraceText(TRACE, file).events);
      const text = [
        ...{ [Symbol.iterator]: () => uncoveredLines(checkRows(model, summary, INPUT)) },
      ];
      // A small batch: every line grows it.
      const bytes = written(uncoveredRows(checkRows(model, summary, INPUT)), new LineBatch(8));
      // Compared as bytes (a lone surrogate's text does not come back from its bytes), then as
      // text read back, which says where a difference is.
      const expected = Buffer.from(text.map((l) => `${l}\n`).join(''));
      expect(bytes.toString('utf8')).toBe(expected.toString('utf8'));
      expect(bytes.equals(expected)).toBe(true);
      // Every kind of value a family of two atoms or more can hold came as a family's row, and
      // counts of more than one.
      const kinds = new Set<ValueKind>();
      let counted = 0;
      for (const j of { [Symbol.iterator]: () => checkRows(model, summary, INPUT) })
        if (j instanceof FamilyFailure) {
          kinds.add(j.kind);
          if (j.count > 1) counted++;
        }
      expect([...kinds].sort()).toEqual([
        ValueKind.None,
        ValueKind.Decimal,
        ValueKind.Range,
        ValueKind.TypeId,
        ValueKind.Text,
      ]);
      expect(counted).toBeGreaterThanOrEqual(2);
    },
  );
});
