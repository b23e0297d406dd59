import fc from 'fast-check';
import {
  AtomTable,
  MAX_PLACES,
  familyKey,
  hashOf,
  revivedTable,
  type AtomFamily,
} from './atom-table';
import { byPlace } from '../diagnostics/first-by-place';
import type { TracePosition } from '../trace/event';

/** Value texts: canonical numbers, ranges and type ids, and texts that only look like them. */
const valueText = fc.oneof(
  fc.constantFrom('', '0', '7', '007', '1-5', '1-05', '5-1', '1 (fs_t)', '01 (fs_t)', 'fs_t'),
  fc.constantFrom('999999999999999', '1000000000000000', '9007199254740993', '-3', '1-', '-1-2'),
  fc.nat().map(String),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}-${b}`),
  fc.tuple(fc.nat(), fc.constantFrom('a_t', 'b_t')).map(([a, t]) => `${a} (${t})`),
  fc.string({ maxLength: 6 }),
);

const families: AtomFamily[] = [
  { type: 'a_t', process: 'p', kind: 'ability', object: 'setuid', domain: 'root' },
  { type: 'a_t', process: 'p', kind: 'ability', object: 'setuid', domain: 'non-root' },
  { type: 'b_t', process: 'q', kind: 'attach', object: '/dev/x', domain: '' },
];

interface Op {
  family: number;
  value: string;
  file: string;
  line: number;
  failed: boolean;
}

/** Records of any value, and of a few (so some atoms pass MAX_PLACES failures). */
const opArb: fc.Arbitrary<Op> = fc.record({
  family: fc.nat(families.length - 1),
  value: fc.oneof(valueText, fc.constant('1')),
  file: fc.constantFrom('a.log', 'b.log', 'c.log'),
  line: fc.integer({ min: 1, max: 40 }),
  failed: fc.boolean(),
});

/** Counts `ops` into `t` as the tally does: the earliest record (by place) is the first. */
function countInto(t: AtomTable, ops: Op[]): void {
  for (const o of ops) {
    const f = families[o.family]!;
    const family = t.familyId(familyKey(f), () => f);
    const v = t.valueKey(o.value);
    const file = t.fileId(o.file);
    let r = t.find(family, v.kind, v.a, v.b);
    if (r < 0) r = t.add(family, v.kind, v.a, v.b, `${o.file}:${o.line}`, -1, file, o.line);
    else if (t.comparePlaces(file, o.line, t.firstFile.at(r), t.firstLine.at(r)) < 0) {
      t.setFirst(r, `${o.file}:${o.line}`, -1, file, o.line);
    }
    t.count(r, o.failed, file, o.line);
  }
}

interface Expected {
  first: TracePosition;
  failures: number;
  successes: number;
  places: TracePosition[];
}

/** The reference: a Map of objects by family and value text. */
function reference(ops: Op[]): Map<string, Expected> {
  const out = new Map<string, Expected>();
  for (const o of ops) {
    const key = `${o.family}\0${o.value}`;
    const p = { file: o.file, line: o.line };
    let e = out.get(key);
    if (e === undefined) out.set(key, (e = { first: p, failures: 0, successes: 0, places: [] }));
    if (byPlace(p, e.first) < 0) e.first = p;
    if (o.failed) {
      e.failures++;
      e.places = [...e.places, p].sort(byPlace).slice(0, MAX_PLACES);
    } else e.successes++;
  }
  return out;
}

/** The table's rows as the reference's entries. */
function rows(t: AtomTable): Map<string, Expected> {
  const out = new Map<string, Expected>();
  for (let r = 0; r < t.size; r++) {
    // By key: a table cloned across threads holds copies of the families.
    const key0 = familyKey(t.families[t.family.at(r)]!);
    const family = families.findIndex((f) => familyKey(f) === key0);
    const key = `${family}\0${t.value(r)}`;
    expect(out.has(key)).toBe(false);
    const first = { file: t.files[t.firstFile.at(r)]!, line: t.firstLine.at(r) };
    expect(t.held[t.first.at(r)]).toBe(`${first.file}:${first.line}`);
    out.set(key, {
      first,
      failures: t.failures.at(r),
      successes: t.successes.at(r),
      places: t.failurePlaces(r),
    });
  }
  return out;
}

describe('AtomTable', () => {
  it('gives back every value text from its key', () => {
    fc.assert(
      fc.property(fc.array(valueText, { maxLength: 30 }), (values) => {
        const t = new AtomTable();
        const family = t.familyId('f', () => families[0]!);
        for (const v of values) {
          const k = t.valueKey(v);
          let r = t.find(family, k.kind, k.a, k.b);
          if (r < 0) r = t.add(family, k.kind, k.a, k.b, '', -1, t.fileId('a.log'), 1);
          expect(t.value(r)).toBe(v);
        }
        expect(t.size).toBe(new Set(values).size);
      }),
      { numRuns: 300 },
    );
  });

  it('counts records as a Map of objects by family and value does', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const t = new AtomTable();
        countInto(t, ops);
        expect(rows(t)).toEqual(reference(ops));
      }),
      { numRuns: 200 },
    );
  });

  it('copies rows of other tables (cloned across threads) as one table of all the records', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 120 }),
        fc.array(opArb, { maxLength: 120 }),
        (x, y) => {
          const [tx, ty] = [x, y].map((ops) => {
            const t = new AtomTable();
            countInto(t, ops);
            t.seal();
            return revivedTable(structuredClone(t));
          }) as [AtomTable, AtomTable];
          const out = new AtomTable();
          for (const t of [tx, ty]) {
            const m = out.remapFrom(t);
            for (let r = 0; r < t.size; r++)
              out.copyRow(t, r, m, (s, i) => String(s.held[s.first.at(i)]));
          }
          expect(rows(out)).toEqual(reference([...x, ...y]));
          // A table handed over is still counted into: its hash and maps are made again.
          countInto(tx, y);
          expect(rows(tx)).toEqual(reference([...x, ...y]));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps the first MAX_PLACES failure places, records arriving in place order or not', () => {
    for (const lines of [
      Array.from({ length: 12 }, (_, i) => i + 1),
      Array.from({ length: 12 }, (_, i) => 12 - i),
      [5, 1, 9, 2, 12, 3, 11, 4, 10, 6, 8, 7],
    ]) {
      const t = new AtomTable();
      countInto(
        t,
        lines.map((line) => ({ family: 0, value: '1', file: 'a.log', line, failed: true })),
      );
      expect(t.failurePlaces(0)).toEqual(
        Array.from({ length: MAX_PLACES }, (_, i) => ({ file: 'a.log', line: i + 1 })),
      );
    }
  });

  it('counts records as the reference does when they arrive in place order, then out of it', () => {
    const byPlace = (x: Op, y: Op): number =>
      x.file === y.file ? x.line - y.line : x.file < y.file ? -1 : 1;
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 300 }),
        fc.array(opArb, { maxLength: 40 }),
        (sorted, after) => {
          const ops = [...sorted].sort(byPlace);
          const t = new AtomTable();
          countInto(t, ops);
          expect(rows(t)).toEqual(reference(ops));
          countInto(t, after);
          expect(rows(t)).toEqual(reference([...ops, ...after]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('places set or counts set by hand end the in-order shortcut', () => {
    const fail = (line: number): Op => ({
      family: 0,
      value: '1',
      file: 'a.log',
      line,
      failed: true,
    });
    const t = new AtomTable();
    countInto(t, [fail(10), fail(11), fail(12)]);
    // Three places held, but a count of 9: the next failure in order must not be taken as past a full row.
    t.setFailures(0, 9);
    countInto(t, [fail(13)]);
    expect(t.failurePlaces(0).map((p) => p.line)).toEqual([10, 11, 12, 13]);
    const u = new AtomTable();
    countInto(u, [fail(1)]);
    u.setPlacePairs(0, [u.fileId('a.log'), 50]);
    countInto(
      u,
      Array.from({ length: 9 }, (_, i) => fail(60 + i)),
    );
    expect(u.failurePlaces(0).map((p) => p.line)).toEqual([50, 60, 61, 62, 63, 64, 65, 66]);
  });

  it('drops a failure in place order past a full row without reading its places', () => {
    const t = new AtomTable();
    const more = jest.spyOn(t.places, 'count');
    countInto(
      t,
      Array.from({ length: 40 }, (_, i) => ({
        family: 0,
        value: '1',
        file: 'a.log',
        line: i + 1,
        failed: true,
      })),
    );
    expect(t.failures.at(0)).toBe(40);
    expect(t.failurePlaces(0).map((p) => p.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Places 3..MAX_PLACES were inserted after the row's slot's last (its count read); none after.
    expect(more).toHaveBeenCalledTimes(MAX_PLACES - 2);
  });

  it('shifts every line it holds', () => {
    const t = new AtomTable();
    const ops: Op[] = Array.from({ length: 12 }, (_, i) => ({
      family: 0,
      value: '1',
      file: 'a.log',
      line: 12 - i,
      failed: true,
    }));
    countInto(t, ops);
    t.shiftLines(100);
    expect(t.size).toBe(1);
    expect([t.firstLine.at(0), t.failures.at(0)]).toEqual([101, 12]);
    expect(t.failurePlaces(0)).toEqual(
      Array.from({ length: MAX_PLACES }, (_, i) => ({ file: 'a.log', line: 101 + i })),
    );
  });

  it('values made to collide under its seed do not make look-ups walk a cluster: the seed is drawn again', () => {
    // What a traced process can log (`setuid(N)`): values whose hash under seed 7 ends in ten
    // zero bits, so they share one slot at every table size up to 1,024 slots (300 rows: 512).
    const t = new AtomTable(7);
    const f = families[0]!;
    const family = t.familyId(familyKey(f), () => f);
    const file = t.fileId('a.log');
    const kind = t.valueKey('1').kind;
    const crafted: number[] = [];
    for (let v = 0; crafted.length < 300; v++) {
      if ((hashOf(7, family, kind, v, 0) & 0x3ff) === 0) crafted.push(v);
    }
    crafted.forEach((v, i) => {
      const k = t.valueKey(String(v));
      expect(t.find(family, k.kind, k.a, k.b)).toBe(-1);
      t.add(family, k.kind, k.a, k.b, `a.log:${i + 1}`, -1, file, i + 1);
    });
    expect(t.reseeds).toBeGreaterThan(0);
    expect(t.longestProbe()).toBeLessThanOrEqual(64);
    crafted.forEach((v, i) => {
      const k = t.valueKey(String(v));
      expect(t.find(family, k.kind, k.a, k.b)).toBe(i);
    });
  });

  it('ordinary values never make it draw a new seed', () => {
    for (const value of [
      (i: number): number => i,
      (i: number): number => (i * 2654435761) % 2 ** 40,
    ]) {
      const t = new AtomTable(1);
      for (let i = 0; i < 200_000; i++) t.add(0, 1, value(i), 0, 'x', -1, 0, i + 1);
      expect(t.reseeds).toBe(0);
    }
  });

  it('holds failure places after the first in typed slots, one per row with two failures or more', () => {
    const t = new AtomTable();
    const ops: Op[] = [];
    for (let v = 0; v < 3000; v++) {
      for (let k = 0; k < 1 + (v % 3); k++) {
        ops.push({ family: 0, value: String(v), file: 'a.log', line: 3 * v + k + 1, failed: true });
      }
    }
    countInto(t, ops);
    expect(t.places.slots).toBe(2000);
    expect(t.places.blocks.every((b) => b instanceof Uint32Array)).toBe(true);
    expect(t.failurePlaces(2).map((p) => p.line)).toEqual([7, 8, 9]);
    // A line past 2^32 makes the slots wide, every place read back exactly.
    countInto(t, [{ family: 0, value: '2', file: 'a.log', line: 2 ** 33, failed: true }]);
    expect(t.places.wide).toBe(true);
    expect(t.failurePlaces(2).map((p) => p.line)).toEqual([7, 8, 9, 2 ** 33]);
    expect(t.failurePlaces(1).map((p) => p.line)).toEqual([4, 5]);
  });

  it('holds a small pool for a small table: block 0 grows from small, places read back across blocks', () => {
    // A summary file read is a table held until the merge: one row of two failures must not cost a
    // whole block of slots.
    const t = new AtomTable();
    const two = (v: number) =>
      [1, 2].map((k) => ({
        family: 0,
        value: String(v),
        file: 'a.log',
        line: 2 * v + k,
        failed: true,
      }));
    countInto(t, two(0));
    expect(t.places.slots).toBe(1);
    expect(t.places.bytes()).toBeLessThan(1024);
    const ops = [];
    for (let v = 1; v < 5000; v++) ops.push(...two(v));
    countInto(t, ops);
    expect(t.places.slots).toBe(5000);
    expect(t.places.blocks.map((b) => b.length)).toEqual([4096 * 15, 4096 * 15]);
    for (const v of [0, 15, 16, 17, 4095, 4096, 4999])
      expect(t.failurePlaces(v).map((p) => p.line)).toEqual([2 * v + 1, 2 * v + 2]);
  });

  it('makes its hash once at the size reserved, not doubled on the way', () => {
    const t = new AtomTable(1);
    const rehash = jest.spyOn(t as unknown as { rehash: (n: number) => void }, 'rehash');
    t.reserve(100_000);
    for (let i = 0; i < 100_000; i++) t.add(0, 1, i, 0, 'x', -1, 0, i + 1);
    expect(rehash).toHaveBeenCalledTimes(1);
  });
});
