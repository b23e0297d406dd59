/**
 * The decimal text of a safe non-negative integer, as `String(n)` gives it,
 * without V8's number-string cache: `String(n)` and template literals keep
 * each new number's text in that cache, which holds it past young
 * collections into the old generation, where it dies as garbage. Rows
 * written one by one (a failure's value, pid and line) make millions of
 * such texts (docs/performance.md, "explain's peak (issue 18, tenth round)").
 * `toFixed(0)` is the same text for every safe integer; past 2^53 it prints
 * the double's exact digits where `String` prints its shortest ones, so it
 * is for safe integers only.
 */
export function decimalText(n: number): string {
  return n.toFixed(0);
}
