/**
 * The synchronous push parser: bytes in (`feed(chunk)`, `end()`), events and
 * diagnostics out through callbacks. Splits lines (LF, CRLF), caps huge lines,
 * strips prefixes (prefix.ts), joins wrapped records, reads `monitor --json`
 * lines by their `record`, parses each record (record.ts) and reports every
 * line it did not understand with FILE:LINE.
 *
 * Does not decompress or read streams: see parse-trace.ts. Memory is constant:
 * one partial line and one open record at a time.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import { hasUnsafeCharacter, visible } from '../diagnostics/safe-text';
import type { TraceEvent } from './event';
import { TRACE_EVENT_SCHEMA } from './event-text';
import { ESC, MAX_LINE_BYTES, isContinuationStart } from './grammar';
import { cleanLine, splitRecordStart, type SplitLine } from './prefix';
import { parseRecord, repeatEvent, type RecordForm } from './record';

/** Where callers of the parser have read it from (src/index.ts, src/parallel/): it lives in grammar.ts. */
export { MAX_LINE_BYTES } from './grammar';
/** How many diagnostic line numbers the summary keeps. */
const FIRST_LINES_KEPT = 10;

/** What a whole trace held: counts for the summary on stderr. */
export interface TraceSummary {
  file: string;
  /** Physical lines read. */
  lines: number;
  /** Records (`info:`/`error:` messages, wrapped or not). */
  records: number;
  /** Events by kind. */
  events: { ability: number; attach: number; link: number; unknown: number };
  /** Non-blank lines that were not part of a record, plus truncated records and over-long lines. */
  diagnostics: number;
  /** `FILE:LINE` of the first diagnostics. */
  firstDiagnosticPlaces: string[];
  /** Records that start like a known form but end early (cut-off copies). */
  truncatedRecords: number;
  /** True when at least one record carried a timestamp. */
  hasTimes: boolean;
}

/** Callbacks and options for the push parser. */
export interface PushParserOptions {
  /** The file as the user named it (`-` for stdin). */
  file: string;
  /**
   * Each event, in trace order. `canonical` true: the event's canonical line
   * (`formatParsedEvent`, src/render/trace-event.ts) is its `record`, so a
   * printer may write the record as it is (record.ts RecordForm).
   */
  onEvent: (event: TraceEvent, canonical?: boolean) => void;
  onDiagnostic?: (diagnostic: Diagnostic) => void;
  /**
   * Read times from logger prefixes (default true). False for callers that never
   * use `time` (learning): a prefixed line then costs no time parse (about 10 % of
   * the trace stage on the bench trace), and events carry no `time`.
   */
  times?: boolean;
  /**
   * The line number of the first line fed (default 1): a piece of a larger trace
   * (parallel learning) reports FILE:LINE in the whole trace. `summary.lines`
   * still counts the lines fed.
   */
  firstLine?: number;
  /**
   * A shortcut for records the caller can learn from without an event
   * (src/infer/fast-lane.ts). Only with `times: false`: a record it takes is
   * counted in the summary but never parsed, so it has no time and no event.
   */
  lane?: RecordLane;
}

/**
 * A consumer that learns from a canonical record's bytes without the parser
 * (src/infer/fast-lane.ts). For each whole line whose next line is in the
 * same chunk, the parser asks `match`; it must not change anything the
 * parser or the caller can see. On an event kind (`unknown` too) the parser
 * closes the open record and calls `take`: the lane did with the record (its
 * line and `spanLines` continuation lines, up to `spanEnd`) what the caller
 * would have done with its event; the parser only counts it (as an event of
 * that kind) and goes on after it. On `'new'` the parser
 * closes the open record, calls `take`, reads the line as usual and, when
 * that record closes, calls `learned` with its event (after the caller had
 * it). Otherwise the line is the parser's alone.
 */
export interface RecordLane {
  match(bytes: Buffer, start: number, end: number, file: string, line: number): LaneMatch;
  take(): void;
  learned(event: TraceEvent): void;
  /** After a match: the newline that ends the record's last line, and its continuation lines. */
  readonly spanEnd: number;
  readonly spanLines: number;
}

/** What a lane said of a line: the kind of event it takes it for, new to it, or not its own. */
export type LaneMatch = 'ability' | 'attach' | 'link' | 'unknown' | 'new' | undefined;

/** A synchronous trace parser driven by `feed`/`end`. */
/** The summary of a trace of `file` before any byte is read (every reader starts from it). */
export function emptyTraceSummary(file: string): TraceSummary {
  return {
    file,
    lines: 0,
    records: 0,
    events: { ability: 0, attach: 0, link: 0, unknown: 0 },
    diagnostics: 0,
    firstDiagnosticPlaces: [],
    truncatedRecords: 0,
    hasTimes: false,
  };
}

export class TracePushParser {
  private readonly file: string;
  private readonly onEvent: (event: TraceEvent, canonical?: boolean) => void;
  private readonly onDiagnostic: (diagnostic: Diagnostic) => void;
  private readonly times: boolean;
  private readonly lane: RecordLane | undefined;
  /** The open record is a line the lane found new: it learns from its event. */
  private laneRecord = false;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private partialTooLong = false;
  private lineNo = 0;
  /** The open record (wrapped records grow until the next start): text, first line, prefix time. */
  private openText: string | undefined = undefined;
  private openLine = 0;
  private openTime: number | undefined = undefined;
  /** A line of the open record held characters read as `?` (the event is marked `altered`). */
  private openAltered = false;
  /** The last record's event, for repeats, and whether its record is its canonical line. */
  private lastEvent: TraceEvent | undefined = undefined;
  private lastCanonical = false;
  /** parseRecord's answer on the form of each record (one object, reused). */
  private readonly form: RecordForm = { canonical: false };
  private ended = false;
  readonly summary: TraceSummary;

  constructor(options: PushParserOptions) {
    this.file = options.file;
    this.onEvent = options.onEvent;
    this.onDiagnostic = options.onDiagnostic ?? (() => undefined);
    this.times = options.times ?? true;
    this.lane = this.times ? undefined : options.lane;
    this.lineNo = (options.firstLine ?? 1) - 1;
    this.summary = emptyTraceSummary(options.file);
  }

  /**
   * Feeds the next bytes of the trace. An empty chunk says the source is idle
   * (`monitor --follow` found no new bytes): a record whose lines are all in and
   * that already reads as a known form is closed now instead of waiting for the
   * next line, which may be minutes away. A record still incomplete stays open.
   */
  feed(chunk: Buffer): void {
    if (chunk.length === 0) {
      this.idle();
      return;
    }
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) {
        this.keepPartial(chunk.subarray(start));
        return;
      }
      if (this.partialBytes === 0 && !this.partialTooLong && nl - start <= MAX_LINE_BYTES) {
        // The lane sees a line only when the next one is in this chunk (it may continue the
        // record) and does not start with an escape sequence (which cleanLine removes).
        if (this.lane !== undefined && nl + 1 < chunk.length && chunk[nl + 1] !== ESC) {
          const matched = this.lane.match(chunk, start, nl, this.file, this.lineNo + 1);
          if (matched !== undefined) {
            start = this.laneLine(matched, chunk, start, nl);
            continue;
          }
        }
        // Fast path: a whole line inside this chunk is decoded in place, without a copy.
        this.lineNo++;
        this.summary.lines++;
        this.line(cleanLine(chunk.toString('utf8', start, nl)));
      } else {
        this.keepPartial(chunk.subarray(start, nl));
        this.takeLine();
      }
      start = nl + 1;
    }
  }

  /**
   * A line the lane matched; returns where the next line starts. The line
   * starts a record, so the open record ends here, as it would when the
   * parser read the line itself. A taken record may span continuation lines
   * (the lane's `spanEnd`, `spanLines`): they are counted and skipped.
   */
  private laneLine(matched: LaneMatch, chunk: Buffer, start: number, nl: number): number {
    const lane = this.lane!;
    this.closeRecord();
    lane.take();
    if (matched === 'new') {
      // Read as usual (its continuation lines too); the lane learns from its event when the
      // record closes.
      this.lineNo++;
      this.summary.lines++;
      this.line(cleanLine(chunk.toString('utf8', start, nl)));
      this.laneRecord = this.openText !== undefined && this.openLine === this.lineNo;
      return nl + 1;
    }
    const summary = this.summary;
    this.lineNo += 1 + lane.spanLines;
    summary.lines += 1 + lane.spanLines;
    summary.records++;
    if (matched === 'ability') summary.events.ability++;
    else if (matched === 'attach') summary.events.attach++;
    else if (matched === 'link') summary.events.link++;
    else summary.events.unknown++;
    // Not parsed: a later identical record is parsed, not rebuilt from a stale event.
    this.lastEvent = undefined;
    return lane.spanEnd + 1;
  }

  private idle(): void {
    const open = this.openText;
    if (open === undefined || this.partialBytes > 0 || this.partialTooLong) return;
    const text = open.replace(/[ \t]+/g, ' ');
    const parsed = parseRecord(text, { file: this.file, line: this.openLine }, undefined);
    if (parsed !== undefined && parsed.kind !== 'unknown') this.closeRecord();
  }

  /** Ends the trace: handles a last line without newline and closes the open record. */
  end(): TraceSummary {
    if (this.ended) return this.summary;
    this.ended = true;
    if (this.partialBytes > 0 || this.partialTooLong) this.takeLine();
    this.closeRecord();
    return this.summary;
  }

  private keepPartial(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const room = MAX_LINE_BYTES - this.partialBytes;
    if (bytes.length > room) {
      this.partialTooLong = true;
      if (room <= 0) return;
      bytes = bytes.subarray(0, room);
    }
    // Copy: the caller may reuse its buffer.
    this.partial.push(Buffer.from(bytes));
    this.partialBytes += bytes.length;
  }

  private takeLine(): void {
    const bytes =
      this.partial.length === 1 ? this.partial[0]! : Buffer.concat(this.partial, this.partialBytes);
    const tooLong = this.partialTooLong;
    this.partial = [];
    this.partialBytes = 0;
    this.partialTooLong = false;
    this.lineNo++;
    this.summary.lines++;
    const raw = bytes === undefined ? '' : bytes.toString('utf8');
    if (tooLong) {
      this.diagnose(
        this.lineNo,
        `line longer than ${MAX_LINE_BYTES} bytes; the rest was ignored`,
        'trace-line-too-long',
      );
    }
    this.line(cleanLine(raw));
  }

  private line(line: string): void {
    // A byte-order mark (Windows editors, some log exporters) starts the file, not the record.
    if (this.lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    const shown = visible(line);
    // A terminal would act on control characters (window titles, cursor moves, hidden text)
    // and a reviewer would see other text than the trace holds (bidirectional and invisible
    // characters) when a report or `monitor` prints the record: the line is read with each
    // one as `?`, so a path that held one is refused by inference, never learned without it;
    // and said so once: a line is one diagnostic, whatever else is wrong with it.
    const controls = shown !== line;
    const unsafeNote = controls ? unsafeLineMessage(line) : '';
    line = shown;
    if (line.length === 0) {
      // A blank line ends a wrapped record.
      this.closeRecord();
      return;
    }
    const first = line.charCodeAt(0);
    // A record starts here: a text record (after a logger prefix, maybe) or a `monitor --json` line.
    const start =
      splitRecordStart(line, this.times) ??
      (first === 123 ? jsonRecord(line, this.times) : undefined);
    if (start === 'unsafe') {
      this.closeRecord();
      this.diagnose(
        this.lineNo,
        'JSON record with control, bidirectional or invisible characters (escaped in the JSON); refused',
        'trace-control-character',
      );
      return;
    }
    if (start !== undefined) {
      this.closeRecord();
      if (controls) this.diagnose(this.lineNo, unsafeNote, 'trace-control-character');
      this.openText = start.record;
      this.openLine = this.lineNo;
      this.openTime = start.time;
      this.openAltered = controls;
      return;
    }
    if (isContinuationStart(first) && this.openText !== undefined) {
      if (controls) {
        this.diagnose(this.lineNo, unsafeNote, 'trace-control-character');
        this.openAltered = true;
      }
      // A continuation: join with one space, as the page wraps mid-message.
      if (this.openText.length < MAX_LINE_BYTES) this.openText += ' ' + line.trim();
      return;
    }
    this.closeRecord();
    this.diagnose(
      this.lineNo,
      controls
        ? `line not understood: not a secpolmonitor record or its continuation; ${unsafeNote}`
        : 'line not understood: not a secpolmonitor record or its continuation',
      'trace-unknown-line',
    );
  }

  private closeRecord(): void {
    const open = this.openText;
    if (open === undefined) return;
    this.openText = undefined;
    const line = this.openLine;
    const time = this.openTime;
    // Runs of blanks inside a record (hand-copied logs, tab-aligned captures) read as one space.
    const text = open.includes('  ') || open.includes('\t') ? open.replace(/[ \t]+/g, ' ') : open;
    const position = { file: this.file, line };
    // A record identical to the one before (a process repeating a check, as `-r` shows it)
    // is not parsed again: its event is rebuilt with the new position.
    const last = this.lastEvent;
    let event: TraceEvent | undefined;
    if (last !== undefined && text === last.record) event = repeatEvent(last, position, time);
    else {
      event = parseRecord(text, position, time, this.form);
      this.lastCanonical = this.form.canonical;
    }
    // The line's one report was its `trace-control-character` warning; learners read the mark
    // and do not report the record again (event.ts AlteredMark).
    const altered = this.openAltered;
    if (event !== undefined && altered) event.altered = true;
    this.openAltered = false;
    this.lastEvent = event;
    if (event === undefined) {
      this.laneRecord = false;
      return;
    }
    const summary = this.summary;
    summary.records++;
    if (time !== undefined) summary.hasTimes = true;
    switch (event.kind) {
      case 'ability':
        summary.events.ability++;
        break;
      case 'attach':
        summary.events.attach++;
        break;
      case 'link':
        summary.events.link++;
        break;
      case 'unknown':
        summary.events.unknown++;
        // An altered record already has its line's one warning; `?` may be what cut it short.
        if (!altered && looksTruncated(text)) {
          summary.truncatedRecords++;
          this.diagnose(
            line,
            'record ends early (cut off?); kept as an unknown event',
            'trace-truncated-record',
            'warning',
          );
        }
    }
    this.onEvent(event, this.lastCanonical);
    if (this.laneRecord) {
      this.laneRecord = false;
      this.lane!.learned(event);
    }
  }

  private diagnose(
    line: number,
    message: string,
    ruleId: string,
    severity: 'warning' | 'error' = 'warning',
  ): void {
    this.summary.diagnostics++;
    if (this.summary.firstDiagnosticPlaces.length < FIRST_LINES_KEPT) {
      this.summary.firstDiagnosticPlaces.push(`${this.file}:${line}`);
    }
    this.onDiagnostic({ severity, message, file: this.file, line, ruleId });
  }
}

/**
 * The record of a `monitor --json` line (`secpol-learn/trace-event@1`, docs/trace-json.md):
 * its `record` text, read again as a record (never its other fields, so JSON input
 * is parsed and validated exactly as text is), and its `time`. Undefined for any
 * other line; `unsafe` for a record with control, bidirectional or invisible
 * characters (a text line holding them is read with `?`; a JSON record is refused whole).
 */
function jsonRecord(line: string, times: boolean): SplitLine | 'unsafe' | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as { schema?: unknown; record?: unknown; time?: unknown };
  if (o.schema !== TRACE_EVENT_SCHEMA || typeof o.record !== 'string') return undefined;
  // JSON escapes (`\u009b`) hide from the line check what a text line cannot hold.
  if (hasUnsafeCharacter(o.record)) return 'unsafe';
  const start = splitRecordStart(o.record, times);
  if (start === undefined) return undefined;
  if (!times) return { record: start.record };
  const time = typeof o.time === 'number' && Number.isFinite(o.time) ? o.time : start.time;
  return time === undefined ? { record: start.record } : { record: start.record, time };
}

/** The warning for a line with characters `visible` replaces: names the kind, never quotes them. */
function unsafeLineMessage(line: string): string {
  if (line.includes('\x1b'))
    return 'escape sequence inside the record text, read as `?` (the record is not learned as the text without it)';
  if (/[\x00-\x1f\x7f-\x9f]/.test(line))
    return 'control characters in the line, read as `?` (a terminal would act on them)';
  return 'bidirectional or invisible characters in the line, read as `?` (a reader would see other text than the trace holds)';
}

/**
 * A record that has the `NAME (pid:N) [of ]type T ` start of a known form but
 * no known ending: an unknown event the parser also warns about.
 */
export function looksTruncated(text: string): boolean {
  return /^(?:info|error): \S* ?\(pid:[^)]*\) (?:of )?type \S+ /.test(text);
}

/** Parses a whole in-memory trace (tests, small inputs): events, diagnostics and the summary. */
export function parseTraceText(
  text: string | Buffer,
  file = '-',
  times = true,
): { events: TraceEvent[]; diagnostics: Diagnostic[]; summary: TraceSummary } {
  const events: TraceEvent[] = [];
  const diagnostics: Diagnostic[] = [];
  const parser = new TracePushParser({
    file,
    times,
    onEvent: (e) => events.push(e),
    onDiagnostic: (d) => diagnostics.push(d),
  });
  parser.feed(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'));
  return { events, diagnostics, summary: parser.end() };
}
