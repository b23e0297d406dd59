/**
 * The summary file format (`secpol-learn/summary@2`, docs/json-schema.md):
 * JSON Lines, each object starting with `"schema":"secpol-learn/summary@2"`
 * and an `entry` naming its kind. The header comes first (the counts), then
 * the inputs by file, the requirement atoms by key, the untyped processes,
 * linkers and attachers by name, the review tally's accesses and records of
 * an unknown form by place (summary-review.ts), the refused records and the
 * lines not understood by place: the same summary always gives the same bytes.
 * Version 2 added the review tally; a version 1 file (no tally: `check` of it
 * would judge nothing) is refused in words, as any other version.
 *
 * Reading (`SummaryDecoder`) checks every field (summary-fields.ts), every
 * atom's keyed fields with the trace path's own check (`validateEvent` on the
 * event the atom stands for) and every review record by parsing its text
 * again, so nothing reaches policy text or a report that a trace record could
 * not have put there. A line that does not pass is a warning `FILE:LINE`
 * counted with the lines not understood, and skipped; a first line that is
 * not a header this version reads is an input error.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import { FirstByPlace } from '../diagnostics/first-by-place';
import { InputError } from '../errors';
import type { ProcessEvent, TracePosition, UnknownEvent } from '../trace/event';
import { AtomCollector, AtomRows, TalliedAtom, atomList, type ReviewAtom } from './review-tally';
import { asciiBytes, CHUNK_BYTES, SummaryBytes } from './summary-bytes';
import type { AtomTable } from './atom-table';
import {
  AtomRecordJson,
  addUnknown,
  readReviewAtom,
  readUnknown,
  REVIEW_ATOM_FIELDS,
  reviewAtomLine,
  reviewSummaryOf,
  UNKNOWN_FIELDS,
  unknownLine,
  type ReviewAtomLine,
} from './summary-review';
import {
  addRequirement,
  mergeEvidence,
  requirementKey,
  sortedRequirements,
  type Evidence,
  type Requirement,
} from './requirement';
import {
  ATOM_FIELDS,
  count,
  DIAGNOSTIC_FIELDS,
  evidence,
  FieldProblem,
  fileName,
  opt,
  processName,
  readRecord,
  writeRecord,
  type Fields,
  type SummaryDiagnostic,
} from './summary-fields';
import { emptySummary, MAX_LISTED_LINES, type Summary, type SummaryInput } from './summary';
import { validateEvent } from './validate-event';

/** The schema marker every line carries. */
export const SUMMARY_SCHEMA = 'secpol-learn/summary@2';
/** What a summary file starts with: a reader tells a summary from a trace by these bytes. */
export const SUMMARY_HEAD = '{"schema":"secpol-learn/summary@';
/** Refused records a summary keeps, as the learner does. */
const MAX_REFUSED = 100;

/** The header's counts (the learner's, for all inputs). */
interface Header {
  events: number;
  lines: number;
  refusedCount: number;
  unknownCount: number;
  notUnderstoodCount: number;
  /** Records of an unknown form the review tally counted (the first MAX_UNKNOWN are listed). */
  unknownRecords: number;
}
const HEADER_FIELDS: Fields<Header> = {
  events: count,
  lines: count,
  refusedCount: count,
  unknownCount: count,
  notUnderstoodCount: count,
  unknownRecords: count,
};
const INPUT_FIELDS: Fields<SummaryInput> = { file: fileName, events: opt(count) };
/** Records read from one input as named (a gate refuses an input that held none). */
const RECORDS_FIELDS: Fields<{ file: string; records: number }> = {
  file: fileName,
  records: count,
};
const UNTYPED_FIELDS: Fields<{ process: string; evidence: Evidence }> = {
  process: processName,
  evidence,
};
const PROCESS_FIELDS: Fields<{ process: string }> = { process: processName };

/** One line of the format. */
function line(entry: string, fields: Record<string, unknown>): string {
  return `${JSON.stringify({ schema: SUMMARY_SCHEMA, entry, ...fields })}\n`;
}

const bySort = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const REVIEW_ATOM_HEAD = `{"schema":"${SUMMARY_SCHEMA}","entry":"review-atom","record":`;

/**
 * The line of a review atom, as `line` writes it from REVIEW_ATOM_FIELDS, by
 * hand (the most numerous line): every string through JSON.stringify, so it is
 * escaped as there; `files` holds each file name's JSON once. The counts and
 * line numbers are safe integers (the tally's columns), written as JSON writes
 * them. `record`: the record's JSON text, if known (AtomRecordJson).
 * src/infer/summary-codec.test.ts compares it with `line` on hostile text.
 */
export function reviewAtomJson(
  a: ReviewAtomLine,
  files: Map<string, string>,
  record = JSON.stringify(a.record),
): string {
  const place = (p: TracePosition): string => {
    let file = files.get(p.file);
    if (file === undefined) files.set(p.file, (file = JSON.stringify(p.file)));
    return `{"file":${file},"line":${p.line}}`;
  };
  let places = '';
  for (const p of a.failurePlaces) places += places === '' ? place(p) : `,${place(p)}`;
  return `${REVIEW_ATOM_HEAD}${record},"first":${place(a.first)},"failures":${a.failures},"successes":${a.successes},"failurePlaces":[${places}]}\n`;
}

/**
 * Writes review atoms' lines as reviewAtomJson writes them from
 * reviewAtomLine; a tally's row from its table's columns (no position
 * object made), each of the table's file names' JSON made once.
 */
export class ReviewAtomWriter {
  private readonly records = new AtomRecordJson();
  private readonly files = new Map<string, string>();
  private table: AtomTable | undefined = undefined;
  /** `table`'s file names' JSON, by file id. */
  private fileJson: string[] = [];

  line(a: ReviewAtom): string {
    if (!(a instanceof TalliedAtom)) return reviewAtomJson(reviewAtomLine(a), this.files);
    const t = a.table;
    const r = a.row;
    if (t !== this.table) {
      this.table = t;
      this.fileJson = [];
    }
    const place = (file: number, line: number): string =>
      `{"file":${(this.fileJson[file] ??= JSON.stringify(t.files[file]!))},"line":${line}}`;
    const pairs = t.placePairs(r);
    let places = '';
    for (let k = 0; k < pairs.length; k += 2) {
      const p = place(pairs[k]!, pairs[k + 1]!);
      places += k === 0 ? p : `,${p}`;
    }
    return `${REVIEW_ATOM_HEAD}${this.records.of(a)},"first":${place(t.firstFile.at(r), t.firstLine.at(r))},"failures":${t.failures.at(r)},"successes":${t.successes.at(r)},"failurePlaces":[${places}]}\n`;
  }

  /**
   * `line` of row `r` of `t` as bytes into `out`: the pieces between two numbers joined, those
   * that name a file made once per file, numbers as digits.
   */
  writeRow(t: AtomTable, r: number, out: SummaryBytes): void {
    if (t !== this.byteTable) {
      this.byteTable = t;
      this.heads = [];
    }
    out.ascii(REVIEW_ATOM_HEAD_BYTES);
    if (!this.records.writeShaped(t, r, out)) out.text(this.records.of(new TalliedAtom(t, r)));
    out.ascii(this.headsOf(t, t.firstFile.at(r)).first);
    out.uint(t.firstLine.at(r));
    out.ascii(FAILURES);
    out.uint(t.failures.at(r));
    out.ascii(SUCCESSES);
    out.uint(t.successes.at(r));
    const pairs = t.placePairs(r);
    if (pairs.length === 0) {
      out.ascii(NO_PLACES);
      return;
    }
    out.ascii(this.headsOf(t, pairs[0]!).places);
    out.uint(pairs[1]!);
    for (let k = 2; k < pairs.length; k += 2) {
      out.ascii(this.headsOf(t, pairs[k]!).next);
      out.uint(pairs[k + 1]!);
    }
    out.ascii(PLACES_END);
  }

  /** The table `heads` are of. */
  private byteTable: AtomTable | undefined = undefined;
  /** By file id of `byteTable`, the pieces that end in a place's `{"file":FILE,"line":`. */
  private heads: PlaceHeads[] = [];

  private headsOf(t: AtomTable, file: number): PlaceHeads {
    let h = this.heads[file];
    if (h === undefined) {
      // UTF-8, not only ASCII: copied as any bytes.
      const head = `{"file":${JSON.stringify(t.files[file]!)},"line":`;
      this.heads[file] = h = {
        first: Buffer.from(`,"first":${head}`),
        places: Buffer.from(`,"failurePlaces":[${head}`),
        next: Buffer.from(`},${head}`),
      };
    }
    return h;
  }
}

/** A file's place head (`{"file":FILE,"line":`) with what comes before it in a row's line. */
interface PlaceHeads {
  /** After the record: the first place. */
  first: Buffer;
  /** After the counts: the first failure place. */
  places: Buffer;
  /** After a failure place's line: the next failure place. */
  next: Buffer;
}

const REVIEW_ATOM_HEAD_BYTES = asciiBytes(REVIEW_ATOM_HEAD);
const FAILURES = asciiBytes('},"failures":');
const SUCCESSES = asciiBytes(',"successes":');
const NO_PLACES = asciiBytes(',"failurePlaces":[]}\n');
const PLACES_END = asciiBytes('}]}\n');

/**
 * The lines of a summary, in the format's one order: the format as text, what
 * `summaryChunks` writes as bytes (the tests hold them equal; the CLI writes
 * the chunks).
 */
export function* summaryLines(summary: Summary): Generator<string> {
  yield* headLines(summary);
  const atoms = new ReviewAtomWriter();
  for (const a of summary.learned.review!.atoms) yield atoms.line(a);
  yield* tailLines(summary);
}

/**
 * The bytes of `summaryLines(summary).join('')` as UTF-8, in chunks of at
 * most CHUNK_BYTES or of one longer piece of a line alone (each the caller's
 * once given): the review atoms of a tally's table (most of a large summary)
 * written from its columns as bytes (ReviewAtomWriter.writeRow), with no
 * string and no atom object per row.
 */
export function* summaryChunks(
  summary: Summary,
  /** Where the chunks' buffers come from (SummaryBytes): by default, new ones. */
  allocate?: (n: number) => Buffer,
): Generator<Buffer> {
  const out = new SummaryBytes(CHUNK_BYTES, allocate);
  for (const l of headLines(summary)) {
    out.text(l);
    for (let c = out.full(); c !== undefined; c = out.full()) yield c;
  }
  const writer = new ReviewAtomWriter();
  const atoms = atomList(summary.learned.review!.atoms);
  if (atoms instanceof AtomRows) {
    const t = atoms.table;
    for (let i = 0; i < atoms.length; i++) {
      writer.writeRow(t, atoms.row(i), out);
      for (let c = out.full(); c !== undefined; c = out.full()) yield c;
    }
  } else
    for (const a of atoms) {
      out.text(writer.line(a));
      for (let c = out.full(); c !== undefined; c = out.full()) yield c;
    }
  for (const l of tailLines(summary)) {
    out.text(l);
    for (let c = out.full(); c !== undefined; c = out.full()) yield c;
  }
  const rest = out.end();
  if (rest.length > 0) yield rest;
}

/** The lines before the review atoms: the header, the inputs, the requirements. */
function* headLines(summary: Summary): Generator<string> {
  const { inferred, review } = summary.learned;
  // Without it, `check` of the summary would judge nothing and pass.
  if (review === undefined) throw new Error('a summary is written with its review tally');
  const header: Header = {
    events: summary.learned.eventCount,
    lines: summary.learned.lines,
    refusedCount: inferred.refusedCount,
    unknownCount: inferred.unknownCount,
    notUnderstoodCount: summary.learned.notUnderstoodCount,
    unknownRecords: review.unknownCount,
  };
  yield line('header', writeRecord(HEADER_FIELDS, header));
  for (const i of summary.inputs) yield line('input', writeRecord(INPUT_FIELDS, i));
  const records = summary.learned.records;
  for (const file of Object.keys(records).sort(bySort))
    yield line('records', writeRecord(RECORDS_FIELDS, { file, records: records[file]! }));
  for (const r of sortedRequirements(inferred.requirements))
    yield line('atom', writeRecord(ATOM_FIELDS, r));
  for (const p of [...inferred.untyped.keys()].sort(bySort))
    yield line(
      'untyped',
      writeRecord(UNTYPED_FIELDS, { process: p, evidence: inferred.untyped.get(p)! }),
    );
  for (const p of [...inferred.requirements.linkers].sort(bySort))
    yield line('linker', { process: p });
  for (const p of [...inferred.requirements.attachers].sort(bySort))
    yield line('attacher', { process: p });
}

/** The lines after the review atoms: the records of unknown form, refused, not understood. */
function* tailLines(summary: Summary): Generator<string> {
  const { inferred, review } = summary.learned;
  for (const u of review!.unknown)
    yield line('unknown', writeRecord(UNKNOWN_FIELDS, unknownLine(u)));
  for (const d of inferred.refused) yield line('refused', writeRecord(DIAGNOSTIC_FIELDS, d));
  for (const d of summary.learned.notUnderstood)
    yield line('not-understood', writeRecord(DIAGNOSTIC_FIELDS, d));
}

/** The event an atom stands for, so the trace path's own check judges its keyed fields. */
function eventOf(r: Omit<Requirement, 'key'>): ProcessEvent {
  const base = {
    severity: 'error' as const,
    process: r.process,
    pid: r.evidence.pids[0] ?? '0',
    securityType: r.type,
    record: '',
    position: r.evidence.first,
  };
  if (r.kind === 'attach' || r.kind === 'link') return { ...base, kind: r.kind, path: r.object };
  const typed = r.kind === 'connect' || r.kind === 'settypeid';
  const name =
    r.kind === 'connect' ? 'channel_connect' : r.kind === 'settypeid' ? 'settypeid' : r.object;
  return {
    ...base,
    kind: 'ability',
    ability: { monitorName: name, policyName: name, dynamic: false },
    argument: typed ? { kind: 'type-id', value: '0', typeName: r.object } : { kind: 'none' },
    domain: r.domain ?? 'root',
  };
}

/** Why an atom's fields do not fit together, or undefined. */
function atomProblem(r: Omit<Requirement, 'key'>): string | undefined {
  const ability = r.kind === 'ability';
  const path = r.kind === 'attach' || r.kind === 'link';
  if (path !== (r.domain === undefined)) return 'the domain does not fit the kind';
  const valued = [r.whole, r.ranges, r.deniedWhole, r.deniedRanges];
  if (ability ? valued.some((v) => v === undefined) : valued.some((v) => v !== undefined))
    return 'the value fields do not fit the kind';
  if ((r.whole && r.ranges!.length > 0) || (r.deniedWhole && r.deniedRanges!.length > 0))
    return 'a whole ability also lists values';
  if (!path && r.unfixable !== undefined) return 'a failure reason on an ability';
  if (r.wordedAttach !== undefined && (r.kind !== 'attach' || !r.wordedAttach))
    return 'wordedAttach on something else than an attach';
  if (r.type === '-') return 'the unnamed type has no atoms';
  // The trace path's check, on the event the atom stands for (the message names the field).
  return validateEvent(eventOf(r))
    ?.message.replace(/^refused trace record: /, '')
    .replace(/; nothing from it.*$/, '');
}

/** The parts of a summary a reader wants (the others' lines are skipped unread). */
export interface SummaryParts {
  /** Requirements, untyped processes, linkers, attachers, refused records (`suggest`, `generate`). */
  learned: boolean;
  /** The review tally (`check`, `explain`, `harden`). */
  review: boolean;
}

/** The entries of each part. */
const LEARNED_ENTRIES = new Set(['atom', 'untyped', 'linker', 'attacher', 'refused']);
const REVIEW_ENTRIES = new Set(['review-atom', 'unknown']);

/**
 * Reads one summary file line by line (the shell splits the lines:
 * summary-lines.ts); `result()` once at the end.
 */
export class SummaryDecoder {
  private readonly summary = emptySummary();
  private header: Header | undefined;
  private readonly refused = new FirstByPlace(MAX_REFUSED);
  private readonly notUnderstood = new FirstByPlace(MAX_LISTED_LINES);
  private badLines = 0;
  /** Atom lines read, merged by key as read (one table, no object per atom). */
  private readonly reviewAtoms = new AtomCollector();
  private unknown: UnknownEvent[] = [];
  private unknownRead = 0;

  constructor(
    private readonly file: string,
    private readonly parts: SummaryParts = { learned: true, review: true },
  ) {}

  /** A line that is not what the format says: warned about at FILE:LINE, counted, skipped. */
  problem(lineNumber: number, problem: string): void {
    if (this.header === undefined)
      throw new InputError(`${this.file}:${lineNumber}`, `a summary header that is ${problem}`);
    this.badLines++;
    this.notUnderstood.add({
      severity: 'warning',
      message: `summary line not read: ${problem}`,
      file: this.file,
      line: lineNumber,
      ruleId: 'summary-bad-line',
    });
  }

  /** One line's text (without its newline), numbered from 1. */
  line(text: string, lineNumber: number): void {
    if (this.header === undefined) {
      this.header = this.readHeader(text);
      return;
    }
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.problem(lineNumber, 'not JSON');
      return;
    }
    try {
      this.entry(value);
    } catch (error) {
      if (!(error instanceof FieldProblem)) throw error;
      this.problem(lineNumber, error.message);
    }
  }

  private readHeader(text: string): Header {
    const at = `${this.file}:1`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new InputError(at, 'a summary header that is not JSON');
    }
    const v = value as Record<string, unknown>;
    if (v?.schema === 'secpol-learn/summary@1')
      throw new InputError(
        at,
        `a secpol-learn/summary@1 file, from an earlier version without the review tally (this version reads ${SUMMARY_SCHEMA}): summarize its traces again`,
      );
    if (v?.schema !== SUMMARY_SCHEMA || v.entry !== 'header')
      throw new InputError(at, `not a summary this version reads (it reads ${SUMMARY_SCHEMA})`);
    try {
      return readRecord(HEADER_FIELDS, v, 'the header');
    } catch (error) {
      if (error instanceof FieldProblem) throw new InputError(at, error.message);
      throw error;
    }
  }

  private entry(value: unknown): void {
    const v = value as Record<string, unknown>;
    if (typeof v !== 'object' || v === null || v.schema !== SUMMARY_SCHEMA)
      throw new FieldProblem(`not a ${SUMMARY_SCHEMA} line`);
    const { inferred } = this.summary.learned;
    if (!this.parts.learned && LEARNED_ENTRIES.has(v.entry as string)) return;
    if (!this.parts.review && REVIEW_ENTRIES.has(v.entry as string)) return;
    switch (v.entry) {
      case 'input':
        this.summary.inputs.push(readRecord(INPUT_FIELDS, v, 'the input'));
        return;
      case 'records': {
        const r = readRecord(RECORDS_FIELDS, v, 'the records count');
        const records = this.summary.learned.records;
        records[r.file] = (records[r.file] ?? 0) + r.records;
        return;
      }
      case 'atom': {
        const r = readRecord(ATOM_FIELDS, v, 'the atom');
        const problem = atomProblem(r);
        if (problem !== undefined) throw new FieldProblem(`the atom: ${problem}`);
        addRequirement(inferred.requirements, { ...r, key: requirementKey(r) });
        return;
      }
      case 'untyped': {
        const u = readRecord(UNTYPED_FIELDS, v, 'the untyped process');
        const had = inferred.untyped.get(u.process);
        inferred.untyped.set(u.process, had ? mergeEvidence(had, u.evidence) : u.evidence);
        return;
      }
      case 'linker':
        inferred.requirements.linkers.add(readRecord(PROCESS_FIELDS, v, 'the linker').process);
        return;
      case 'attacher':
        inferred.requirements.attachers.add(readRecord(PROCESS_FIELDS, v, 'the attacher').process);
        return;
      case 'review-atom': {
        const a = readRecord(REVIEW_ATOM_FIELDS, v, 'the access');
        within('the access', () => readReviewAtom(a, this.reviewAtoms));
        return;
      }
      case 'unknown': {
        const u = readRecord(UNKNOWN_FIELDS, v, 'the unknown record');
        const read = within('the unknown record', () => readUnknown(u));
        this.unknownRead++;
        this.unknown = addUnknown(this.unknown, read);
        return;
      }
      case 'refused':
        this.refused.add(readDiagnostic(v, 'the refused record'));
        return;
      case 'not-understood':
        this.notUnderstood.add(readDiagnostic(v, 'the line not understood'));
        return;
      default:
        throw new FieldProblem('an entry of an unknown kind');
    }
  }

  /** The summary read; undefined header (an empty file) is an input error. */
  result(): Summary {
    const h = this.header;
    if (h === undefined) throw new InputError(`${this.file}:1`, 'an empty summary');
    const s = this.summary;
    s.inputs.sort((a, b) =>
      a.file < b.file ? -1 : a.file > b.file ? 1 : (a.events ?? -1) - (b.events ?? -1),
    );
    s.learned.eventCount = h.events;
    s.learned.lines = h.lines;
    s.learned.inferred.refused = this.refused.sorted();
    s.learned.inferred.refusedCount = Math.max(h.refusedCount, this.refused.count);
    s.learned.inferred.unknownCount = h.unknownCount;
    s.learned.notUnderstood = this.notUnderstood.sorted();
    s.learned.notUnderstoodCount =
      Math.max(h.notUnderstoodCount, this.notUnderstood.count - this.badLines) + this.badLines;
    if (this.parts.review)
      s.learned.review = reviewSummaryOf(
        this.reviewAtoms,
        this.unknown,
        Math.max(h.unknownRecords, this.unknownRead),
      );
    return s;
  }
}

/** `read()`, its problem named as `what`'s. */
function within<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof FieldProblem) throw new FieldProblem(`${what}: ${error.message}`);
    throw error;
  }
}

function readDiagnostic(v: unknown, what: string): Diagnostic {
  const d: SummaryDiagnostic = readRecord(DIAGNOSTIC_FIELDS, v, what);
  return d;
}
