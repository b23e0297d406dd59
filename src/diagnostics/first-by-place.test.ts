import fc from 'fast-check';
import type { Diagnostic } from './diagnostic';
import { FirstByPlace, byPlace } from './first-by-place';

const at = (file: string, line: number, message = 'm'): Diagnostic => ({
  severity: 'warning',
  message,
  file,
  line,
  ruleId: 'trace-unknown-line',
});

/** Places in few files and lines (so many tie), and a list bound. */
const placesArb = fc.array(
  fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 1, max: 30 })),
  { maxLength: 60 },
);
const maxArb = fc.integer({ min: 0, max: 10 });

describe('FirstByPlace', () => {
  test('keeps the first by place, not the first to arrive, and counts all', () => {
    const list = new FirstByPlace(3);
    // Line 4 arrives before line 3 (the parser warns about a line before it closes the record above).
    for (const d of [at('a', 1), at('a', 2), at('a', 4), at('a', 3), at('b', 1), at('a', 9)]) {
      list.add(d);
    }
    expect(list.sorted().map((d) => `${d.file}:${d.line}`)).toEqual(['a:1', 'a:2', 'a:3']);
    expect(list.count).toBe(6);
  });

  test('within a line, the order of arrival; a later one of an equal place is not kept', () => {
    const list = new FirstByPlace(2);
    list.add(at('a', 2, 'first'));
    list.add(at('a', 2, 'second'));
    list.add(at('a', 2, 'third'));
    list.add(at('a', 1, 'earlier'));
    expect(list.sorted().map((d) => d.message)).toEqual(['earlier', 'first']);
  });

  test('nothing kept at zero', () => {
    const list = new FirstByPlace(0);
    list.add(at('a', 1));
    expect(list.sorted()).toEqual([]);
    expect(list.count).toBe(1);
  });

  test('any arrival order: the same list as sorting them all and taking the first', () => {
    fc.assert(
      fc.property(placesArb, maxArb, (places, max) => {
        const all = places.map(([file, line], i) => at(file, line, `#${i}`));
        const list = new FirstByPlace(max);
        for (const d of all) list.add(d);
        expect(list.sorted()).toEqual([...all].sort(byPlace).slice(0, max));
        expect(list.count).toBe(all.length);
      }),
    );
  });

  test('`dropped` counts what `add` would drop, and only that: the same list and count', () => {
    fc.assert(
      fc.property(placesArb, maxArb, (places, max) => {
        const all = places.map(([file, line], i) => at(file, line, `#${i}`));
        const added = new FirstByPlace(max);
        const asked = new FirstByPlace(max);
        for (const d of all) {
          added.add(d);
          if (!asked.dropped(d.file, d.line)) asked.add(d);
        }
        expect(asked.sorted()).toEqual(added.sorted());
        expect(asked.count).toBe(added.count);
      }),
    );
  });

  test('`dropped` is false while the list has room, and for an earlier place once full', () => {
    const list = new FirstByPlace(2);
    expect(list.dropped('a', 5)).toBe(false);
    list.add(at('a', 5));
    list.add(at('a', 7));
    expect(list.dropped('a', 7)).toBe(true);
    expect(list.dropped('a', 6)).toBe(false);
    expect(list.count).toBe(3);
  });
});
