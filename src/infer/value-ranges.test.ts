import fc from 'fast-check';
import { inferRequirements } from './infer-requirements';
import { mergeRanges, type ValueRange } from './requirement';
import { abilityEvent } from './test-events';
import { ValueSet, toBound } from './value-set';

/** Values near 0 (Number bounds) and near 2^64 (BigInt bounds), so both kinds and their mix are compared. */
const BIG = 18446744073709551000n;
const valueArb = fc.oneof(
  fc.integer({ min: 0, max: 60 }).map(String),
  fc.integer({ min: 0, max: 60 }).map((n) => String(BIG + BigInt(n))),
);
const checkArb = fc
  .tuple(valueArb, fc.integer({ min: 0, max: 6 }), fc.boolean())
  .map(([s, w, failed]) => ({ s, e: String(BigInt(s) + BigInt(w)), failed }));
type Check = { s: string; e: string; failed: boolean };
const fold = (xs: Check[]): ValueRange[] =>
  xs.reduce<ValueRange[]>((acc, c) => mergeRanges(acc, [[c.s, c.e]]), []);

// The streaming value insertion (binary search + one-run join) must equal
// mergeRanges over every checked value, whatever their order and overlaps.
describe('ability value ranges while streaming', () => {
  it('equal mergeRanges of all values, allowed and denied', () => {
    fc.assert(
      fc.property(fc.array(checkArb, { minLength: 1, maxLength: 40 }), (checks) => {
        const events = checks.map(({ s, e, failed }) =>
          abilityEvent({
            type: 'fs_t',
            ability: 'SETUID',
            severity: failed ? 'error' : 'info',
            argument: s === e ? { kind: 'value', value: s } : { kind: 'range', start: s, end: e },
          }),
        );
        const reqs = [...inferRequirements(events).requirements.byKey.values()];
        expect(reqs).toHaveLength(1);
        expect(reqs[0]!.ranges).toEqual(fold(checks));
        expect(reqs[0]!.deniedRanges).toEqual(fold(checks.filter((c) => c.failed)));
      }),
      { numRuns: 300 },
    );
  });

  it('reads ranges printed high-low, and values beyond 2^53 exactly', () => {
    const set = new ValueSet();
    set.add(toBound('9007199254740993'), toBound('9007199254740995'));
    set.add(toBound('20'), toBound('20'));
    set.add(toBound('9007199254740990'), toBound('9007199254740993'));
    expect(set.ranges()).toEqual([
      ['20', '20'],
      ['9007199254740990', '9007199254740995'],
    ]);
    const r = inferRequirements([
      abilityEvent({
        type: 'a_t',
        ability: 'SETUID',
        argument: { kind: 'range', start: '30', end: '10' },
      }),
    ]);
    expect([...r.requirements.byKey.values()][0]!.ranges).toEqual([['10', '30']]);
  });

  it('adds values in place, with no array made per value (splice makes one on every call)', () => {
    const set = new ValueSet();
    const real = Array.prototype.splice;
    let splices = 0;
    Array.prototype.splice = function (this: unknown[], ...args: [number, number]) {
      splices++;
      return real.apply(this, args);
    } as typeof real;
    try {
      // Inserted before, between and after; joining one, two and three intervals.
      for (const [s, e] of [
        [10, 10],
        [30, 30],
        [20, 20],
        [5, 5],
        [40, 40],
        [29, 31],
        [9, 21],
        [1, 50],
      ] as const)
        set.add(s, e);
    } finally {
      Array.prototype.splice = real;
    }
    expect(splices).toBe(0);
    expect(set.ranges()).toEqual([['1', '50']]);
  });

  it('keeps adjacent values apart and drops intervals once whole', () => {
    const set = new ValueSet();
    set.add(14, 14);
    set.add(15, 15);
    expect(set.ranges()).toEqual([
      ['14', '14'],
      ['15', '15'],
    ]);
    set.addWhole();
    set.add(1, 2);
    expect([set.whole, set.ranges()]).toEqual([true, []]);
  });

  /** `mergeRanges` as it was: every bound parsed, sorted, joined, written back (the reference). */
  const joined = (list: ValueRange[]): ValueRange[] => {
    const all = list
      .map(([s, e]) => [BigInt(s), BigInt(e)] as const)
      .sort((x, y) =>
        x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0,
      );
    const out: Array<[bigint, bigint]> = [];
    for (const [s, e] of all) {
      const last = out[out.length - 1];
      if (last && s <= last[1]) last[1] = e > last[1] ? e : last[1];
      else out.push([s, e]);
    }
    return out.map(([s, e]) => [String(s), String(e)]);
  };
  const rangeArb = checkArb.map((c): ValueRange => [c.s, c.e]);
  /** Lists as requirements hold them (sorted, disjoint), and any others: unsorted, overlapping, zero-padded. */
  const listArb = fc.oneof(
    fc.array(rangeArb, { maxLength: 12 }).map(joined),
    fc.array(rangeArb, { maxLength: 12 }),
    fc.array(rangeArb, { maxLength: 6 }).map((l) => l.map(([s, e]): ValueRange => [`0${s}`, e])),
  );

  it('merges any two lists as parsing every bound did', () => {
    fc.assert(
      fc.property(listArb, listArb, (a, b) => {
        const before = JSON.stringify([a, b]);
        expect(mergeRanges(a, b)).toEqual(joined([...a, ...b]));
        expect(JSON.stringify([a, b])).toBe(before);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the pairs of sorted lists it does not join, and makes no number of them', () => {
    const a: ValueRange[] = [
      ['1', '3'],
      ['10', '12'],
      ['18446744073709551000', '18446744073709551615'],
    ];
    const b: ValueRange[] = [
      ['4', '4'],
      ['11', '15'],
      ['99', '100'],
    ];
    const real = globalThis.BigInt;
    let parsed = 0;
    globalThis.BigInt = Object.assign(
      (v: string) => (parsed++, real(v)),
      real,
    ) as BigIntConstructor;
    let out: ValueRange[];
    try {
      out = mergeRanges(a, b);
    } finally {
      globalThis.BigInt = real;
    }
    expect(parsed).toBe(0);
    expect(out).toEqual([
      ['1', '3'],
      ['4', '4'],
      ['10', '15'],
      ['99', '100'],
      ['18446744073709551000', '18446744073709551615'],
    ]);
    expect(out[0]).toBe(a[0]);
    expect(out[1]).toBe(b[0]);
    expect(out[3]).toBe(b[2]);
    expect(out[4]).toBe(a[2]);
  });
});

describe('ability values merged as numbers (ValueSet.addAll, a merge of shards)', () => {
  const setOf = (checks: Check[], whole: boolean): ValueSet => {
    const set = new ValueSet();
    for (const c of checks) set.add(toBound(c.s), toBound(c.e));
    if (whole) set.addWhole();
    return set;
  };
  const setArb = fc.tuple(
    fc.array(checkArb, { maxLength: 20 }),
    fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  );

  it('equal mergeRanges of both sets’ ranges, whole when either is, the added set unchanged', () => {
    fc.assert(
      fc.property(setArb, setArb, ([a, aWhole], [b, bWhole]) => {
        const into = setOf(a, aWhole);
        const from = setOf(b, bWhole);
        const expected = aWhole || bWhole ? [] : mergeRanges(into.ranges(), from.ranges());
        const before = from.ranges();
        into.addAll(from);
        expect([into.whole, into.ranges()]).toEqual([aWhole || bWhole, expected]);
        expect(from.ranges()).toEqual(before);
        // The same set as adding every value one by one.
        const one = setOf([...a, ...b], aWhole || bWhole);
        expect(into.ranges()).toEqual(one.ranges());
      }),
      { numRuns: 500 },
    );
  });

  it('is made again from its bounds (ValueSet.of), whole or not', () => {
    const set = setOf(
      [
        { s: '3', e: '9', failed: false },
        { s: '18446744073709551000', e: '18446744073709551000', failed: false },
      ],
      false,
    );
    const { starts, ends } = set.bounds();
    expect(ValueSet.of(false, [...starts], [...ends]).ranges()).toEqual(set.ranges());
    expect(ValueSet.of(true, [], []).whole).toBe(true);
  });
});
