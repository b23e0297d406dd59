/**
 * The sort of indices in typed arrays (sorted-indices.ts): a stable sort,
 * with no `TypedArray.prototype.sort` (its heap copies of the indices), and
 * where it is used: a merge's table of many runs (review-tally.ts's
 * `orderedRows`) and the failure order (src/review/failure-order.ts).
 */
import fc from 'fast-check';
import { sortedByKey, sortedIndices, sortedRuns } from './sorted-indices';
import {
  mergeOwnedReviewSummaries,
  mergeReviewSummaries,
  shiftAtomLines,
  tallyEvents,
  type ReviewSummary,
} from './review-tally';
import { parseTraceText } from '../trace/push-parser';
import { SecpolgenerateParser } from '../trace/secpolgenerate';
import { AtomTable } from './atom-table';
import type { TraceEvent } from '../trace/event';
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

describe('sortedRuns', () => {
  it('sorts each run of equal groups stably by the comparison, short runs and long ones', () => {
    const run = fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 5 }));
    fc.assert(
      fc.property(fc.array(run, { maxLength: 12 }), fc.integer(), (runs, seed) => {
        // Group g's indices, a run each, with keys drawn from the seed (ties among them).
        const group: number[] = [];
        const keys: number[] = [];
        runs.forEach(([length, spread], g) => {
          for (let k = 0; k < length; k++) {
            group.push(g);
            keys.push(Math.abs((seed ^ (group.length * 2654435761)) % (spread + 1)));
          }
        });
        const order = Int32Array.from(group, (_, i) => group.length - 1 - i);
        const want = [...order].sort((x, y) => group[x]! - group[y]! || 0);
        // Stable within a group: a group's indices come in `order`'s order, then by key.
        const byGroup = [...order]
          .map((x, at) => ({ x, at }))
          .sort((p, q) => group[p.x]! - group[q.x]! || keys[p.x]! - keys[q.x]! || p.at - q.at)
          .map((p) => p.x);
        const sorted = Int32Array.from(want);
        sortedRuns(
          sorted,
          (x, y) => group[x] === group[y],
          (x, y) => keys[x]! - keys[y]!,
        );
        expect([...sorted]).toEqual(byGroup);
      }),
    );
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

describe('sortedByKey', () => {
  it('equals a stable sort of the indices by key, in one pass or two, with no comparison', () => {
    const key = fc.oneof(
      fc.integer({ min: 0, max: 9 }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 0xffffffff }),
    );
    fc.assert(
      fc.property(fc.array(key, { maxLength: 300 }), (keys) => {
        const want = Array.from(keys, (_, i) => i).sort((x, y) => keys[x]! - keys[y]!);
        const max = keys.reduce((m, k) => Math.max(m, k), 0);
        const indices = Uint32Array.from(keys, (_, i) => i);
        expect([...sortedByKey(indices, (i) => keys[i]!, max)]).toEqual(want);
        // Indices that are not 0..n-1 in order: each keeps its key.
        const reversed = Int32Array.from(want).reverse();
        const again = [...reversed].sort((x, y) => keys[x]! - keys[y]!);
        expect([...sortedByKey(reversed, (i) => keys[i]!, max)]).toEqual(again);
      }),
    );
  });

  it('sorts keys past 2^16 by both halves (a key equal in its low half to another)', () => {
    const keys = [0x20001, 0x10001, 0x10002, 1, 0xffffffff, 0x10001];
    expect([
      ...sortedByKey(Uint32Array.from([0, 1, 2, 3, 4, 5]), (i) => keys[i]!, 0xffffffff),
    ]).toEqual([3, 1, 5, 2, 0, 4]);
  });
});

/** A tally of SETUID(v) failures for `values`, one a line from line 1 of `file`, shifted by `offset`. */
function shardOf(file: string, values: number[], offset: number): ReviewSummary {
  const text = values
    .map((v) => `error: sbin/a (pid:1) type a_t lacks ability SETUID(${v}) as root\n`)
    .join('');
  const s = tallyEvents(parseTraceText(text, file).events);
  shiftAtomLines(s.atoms, offset);
  return s;
}

describe('a merge ordered by first place (radix)', () => {
  /** Atoms as place and value, and the order a sort by place, then record text, gives. */
  const placed = (s: ReviewSummary): string[] =>
    [...s.atoms].map((a) => `${a.event.position.file}:${a.event.position.line} ${a.value}`);
  const byPlace = (s: ReviewSummary): string[] =>
    [...s.atoms]
      .map((a) => ({
        p: a.event.position,
        r: a.event.record,
        t: `${a.event.position.file}:${a.event.position.line} ${a.value}`,
      }))
      .sort((x, y) =>
        x.p.file !== y.p.file
          ? x.p.file < y.p.file
            ? -1
            : 1
          : x.p.line - y.p.line || (x.r < y.r ? -1 : x.r > y.r ? 1 : 0),
      )
      .map((x) => x.t);

  it('orders rows of several files by name, then line, and rows of one place by record text', () => {
    // Files met out of name order, lines past 2^16, and pieces of one file read as if separately
    // (the same lines again): places shared by rows of different values.
    const pieces = [
      shardOf('b.log', [9, 8, 7, 6], 70_000),
      shardOf('a.log', [5, 4, 3], 3),
      shardOf('b.log', [1, 2, 3, 4, 5], 70_000),
      shardOf('a.log', [11, 12], 0),
      shardOf('c.log', [13], 1),
    ];
    const sort = typedSort();
    try {
      const merged = mergeOwnedReviewSummaries(pieces.map((p) => ({ ...p })));
      expect(placed(merged)).toEqual(byPlace(merged));
      expect(placed(merged)).toContain('b.log:70001 1');
      expect(placed(merged).indexOf('b.log:70001 1')).toBeLessThan(
        placed(merged).indexOf('b.log:70001 9'),
      );
      expect(sort).not.toHaveBeenCalled();
    } finally {
      sort.mockRestore();
    }
    const copied = mergeReviewSummaries(...pieces);
    expect(placed(copied)).toEqual(byPlace(copied));
  });

  it('sorts a long run of rows of one place (an errors view line) in n log n comparisons', () => {
    // One errors-view line gives a row per subrange value, all at that line; in falling record order.
    const n = 1000;
    const values = Array.from({ length: n }, (_, i) => 10_000 + n - i).join(',');
    const events: TraceEvent[] = [];
    const parser = new SecpolgenerateParser({ file: 'e.txt', onEvent: (e) => events.push(e) });
    parser.feed(Buffer.from(`allow a_t self:ability {\n    setuid:${values}\n};\n`));
    parser.end();
    const compared = jest.spyOn(AtomTable.prototype, 'comparePlaces');
    let merged: ReviewSummary;
    try {
      merged = mergeOwnedReviewSummaries([tallyEvents(events), shardOf('a.log', [1], 0)]);
      // Insertion would compare about n^2 / 2 times.
      expect(compared.mock.calls.length).toBeLessThan(40 * n);
    } finally {
      compared.mockRestore();
    }
    expect(merged.atoms.length).toBe(n + 1);
    expect(placed(merged)).toEqual(byPlace(merged));
  });

  it('orders by comparison when a first line is past 2^32', () => {
    const merged = mergeOwnedReviewSummaries([
      shardOf('t.log', [3, 4], 2 ** 32),
      shardOf('t.log', [1, 2, 3], 0),
    ]);
    expect(placed(merged)).toEqual([
      't.log:1 1',
      't.log:2 2',
      't.log:3 3',
      `t.log:${2 ** 32 + 2} 4`,
    ]);
  });
});
