/**
 * Decimal texts of integers, the same as `String` gives, made faster or
 * with less garbage than `String` where texts are made per row.
 */

/**
 * `String(v)` of an integer `v` in [0, 2^53): numbers past 2^30 (no small
 * integer to V8: an address, a range's end) printed as two halves below
 * 10^8, which V8 prints much faster than the whole.
 */
export function decimalText(v: number): string {
  if (v < 1073741824) return String(v);
  let hi = Math.floor(v / 1e8);
  let lo = v - hi * 1e8;
  // The quotient is rounded: at most one off either way near 2^53.
  if (lo < 0) {
    hi -= 1;
    lo += 1e8;
  } else if (lo >= 1e8) {
    hi += 1;
    lo -= 1e8;
  }
  const low = String(lo);
  return String(hi) + '00000000'.slice(low.length) + low;
}

/**
 * `String(n)`, without V8's number-string cache for a safe integer: `String`
 * and template literals keep each new number's text in that cache, which
 * holds it past young collections into the old generation, where it dies as
 * garbage; a text made per row and dropped once written (a failure's value,
 * pid or line) is made here (docs/performance.md, "explain's peak (issue 18,
 * tenth round)"). `toFixed(0)` is `String(n)` for a safe integer; past 2^53
 * it prints the double's exact digits where `String` prints its shortest, so
 * any other number goes to `String`.
 */
export function uncachedDecimalText(n: number): string {
  return Number.isSafeInteger(n) ? n.toFixed(0) : String(n);
}
