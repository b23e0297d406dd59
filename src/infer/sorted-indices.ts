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
