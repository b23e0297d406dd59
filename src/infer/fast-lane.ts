/**
 * The learning fast lane: a record the learner has already met, up to its
 * pid and its ability values, is learned from its bytes, with no string, no
 * event and no parse.
 *
 * A record's *skeleton* is its bytes without the digits of its pid and of
 * its ability argument (decimal, or hex after `0x`). The first time a
 * skeleton is met, the parser reads the line as usual (`'new'`) and the lane
 * watches what that one record did: it went into an atom, it was refused, or
 * it was a record of unknown form. Later records with the same skeleton do
 * the same from their bytes (`take`): their pid, place and values go
 * straight into the atom; or the refusal is counted (and listed while the
 * list has room) at their place; or the unknown record is counted and noted.
 *
 * Why this gives the same result as the parser (tested against it, on
 * generated traces and on random lines, with the lane and without):
 * - The lane matches only canonical records: printable ASCII; a logger
 *   prefix that starts with a digit, `[` or a month name, or none; the known
 *   ability and path forms, with single blanks between fields and each field
 *   in the characters its validator accepts; or, for records of unknown
 *   form, `KEY NAME (pid:DIGITS) REST` or any other text after `KEY `. A
 *   record wrapped over lines is joined first, exactly as the parser joins it
 *   (joinWrapped). Anything else is left to the parser. Every word and limit
 *   matched by is the parser's or the validator's own (src/trace/grammar.ts),
 *   turned into byte strings and tables once, at load.
 * - Within such a line the parser's every decision (where the name, type,
 *   ability, argument and path end; which form it is; whether a field is
 *   refused and why) depends on the skeleton alone, as long as each digit run
 *   stays a non-empty run of its digits. So the atom, the event kind, the
 *   severity, the argument's shape and the refusal are the skeleton's, and
 *   the learning filter (which keeps every repeat) decides on the skeleton
 *   too.
 * - A skeleton is kept for the lane only when its first record did exactly
 *   one of those three things and the lane read that event's pid and values
 *   as the parser did; an unknown record the parser warns about (cut off) or
 *   any other outcome leaves the skeleton to the parser.
 *
 * Memory: at most MAX_SKELETONS skeletons of at most MAX_RECORD bytes; past
 * that, new skeletons go to the parser. Only for learning: events the lane
 * takes have no time and reach no callback.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import { looksTruncated, type LaneMatch, type RecordLane } from '../trace/push-parser';
import type { TraceEvent } from '../trace/event';
import {
  ABILITY_NAME_CHARS,
  AS_NON_ROOT,
  AS_ROOT,
  ERROR_KEY,
  ESC,
  INFO_KEY,
  LACKS_ABILITY,
  MAX_PID_CHARS,
  MAX_PREFIX,
  MONTHS,
  OF_TYPE,
  PATH_FORMS,
  PID_CLOSE,
  PID_OPEN,
  PROCESS_NAME_CHARS,
  SURE_HEX_DIGITS,
  SURE_VALUE_DIGITS,
  TYPE,
  TYPE_NAME_CHARS,
  USES_ABILITY,
  byteClass,
  isContinuationStart,
  isKeyBefore,
  isPrefixStart,
  isTrailingBlank,
} from '../trace/grammar';
import type { Atom, RequirementAccumulator } from './requirement-accumulator';
import type { RecordShape, ReviewTally } from './review-tally';
import { MAX_VALUE_DIGITS, ValueKind } from './atom-table';
import {
  DECIMAL_RUN,
  HEX_RUN,
  Runs,
  SkeletonTable,
  digitsEnd,
  hexDigitsEnd,
  isHexDigit,
} from './skeleton-table';
import { MAX_EXACT_DIGITS } from './value-set';
import { fromCharCodes } from '../arrays';

/** Skeletons kept, at most (each an arena entry and an object). */
const MAX_SKELETONS = 20_000;
/** Skeletons kept under one hash, at most. */
const MAX_CHAIN = 8;
/** Longest record the lane matches (well below the parser's MAX_LINE_BYTES); longer ones are the parser's. */
export const MAX_RECORD = 1024;
/** Hex digits of a value read as an exact Number (52 bits); decimal ones: MAX_EXACT_DIGITS (value-set.ts). */
export const MAX_EXACT_HEX = 13;
/** The least value whose decimal text is longer than a value key's number (MAX_VALUE_DIGITS digits). */
const MAX_VALUE = 10 ** MAX_VALUE_DIGITS;

const enum Arg {
  /** No argument, or a type id: every value. */
  Whole,
  Value,
  Range,
}

/** What a skeleton's records do. */
const enum Outcome {
  /** Read by the parser (the first record did something else, or its effect was not seen). */
  Parser,
  /** Go into their atom. */
  Atom,
  /** Are refused as `refusal` says. */
  Refused,
  /** Are records of unknown form: counted and noted. */
  Unknown,
}

/** The kinds of event a skeleton's records are taken as, by their code in a plan. */
const KINDS: readonly LaneMatch[] = ['ability', 'attach', 'link', 'unknown'];
const KIND_CODES = new Map(KINDS.map((kind, code) => [kind, code]));

/**
 * A skeleton's plan, one byte: its Outcome (bits 0-1), its records' event
 * kind (its code in KINDS, bits 2-3), whether they failed (FAILED), its
 * Arg (bits 5-6) and, review, whether its records hold a run of blanks or a
 * tab (BLANK_RUN_BIT: their skeleton's text does, the digit runs hold none),
 * which the parser joins: a record of a new value is the parser's.
 */
const OUTCOME_BITS = 3;
const KIND_SHIFT = 2;
const FAILED = 16;
const ARG_SHIFT = 5;
const ARG_BITS = 3;
const BLANK_RUN_BIT = 128;

/** What a skeleton's records do besides its plan (the table's value for it). */
class Skeleton {
  /** Learning, Outcome.Refused: the refusal. */
  refusal: Diagnostic | undefined = undefined;
  /** Review: the records' text around their digit runs (decimal runs only), for the atoms made. */
  shape: RecordShape | undefined = undefined;
  /**
   * A lead lane's skeleton: the index of its follower's skeleton of the same text, once found
   * (`follow`), or -1.
   */
  next = -1;
}

/** What `learned` needs of a new skeleton's line, copied when it was taken. */
interface Pending {
  skeleton: string;
  hash: number;
  file: string;
  line: number;
  /** The digit runs' text: the pid, then the argument's (a hex one with its `0x`). */
  runs: string[];
  /** Scanned as a record of unknown form: only an unknown event may come of it. */
  unknownForm: boolean;
  /** The accumulator's counts (review: the tally's records and unknown records) before the line was read. */
  events: number;
  added: number;
  refused: number;
  unknown: number;
}

/** The grammar's words (src/trace/grammar.ts) as the bytes the scanner compares against. */
const bytesOf = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const INFO_KEY_BYTES = bytesOf(INFO_KEY);
const ERROR_KEY_BYTES = bytesOf(ERROR_KEY);
/** A canonical record has one blank after its key. */
const INFO = bytesOf(`${INFO_KEY} `);
const ERROR = bytesOf(`${ERROR_KEY} `);
/** A canonical name has one blank before `(pid:`. */
const PID = bytesOf(` ${PID_OPEN}`);
const PID_END = bytesOf(PID_CLOSE);
const OF_TYPE_BYTES = bytesOf(OF_TYPE);
const TYPE_BYTES = bytesOf(TYPE);
const USES = bytesOf(USES_ABILITY);
const LACKS = bytesOf(LACKS_ABILITY);
const AS_ROOT_BYTES = bytesOf(AS_ROOT);
const AS_NON_ROOT_BYTES = bytesOf(AS_NON_ROOT);
const PATH_VERBS = PATH_FORMS.map(([verb]) => bytesOf(verb));

/** A run of blanks or a tab in a record (or its skeleton: the digit runs' marks are not blanks). */
const BLANK_RUN = /\t| {2}/;

/** The grammar's character classes: the parser's for types and abilities, the validator's for processes. */
const PROCESS_BYTE = byteClass(PROCESS_NAME_CHARS);
const TYPE_BYTE = byteClass(TYPE_NAME_CHARS);
const ABILITY_BYTE = byteClass(ABILITY_NAME_CHARS);

/**
 * The hash's factor and term per byte inside parentheses (where the pid and
 * the ability's values are), indexed by the byte: a digit, a hex letter or
 * `x` multiplies by 1 and adds 0, so the digit runs leave no trace; any other
 * byte counts.
 */
const HASH_FACTOR = Int32Array.from({ length: 256 }, (_, c) => (ignoredInParens(c) ? 1 : 31));
const HASH_TERM = Int32Array.from({ length: 256 }, (_, c) =>
  ignoredInParens(c) ? 0 : Math.imul(c + 1, 0x9e3779b1),
);
/** `(` in each byte of a word: a word holds `(` when its XOR with this has a zero byte. */
const OPEN_BYTES = 0x28282828;

function ignoredInParens(c: number): boolean {
  return isHexDigit(c) || c === 120;
}

/**
 * A hash that is the same for every record of one skeleton. Outside
 * parentheses every byte counts (records that differ in other digits,
 * `/dev/ser1` and `/dev/ser2`, hash apart), read four at a time from the
 * segment's start (the record's, or the byte after a `)` that closes
 * parentheses) while no word holds `(`, then byte by byte up to the `(`;
 * inside (`(` opens, `)` closes, nesting is not counted; a stray `)` is an
 * ordinary byte) byte by byte, where a digit, a hex letter or `x`
 * leaves no trace (HASH_FACTOR). The scanner's digit runs are all inside
 * parentheses, so a segment outside them is the same bytes in every record
 * of the skeleton, read in the same words: a word is read whole only when it
 * ends before the segment's first `(` (or the segment reaches the record's
 * end with no `(`), which does not depend on the runs' lengths after it.
 * `view` is a DataView of `b`. 30 bits, never negative.
 */
function recordHash(b: Uint8Array, view: DataView, record: number, end: number): number {
  let h = 0;
  let k = record;
  while (k < end) {
    for (; k + 4 <= end; k += 4) {
      const w = view.getInt32(k, true);
      const t = w ^ OPEN_BYTES;
      if (((t - 0x01010101) & ~t & 0x80808080) !== 0) break;
      h = (Math.imul(h, 0x01000193) + Math.imul(w ^ (w >>> 16), 0x9e3779b1)) | 0;
    }
    let open = false;
    while (k < end) {
      const c = b[k++]!;
      h = (Math.imul(h, 31) + Math.imul(c + 1, 0x9e3779b1)) | 0;
      if (c === 40) {
        open = true;
        break;
      }
    }
    if (!open) break;
    while (k < end) {
      const c = b[k++]!;
      h = (Math.imul(h, HASH_FACTOR[c]!) + HASH_TERM[c]!) | 0;
      if (c === 41) break;
    }
  }
  // Mixed, so the low bits (the bucket) depend on every byte; 30 bits: a small integer.
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 13)) & 0x3fffffff;
}

/** True when `b[at…]` starts with `word` (bounded by `end`). */
function startsWithAt(b: Uint8Array, at: number, end: number, word: Uint8Array): boolean {
  if (end - at < word.length) return false;
  for (let k = 0; k < word.length; k++) if (b[at + k] !== word[k]) return false;
  return true;
}

/**
 * The lane of one accumulator (or, for review, of one review tally); give it
 * to every parser feeding that accumulator.
 *
 * Review lane: a skeleton stands for a review atom's family (type, process,
 * kind, object, domain, severity); a later record of it is counted into the
 * atom of its value, read from its digit runs as the parser reads them (hex
 * and zero-led numbers as their decimal), when that atom exists and its
 * first record is earlier. A record of a value no atom has yet makes the
 * atom, holding its first record as the parser's event would: the
 * skeleton's shape and the pid when every run reads back as its own digits,
 * else the record's text (only when it has no run of blanks, which the
 * parser would join). A value whose decimal is longer than a value key's
 * number (MAX_VALUE_DIGITS), or a record at or before its atom's first
 * (whose text the atom may need), is the parser's. A record of unknown form
 * is the parser's while the tally keeps such records whole (the first
 * MAX_UNKNOWN it is given); after that the lane counts and notes it.
 */
export class FastLane implements RecordLane {
  private readonly table = new SkeletonTable<Skeleton>(MAX_SKELETONS, MAX_CHAIN);
  /** Records taken that are events (went into an atom or were refused). */
  taken = 0;
  /** Records of unknown form taken. */
  unknownTaken = 0;

  // The line last matched: its bytes, its record's bounds, its digit runs ([start, end) pairs:
  // the pid, then the argument's) and which are hex (bit r), its hash; the skeleton found, and
  // the place.
  private bytes: Buffer = Buffer.alloc(0);
  private record = 0;
  private end = 0;
  private view: DataView = new DataView(new ArrayBuffer(0));
  /** The chunk `view` is of: a chunk is one object for all its lines, so the same object is the same bytes. */
  private viewOf: Uint8Array | undefined = undefined;
  private readonly runs = new Runs();
  private unknownForm = false;
  private hash = 0;
  /** The skeleton found (its index), or -1: new. */
  private found = -1;
  private file = '';
  private line = 0;

  /**
   * Per skeleton, by its index in `table`: what `decide` and `take` read on
   * every line, in typed memory and one dense array rather than in the
   * Skeleton, an object per skeleton spread over the heap, whose first field
   * read waited on memory. Its plan (every lane); learning, Outcome.Atom: the
   * atom, and a place known to be at or after the atom's first (which only
   * ever moves earlier) as its file's number (`fileNumbers`, -1: none) and
   * line: a record strictly after it needs no check.
   */
  private readonly plans = new Uint8Array(MAX_SKELETONS);
  private readonly atoms: (Atom | undefined)[] = [];
  private readonly afterFiles = new Int32Array(MAX_SKELETONS);
  private readonly afterLines = new Float64Array(MAX_SKELETONS);
  /**
   * Review, per skeleton by its index, what `matchReview` and `take` read on
   * every line, for the same reason (empty in a learning lane): its family's
   * id in the tally's table (shared by the atoms the lane makes); a type id:
   * the text id of what follows the number in the value text (` (fs_t)`), or
   * -1; the row a record of the skeleton last went into (-1: none yet) and
   * its value numbers (the value kind is the skeleton's; exact in a double, a
   * value key's number being below 2^53), so a record of the same value finds
   * its row without a look-up in the table (rows are never removed while the
   * lane counts into them). Its place at or after that row's first record is
   * `afterFiles` and `afterLines`, unused otherwise in a review lane.
   */
  private readonly families: Int32Array;
  private readonly valueSuffixes: Int32Array;
  private readonly rows: Int32Array;
  private readonly rowAs: Float64Array;
  private readonly rowBs: Float64Array;
  /** The trace files met, numbered; the line last matched's file and its number. */
  private readonly fileNumbers = new Map<string, number>();
  private numberedFile: string | undefined = undefined;
  private fileNo = -1;
  /** A new skeleton's line, taken and not yet learned from. */
  private pending: Pending | undefined = undefined;
  /** A wrapped record, joined as the parser joins it. */
  private readonly scratch = Buffer.alloc(MAX_RECORD);
  private readonly scratchView = new DataView(
    this.scratch.buffer,
    this.scratch.byteOffset,
    MAX_RECORD,
  );
  /**
   * Where the matched record's last line ends (its newline) and how many
   * continuation lines it has: what the parser skips when the record is taken.
   */
  spanEnd = 0;
  spanLines = 0;

  /**
   * `noteUnknown` is what the caller does with a record of unknown form
   * besides counting it (the accumulator, or the review tally, counts):
   * without it, such records stay the parser's.
   */
  constructor(
    private readonly accumulator: RequirementAccumulator,
    private readonly noteUnknown?: (file: string, line: number) => void,
    /** Count records into this review tally instead of learning requirements. */
    private readonly review?: ReviewTally,
  ) {
    const n = review !== undefined ? MAX_SKELETONS : 0;
    this.families = new Int32Array(n);
    this.valueSuffixes = new Int32Array(n);
    this.rows = new Int32Array(n);
    this.rowAs = new Float64Array(n);
    this.rowBs = new Float64Array(n);
  }

  /** Review: the row of the matched record's atom, or -1 and its (new) value key. */
  private reviewAtom = -1;
  /** Review, no atom found: the table's rows when `match` looked (none added since: none to find). */
  private reviewSize = 0;
  private reviewKind = ValueKind.None;
  private reviewA = 0;
  private reviewB = 0;

  /**
   * `follow`: the lane asked first about each line (the same bytes, the same
   * place), whose reading of it (where the record is, its hash, its
   * skeleton's digit runs) this one takes instead of doing it again.
   */
  private lead: FastLane | undefined = undefined;
  /** As a lead: whether the line last matched was located (its record read and hashed). */
  private located = false;
  /** As a lead: the skeleton the line last matched fits, or -1 (whatever its outcome). */
  private fitted = -1;
  /** The skeleton the last line hashed fitted, or -1: the next line is tried against it first. */
  private lastFitted = -1;

  /**
   * Makes this lane read each line after `lead` (src/infer/two-lanes.ts): its
   * `match` must be called right after the lead's, for the same line. Where
   * the record is and its hash depend on the bytes alone, so they are the
   * lead's; a skeleton the lead's record fits is found in this lane's table
   * once, then by its text's link (the same text fits the same records).
   */
  follow(lead: FastLane): void {
    this.lead = lead;
  }

  /** How many skeletons are kept: the lane's memory. */
  get skeletons(): number {
    return this.table.size;
  }

  match(buffer: Buffer, start: number, lineEnd: number, file: string, line: number): LaneMatch {
    if (this.lead !== undefined) return this.matchAfter(this.lead, file, line);
    this.located = false;
    this.fitted = -1;
    let bytes = buffer;
    let record: number;
    let end: number;
    if (isContinuationStart(buffer[lineEnd + 1]!)) {
      // A record wrapped over lines: read as the parser joins it, into the scratch buffer.
      end = this.joinWrapped(buffer, start, lineEnd);
      if (end < 0) return undefined;
      bytes = this.scratch;
      record = 0;
    } else {
      record = recordStart(buffer, start, lineEnd);
      if (record < 0) return undefined;
      end = trimmedEnd(buffer, record, lineEnd);
      if (end - record > MAX_RECORD) return undefined;
      this.spanEnd = lineEnd;
      this.spanLines = 0;
    }
    this.bytes = bytes;
    this.record = record;
    this.end = end;
    this.file = file;
    this.line = line;
    if (file !== this.numberedFile) this.numberFile(file);
    let view: DataView;
    if (bytes === this.scratch) view = this.scratchView;
    else {
      // One DataView per chunk the parser feeds (a reused buffer may come back shorter or longer).
      if (this.viewOf !== bytes) {
        this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
        this.viewOf = bytes;
      }
      view = this.view;
    }
    this.located = true;
    // A run of records of one skeleton (a process repeating a check): the line before's skeleton
    // is tried first, and when the record fits it, no hash and no probe. Exact: a record fits at
    // most one skeleton (its skeleton's text is the record's, each maximal digit run a mark, and
    // the scanner put a mark where the record's bytes would), and a record that fits a skeleton
    // has that skeleton's hash (the hash skips exactly what a mark stands for).
    const last = this.lastFitted;
    if (last >= 0 && this.table.fits(last, bytes, view, record, end, this.runs)) {
      this.hash = this.table.hashOf(last);
      this.fitted = last;
      return this.decide(last, file, line);
    }
    const h = recordHash(bytes, view, record, end);
    this.hash = h;
    const index = this.table.find(bytes, view, record, end, h, this.runs);
    this.fitted = index;
    this.lastFitted = index;
    return this.outcome(index, file, line);
  }

  /** `match` after the lead's: its located record, and its skeleton's link or this table. */
  private matchAfter(lead: FastLane, file: string, line: number): LaneMatch {
    if (!lead.located) return undefined;
    const bytes = lead.bytes;
    this.bytes = bytes;
    this.record = lead.record;
    this.end = lead.end;
    this.hash = lead.hash;
    this.spanEnd = lead.spanEnd;
    this.spanLines = lead.spanLines;
    this.file = file;
    this.line = line;
    if (file !== this.numberedFile) this.numberFile(file);
    const fitted = lead.fitted >= 0 ? lead.table.value(lead.fitted) : undefined;
    if (fitted !== undefined && fitted.next >= 0) {
      const runs = this.runs;
      runs.bounds.set(lead.runs.bounds);
      runs.count = lead.runs.count;
      runs.hex = lead.runs.hex;
      return this.decide(fitted.next, file, line);
    }
    const view = bytes === lead.scratch ? lead.scratchView : lead.view;
    const index = this.table.find(bytes, view, lead.record, lead.end, lead.hash, this.runs);
    // Linked only when the texts are one: then every record the lead's fits, this one fits.
    if (index >= 0 && fitted !== undefined) {
      if (lead.table.text(lead.fitted) === this.table.text(index)) {
        fitted.next = index;
      }
    }
    return this.outcome(index, file, line);
  }

  /** Sets `fileNo`: `file`'s number, a new one when it is new. */
  private numberFile(file: string): void {
    let n = this.fileNumbers.get(file);
    if (n === undefined) {
      n = this.fileNumbers.size;
      this.fileNumbers.set(file, n);
    }
    this.numberedFile = file;
    this.fileNo = n;
  }

  /** What the line is to this lane, once its record's skeleton is found (`index`) or not. */
  private outcome(index: number, file: string, line: number): LaneMatch {
    if (index < 0) {
      // Records that differ only in digits the skeleton keeps (`SVC(3) (svc_7_t)`) may share a
      // hash: past MAX_CHAIN of them, the rest are the parser's, so a look-up stays short.
      if (this.table.size >= MAX_SKELETONS || -1 - index >= MAX_CHAIN) return undefined;
      if (!this.scan(this.bytes, this.record, this.end)) return undefined;
      this.found = -1;
      return 'new';
    }
    return this.decide(index, file, line);
  }

  /** What the line is to this lane, its record fitting skeleton `index` (its runs read). */
  private decide(index: number, file: string, line: number): LaneMatch {
    const plan = this.plans[index]!;
    switch (plan & OUTCOME_BITS) {
      case Outcome.Parser:
        return undefined;
      case Outcome.Atom: {
        if (this.review !== undefined) {
          if (!this.matchReview(index, plan, file, line)) return undefined;
          break;
        }
        const atom = this.atoms[index]!;
        // Only records after the atom's first: an earlier or equal place would need the text.
        if (this.fileNo !== this.afterFiles[index] || line <= this.afterLines[index]!) {
          const first = atom.first;
          if (file === first.file ? line <= first.line : file < first.file) return undefined;
          this.afterFiles[index] = this.fileNo;
        }
        this.afterLines[index] = line;
        if (
          ((plan >> ARG_SHIFT) & ARG_BITS) !== Arg.Whole &&
          atom.needsBounds((plan & FAILED) !== 0)
        ) {
          // Values read as exact Numbers only; the parser takes longer ones.
          for (let r = 1; r < this.runs.count; r++) {
            const max = (this.runs.hex >> r) & 1 ? MAX_EXACT_HEX : MAX_EXACT_DIGITS;
            if (this.runs.bounds[2 * r + 1]! - this.runs.bounds[2 * r]! > max) return undefined;
          }
        }
        break;
      }
      case Outcome.Unknown:
        // Review: the tally keeps the first MAX_UNKNOWN records it is given whole; once it holds
        // them, a later one is only counted and noted (the same list as the parser's alone).
        if (this.review !== undefined && !this.review.unknownFull) return undefined;
        break;
      // Refused records touch no atom: any place will do.
    }
    this.found = index;
    return KINDS[(plan >> KIND_SHIFT) & 3];
  }

  take(): void {
    const index = this.found;
    if (index < 0) {
      // A new skeleton: the parser reads the line and gives its event to `learned` later, when
      // these bytes may be gone. What `learned` checks is copied now.
      const acc = this.accumulator;
      this.pending = {
        skeleton: this.skeleton(),
        hash: this.hash,
        file: this.file,
        line: this.line,
        runs: this.runTexts(),
        unknownForm: this.unknownForm,
        events: this.review?.events ?? 0,
        added: acc.added,
        refused: acc.refusedCount,
        unknown: this.review?.unknownCount ?? acc.unknownCount,
      };
      return;
    }
    const plan = this.plans[index]!;
    if ((plan & OUTCOME_BITS) === Outcome.Unknown) {
      if (this.review !== undefined) this.review.countUnknown();
      else this.accumulator.countUnknown();
      this.noteUnknown!(this.file, this.line);
      this.unknownTaken++;
      return;
    }
    this.taken++;
    const review = this.review;
    if (review !== undefined) {
      const table = review.table;
      const file = table.fileId(this.file);
      const failed = (plan & FAILED) !== 0;
      // The record before this line, closed since `match`, may have made the atom (it is
      // earlier): looked up again only if a row was added since.
      const a =
        this.reviewAtom >= 0
          ? this.reviewAtom
          : table.size === this.reviewSize
            ? -1
            : table.find(this.families[index]!, this.reviewKind, this.reviewA, this.reviewB);
      if (a >= 0) review.count(a, failed, file, this.line);
      else {
        // The record's text as its skeleton's shape and its pid, when the pid and the value's
        // digits read back as the same digits (the value's as the atom's value text); else the
        // text (a skeleton with a hex run has no shape).
        const pid = this.pidNumber();
        const s = this.table.value(index);
        const record =
          s.shape !== undefined && pid >= 0 && !this.zeroLedValue()
            ? s.shape
            : this.bytes.toString('latin1', this.record, this.end);
        this.rows[index] = review.addFirst(
          this.families[index]!,
          this.reviewKind,
          this.reviewA,
          this.reviewB,
          record,
          file,
          this.line,
          failed,
          pid,
        );
        this.rowAs[index] = this.reviewA;
        this.rowBs[index] = this.reviewB;
        this.afterFiles[index] = this.fileNo;
        this.afterLines[index] = this.line;
      }
      return;
    }
    if ((plan & OUTCOME_BITS) === Outcome.Refused) {
      const refusal = this.table.value(index).refusal!;
      this.accumulator.refuseAgain(refusal, { file: this.file, line: this.line });
      return;
    }
    const atom = this.atoms[index]!;
    const failed = (plan & FAILED) !== 0;
    atom.addSeen(failed, this.pidUnlessUnlisted(atom), this.file, this.line);
    if (atom.values !== undefined) {
      const arg = (plan >> ARG_SHIFT) & ARG_BITS;
      if (arg === Arg.Whole || !atom.needsBounds(failed)) {
        atom.addValues(failed, undefined, undefined);
      } else {
        const start = this.number(1);
        atom.addValues(failed, start, arg === Arg.Range ? this.number(2) : undefined);
      }
    }
  }

  learned(event: TraceEvent): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    // A skeleton met on two lines in a row is new on both (the first is learned from only when
    // the second starts): it is kept once. A chain stays at MAX_CHAIN.
    const s = new Skeleton();
    const index = this.table.add(p.skeleton, p.hash, s);
    if (index < 0) return;
    this.atoms.push(undefined);
    this.afterFiles[index] = -1;
    // Its records are the lane's only when this line's event did exactly one thing: went into
    // an atom, was refused, or was counted as of unknown form; and its pid and values are the
    // digit runs the lane read (checks of the scanner, which no canonical line fails).
    if (event.position.line !== p.line || event.position.file !== p.file) return;
    const acc = this.accumulator;
    const added = acc.added - p.added;
    const refused = acc.refusedCount - p.refused;
    const unknown = (this.review?.unknownCount ?? acc.unknownCount) - p.unknown;
    const runs = p.runs;
    if (event.kind === 'unknown') {
      if (this.noteUnknown === undefined || added + refused !== 0 || unknown !== 1) return;
      // A record cut off is warned about by the parser: its skeleton stays the parser's.
      if (looksTruncated(event.record)) return;
      if (runs.length !== (event.pid === undefined ? 0 : 1)) return;
      if (runs.length === 1 && event.pid !== runs[0]) return;
      this.plans[index] = Outcome.Unknown | (KIND_CODES.get('unknown')! << KIND_SHIFT);
      return;
    }
    if (this.review !== undefined) {
      if (p.unknownForm || event.pid !== runs[0]) return;
      if (this.review.events - p.events !== 1) return;
    } else if (p.unknownForm || unknown !== 0 || event.pid !== runs[0]) return;
    let arg = Arg.Whole;
    let outcome: Outcome;
    let blankRun = 0;
    if (event.kind === 'ability') {
      const a = event.argument;
      if (a.kind === 'value') {
        if (runs.length !== 2 || !sameNumber(a.value, runs[1]!)) return;
        arg = Arg.Value;
      } else if (a.kind === 'range') {
        if (runs.length !== 3 || !sameNumber(a.start, runs[1]!)) return;
        if (!sameNumber(a.end, runs[2]!)) return;
        arg = Arg.Range;
      } else if (a.kind === 'type-id') {
        if (runs.length !== 2 || a.value === undefined || !sameNumber(a.value, runs[1]!)) return;
      } else if (runs.length !== 1) return;
    } else if (runs.length !== 1) return;
    if (this.review !== undefined) {
      // The record's atom is in its family's map from now on: later records find theirs there.
      const atom = this.review.lastAtom;
      if (atom < 0) return;
      const table = this.review.table;
      outcome = Outcome.Atom;
      this.families[index] = table.family.at(atom);
      const suffix =
        event.kind === 'ability' && event.argument.kind === 'type-id'
          ? table.textId(` (${event.argument.typeName})`)
          : -1;
      this.valueSuffixes[index] = suffix;
      this.rows[index] = -1;
      s.shape = recordShape(p.skeleton, arg, suffix >= 0);
      if (BLANK_RUN.test(p.skeleton)) blankRun = BLANK_RUN_BIT;
    } else if (added === 1 && refused === 0) {
      outcome = Outcome.Atom;
      this.atoms[index] = acc.lastAtom;
    } else if (added === 0 && refused === 1) {
      outcome = Outcome.Refused;
      s.refusal = acc.lastRefusal;
    } else return;
    this.plans[index] =
      outcome |
      (KIND_CODES.get(event.kind)! << KIND_SHIFT) |
      (event.severity === 'error' ? FAILED : 0) |
      (arg << ARG_SHIFT) |
      blankRun;
  }

  /**
   * Review: finds the matched record's atom (skeleton `s`'s family, the value
   * key of its digit runs): `reviewAtom` when it exists and its first record
   * is before `file:line`; none (`reviewKind` and the value numbers set) when
   * the record can be its first, its text being the parser's (no run of
   * blanks, which the parser would join: a joined wrapped record has none).
   * False when the parser must read it.
   */
  private matchReview(index: number, plan: number, file: string, line: number): boolean {
    // The value as numbers, read from the digit runs (no string made).
    let kind = ValueKind.None;
    let a = 0;
    let b = 0;
    const arg = (plan >> ARG_SHIFT) & ARG_BITS;
    if (arg === Arg.Value) {
      kind = ValueKind.Decimal;
      a = this.valueNumber(1);
      if (a < 0) return false;
    } else if (arg === Arg.Range) {
      kind = ValueKind.Range;
      a = this.valueNumber(1);
      b = this.valueNumber(2);
      if (a < 0 || b < 0) return false;
    } else {
      const suffix = this.valueSuffixes[index]!;
      if (suffix >= 0) {
        kind = ValueKind.TypeId;
        a = this.valueNumber(1);
        b = suffix;
        if (a < 0) return false;
      }
    }
    const table = this.review!.table;
    let r = this.rows[index]!;
    if (r >= 0 && a === this.rowAs[index] && b === this.rowBs[index]) {
      // A place after the row's first, taken before: this later one is after it too.
      if (this.fileNo === this.afterFiles[index] && line > this.afterLines[index]!) {
        this.afterLines[index] = line;
        this.reviewAtom = r;
        return true;
      }
    } else r = table.find(this.families[index]!, kind, a, b);
    if (r < 0) {
      if ((plan & BLANK_RUN_BIT) !== 0) return false;
      this.reviewAtom = -1;
      this.reviewSize = table.size;
      this.reviewKind = kind;
      this.reviewA = a;
      this.reviewB = b;
      return true;
    }
    const firstFile = table.firstFile.at(r);
    const before =
      table.files[firstFile] === file
        ? line <= table.firstLine.at(r)
        : file < table.files[firstFile]!;
    if (before) return false;
    this.reviewAtom = r;
    this.rows[index] = r;
    this.rowAs[index] = a;
    this.rowBs[index] = b;
    this.afterFiles[index] = this.fileNo;
    this.afterLines[index] = line;
    return true;
  }

  /**
   * Run `r` as the Number the parser's value text for it is (normaliseNumber
   * in src/trace/record.ts: hex and zero-led decimals become the number's
   * canonical decimal) when that text is a value key's number (atom-table.ts:
   * at most MAX_VALUE_DIGITS digits). Else -1.
   */
  private valueNumber(r: number): number {
    const b = this.bytes;
    let from = this.runs.bounds[2 * r]!;
    const to = this.runs.bounds[2 * r + 1]!;
    // Leading zeros (`0x0036`, `054`) are not in the value: skipped, the last digit kept.
    while (from < to - 1 && b[from] === 48) from++;
    let n = 0;
    if ((this.runs.hex >> r) & 1) {
      // At most MAX_EXACT_HEX digits: exact; the decimal text may still be too long.
      if (to - from > MAX_EXACT_HEX) return -1;
      for (let k = from; k < to; k++) {
        const c = b[k]!;
        n = n * 16 + (c <= 57 ? c - 48 : (c | 32) - 87);
      }
      return n < MAX_VALUE ? n : -1;
    }
    if (to - from > MAX_VALUE_DIGITS) return -1;
    for (let k = from; k < to; k++) n = n * 10 + (b[k]! - 48);
    return n;
  }

  /** True when a decimal value run has a leading zero (its digits are not the value text). */
  private zeroLedValue(): boolean {
    const b = this.bytes;
    for (let r = 1; r < this.runs.count; r++) {
      const from = this.runs.bounds[2 * r]!;
      if (b[from] === 48 && this.runs.bounds[2 * r + 1]! - from > 1) return true;
    }
    return false;
  }

  /**
   * Joins a record whose next line continues it into `scratch`, as the parser
   * does (src/trace/push-parser.ts): each line trimmed, one space between
   * them, runs of blanks and tabs as one space. Returns its length, or -1
   * when the parser could read it otherwise: a control character or other
   * non-ASCII byte, a continuation line that could start a record (`info:` or
   * `error:` in it), an escape sequence first on a line (cleanLine could make
   * it a continuation), the record's end not in this chunk, or too long.
   * Sets spanEnd and spanLines. A blank line ends the record, as it does for
   * the parser, and stays the parser's.
   */
  private joinWrapped(b: Buffer, start: number, end: number): number {
    const record = recordStart(b, start, end);
    if (record < 0) return -1;
    const out = this.scratch;
    let n = appendJoined(b, record, trimmedEnd(b, record, end), out, 0);
    let lineEnd = end;
    let lines = 0;
    for (;;) {
      const from = lineEnd + 1;
      if (from >= b.length) return -1;
      const c = b[from]!;
      if (c === ESC) return -1;
      if (!isContinuationStart(c)) break;
      const nl = b.indexOf(10, from);
      if (nl < 0) return -1;
      const to = trimmedEnd(b, from, nl);
      let k = from;
      while (k < to && (b[k] === 32 || b[k] === 9)) k++;
      if (k === to) break;
      if (n < 0 || n >= MAX_RECORD || hasRecordKey(b, from, to)) return -1;
      out[n++] = 32;
      n = appendJoined(b, k, to, out, n);
      lineEnd = nl;
      lines++;
    }
    if (n < 0) return -1;
    this.spanEnd = lineEnd;
    this.spanLines = lines;
    return n;
  }

  /**
   * Reads a new record, `b[record, end)`, printable and after `info: ` or
   * `error: `: sets its digit runs (the pid, then the argument's) when it is
   * of a known form in canonical shape; otherwise reads it as of unknown form
   * (its pid the only run, when it starts `NAME (pid:DIGITS) `). False for
   * anything else.
   */
  private scan(b: Uint8Array, record: number, end: number): boolean {
    // Every byte printable ASCII (the parser would mark a control character). Runs of blanks
    // may stay: the parser joins them the same way in every record of the skeleton.
    for (let k = record; k < end; k++) {
      const c = b[k]!;
      if (c < 32 || c > 126) return false;
    }
    let i = record;
    if (startsWithAt(b, i, end, INFO)) i += INFO.length;
    else if (startsWithAt(b, i, end, ERROR)) i += ERROR.length;
    else return false;
    this.runs.hex = 0;
    this.unknownForm = false;
    if (this.scanKnown(b, i, end)) return true;
    // Any other record is read as of unknown form; only an unknown event will be taken from it.
    this.unknownForm = true;
    this.runs.hex = 0;
    this.runs.count = this.scanPid(b, i, end) < 0 ? 0 : 1;
    return true;
  }

  /** Reads `NAME (pid:DIGITS) ` at `b[i]`: where what follows starts, or -1. A name `-` (unnamed) is the parser's. */
  private scanPid(b: Uint8Array, i: number, end: number): number {
    const name = i;
    while (i < end && PROCESS_BYTE[b[i]!] === 1) i++;
    if (i === name || (i === name + 1 && b[name] === 45) || !startsWithAt(b, i, end, PID)) {
      return -1;
    }
    i = this.digitRun(0, b, i + PID.length, end, false);
    if (i < 0 || !startsWithAt(b, i, end, PID_END)) return -1;
    return i + PID_END.length;
  }

  /** Reads the rest of a record of a known form from its name at `b[i]`: true when canonical. */
  private scanKnown(b: Uint8Array, i: number, end: number): boolean {
    i = this.scanPid(b, i, end);
    if (i < 0) return false;
    let runCount = 1;
    if (startsWithAt(b, i, end, OF_TYPE_BYTES)) i += OF_TYPE_BYTES.length;
    else if (startsWithAt(b, i, end, TYPE_BYTES)) i += TYPE_BYTES.length;
    else return false;
    const type = i;
    while (i < end && TYPE_BYTE[b[i]!] === 1) i++;
    if (i === type || b[i] !== 32) return false;
    i++;
    if (startsWithAt(b, i, end, USES) || startsWithAt(b, i, end, LACKS)) {
      i += b[i] === USES[0] ? USES.length : LACKS.length;
      const ability = i;
      while (i < end && ABILITY_BYTE[b[i]!] === 1) i++;
      if (i === ability) return false;
      if (b[i] === 40) {
        // (N) or (N - N) or (N-N), each N decimal or 0x hex, then maybe ` (TYPE)`.
        i = this.argumentRun(1, b, i + 1, end);
        if (i < 0) return false;
        runCount = 2;
        if (b[i] === 32 || b[i] === 45) {
          if (b[i] === 32) {
            if (b[i + 1] !== 45 || b[i + 2] !== 32) return false;
            i += 3;
          } else i++;
          i = this.argumentRun(2, b, i, end);
          if (i < 0) return false;
          runCount = 3;
        }
        if (b[i] !== 41) return false;
        i++;
        if (b[i] === 32 && b[i + 1] === 40) {
          // ` (TYPE)`: the argument is a type id (not with a range: the parser finds no form).
          if (runCount === 3) return false;
          i += 2;
          const t = i;
          while (i < end && TYPE_BYTE[b[i]!] === 1) i++;
          if (i === t || b[i] !== 41) return false;
          i++;
        }
      }
      if (!(startsWithAt(b, i, end, AS_ROOT_BYTES) && i + AS_ROOT_BYTES.length === end)) {
        if (!(startsWithAt(b, i, end, AS_NON_ROOT_BYTES) && i + AS_NON_ROOT_BYTES.length === end)) {
          return false;
        }
      }
    } else {
      let verb = false;
      for (const v of PATH_VERBS) {
        if (startsWithAt(b, i, end, v)) {
          i += v.length;
          verb = true;
          break;
        }
      }
      if (!verb || i >= end) return false;
    }
    this.runs.count = runCount;
    return true;
  }

  /** Reads an argument's number, run `r`, at `b[from]`: `0x` and hex digits, or decimal digits. */
  private argumentRun(r: number, b: Uint8Array, from: number, end: number): number {
    if (b[from] === 48 && (b[from + 1]! | 32) === 120 && isHexDigit(b[from + 2]!)) {
      return this.digitRun(r, b, from + 2, end, true);
    }
    return this.digitRun(r, b, from, end, false);
  }

  /** Reads run `r` (1 to the most digits a run may have) at `b[from]`: its end, or -1. */
  private digitRun(r: number, b: Uint8Array, from: number, end: number, hex: boolean): number {
    const to = hex ? hexDigitsEnd(b, from, end) : digitsEnd(b, from, end);
    const max = hex ? SURE_HEX_DIGITS : r === 0 ? MAX_PID_CHARS : SURE_VALUE_DIGITS;
    if (to === from || to - from > max) return -1;
    this.runs.bounds[2 * r] = from;
    this.runs.bounds[2 * r + 1] = to;
    if (hex) this.runs.hex |= 1 << r;
    return to;
  }

  /**
   * The matched record's skeleton: its bytes with each run as one mark byte
   * (DECIMAL_RUN or HEX_RUN), as a string (compact: one byte a character).
   */
  private skeleton(): string {
    const out: number[] = [];
    const b = this.bytes;
    let k = this.record;
    for (let r = 0; r <= this.runs.count; r++) {
      const to = r < this.runs.count ? this.runs.bounds[2 * r]! : this.end;
      for (; k < to; k++) out.push(b[k]!);
      if (r < this.runs.count) {
        out.push((this.runs.hex >> r) & 1 ? HEX_RUN : DECIMAL_RUN);
        k = this.runs.bounds[2 * r + 1]!;
      }
    }
    return fromCharCodes(out);
  }

  /**
   * Every run as text (`text`). A loop, not `Array.from` with an arrow in `take`: a closure
   * there made V8 allocate `take`'s context on every call, whatever the path (docs/performance.md,
   * eighth round). Keep `take` free of closures.
   */
  private runTexts(): string[] {
    const texts: string[] = [];
    for (let r = 0; r < this.runs.count; r++) texts.push(this.text(r));
    return texts;
  }

  /** Run `r` as text (0: the pid), a hex run with `0x` before it. */
  private text(r: number): string {
    const digits = this.bytes.toString(
      'latin1',
      this.runs.bounds[2 * r],
      this.runs.bounds[2 * r + 1],
    );
    return (this.runs.hex >> r) & 1 ? `0x${digits}` : digits;
  }

  /** Run `r` as a Number (at most MAX_EXACT_DIGITS digits, MAX_EXACT_HEX hex digits: exact). */
  private number(r: number): number {
    const b = this.bytes;
    let n = 0;
    const to = this.runs.bounds[2 * r + 1]!;
    if ((this.runs.hex >> r) & 1) {
      for (let k = this.runs.bounds[2 * r]!; k < to; k++) {
        const c = b[k]!;
        n = n * 16 + (c <= 57 ? c - 48 : (c | 32) - 87);
      }
    } else {
      for (let k = this.runs.bounds[2 * r]!; k < to; k++) n = n * 10 + (b[k]! - 48);
    }
    return n;
  }

  /** The pid as a Number when its digits are that Number's text (no leading zero, exact), else -1. */
  private pidNumber(): number {
    const from = this.runs.bounds[0]!;
    const to = this.runs.bounds[1]!;
    if (to - from > MAX_EXACT_DIGITS || (this.bytes[from] === 48 && to - from > 1)) return -1;
    return this.number(0);
  }

  /** The pid's text, or undefined when the atom's pid list is full and it sorts after the last. */
  private pidUnlessUnlisted(atom: Atom): string | undefined {
    const last = atom.lastListedPid();
    if (last !== undefined) {
      const b = this.bytes;
      const from = this.runs.bounds[0]!;
      const to = this.runs.bounds[1]!;
      // Compared as strings compare: char by char, then the shorter first.
      for (let k = 0; from + k < to; k++) {
        if (k === last.length) return undefined;
        const c = b[from + k]!;
        const d = last.charCodeAt(k);
        if (c !== d) {
          if (c > d) return undefined;
          break;
        }
      }
    }
    return this.text(0);
  }
}

/**
 * Where the record starts in a line, as the parser finds it
 * (src/trace/prefix.ts): at once, or after a logger prefix that starts with a
 * digit, `[` or a month name (serial console, ISO time, slog2info), in
 * printable ASCII. -1 for any other line (a logger tag is the parser's).
 */
function recordStart(b: Uint8Array, start: number, end: number): number {
  if (startsWithAt(b, start, end, INFO_KEY_BYTES) || startsWithAt(b, start, end, ERROR_KEY_BYTES)) {
    return start;
  }
  if (!(isPrefixStart(b[start]!) || isMonth(b, start, end))) return -1;
  // The parser takes the first `info:` and the first `error:` within MAX_PREFIX; each counts
  // only after a blank, `]`, `:` or `>`, and the earlier one that counts is the start. From the
  // left: the first key that counts is the start; a first one that does not leaves the other.
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

/** Where a line ends once trimmed as cleanLine trims it (only when its last byte is a blank, tab or CR). */
function trimmedEnd(b: Uint8Array, from: number, end: number): number {
  let last = b[end - 1]!;
  if (isTrailingBlank(last)) {
    while (end > from && ((last = b[end - 1]!) === 32 || (last >= 9 && last <= 13))) end--;
  }
  return end;
}

/**
 * Appends `b[from, to)` to `out` at `n` with each run of blanks and tabs as
 * one space; -1 for a control or non-ASCII byte or past MAX_RECORD.
 */
function appendJoined(b: Uint8Array, from: number, to: number, out: Uint8Array, n: number): number {
  if (n < 0) return -1;
  for (let k = from; k < to; k++) {
    let c = b[k]!;
    if (c === 9) c = 32;
    else if (c < 32 || c > 126) return -1;
    if (c === 32 && out[n - 1] === 32) continue;
    if (n >= MAX_RECORD) return -1;
    out[n++] = c;
  }
  return n;
}

/** True when `info:` or `error:` is in the line's first MAX_PREFIX bytes: it might start a record. */
function hasRecordKey(b: Uint8Array, from: number, to: number): boolean {
  const limit = Math.min(to, from + MAX_PREFIX);
  for (let k = from; k < limit; k++) {
    const c = b[k]!;
    if (c === INFO_KEY_BYTES[0] && startsWithAt(b, k, to, INFO_KEY_BYTES)) return true;
    if (c === ERROR_KEY_BYTES[0] && startsWithAt(b, k, to, ERROR_KEY_BYTES)) return true;
  }
  return false;
}

/** The months' three letters (src/trace/grammar.ts), lower case, each as one number (no string per line). */
const MONTH_CODES = new Set(
  MONTHS.map((m) => (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2)),
);

/** True when the line starts with a month's three letters, in any case (slog2info). */
function isMonth(b: Uint8Array, start: number, end: number): boolean {
  if (end - start < 3) return false;
  // `| 32` lower-cases a letter and turns no other byte into one.
  return MONTH_CODES.has(
    ((b[start]! | 32) << 16) | ((b[start + 1]! | 32) << 8) | (b[start + 2]! | 32),
  );
}

/**
 * The shape of a skeleton's records (`skeleton`: its text, each run a mark
 * byte) whose argument is `arg` (`typeId`: a type id's number), or undefined
 * when a run is hex (the lane's atoms are made of decimal runs only).
 */
function recordShape(skeleton: string, arg: Arg, typeId: boolean): RecordShape | undefined {
  if (skeleton.includes(String.fromCharCode(HEX_RUN))) return undefined;
  const pieces = skeleton.split(String.fromCharCode(DECIMAL_RUN));
  const runs =
    arg === Arg.Value ? 'value' : arg === Arg.Range ? 'range' : typeId ? 'type-id' : 'none';
  const expected = runs === 'none' ? 2 : runs === 'range' ? 4 : 3;
  return pieces.length === expected ? { pieces, runs } : undefined;
}

/** True when a digit run and the parser's canonical decimal are one number. */
function sameNumber(canonical: string, digits: string): boolean {
  return BigInt(canonical) === BigInt(digits);
}
