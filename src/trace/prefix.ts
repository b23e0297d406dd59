/**
 * Strips what loggers put in front of a secpolmonitor record: ANSI colour
 * codes, `\r`, slog2info columns, serial-console `[  12.345]` stamps, ISO
 * timestamps, syslog priorities (`<6>`) and logger tags (`secpolmonitor[12]:`,
 * `target secpolmonitor:`), and reads a time (seconds) from the prefix when it
 * has one.
 *
 * Does not decide whether the rest is a valid record: see record.ts.
 */

import {
  ERROR_KEY,
  INFO_KEY,
  MAX_PREFIX,
  MONTHS,
  isKeyBefore,
  isPrefixStart,
  isTrailingBlank,
} from './grammar';

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const MONTH_DAYS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/**
 * Removes trailing whitespace (incl. `\r`) and the ANSI escape sequences a
 * logger puts around a record: those before the end of its `info:`/`error:`
 * key (colour of the prefix or of the severity) and those with only blanks
 * and sequences after them (a closing colour reset). A sequence inside the
 * record text is kept: the parser reads its ESC as `?` and says so at
 * FILE:LINE, so a path that carried one is refused, never learned as the
 * path without it (docs/safe-output.md).
 */
export function cleanLine(line: string): string {
  if (line.includes('\x1b')) line = removeFramingEscapes(line);
  // Most lines end in a visible character: skip trimEnd's allocation then.
  return isTrailingBlank(line.charCodeAt(line.length - 1)) ? line.trimEnd() : line;
}

/** `line` without the escape sequences cleanLine removes (see there). */
function removeFramingEscapes(line: string): string {
  const plain = line.replace(ANSI, '');
  const start = splitRecordStart(plain, false);
  // Where the record's key ends in `plain` (0 when the line holds no record).
  const keyEnd =
    start === undefined
      ? 0
      : plain.length -
        start.record.length +
        (start.record.startsWith(INFO_KEY) ? INFO_KEY.length : ERROR_KEY.length);
  // Where the text starts and ends in `plain`: a sequence outside is framing. Positions
  // are computed once, so a line of many sequences costs linear time.
  const textStart = plain.length - plain.trimStart().length;
  const textEnd = plain.trimEnd().length;
  let out = '';
  let plainLength = 0;
  let last = 0;
  for (const m of line.matchAll(ANSI)) {
    const before = line.slice(last, m.index);
    out += before;
    plainLength += before.length;
    last = m.index + m[0].length;
    const framing = plainLength <= Math.max(keyEnd, textStart) || plainLength >= textEnd;
    if (!framing) out += m[0];
  }
  return out + line.slice(last);
}

/** A line split into its logger prefix (maybe empty) and the record text starting at `info:`/`error:`. */
export interface SplitLine {
  record: string;
  time?: number;
}

const KEYS = [INFO_KEY, ERROR_KEY];

/** Finds a record start in a cleaned line; undefined when the line holds none. `times` false: no time is read. */
export function splitRecordStart(line: string, times = true): SplitLine | undefined {
  if (line.startsWith(INFO_KEY) || line.startsWith(ERROR_KEY)) return { record: line };
  const limit = Math.min(line.length, MAX_PREFIX);
  let at = -1;
  for (const key of KEYS) {
    const i = line.indexOf(key);
    // The key must follow a blank, `]`, `:` or `>`, so `xinfo:` in text is not a record start.
    if (i > 0 && i < limit && (at < 0 || i < at) && isKeyBefore(line.charCodeAt(i - 1))) at = i;
  }
  if (at < 0) return undefined;
  const prefix = line.slice(0, at).trim();
  if (!looksLikeLoggerPrefix(prefix)) return undefined;
  const time = times ? prefixTime(prefix) : undefined;
  return time === undefined ? { record: line.slice(at) } : { record: line.slice(at), time };
}

/**
 * Words ending in a logger tag with a colon: `secpolmonitor[1234]:`,
 * `qnx-target secpolmonitor:`, optionally after a syslog priority `<6>`.
 * Prose ("the tool said error: ...") has no tag colon and stays prose.
 */
const LOGGER_TAG = /^(?:<\d{1,3}>)?(?:[\w./-]+ +){0,3}[\w./-]+(?:\[\d+\])?:$|^<\d{1,3}>$/;

/** A logger prefix starts with a digit, `[` or a month name (slog2info), or is a logger tag. */
function looksLikeLoggerPrefix(prefix: string): boolean {
  if (prefix.length === 0) return true;
  if (isPrefixStart(prefix.charCodeAt(0))) return true;
  return MONTHS.includes(prefix.slice(0, 3).toLowerCase()) || LOGGER_TAG.test(prefix);
}

/** `2024-05-01T10:00:00.553Z`, `2024-05-01 10:00:00+02:00`: date, time, fraction, offset. */
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|([+-])(\d{2}):?(\d{2}))?/;

/** Seconds read from a prefix: `[  12.345678]`, ISO 8601, or slog2info `Mon DD HH:MM:SS.fff`. */
export function prefixTime(prefix: string): number | undefined {
  let m = /^\[\s*(\d+(?:\.\d+)?)\]/.exec(prefix);
  if (m) return Number(m[1]);
  m = ISO_TIME.exec(prefix);
  if (m) {
    // By hand, not Date.parse: this runs per line, and a time without an offset is
    // read as UTC (Date.parse reads it as local time, so results would vary by host).
    const [month, day, hour, minute, second] = [+m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
      return undefined;
    const ms = (m[7] ?? '').padEnd(3, '0').slice(0, 3);
    const utc = Date.UTC(+m[1]!, month - 1, day, hour, minute, second, +ms);
    const offset = m[8] === undefined ? 0 : (+m[9]! * 60 + +m[10]!) * (m[8] === '-' ? -1 : 1);
    const t = utc - offset * 60_000;
    return t / 1000;
  }
  m = /^([A-Za-z]{3}) +(\d{1,2}) +(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(prefix);
  if (m) {
    const month = MONTHS.indexOf(m[1]!.toLowerCase());
    if (month < 0) return undefined;
    const day = MONTH_DAYS[month]! + Number(m[2]) - 1;
    return day * 86400 + Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5]);
  }
  return undefined;
}
