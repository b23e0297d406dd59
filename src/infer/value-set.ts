/**
 * The ability values one requirement has seen, while a trace streams in:
 * sorted, disjoint closed intervals, or "whole". Overlapping intervals join,
 * adjacent ones stay apart (as `mergeRanges`; `coalesceRanges` joins them
 * for output, after planning).
 *
 * Bounds are Numbers while exact (at most 15 digits: every value but an
 * address) and BigInts beyond; JavaScript compares the two exactly, so a
 * check costs a binary search of number compares, not a BigInt parse. Only
 * `ranges()` turns them back into canonical decimal strings.
 */
import type { ValueRange } from './requirement';

/** One interval bound: a Number when exact, else a BigInt. */
export type Bound = number | bigint;

/** The most digits of a decimal read as a Number: every such number is below 2^53, so exact. */
export const MAX_EXACT_DIGITS = 15;

/** The bound for a decimal string (canonical or with leading zeros). */
export function toBound(decimal: string): Bound {
  return decimal.length <= MAX_EXACT_DIGITS ? Number(decimal) : BigInt(decimal);
}

/** `list[i, k)` replaced by `b` alone (`k` ≥ `i`; `i` = `k`: inserted at `i`), as `splice(i, k - i, b)`. */
function replaceRun(list: Bound[], i: number, k: number, b: Bound): void {
  const n = list.length;
  if (k === i) {
    list.push(b);
    for (let j = n; j > i; j--) list[j] = list[j - 1]!;
  } else {
    const gone = k - i - 1;
    if (gone > 0) for (let j = k; j < n; j++) list[j - gone] = list[j]!;
    list.length = n - gone;
  }
  list[i] = b;
}

/**
 * The values of ability requirements whose `ranges` and `deniedRanges` are not made yet, by
 * requirement key: a shard's, handed over as numbers for a merge of shards, which makes the
 * decimal strings once, of the merged values (src/infer/shard-learner.ts, `mergeShards`).
 */
export type RequirementValues = Map<string, { values: ValueSet; denied: ValueSet }>;

/** Values seen: whole, or sorted disjoint intervals. */
export class ValueSet {
  whole = false;
  private starts: Bound[] = [];
  private ends: Bound[] = [];

  /** The set of `starts[i]`-`ends[i]` (sorted, disjoint, as `bounds()` gives them), or of every value. */
  static of(whole: boolean, starts: Bound[], ends: Bound[]): ValueSet {
    const set = new ValueSet();
    set.whole = whole;
    if (!whole) {
      set.starts = starts;
      set.ends = ends;
    }
    return set;
  }

  /** The intervals' bounds, sorted (not to be changed: they are this set's). */
  bounds(): { starts: readonly Bound[]; ends: readonly Bound[] } {
    return { starts: this.starts, ends: this.ends };
  }

  /**
   * Adds every value of `other`: the union, joined as `add` joins (and as `mergeRanges` joins
   * two lists), in one pass over both lists.
   */
  addAll(other: ValueSet): void {
    if (this.whole) return;
    if (other.whole) {
      this.addWhole();
      return;
    }
    const [as, ae, bs, be] = [this.starts, this.ends, other.starts, other.ends];
    const n = as.length;
    const m = bs.length;
    if (m === 0) return;
    const starts: Bound[] = [];
    const ends: Bound[] = [];
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      const fromA = j >= m || (i < n && as[i]! <= bs[j]!);
      const s = fromA ? as[i]! : bs[j]!;
      const e = fromA ? ae[i++]! : be[j++]!;
      const last = starts.length - 1;
      if (last >= 0 && s <= ends[last]!) {
        if (e > ends[last]!) ends[last] = e;
      } else {
        starts.push(s);
        ends.push(e);
      }
    }
    this.starts = starts;
    this.ends = ends;
  }

  /** Every value: the intervals no longer matter. */
  addWhole(): void {
    this.whole = true;
    this.starts = [];
    this.ends = [];
  }

  /** Adds [start, end] (start ≤ end): joins the intervals it overlaps or touches at a bound. */
  add(start: Bound, end: Bound): void {
    if (this.whole) return;
    const starts = this.starts;
    const ends = this.ends;
    if (starts.length === 0) {
      // Exactly one slot each: a first `splice` into an empty array reserves 17, and most
      // requirements of a large trace hold one interval (docs/performance.md, issue 15).
      this.starts = [start];
      this.ends = [end];
      return;
    }
    // The last interval starting at or before `start` holds it, or none does.
    let lo = 0;
    let hi = starts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= start) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at >= 0 && end <= ends[at]!) return;
    // The intervals from i to k-1 overlap [start, end]: they become one.
    const i = at >= 0 && ends[at]! >= start ? at : at + 1;
    let k = i;
    let s = start;
    let e = end;
    while (k < starts.length && starts[k]! <= end) {
      if (starts[k]! < s) s = starts[k]!;
      if (ends[k]! > e) e = ends[k]!;
      k++;
    }
    // In place: `splice` makes an array of what it removes on every call (most calls remove
    // nothing), garbage per value a long trace adds.
    replaceRun(starts, i, k, s);
    replaceRun(ends, i, k, e);
  }

  /** The intervals as canonical decimal strings (empty when whole). */
  ranges(): ValueRange[] {
    return this.starts.map((s, i) => {
      const start = String(s);
      const e = this.ends[i]!;
      // One value: one string for both bounds.
      return [start, e === s ? start : String(e)];
    });
  }
}
