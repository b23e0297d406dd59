/**
 * A sort of indices in typed arrays only: the ascending runs found, then
 * merged pairwise. V8's `TypedArray.prototype.sort` with a comparator copies
 * the array into two heap arrays of 8 B an element for the sort's time
 * (large objects, which stay until a full collection), and compares about
 * n log n times whatever order the indices are in already; here the memory
 * is one more typed array of the indices' length and one of the runs'
 * bounds (4 B an element each; as many bounds as runs, at most the
 * indices), and the comparisons n a pass, log2(runs) passes, after the
 * n - 1 that find the runs (docs/performance.md).
 */
import { freeNow } from './atom-columns';

type Indices = Int32Array | Uint32Array;

/**
 * `order` sorted by `compare` (negative, 0, positive: before, tie, after),
 * stable: indices that tie keep their order. Returns the sorted indices in
 * `order` itself (always when it was in order already) or in a second array
 * of its length, the other given back: `order` owns its buffer whole, and
 * the caller reads only what is returned. `inOrder`: a prefix of `order` the
 * caller has found in order already (its pairs are not compared again).
 */
export function sortedIndices<A extends Indices>(
  order: A,
  compare: (x: number, y: number) => number,
  inOrder = 1,
): A {
  const n = order.length;
  if (n < 2) return order;
  let to = new (order.constructor as new (n: number) => A)(n);
  // The runs' starts, held in `to` until the first pass writes it.
  let runs = 1;
  to[0] = 0;
  for (let i = Math.max(1, inOrder); i < n; i++)
    if (compare(order[i - 1]!, order[i]!) > 0) to[runs++] = i;
  if (runs === 1) {
    freeNow(to);
    return order;
  }
  // Each run's start, then n: the bounds of runs, halved in place by each pass.
  const bounds = new Uint32Array(runs + 1);
  bounds.set(to.subarray(0, runs));
  bounds[runs] = n;
  let from = order;
  while (runs > 1) {
    let next = 0;
    for (let k = 0; k < runs; k += 2) {
      const lo = bounds[k]!;
      const mid = bounds[k + 1]!;
      const hi = k + 2 <= runs ? bounds[k + 2]! : mid;
      let i = lo;
      let j = mid;
      let o = lo;
      while (i < mid && j < hi)
        to[o++] = compare(from[i]!, from[j]!) <= 0 ? from[i++]! : from[j++]!;
      while (i < mid) to[o++] = from[i++]!;
      while (j < hi) to[o++] = from[j++]!;
      bounds[next++] = lo;
    }
    bounds[next] = n;
    runs = next;
    [from, to] = [to, from];
  }
  freeNow(to);
  freeNow(bounds);
  return from;
}

/**
 * `order` sorted stably by `key(index)`, an integer in [0, max] with `max`
 * below 2^32: a least-significant-digit radix sort, 16 bits a pass (one
 * pass when `max` is below 2^16, else two), the digits counted in one read
 * of the keys before. No comparison: `key` is called three times an index
 * at most, where a merge of runs (`sortedIndices`) compares each index
 * about log2(runs) times, every comparison reading two keys at random once
 * the runs are mixed. Returns the sorted indices in `order` itself or in a
 * second array of its length, the other given back, as `sortedIndices`
 * does; the memory besides is 256 KiB of counts a pass.
 */
export function sortedByKey<A extends Indices>(
  order: A,
  key: (index: number) => number,
  max: number,
): A {
  const n = order.length;
  if (n < 2) return order;
  const passes = max < DIGITS ? 1 : 2;
  const counts = new Uint32Array(DIGITS * passes);
  for (let i = 0; i < n; i++) {
    const k = key(order[i]!);
    counts[k & (DIGITS - 1)]!++;
    if (passes === 2) counts[DIGITS + (k >>> 16)]!++;
  }
  let from = order;
  let to = new (order.constructor as new (n: number) => A)(n);
  for (let p = 0; p < passes; p++) {
    // Each digit's first place in `to`, then the next free one.
    const base = p * DIGITS;
    for (let d = 0, sum = 0; d < DIGITS; d++) {
      const c = counts[base + d]!;
      counts[base + d] = sum;
      sum += c;
    }
    const shift = 16 * p;
    for (let i = 0; i < n; i++) {
      const x = from[i]!;
      to[counts[base + ((key(x) >>> shift) & (DIGITS - 1))]!++] = x;
    }
    [from, to] = [to, from];
  }
  freeNow(to);
  freeNow(counts);
  return from;
}

/**
 * Each run of `order` whose neighbours are `same` (an equivalence) sorted
 * by `compare` in place, stably: by insertion when the run is short, else
 * by `sortedIndices` on a copy of it. A run may be long (an errors view's
 * subrange list gives a row per value, all at one line), and insertion
 * compares a run's indices a number of times quadratic in its length.
 */
export function sortedRuns(
  order: Indices,
  same: (x: number, y: number) => boolean,
  compare: (x: number, y: number) => number,
): void {
  const n = order.length;
  for (let lo = 0, hi = 1; lo < n; lo = hi++) {
    while (hi < n && same(order[hi - 1]!, order[hi]!)) hi++;
    if (hi - lo > SHORT_RUN) {
      const sorted = sortedIndices(order.slice(lo, hi), compare);
      order.set(sorted, lo);
      freeNow(sorted);
      continue;
    }
    for (let i = lo + 1; i < hi; i++) {
      for (let j = i; j > lo && compare(order[j - 1]!, order[j]!) > 0; j--) {
        const x = order[j]!;
        order[j] = order[j - 1]!;
        order[j - 1] = x;
      }
    }
  }
}

/** Runs of at most this many indices are sorted by insertion (`sortedRuns`). */
const SHORT_RUN = 16;

/** A radix digit's values (16 bits). */
const DIGITS = 1 << 16;
