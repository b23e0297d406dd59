import fc from 'fast-check';
import { inferRequirements } from './infer-requirements';
import { mergeRanges, type ValueRange } from './requirement';
import { abilityEvent } from './test-events';

// The streaming value insertion (binary search + one-run join) must equal
// mergeRanges over every checked value, whatever their order and overlaps.
describe('ability value ranges while streaming', () => {
  it('equal mergeRanges of all values, allowed and denied', () => {
    const range = fc
      .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 6 }), fc.boolean())
      .map(([s, w, failed]) => ({ s, e: s + w, failed }));
    fc.assert(
      fc.property(fc.array(range, { minLength: 1, maxLength: 40 }), (checks) => {
        const events = checks.map(({ s, e, failed }) =>
          abilityEvent({
            type: 'fs_t',
            ability: 'SETUID',
            severity: failed ? 'error' : 'info',
            argument:
              s === e
                ? { kind: 'value', value: String(s) }
                : { kind: 'range', start: String(s), end: String(e) },
          }),
        );
        const reqs = [...inferRequirements(events).requirements.byKey.values()];
        expect(reqs).toHaveLength(1);
        const fold = (xs: typeof checks): ValueRange[] =>
          xs.reduce<ValueRange[]>((acc, c) => mergeRanges(acc, [[String(c.s), String(c.e)]]), []);
        expect(reqs[0]!.ranges).toEqual(fold(checks));
        expect(reqs[0]!.deniedRanges).toEqual(fold(checks.filter((c) => c.failed)));
      }),
      { numRuns: 300 },
    );
  });
});
