import fc from 'fast-check';
import {
  BLOCK_ROWS,
  CountColumn,
  IdColumn,
  IntColumn,
  SmallIdColumn,
  UintColumn,
} from './atom-columns';
import { packTable, unpackTable } from './table-transfer';
import { AtomTable, familyKey, revivedTable, type AtomFamily } from './atom-table';

const family: AtomFamily = {
  type: 'a_t',
  process: 'p',
  kind: 'ability',
  object: 'setuid',
  domain: 'root',
};

/** A table of `n` rows, values 0..n-1 (one family, line = value + 1). */
function tableOf(n: number): AtomTable {
  const t = new AtomTable();
  const f = t.familyId(familyKey(family), () => family);
  const file = t.fileId('a.log');
  for (let v = 0; v < n; v++) {
    const r = t.add(f, 1, v, 0, `r${v}`, v, file, v + 1);
    t.count(r, v % 3 === 0, file, v + 1);
  }
  return t;
}

/** Values around the narrow types' limits, and any double. */
const edgeValue = fc.oneof(
  fc.constantFrom(0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -1, -(2 ** 31)),
  fc.constantFrom(-(2 ** 31) - 1, 0.5, -0.5, 1e300, Number.MAX_SAFE_INTEGER + 2),
  fc.nat(),
  fc.integer(),
  fc.double({ noNaN: true }),
);

describe('columns in blocks', () => {
  it('hold every row across block boundaries, sealed, cloned and grown again', () => {
    const n = 2 * BLOCK_ROWS + 5;
    const t = tableOf(n);
    expect(t.family.blocks.length).toBe(3);
    t.seal();
    // The last block cut to its rows.
    expect(t.a.blocks[2]!.length).toBe(5);
    const c = revivedTable(structuredClone(t));
    const f = c.familyId(familyKey(family), () => family);
    const got: number[][] = [];
    const want: number[][] = [];
    for (let v = 0; v < n; v++) {
      const r = c.find(f, 1, v, 0);
      got.push([r, c.firstLine.at(r), c.pid.at(r), c.failures.at(r), c.successes.at(r)]);
      want.push([v, v + 1, v, v % 3 === 0 ? 1 : 0, v % 3 === 0 ? 0 : 1]);
    }
    expect(got).toEqual(want);
    // Rows added after the hand-over grow the cut block and make new ones.
    for (let v = n; v < n + BLOCK_ROWS; v++)
      c.add(f, 1, v, 0, `r${v}`, v, c.fileId('a.log'), v + 1);
    for (let v = 0; v < n + BLOCK_ROWS; v += 997)
      expect(c.value(c.find(f, 1, v, 0))).toBe(String(v));
    expect(c.family.blocks.length).toBe(4);
  });

  it('make the first block small for a small table', () => {
    const t = tableOf(3);
    expect(t.columns().reduce((n, c) => n + c.bytes(), 0)).toBeLessThan(200);
  });
});

describe('narrow columns', () => {
  it('read back every value set exactly, widening for good when one does not fit', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3 * 70 - 1), edgeValue), { maxLength: 60 }), (sets) => {
        for (const column of [new UintColumn(), new IntColumn()]) {
          const rows = 3 * 70;
          column.sized(0, rows);
          const expected = new Array<number>(rows).fill(0);
          let fits = true;
          for (const [r, v] of sets) {
            column.set(r, v);
            expected[r] = v;
            fits &&= column instanceof UintColumn ? v >>> 0 === v : (v | 0) === v;
            expect(column.wide).toBe(!fits);
          }
          for (let r = 0; r < rows; r++)
            expect(Object.is(column.at(r) + 0, expected[r]! + 0)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keep counts past 2^32 merged from tables (fleet summaries)', () => {
    const parts = [0, 1, 2].map(() => {
      const t = tableOf(BLOCK_ROWS + 2);
      t.failures.set(0, 2 ** 32 - 1);
      t.successes.set(BLOCK_ROWS + 1, 2 ** 31 + 7);
      t.seal();
      return revivedTable(structuredClone(t));
    });
    const out = new AtomTable();
    for (const t of parts) {
      const m = out.remapFrom(t);
      for (let r = 0; r < t.size; r++)
        out.copyRow(t, r, m, (s, i) => String(s.held[s.first.at(i)]));
    }
    // Only the blocks of the rows counted past 255 are wide.
    expect([out.failures.wideBlock(0), out.failures.wideBlock(1)]).toEqual([true, false]);
    expect([out.successes.wideBlock(0), out.successes.wideBlock(1)]).toEqual([false, true]);
    expect(out.failures.at(0)).toBe(3 * (2 ** 32 - 1));
    expect(out.successes.at(BLOCK_ROWS + 1)).toBe(3 * (2 ** 31 + 7));
    expect(out.failures.at(3)).toBe(3);
    expect(out.successes.at(1)).toBe(3);
  });

  it('hold small counts and ids in a byte per row, a block widened alone', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3 * 70 - 1), edgeValue), { maxLength: 60 }), (sets) => {
        const counts = new CountColumn();
        const ids = new SmallIdColumn();
        const rows = 3 * 70;
        for (const c of [counts, ids]) c.sized(0, rows);
        const expected = new Array<number>(rows).fill(0);
        const expectedIds = new Array<number>(rows).fill(0);
        for (const [r, v] of sets) {
          counts.set(r, v);
          expected[r] = v;
          // Ids are int32s.
          ids.set(r, v | 0);
          expectedIds[r] = v | 0;
        }
        for (let r = 0; r < rows; r++) {
          expect(Object.is(counts.at(r) + 0, expected[r]! + 0)).toBe(true);
          expect(ids.at(r)).toBe(expectedIds[r]);
        }
      }),
      { numRuns: 300 },
    );
    const c = new CountColumn();
    c.sized(0, 4);
    c.set(1, 256);
    c.sized(0, 8);
    expect([c.wideBlock(0), c.at(1)]).toEqual([true, 256]);
  });

  it('hold a row of small values in 30 B (family, files and counts a byte each; 2 for a first record, 2 for a slot of places)', () => {
    const t = tableOf(2 * BLOCK_ROWS);
    const bytes = t.columns().reduce((n, c) => n + c.bytes(), 0);
    expect(bytes / t.size).toBe(30);
  });

  it('hold ids in 2 B until one past 65535, then in 4 for good, exactly', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.nat(3 * 70 - 1),
            fc.oneof(fc.nat(70_000), fc.integer({ min: -1, max: 2 ** 31 - 1 })),
          ),
          {
            maxLength: 60,
          },
        ),
        (sets) => {
          const column = new IdColumn();
          column.sized(0, 3 * 70);
          const expected = new Array<number>(3 * 70).fill(0);
          let fits = true;
          for (const [r, v] of sets) {
            column.set(r, v);
            expected[r] = v;
            fits &&= v >= 0 && v <= 65535;
            expect(column.wide).toBe(!fits);
            expect(column.bytes()).toBe(3 * 70 * (fits ? 2 : 4));
          }
          for (let r = 0; r < 3 * 70; r++) expect(column.at(r)).toBe(expected[r]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keep first records past the 65,536th across threads (the id column made wide)', () => {
    const n = 65_536 + 40;
    const t = tableOf(n);
    expect(t.first.wide).toBe(true);
    t.seal();
    const got = unpackTable(packTable(t).packed);
    expect(got.first.wide).toBe(true);
    for (const v of [0, 1, 65_535, 65_536, n - 1]) {
      const r = got.find(
        got.familyId(familyKey(family), () => family),
        1,
        v,
        0,
      );
      expect(got.held[got.first.at(r)]).toBe(`r${v}`);
    }
  });

  it("hold a range's end as its length: addresses past 2^32 leave b narrow, values exact", () => {
    const t = new AtomTable();
    const f = t.familyId(familyKey(family), () => family);
    const file = t.fileId('a.log');
    const ranges = [
      [322861374720, 322861429279],
      [2 ** 53 - 2, 2 ** 53 - 1],
      [7, 7],
    ] as const;
    for (const [s, e] of ranges) t.add(f, 2, s, e, 'r', 1, file, 1);
    expect([t.a.wide, t.b.wide]).toEqual([true, false]);
    // An end before its start is held exactly too (the column widens).
    t.add(f, 2, 9, 3, 'r', 1, file, 1);
    const out = new AtomTable();
    const m = out.remapFrom(t);
    for (let r = 0; r < t.size; r++) out.copyRow(t, r, m, () => 'r');
    for (const table of [t, out]) {
      const got = [...ranges, [9, 3]].map(([s, e]) => table.value(table.find(0, 2, s, e)));
      expect(got).toEqual([...ranges, [9, 3]].map(([s, e]) => `${s}-${e}`));
    }
    expect(t.find(f, 2, 322861374720, 322861429280)).toBe(-1);
  });

  it('keep lines past 2^32 and pids past 2^31 (shifted, or read so)', () => {
    const t = tableOf(10);
    t.shiftLines(2 ** 32);
    expect(t.firstLine.wide).toBe(true);
    expect(t.firstLine.at(9)).toBe(2 ** 32 + 10);
    expect(t.failLine.at(9)).toBe(2 ** 32 + 10);
    expect(t.failurePlaces(0)).toEqual([{ file: 'a.log', line: 2 ** 32 + 1 }]);
    const f = t.familyId(familyKey(family), () => family);
    const r = t.add(f, 1, 2 ** 40, 0, 'x', 2 ** 31, t.fileId('a.log'), 1);
    expect([t.pid.wide, t.pid.at(r), t.a.at(r), t.value(r)]).toEqual([
      true,
      2 ** 31,
      2 ** 40,
      String(2 ** 40),
    ]);
    expect(t.pid.at(3)).toBe(3);
  });
});
