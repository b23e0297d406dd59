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
});
