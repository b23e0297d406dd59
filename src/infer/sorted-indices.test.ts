/**
 * The sort of indices in typed arrays (sorted-indices.ts): a stable sort,
 * with no `TypedArray.prototype.sort` (its heap copies of the indices), and
 * where it is used: a merge's table of many runs (review-tally.ts's
 * `orderedRows`) and the failure order (src/review/failure-order.ts).
 */
import fc from 'fast-check';
import { sortedIndices } from './sorted-indices';
import {
  mergeOwnedReviewSummaries,
  mergeReviewSummaries,
  shiftAtomLines,
  tallyEvents,
  type ReviewSummary,
} from './review-tally';
import { parseTraceText } from '../trace/push-parser';
import { failurePlaceOrder } from '../review/failure-order';

/** The typed arrays' own sort, watched. */
function typedSort(): jest.SpyInstance {
  return jest.spyOn(Object.getPrototypeOf(Int32Array.prototype) as Int32Array, 'sort');
}

describe('sortedIndices', () => {
  it("equals a stable sort of the indices, in runs or not, and returns the indices' own array when in order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 300 }), (keys) => {
        const indices = Uint32Array.from(keys, (_, i) => i);
        const want = [...indices].sort((x, y) => keys[x]! - keys[y]!);
        const got = sortedIndices(indices, (x, y) => keys[x]! - keys[y]!);
        expect([...got]).toEqual(want);
        const sorted = [...keys].sort((x, y) => x - y);
        const inOrder = Int32Array.from(sorted, (_, i) => i);
        expect(sortedIndices(inOrder, (x, y) => sorted[x]! - sorted[y]!)).toBe(inOrder);
      }),
    );
  });

  it('merges runs without the typed arrays sort', () => {
    const sort = typedSort();
    try {
      // 500 runs of 20 descending-then-ascending keys.
      const keys = Array.from({ length: 10_000 }, (_, i) => (i % 20) * 1000 - Math.floor(i / 20));
      const got = sortedIndices(
        Int32Array.from(keys, (_, i) => i),
        (x, y) => keys[x]! - keys[y]!,
      );
      const want = Array.from(keys, (_, i) => i).sort((x, y) => keys[x]! - keys[y]!);
      expect([...got]).toEqual(want);
      expect(sort).not.toHaveBeenCalled();
    } finally {
      sort.mockRestore();
    }
  });
});

/** A tally of SETUID(v) failures for `values`, one a line from line 1 of t.log, then shifted by `offset` lines. */
function shard(values: number[], offset: number): ReviewSummary {
  const text = values
    .map((v) => `error: sbin/a (pid:1) type a_t lacks ability SETUID(${v}) as root\n`)
    .join('');
  const s = tallyEvents(parseTraceText(text, 't.log').events);
  shiftAtomLines(s.atoms, offset);
  return s;
}

describe('a merge of many runs', () => {
  it('orders the rows by merging their runs, not by the typed arrays sort (the two-thread merge)', () => {
    // The later shard holds every value; the earlier one the odd values, last first: merged, the
    // later shard's table (taken over) has each odd row's first place moved before its neighbours.
    const odd = Array.from({ length: 100 }, (_, i) => 199 - 2 * i);
    const all = Array.from({ length: 200 }, (_, i) => i);
    const want = [...odd, ...all.filter((v) => v % 2 === 0)];
    const sort = typedSort();
    try {
      const merged = mergeOwnedReviewSummaries([shard(odd, 0), shard(all, 1000)]);
      expect([...merged.atoms].map((a) => Number(a.value))).toEqual(want);
      expect([...merged.atoms].map((a) => a.event.position.line)).toEqual([
        ...odd.map((_, i) => i + 1),
        ...want.slice(100).map((v) => v + 1001),
      ]);
      expect([...failurePlaceOrder(merged.atoms)]).toEqual(want.map((_, i) => i));
      expect(sort).not.toHaveBeenCalled();
    } finally {
      sort.mockRestore();
    }
    const copied = mergeReviewSummaries(shard(odd, 0), shard(all, 1000));
    expect([...copied.atoms].map((a) => Number(a.value))).toEqual(want);
  });
});

describe('a prefix known in order', () => {
  it('is not compared again, and the indices come out as without it', () => {
    const order = Int32Array.from([0, 1, 2, 3, 7, 4, 6, 5]);
    let compared = 0;
    const byValue = (x: number, y: number): number => {
      compared++;
      return x - y;
    };
    const whole = [...sortedIndices(Int32Array.from(order), byValue)];
    const all = compared;
    compared = 0;
    expect([...sortedIndices(order, byValue, 5)]).toEqual(whole);
    expect(all - compared).toBe(4);
  });
});
