/**
 * The review part of a summary: the review tally that `check`, `explain` and
 * `harden` judge (src/infer/review-tally.ts), as records of the summary file
 * (summary-codec.ts). An access (a review atom) is written as its first
 * record's canonical text, that record's place, its counts and its first
 * failure places; a record of an unknown form as its text and place.
 *
 * Reading parses each record text again with the trace parser (the one every
 * trace goes through) and refuses a line whose text does not come back as one
 * record with the same text at the same place, or whose counts and places do
 * not fit that record: a summary can put into a tally only what a trace record
 * could have put there. The atom is then made by the tally itself from the
 * parsed record, so its grouping is the tally's, whatever it is.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import { byPlace } from '../diagnostics/first-by-place';
import type { ProcessEvent, TraceEvent, TracePosition, UnknownEvent } from '../trace/event';
import { argumentText, argumentValueText } from '../trace/event-text';
import { ERROR_KEY, INFO_KEY, MAX_LINE_BYTES } from '../trace/grammar';
import { TracePushParser } from '../trace/push-parser';
import { isShape, ValueKind, type AtomTable } from './atom-table';
import { asciiBytes, type SummaryBytes } from './summary-bytes';
import {
  MAX_GROUP_PLACES,
  MAX_UNKNOWN,
  TalliedAtom,
  rowRuns,
  type AtomCollector,
  type RecordShape,
  type ReviewAtom,
  type ReviewSummary,
} from './review-tally';
import { unjudgedRecordNote } from './shard-learner';
import { count, FieldProblem, listOf, position, type Field, type Fields } from './summary-fields';

/** A review atom as a summary line holds it. */
export interface ReviewAtomLine {
  /** The first record's canonical text (it is parsed again when read). */
  record: string;
  first: TracePosition;
  failures: number;
  successes: number;
  /** The first places of denied records, by place (at most MAX_GROUP_PLACES). */
  failurePlaces: TracePosition[];
}

/** A record of an unknown form as a summary line holds it. */
export interface UnknownLine {
  record: string;
  place: TracePosition;
}

/** A record's text: a string no longer than a trace line; the trace parser checks the rest. */
const recordText: Field<string> = {
  read: (v) => {
    if (typeof v === 'string' && v.length >= 1 && v.length <= MAX_LINE_BYTES) return v;
    throw new FieldProblem('the record is not a record text');
  },
  write: (v) => v,
};

export const REVIEW_ATOM_FIELDS: Fields<ReviewAtomLine> = {
  record: recordText,
  first: position,
  failures: count,
  successes: count,
  failurePlaces: listOf(position, MAX_GROUP_PLACES, 'the failure places'),
};

export const UNKNOWN_FIELDS: Fields<UnknownLine> = {
  record: recordText,
  place: position,
};

/** True when `b` asks for the access `a` asks for, with the same verdict kind (what an atom groups). */
function sameAccess(a: ProcessEvent, b: TraceEvent): boolean {
  if (b.kind !== a.kind || b.severity !== a.severity) return false;
  if (b.process !== a.process || b.securityType !== a.securityType) return false;
  if (a.kind === 'ability' && b.kind === 'ability')
    return (
      a.ability.policyName === b.ability.policyName &&
      a.domain === b.domain &&
      argumentValueText(a.argument) === argumentValueText(b.argument)
    );
  return a.kind !== 'ability' && b.kind !== 'ability' && a.path === b.path;
}

/** The one record `text` parses to at `place`, or a FieldProblem (never quoting the text). */
function parseRecordText(text: string, place: TracePosition): TraceEvent {
  const events: TraceEvent[] = [];
  let warned = false;
  const parser = new TracePushParser({
    file: place.file,
    firstLine: place.line,
    times: false,
    onEvent: (e) => events.push(e),
    onDiagnostic: () => {
      warned = true;
    },
  });
  parser.feed(Buffer.from(`${text}\n`));
  parser.end();
  const e = events[0];
  if (
    events.length !== 1 ||
    e!.record !== text ||
    byPlace(e!.position, place) !== 0 ||
    (e!.kind !== 'unknown' && warned)
  )
    throw new FieldProblem('the record does not read back as one trace record with that text');
  return e!;
}

/**
 * The text an atom is written with: its first record's, when that reads back
 * as the same access; else the canonical secpolmonitor line of the access.
 * (secpolgenerate's errors view gives records whose text does not name the
 * value the item checked, src/trace/secpolgenerate.ts: their summary record
 * names it, so `check` of the summary prints that record.)
 */
function recordOf(e: ProcessEvent): string {
  try {
    if (sameAccess(e, parseRecordText(e.record, e.position))) return e.record;
  } catch (error) {
    if (!(error instanceof FieldProblem)) throw error;
  }
  const who = `${e.severity}: ${e.process === '' ? '-' : e.process} (pid:${e.pid})`;
  if (e.kind === 'ability') {
    const verb = e.severity === 'info' ? 'uses' : 'lacks';
    return `${who} type ${e.securityType} ${verb} ability ${e.ability.monitorName}${argumentText(e.argument)} as ${e.domain}`;
  }
  const head = `${who} of type ${e.securityType}`;
  const verb = e.kind === 'attach' ? 'attach' : 'link';
  if (e.failure) return `${head} failed to ${verb} to path ${e.path}: ${e.failure.reason}`;
  return e.kind === 'attach'
    ? `${head} attached channel to path ${e.path}`
    : `${head} created link to path ${e.path}`;
}

/**
 * True when the trace parser, reading `text` alone as a line (parseRecordText),
 * reads it as `parseRecord(text, place)` with that very text: printable ASCII
 * (nothing the UTF-8 round trip, `visible` or cleanLine's escapes change), a
 * record key first (no prefix to strip), no blank at the end (cleanLine trims
 * it) and no run of blanks (closeRecord collapses it), no longer than a line.
 * src/infer/summary-review.test.ts checks it against the parser on hostile text.
 */
export function readsAsItself(text: string): boolean {
  return (
    text.length <= MAX_LINE_BYTES &&
    (text.startsWith(INFO_KEY) || text.startsWith(ERROR_KEY)) &&
    !NOT_ITSELF.test(text)
  );
}
/** A character outside printable ASCII, a run of blanks, a blank at the end. */
const NOT_ITSELF = /[^ -~]| {2}| $/;

/**
 * The text an atom is written with (recordOf), without parsing when the tally
 * holds its first record as a text or a shape: its event is then
 * `parseRecord` of that text at its place (review-tally.ts, rowEvent), which a
 * text that reads as itself gives again, the same access.
 */
function atomRecord(a: ReviewAtom): string {
  if (a instanceof TalliedAtom) {
    const [held] = a.heldFirst();
    if (typeof held === 'string' || isShape(held)) {
      const text = a.record;
      if (readsAsItself(text)) return text;
    }
  }
  return recordOf(a.event);
}

/** The line of an atom. */
export function reviewAtomLine(a: ReviewAtom): ReviewAtomLine {
  return {
    record: atomRecord(a),
    first: a instanceof TalliedAtom ? a.position : a.event.position,
    failures: a.failures,
    successes: a.successes,
    failurePlaces: a.failurePlaces,
  };
}

/** A shape's pieces as JSON string content (no quotes), and their length in all as text. */
interface ShapeJson {
  pieces: string[];
  length: number;
  /**
   * The pieces as bytes (printable ASCII), the string's quotes joined to them: the first
   * after its opening quote, the last before its closing one.
   */
  bytes: Buffer[];
  runs: RecordShape['runs'];
}

/**
 * The JSON text of the record each atom is written with:
 * `JSON.stringify(reviewAtomLine(a).record)`. A row holding a shape is
 * written from the shape's pieces, escaped once per shape, and the row's
 * pid and value runs (digits, which JSON leaves as they are), with no text
 * made to test and escape, when every text of the shape reads as itself
 * (`shapeJson`) and this one is not too long: the text atomRecord takes.
 * src/infer/summary-review.test.ts compares it with JSON.stringify on
 * sample, generated and hostile traces.
 */
export class AtomRecordJson {
  private readonly shapes = new Map<RecordShape, ShapeJson | null>();

  of(a: ReviewAtom): string {
    if (a instanceof TalliedAtom) {
      const t = a.table;
      const r = a.row;
      const held = t.held[t.first.at(r)]!;
      if (typeof held !== 'string' && isShape(held)) {
        const s = this.shapeOf(held);
        const runs = s === null ? undefined : rowRuns(t, r, held.runs);
        const pid = t.pid.at(r);
        if (runs !== undefined && pid >= 0) {
          const p = s!.pieces;
          const id = String(pid);
          const [x, y] = runs;
          // shapedRecord's text (review-tally.ts): the pieces around the pid and the runs.
          if (s!.length + id.length + x.length + y.length <= MAX_LINE_BYTES)
            switch (held.runs) {
              case 'none':
                return `"${p[0]}${id}${p[1]}"`;
              case 'value':
              case 'type-id':
                return `"${p[0]}${id}${p[1]}${x}${p[2]}"`;
              case 'range':
                return `"${p[0]}${id}${p[1]}${x}${p[2]}${y}${p[3]}"`;
            }
        }
      }
    }
    return JSON.stringify(atomRecord(a));
  }

  /**
   * Writes `of` row `r` of `t` as bytes when `of` writes it from a shape's
   * pieces (the pieces' bytes made once per shape, the pid and the runs as
   * digits: no string made); else writes nothing and returns false.
   */
  writeShaped(t: AtomTable, r: number, out: SummaryBytes): boolean {
    const h = t.first.at(r);
    if (t !== this.table || h >= this.heldShape.length) {
      this.table = t;
      this.heldShape = new Int32Array(t.held.length);
      this.shapeList = [];
    }
    let i = this.heldShape[h]!;
    if (i === 0) {
      const held = t.held[h]!;
      const json = typeof held !== 'string' && isShape(held) ? this.shapeOf(held) : null;
      if (json === null) i = -1;
      else i = this.shapeList.push(json);
      this.heldShape[h] = i;
    }
    const pid = t.pid.at(r);
    if (i < 0 || !(pid >= 0)) return false;
    const s = this.shapeList[i - 1]!;
    // rowRuns (review-tally.ts) as numbers: how many runs, and their numbers.
    const k = t.kind.at(r) as ValueKind;
    let runs = 0;
    let x = 0;
    let y = 0;
    switch (s.runs) {
      case 'none':
        if (k !== ValueKind.None) return false;
        break;
      case 'value':
        if (k !== ValueKind.Decimal) return false;
        runs = 1;
        x = t.a.at(r);
        break;
      case 'range':
        if (k !== ValueKind.Range) return false;
        runs = 2;
        x = t.a.at(r);
        y = t.end(r);
        break;
      case 'type-id':
        if (k !== ValueKind.TypeId) return false;
        runs = 1;
        x = t.a.at(r);
        break;
    }
    // `of`'s bound on the text, exact only for a shape near it (no number's text is longer).
    if (s.length + 3 * MAX_NUMBER_TEXT > MAX_LINE_BYTES) {
      const texts = String(pid).length + (runs > 0 ? String(x).length : 0);
      if (s.length + texts + (runs > 1 ? String(y).length : 0) > MAX_LINE_BYTES) return false;
    }
    const p = s.bytes;
    out.ascii(p[0]!);
    out.uint(pid);
    out.ascii(p[1]!);
    if (runs > 0) {
      out.uint(x);
      out.ascii(p[2]!);
      if (runs > 1) {
        out.uint(y);
        out.ascii(p[3]!);
      }
    }
    return true;
  }

  /**
   * The table last written from; by index into its `held`, 0 (not seen yet), -1 (no
   * shapeJson) or one more than the index of its shapeJson in `shapeList`.
   */
  private table: AtomTable | undefined = undefined;
  private heldShape = new Int32Array(0);
  private shapeList: ShapeJson[] = [];

  /** `shapeJson` of `shape`, once per shape. */
  private shapeOf(shape: RecordShape): ShapeJson | null {
    let s = this.shapes.get(shape);
    if (s === undefined) this.shapes.set(shape, (s = shapeJson(shape)));
    return s;
  }
}

/** The longest text `String` gives a number (`-1.2345678901234567e-308`: 24). */
const MAX_NUMBER_TEXT = 25;

/**
 * A shape's pieces as JSON, when every text made of them and non-empty
 * digit runs reads as itself (readsAsItself): the first piece starts with a
 * record key, no piece holds a character outside printable ASCII or a run
 * of blanks (a run of digits parts the pieces), the last does not end with a
 * blank. Else null (its rows are written as any other atom).
 */
function shapeJson(shape: RecordShape): ShapeJson | null {
  const p = shape.pieces;
  const first = p[0]!;
  if (!first.startsWith(INFO_KEY) && !first.startsWith(ERROR_KEY)) return null;
  if (p[p.length - 1]!.endsWith(' ') || p.some((x) => NOT_ITSELF_PIECE.test(x))) return null;
  const pieces = p.map((x) => JSON.stringify(x).slice(1, -1));
  return {
    pieces,
    length: p.reduce((n, x) => n + x.length, 0),
    bytes: pieces.map((x, i) =>
      asciiBytes(`${i === 0 ? '"' : ''}${x}${i === pieces.length - 1 ? '"' : ''}`),
    ),
    runs: shape.runs,
  };
}
/** A character outside printable ASCII, a run of blanks. */
const NOT_ITSELF_PIECE = /[^ -~]| {2}/;

/** The line of a record of an unknown form. */
export function unknownLine(u: UnknownEvent): UnknownLine {
  return { record: u.record, place: u.position };
}

/** Why an atom line's counts and places do not fit its record, or undefined. */
function countsProblem(e: ProcessEvent, a: ReviewAtomLine): string | undefined {
  if (e.severity === 'error' ? a.failures === 0 : a.successes === 0)
    return 'the counts do not count the first record';
  const places = a.failurePlaces;
  if (places.length !== Math.min(a.failures, MAX_GROUP_PLACES))
    return 'the failure places do not fit the failure count';
  for (let i = 1; i < places.length; i++)
    if (byPlace(places[i - 1]!, places[i]!) > 0) return 'the failure places are not in order';
  // The first record is the earliest: a first failure is at its place, none before it.
  if (places.length > 0 && byPlace(places[0]!, a.first) < 0)
    return 'a failure place comes before the first record';
  if (e.severity === 'error' && byPlace(places[0]!, a.first) !== 0)
    return 'the first failure place is not the first record';
  return undefined;
}

/**
 * Adds the atom a line stands for to `atoms`, made as the tally makes it
 * from its parsed record, with the line's counts; FieldProblem (nothing
 * added) when it does not fit.
 */
export function readReviewAtom(line: ReviewAtomLine, atoms: AtomCollector): void {
  const e = parseRecordText(line.record, line.first);
  if (e.kind === 'unknown') throw new FieldProblem('the record is of an unknown form');
  const problem = countsProblem(e, line);
  if (problem !== undefined) throw new FieldProblem(problem);
  atoms.addEvent(e, line.failures, line.successes, line.failurePlaces);
}

/** The record of an unknown form a line stands for; FieldProblem when its text reads as another. */
export function readUnknown(line: UnknownLine): UnknownEvent {
  const e = parseRecordText(line.record, line.place);
  if (e.kind !== 'unknown') throw new FieldProblem('the record is not of an unknown form');
  return e;
}

/**
 * Adds a record of an unknown form read to `list`, which keeps the first
 * MAX_UNKNOWN by place (then text), as the tally does: a summary of a million
 * such lines holds a bounded list while it is read.
 */
export function addUnknown(list: UnknownEvent[], u: UnknownEvent): UnknownEvent[] {
  list.push(u);
  if (list.length < 2 * MAX_UNKNOWN) return list;
  return list
    .sort(
      (a, b) =>
        byPlace(a.position, b.position) || (a.record < b.record ? -1 : a.record > b.record ? 1 : 0),
    )
    .slice(0, MAX_UNKNOWN);
}

/**
 * The review summary of atoms and unknown records read (`atoms`: every atom
 * line's, duplicates merged, in the tally's order).
 */
export function reviewSummaryOf(
  atoms: AtomCollector,
  unknown: UnknownEvent[],
  unknownCount: number,
): ReviewSummary {
  const s: ReviewSummary = {
    atoms: atoms.result(),
    events: 0,
    failures: 0,
    successes: 0,
    unknown,
    unknownCount: Math.max(unknownCount, unknown.length),
  };
  for (const a of s.atoms) {
    s.failures += a.failures;
    s.successes += a.successes;
  }
  s.events = s.failures + s.successes;
  // The unknown records by place, then text, the first MAX_UNKNOWN (as the tally keeps them).
  unknown.sort(
    (a, b) =>
      byPlace(a.position, b.position) || (a.record < b.record ? -1 : a.record > b.record ? 1 : 0),
  );
  if (unknown.length > MAX_UNKNOWN) unknown.length = MAX_UNKNOWN;
  return s;
}

/**
 * The lines not understood as a review command reports them: a record of an
 * unknown form is "not judged" there (src/infer/shard-learner.ts), where
 * learning says no rule was learned from it. The same places, so the first
 * MAX_LISTED_LINES by place of either are the same lines.
 */
export function reviewNotUnderstood(learned: readonly Diagnostic[]): Diagnostic[] {
  return learned.map((d) => (d.ruleId === 'trace-unknown-record' ? unjudgedRecordNote(d) : d));
}
