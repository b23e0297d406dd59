/**
 * Array helpers that never put a list's items on the call stack.
 *
 * `target.push(...items)`, `Math.max(...values)` and
 * `String.fromCharCode(...codes)` pass every item as an argument: past about
 * 120,000 items V8 throws `RangeError: Maximum call stack size exceeded`, and
 * the lists that reach them (one type's paths, lint diagnostics, attribute
 * members, syntax errors) are as long as the input makes them. ESLint forbids
 * spreading into a call in src/ (eslint.config.js); these are the replacements.
 */

/** One item or several, as a list (options that take either). */
export function oneOrMany<T>(x: T | readonly T[]): readonly T[] {
  return Array.isArray(x) ? (x as readonly T[]) : [x as T];
}

/** Appends every item of `items` to `target`, in order; returns `target`. */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** The largest of `values`, or `empty` when there is none. */
export function maxOf(values: Iterable<number>, empty: number): number {
  let max: number | undefined;
  for (const v of values) if (max === undefined || v > max) max = v;
  return max ?? empty;
}

/** Characters per `String.fromCharCode` call: far below any engine's argument limit. */
const CHUNK = 8192;

/** The string of UTF-16 code units `codes`, built in chunks of bounded size. */
export function fromCharCodes(codes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < codes.length; i += CHUNK)
    out += String.fromCharCode.apply(null, codes.slice(i, i + CHUNK));
  return out;
}

/** `items` with `f` applied to each as it is read (lazily; iterable again when `items` is). */
export function mapped<T, U>(items: Iterable<T>, f: (item: T) => U): Iterable<U> {
  return {
    *[Symbol.iterator]() {
      for (const item of items) yield f(item);
    },
  };
}
