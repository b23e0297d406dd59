/**
 * `monitor`'s record lane: a record seen before, up to its pid and the digit
 * runs of its values, is filtered and printed from its bytes, with no parse,
 * no string of its text and no event (the parser's RecordLane,
 * src/trace/push-parser.ts).
 *
 * A record's *skeleton* is its bytes with every run of decimal digits inside
 * parentheses taken out (the pid, the argument's values, digits of a type or
 * path in parentheses). The first record of a skeleton is read by the parser
 * (`'new'`); the lane then keeps the skeleton for itself only when that
 * record proved it canonical:
 * - an ability, attach or link event, not altered, in printable ASCII (no
 *   tab, no control character: `match` refuses any other byte);
 * - the printed line (`format`, the caller's formatParsedEvent) is the
 *   record's bytes exactly: single blanks, decimal values without leading
 *   zeros, no logger prefix kept in it, not wrapped;
 * - its first run is its pid, just after `SEVERITY: PROCESS (pid:`, so the
 *   process and everything before the pid are literal bytes of the skeleton;
 * - for a check whose argument is part of its identity (keysArgument), every
 *   other run lies in the argument text, which then starts a fixed number of
 *   bytes after the pid and ends a fixed number before the record's end.
 * A later record of the skeleton differs from the first only inside its runs.
 * The parser's decisions (fields, form, kind) depend on the skeleton alone as
 * long as each run stays a run of digits (values are read by
 * normaliseNumber, whatever their size up to SURE_VALUE_DIGITS), so it is the
 * first event but for its pid and argument text; when the pid and every
 * value run are canonical decimals (no leading zero: `007` is the parser's),
 * its printed line is its bytes and the filter decides on the first event,
 * the pid's number and the argument's bytes (MonitorFilter.acceptLike).
 * Anything else goes to the parser: wrapped records (the next line starts
 * with a blank), lines whose next line is in another chunk, records of
 * unknown form, `--format json` and `-i` (the parser reads times then and
 * never asks a lane), and every skeleton the first record did not prove.
 *
 * Memory: at most MAX_SKELETONS skeletons of at most MAX_RECORD bytes.
 */
import type { TraceEvent } from '../trace/event';
import type { LaneMatch, RecordLane } from '../trace/push-parser';
import {
  ERROR_KEY,
  INFO_KEY,
  MAX_PREFIX,
  MONTHS,
  isContinuationStart,
  isKeyBefore,
  isPrefixStart,
  isTrailingBlank,
} from '../trace/grammar';
import { DECIMAL_RUN, Runs, SkeletonTable } from '../trace/skeleton-table';
import { PID_LIMIT, type MonitorFilter } from './apply-options';

/** Skeletons kept, at most. */
const MAX_SKELETONS = 20_000;
/** Skeletons kept under one hash, at most. */
const MAX_CHAIN = 8;
/** Longest record the lane takes; longer ones are the parser's. */
const MAX_RECORD = 1024;
/** Digit runs a skeleton the lane takes may have (pid, a range's two values): Runs holds three. */
const MAX_RUNS = 3;
/** Longest pid run: a pid below PID_LIMIT has at most 8 digits (the table bounds values by SURE_VALUE_DIGITS). */
const MAX_PID_DIGITS = 8;
/** The mark of a run in a skeleton's text (never a byte of a record the lane reads). */
const RUN_MARK = String.fromCharCode(DECIMAL_RUN);

/** The hash's factor and term per `(inParens << 8) | byte`: digits inside parentheses leave no trace. */
const HASH_FACTOR = Int32Array.from({ length: 512 }, (_, i) => (isRunDigit(i) ? 1 : 31));
const HASH_TERM = Int32Array.from({ length: 512 }, (_, i) =>
  isRunDigit(i) ? 0 : Math.imul((i & 255) + 1, 0x9e3779b1),
);
/** Per byte: bit 1 opens parentheses, bit 0 keeps the state (`)` closes them). */
const PAREN_STEP = Uint8Array.from({ length: 256 }, (_, c) => (c === 40 ? 3 : c === 41 ? 0 : 1));
/** 1 for a byte outside printable ASCII (a tab too: the parser reads it as a blank). */
const NOT_PRINTABLE = Uint8Array.from({ length: 256 }, (_, c) => (c < 32 || c > 126 ? 1 : 0));

function isRunDigit(i: number): boolean {
  const c = i & 255;
  return i >= 256 && c >= 48 && c <= 57;
}

/** Prints a record taken: its bytes `[start, end)` at `file:line`. */
export type LanePrint = (
  bytes: Buffer,
  start: number,
  end: number,
  file: string,
  line: number,
) => void;

class Skeleton {
  /** The first record's event: the lane's when defined, else every record of it is the parser's. */
  event: TraceEvent | undefined = undefined;
  kind: LaneMatch = undefined;
  /** Keyed by its argument: where it starts after the pid's run, and bytes after it to the end. */
  keyed = false;
  argAfterPid = 0;
  suffix = 0;
  constructor(
    /** The skeleton's text: its bytes as characters, DECIMAL_RUN for each run. */
    readonly text: string,
    readonly runs: number,
  ) {}
}

/** What `learned` needs of a new skeleton's first line, copied when it was taken. */
interface Pending {
  skeleton: Skeleton;
  hash: number;
  file: string;
  line: number;
  text: string;
  /** The runs' bounds, from the record's start. */
  bounds: number[];
}

/** The lane of one `monitor` run: give it to every parser whose events go through `filter`. */
export class MonitorLane implements RecordLane {
  private readonly table = new SkeletonTable<Skeleton>(MAX_SKELETONS, MAX_CHAIN);
  private readonly runs = new Runs();
  /** Records taken (printed or not). */
  taken = 0;
  spanEnd = 0;
  readonly spanLines = 0;

  // The line last matched.
  private bytes: Buffer = Buffer.alloc(0);
  private view: DataView = new DataView(new ArrayBuffer(0));
  private record = 0;
  private end = 0;
  private hash = 0;
  private found: Skeleton | undefined = undefined;
  private file = '';
  private line = 0;
  private pending: Pending | undefined = undefined;

  constructor(
    private readonly filter: MonitorFilter,
    /** The printed line of an event (formatParsedEvent). */
    private readonly format: (e: TraceEvent) => string,
    private readonly print: LanePrint,
  ) {}

  match(buffer: Buffer, start: number, lineEnd: number, file: string, line: number): LaneMatch {
    if (isContinuationStart(buffer[lineEnd + 1]!)) return undefined;
    const record = recordStart(buffer, start, lineEnd);
    if (record < 0) return undefined;
    const end = trimmedEnd(buffer, record, lineEnd);
    if (end - record > MAX_RECORD || end <= record) return undefined;
    // A hash the same for every record of one skeleton, without a branch per byte: inside
    // parentheses a digit multiplies by 1 and adds 0 (HASH_FACTOR); a byte outside printable
    // ASCII sets `bad`.
    let h = 0;
    let inParens = 0;
    let bad = 0;
    for (let k = record; k < end; k++) {
      const c = buffer[k]!;
      const i = (inParens << 8) | c;
      h = (Math.imul(h, HASH_FACTOR[i]!) + HASH_TERM[i]!) | 0;
      bad |= NOT_PRINTABLE[c]!;
      const step = PAREN_STEP[c]!;
      inParens = (inParens & step) | (step >> 1);
    }
    if (bad !== 0) return undefined;
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    h = (h ^ (h >>> 13)) & 0x3fffffff;
    this.bytes = buffer;
    this.record = record;
    this.end = end;
    this.hash = h;
    this.file = file;
    this.line = line;
    this.spanEnd = lineEnd;
    // One DataView per chunk the parser feeds.
    const v = this.view;
    if (
      v.buffer !== buffer.buffer ||
      v.byteOffset !== buffer.byteOffset ||
      v.byteLength !== buffer.length
    ) {
      this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
    }
    const index = this.table.find(buffer, this.view, record, end, h, this.runs);
    if (index < 0) {
      if (this.table.size >= MAX_SKELETONS || -1 - index >= MAX_CHAIN) return undefined;
      this.found = undefined;
      return 'new';
    }
    const s = this.table.value(index);
    if (s.event === undefined) return undefined;
    // Canonical decimals only: their printed text is their bytes.
    const b = this.runs.bounds;
    if (this.runs.hex !== 0) return undefined;
    for (let r = 0; r < s.runs; r++) {
      const from = b[2 * r]!;
      const to = b[2 * r + 1]!;
      if (r === 0 && to - from > MAX_PID_DIGITS) return undefined;
      if (to - from > 1 && buffer[from] === 48) return undefined;
    }
    if (this.pidNumber() >= PID_LIMIT) return undefined;
    this.found = s;
    return s.kind;
  }

  take(): void {
    const s = this.found;
    if (s === undefined) {
      this.pending = this.newSkeleton();
      return;
    }
    this.taken++;
    const e = s.event!;
    const bytes = this.bytes;
    let argument = '';
    if (s.keyed) {
      const from = this.runs.bounds[1]! + s.argAfterPid;
      argument = bytes.toString('latin1', from, this.end - s.suffix);
    }
    if (this.filter.acceptLike(e, this.pidNumber(), argument)) {
      this.print(bytes, this.record, this.end, this.file, this.line);
    }
  }

  learned(event: TraceEvent): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    const s = p.skeleton;
    // A skeleton met on two lines in a row is new on both: kept once (add refuses it again).
    if (this.table.add(s.text, p.hash, s) < 0) return;
    if (this.proves(event, p)) {
      s.event = event;
      s.kind = event.kind;
    }
  }

  /** True when `event`, the parser's of the pending line, proves its skeleton canonical (see the contract above). */
  private proves(event: TraceEvent, p: Pending): boolean {
    const s = p.skeleton;
    if (event.kind === 'unknown' || event.altered === true) return false;
    if (event.position.line !== p.line || event.position.file !== p.file) return false;
    if (s.runs === 0 || s.runs > MAX_RUNS) return false;
    const text = p.text;
    if (this.format(event) !== text) return false;
    const who = `${event.severity}: ${event.process === '' ? '-' : event.process} (pid:`;
    if (p.bounds[0] !== who.length || text.slice(p.bounds[0], p.bounds[1]) !== event.pid) {
      return false;
    }
    if (event.kind !== 'ability' || !this.filter.keysArgument(event)) return true;
    const verb = event.severity === 'info' ? 'uses' : 'lacks';
    const head = `${who}${event.pid}) type ${event.securityType} ${verb} ability ${event.ability.monitorName}`;
    const argStart = head.length;
    const argEnd = text.length - ` as ${event.domain}`.length;
    if (!text.startsWith(head) || argEnd < argStart) return false;
    for (let r = 1; r < s.runs; r++) {
      if (p.bounds[2 * r]! < argStart || p.bounds[2 * r + 1]! > argEnd) return false;
    }
    s.keyed = true;
    s.argAfterPid = argStart - p.bounds[1]!;
    s.suffix = text.length - argEnd;
    return true;
  }

  /** The matched record as a new skeleton, with what `learned` checks (copied: the bytes may be reused). */
  private newSkeleton(): Pending {
    const b = this.bytes;
    let text = '';
    const bounds: number[] = [];
    let inParens = false;
    for (let k = this.record; k < this.end;) {
      const c = b[k]!;
      if (inParens && c >= 48 && c <= 57) {
        const from = k;
        while (k < this.end && b[k]! >= 48 && b[k]! <= 57) k++;
        text += RUN_MARK;
        bounds.push(from - this.record, k - this.record);
        continue;
      }
      if (c === 40) inParens = true;
      else if (c === 41) inParens = false;
      text += String.fromCharCode(c);
      k++;
    }
    return {
      skeleton: new Skeleton(text, bounds.length / 2),
      hash: this.hash,
      file: this.file,
      line: this.line,
      text: b.toString('latin1', this.record, this.end),
      bounds,
    };
  }

  /** The matched record's pid (its first run) as a number. */
  private pidNumber(): number {
    const b = this.bytes;
    let v = 0;
    for (let k = this.runs.bounds[0]!; k < this.runs.bounds[1]!; k++) v = v * 10 + (b[k]! - 48);
    return v;
  }
}

const INFO_KEY_BYTES = Uint8Array.from(INFO_KEY, (c) => c.charCodeAt(0));
const ERROR_KEY_BYTES = Uint8Array.from(ERROR_KEY, (c) => c.charCodeAt(0));

function startsWithAt(b: Uint8Array, at: number, end: number, word: Uint8Array): boolean {
  if (end - at < word.length) return false;
  for (let k = 0; k < word.length; k++) if (b[at + k] !== word[k]) return false;
  return true;
}

/**
 * Where the record starts in a line, as the parser finds it
 * (src/trace/prefix.ts): at once, or after a logger prefix that starts with a
 * digit, `[` or a month name, in printable ASCII; -1 for any other line. The
 * same as src/infer/fast-lane.ts (which monitor/ may not import), tested
 * against the parser there.
 */
function recordStart(b: Uint8Array, start: number, end: number): number {
  if (startsWithAt(b, start, end, INFO_KEY_BYTES) || startsWithAt(b, start, end, ERROR_KEY_BYTES)) {
    return start;
  }
  if (!(isPrefixStart(b[start]!) || isMonth(b, start, end))) return -1;
  const limit = Math.min(end, start + MAX_PREFIX);
  let infoOut = false;
  let errorOut = false;
  for (let k = start + 1; k < limit; k++) {
    const c = b[k]!;
    if (c < 32 || c > 126) return -1;
    let key = false;
    if (c === INFO_KEY_BYTES[0] && !infoOut && startsWithAt(b, k, end, INFO_KEY_BYTES)) {
      key = true;
      infoOut = true;
    } else if (c === ERROR_KEY_BYTES[0] && !errorOut && startsWithAt(b, k, end, ERROR_KEY_BYTES)) {
      key = true;
      errorOut = true;
    }
    if (key && isKeyBefore(b[k - 1]!)) return k;
    if (infoOut && errorOut) return -1;
  }
  return -1;
}

/** Where a line ends once trimmed as cleanLine trims it. */
function trimmedEnd(b: Uint8Array, from: number, end: number): number {
  let last = b[end - 1]!;
  if (isTrailingBlank(last)) {
    while (end > from && ((last = b[end - 1]!) === 32 || (last >= 9 && last <= 13))) end--;
  }
  return end;
}

const MONTH_CODES = new Set(
  MONTHS.map((m) => (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2)),
);

function isMonth(b: Uint8Array, start: number, end: number): boolean {
  if (end - start < 3) return false;
  return MONTH_CODES.has(
    ((b[start]! | 32) << 16) | ((b[start + 1]! | 32) << 8) | (b[start + 2]! | 32),
  );
}
