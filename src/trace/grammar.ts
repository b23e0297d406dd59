/**
 * The trace grammar's limits and literals, in one place: the words and
 * limits the parser reads records by (prefix.ts, record.ts, push-parser.ts)
 * and the field validator checks (src/infer/validate-event.ts), which the
 * learning fast lane (src/infer/fast-lane.ts, skeleton-table.ts) matches from
 * bytes. The lane learns what the parser learns only while both read the
 * same words within the same limits: neither keeps a copy. The differential
 * tests at each limit are in src/infer/fast-lane-limits.test.ts.
 *
 * Only constants, lists and one-comparison byte tests: the lane's per-byte
 * loops use them, so each is a `const` number or string, or a table the lane
 * builds once.
 */

// Lines

/** Longest line (and joined record) the parser keeps, in bytes; the rest is dropped and reported. */
export const MAX_LINE_BYTES = 64 * 1024;

/** `info:` or `error:` starts a record only before this index of a line; longer prefixes are not loggers'. */
export const MAX_PREFIX = 160;

/** The keys a record starts with. */
export const INFO_KEY = 'info:';
export const ERROR_KEY = 'error:';

/** ESC: starts an ANSI escape sequence, which the parser removes from a line (prefix.ts cleanLine). */
export const ESC = 0x1b;

/** True for a line's first byte that makes it continue the open record: a blank or a tab. */
export function isContinuationStart(c: number): boolean {
  return c === 32 || c === 9;
}

/** True for a line's last byte after which the parser trims the line's end (as `trimEnd` does): a blank, `\r` or a tab. */
export function isTrailingBlank(c: number): boolean {
  return c === 32 || c === 13 || c === 9;
}

/** True for the byte a key inside a line must follow: a blank, tab, `]`, `:` or `>` (so `xinfo:` starts nothing). */
export function isKeyBefore(c: number): boolean {
  return c === 32 || c === 9 || c === 93 || c === 58 || c === 62;
}

/**
 * True for the first byte of a logger prefix read by its first byte: a digit
 * (serial console, ISO time) or `[`. The other prefixes start with a month
 * (MONTHS, slog2info) or are logger tags (which only the parser reads).
 */
export function isPrefixStart(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 91;
}

/** The months' first three letters, lower case, in order (slog2info prefixes; read in any case). */
export const MONTHS: readonly string[] = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
];

// Records (reference §1.4 forms A–E)

/** `NAME (pid:PID) `: what follows the process name. */
export const PID_OPEN = '(pid:';
export const PID_CLOSE = ') ';
/** The security type's word, in its two printed forms. */
export const OF_TYPE = 'of type ';
export const TYPE = 'type ';
/** Form A: an ability check, and its domain at the record's end. */
export const USES_ABILITY = 'uses ability ';
export const LACKS_ABILITY = 'lacks ability ';
export const AS_ROOT = ' as root';
export const AS_NON_ROOT = ' as non-root';

/** Forms B–E: a path event's verb (with its trailing blank), the event kind, and whether it succeeded. */
export const PATH_FORMS: ReadonlyArray<
  readonly [verb: string, kind: 'attach' | 'link', ok: boolean]
> = [
  ['attached channel to path ', 'attach', true],
  ['failed to attach to path ', 'attach', false],
  ['created link to path ', 'link', true],
  ['failed to create link to path ', 'link', false],
  ['failed to link to path ', 'link', false],
];

// Fields: character classes (regular-expression class bodies) and digit limits

/** The characters of a security type name as the parser reads one (a type id's `(TYPE)` too). */
export const TYPE_NAME_CHARS = 'A-Za-z0-9_';
/** The characters of an ability name as the parser reads one. */
export const ABILITY_NAME_CHARS = 'A-Za-z0-9_./-';
/** The characters of a process name the validator accepts: an executable path without its leading `/`. */
export const PROCESS_NAME_CHARS = 'A-Za-z0-9_.+@~,=%/-';
/** The most characters of a pid the validator accepts (pids are opaque: `xxxx` in published traces). */
export const MAX_PID_CHARS = 32;
/**
 * The most decimal digits of an ability value the validator reads (after hex is
 * read as decimal); it refuses a value above MAX_ABILITY_VALUE (qnx/abilities.ts) too.
 */
export const MAX_VALUE_DIGITS = 40;
/**
 * The longest value runs that are surely at most MAX_ABILITY_VALUE, whatever their
 * digits: 19 decimal digits (10^19 - 1 < 2^64 - 1) and 16 hex digits. The fast lane
 * takes no longer run: a longer one goes to the parser and the validator, which
 * refuse it by its value (a run with leading zeros may still be accepted there).
 */
export const SURE_VALUE_DIGITS = 19;
export const SURE_HEX_DIGITS = 16;

/** A 256-entry table, 1 for each byte in the class body `chars` (ASCII only), for per-byte loops. */
export function byteClass(chars: string): Uint8Array {
  const table = new Uint8Array(256);
  const re = new RegExp(`[${chars}]`);
  for (let c = 0; c < 128; c++) if (re.test(String.fromCharCode(c))) table[c] = 1;
  return table;
}
