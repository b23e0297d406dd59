/**
 * What one thread of learning holds: one accumulator, its fast lane, the
 * learning filter and the counts. Parallel learning feeds it piece by piece:
 * a piece is a contiguous run of whole records of one trace (a byte range of
 * a file, a batch cut from a stream), read by a parser of its own that
 * numbers lines from the piece's first line; pieces may come in any order
 * (the accumulator's merge is commutative). The one-thread path
 * (`inferFromTraces`) gives its `sink()` to readTraceEvents instead.
 *
 * For the review commands (`check`, `explain`, `harden`) the learner counts
 * records into a review tally (src/infer/review-tally.ts) instead of
 * requirements: the same readers, threads and merge, another summary, and
 * the same fast lane, which counts a record of a skeleton it knows into the
 * atom of its value (and a record of unknown form once the tally keeps no
 * more of them whole: src/infer/fast-lane.ts); only `check --follow`'s
 * learner, which is told every record, parses each.
 *
 * Does not read files or start threads: see src/cli/parallel/infer-shard.ts,
 * read-stream-parallel.ts.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import { FirstByPlace, byPlace } from '../diagnostics/first-by-place';
import { mergeInferResults, mergeOwnedInferResults, type InferResult } from './infer-requirements';
import { monitorFilter, unknownRecordNote, type TraceFilter, type TraceSink } from './trace-filter';
import type { MonitorFilter } from '../monitor/apply-options';
import { RequirementAccumulator } from './requirement-accumulator';
import { mergeRanges, type RequirementSet, type ValueRange } from './requirement';
import { ValueSet, type RequirementValues } from './value-set';
import { FastLane } from './fast-lane';
import type { TraceEvent } from '../trace/event';
import { TracePushParser, type TraceSummary } from '../trace/push-parser';
import { TraceInputParser } from '../trace/trace-input';

/** The parser of one piece of a trace: bytes in, then its end. */
export interface PieceParser {
  feed(chunk: Buffer): void;
  end(): TraceSummary;
}
import type { ProcessEvent } from '../trace/event';
import {
  ReviewTally,
  mergeOwnedReviewSummaries,
  mergeReviewSummaries,
  type ReviewAtom,
  type ReviewSummary,
} from './review-tally';

/** Refusal warnings kept, as the accumulator's default. */
const MAX_REFUSED = 100;

/** What one shard found. */
export interface ShardResult {
  inferred: InferResult;
  eventCount: number;
  notUnderstood: Diagnostic[];
  notUnderstoodCount: number;
  /** Physical lines read. */
  lines: number;
  /** Records read from each trace (as named), before the filter: a gate tells an input that held none. */
  records: Record<string, number>;
  /** The review tally, when the learner was made for review. */
  review?: ReviewSummary;
  /**
   * A shard's ability values as numbers (`shardResult`), their requirements' ranges empty
   * until `mergeShards` makes them: only in a result on its way to that merge.
   */
  values?: RequirementValues;
}

/** What a learner is for: requirements (`suggest`, `generate`), or a review tally. */
export interface LearnerMode {
  review?: boolean;
  /** Review only: false keeps each atom's first failure place only (`harden`, which lists none). */
  places?: boolean;
  /** Review only: told each record of a known form and its atom, as it is counted (`check --follow`). */
  onReviewed?: (e: ProcessEvent, atom: ReviewAtom) => void;
  /**
   * False: records of unknown form are counted and not noted (`summarize`'s tally, whose
   * reading's lines not understood are the requirement learner's: src/infer/summary-learner.ts).
   */
  notes?: boolean;
}

/** The warning for a record of unknown form in review: counted and named, never judged. */
export function unjudgedRecordNote(position: { file: string; line: number }): Diagnostic {
  return {
    severity: 'warning',
    message: 'record of an unknown form: not judged',
    file: position.file,
    line: position.line,
    ruleId: 'trace-unknown-record',
  };
}

/** One thread's learning state; `piece()` for each run of records (or `sink()`), `result()` once. */
export class ShardLearner {
  private readonly accumulator = new RequirementAccumulator();
  private eventCount = 0;
  private lines = 0;
  private readonly records: Record<string, number> = {};
  private readonly tally: ReviewTally | undefined;
  private readonly onReviewed: LearnerMode['onReviewed'];
  /** Lines not understood (and records of unknown form): the first by place, and a count. */
  private readonly notUnderstood: FirstByPlace;
  /** Notes a record of unknown form at `file:line` (learned from or counted, never judged). */
  private readonly noteUnknown: (file: string, line: number) => void;
  /** One lane for every piece: its skeletons stand for this accumulator's requirements (or tally). */
  readonly lane: FastLane;

  /** One filter for every piece: the monitor core's, with the options learning needs. */
  private readonly monitor: MonitorFilter;

  constructor(
    filter: TraceFilter,
    /** How many lines not understood to keep (the rest are counted). */
    maxListed: number,
    mode: LearnerMode = {},
  ) {
    this.monitor = monitorFilter(filter);
    this.notUnderstood = new FirstByPlace(maxListed);
    const notUnderstood = this.notUnderstood;
    this.tally = mode.review ? new ReviewTally(mode.places !== false) : undefined;
    this.onReviewed = mode.onReviewed;
    // A record of unknown form the lane takes is noted as `learn` notes it (review: only once
    // the tally keeps no more of them whole); made only when the list keeps it.
    const noteOf = this.tally ? unjudgedRecordNote : unknownRecordNote;
    this.noteUnknown =
      mode.notes === false
        ? () => undefined
        : (file, line) => {
            if (!notUnderstood.dropped(file, line)) notUnderstood.add(noteOf({ file, line }));
          };
    this.lane = new FastLane(this.accumulator, this.noteUnknown, this.tally);
  }

  /** The fast lane, unless every record must reach `onReviewed` as an event. */
  private laneOption(): { lane?: FastLane } {
    return this.onReviewed ? {} : { lane: this.lane };
  }

  /**
   * What to give readTraceEvents, which applies the learning filter itself:
   * every event it keeps is learned, every line not understood counted, and
   * every input's lines (as `endPiece` counts a piece's: the result's `lines`
   * is the same however the traces were read).
   */
  sink(): TraceSink {
    return {
      onEvent: this.learn,
      onDiagnostic: this.note,
      onRead: (read) => (this.lines += read.lines),
      ...this.laneOption(),
    };
  }

  /**
   * A parser for one piece of trace `file` whose first line is `firstLine` in
   * the trace: feed it the piece's bytes, then `endPiece` it. A piece that
   * starts an input picks its reader by content (src/trace/trace-input.ts:
   * secpolmonitor, or secpolgenerate output, which the threaded readers never
   * cut into pieces).
   */
  piece(file: string, firstLine = 1): PieceParser {
    const monitor = this.monitor;
    const learn = this.learn;
    const Parser = firstLine === 1 ? TraceInputParser : TracePushParser;
    return new Parser({
      file,
      firstLine,
      // As readTraceEvents: learning never uses times.
      times: false,
      ...this.laneOption(),
      onEvent: (e) => {
        if (monitor.accept(e)) learn(e);
      },
      onDiagnostic: this.note,
    });
  }

  /** Learns one event the filter kept (records the lane takes never come here). */
  private readonly learn = (e: TraceEvent): void => {
    const tally = this.tally;
    if (tally) {
      // An altered record's line was reported by the parser (event.ts AlteredMark): not twice.
      if (e.kind === 'unknown') {
        if (!e.altered) this.noteUnknown(e.position.file, e.position.line);
      } else this.eventCount++;
      const atom = tally.add(e);
      if (atom && this.onReviewed && e.kind !== 'unknown') this.onReviewed(e, atom);
      return;
    }
    // An altered record is its line's parser warning alone (trace/event.ts AlteredMark): no event
    // learned from, no second note.
    if (e.altered) return;
    if (e.kind !== 'unknown') this.eventCount++;
    else this.noteUnknown(e.position.file, e.position.line);
    this.accumulator.add(e);
  };

  private readonly note = (d: Diagnostic): void => this.notUnderstood.add(d);

  /** Ends a piece's parser (its last line and record) and counts its lines. */
  endPiece(parser: PieceParser): void {
    const summary = parser.end();
    this.lines += summary.lines;
    this.records[summary.file] = (this.records[summary.file] ?? 0) + summary.records;
  }

  /**
   * Everything learned, once: the accumulator hands its atoms over as the
   * requirements are built (RequirementAccumulator.take), so the learner holds
   * nothing afterwards.
   */
  result(): ShardResult {
    return this.built(undefined);
  }

  /**
   * `result()` for a merge of shards (`mergeShards`): the ability requirements' values handed
   * over as numbers (`values`), so that no decimal string is made for a shard, only for the
   * merged values (docs/performance.md, "summarize's values as numbers").
   */
  shardResult(): ShardResult {
    return this.built(new Map());
  }

  private built(values: RequirementValues | undefined): ShardResult {
    return {
      inferred: values ? this.accumulator.takeValues(values) : this.accumulator.take(),
      eventCount: this.eventCount + this.lane.taken,
      notUnderstood: this.notUnderstood.sorted(),
      notUnderstoodCount: this.notUnderstood.count,
      lines: this.lines,
      records: this.records,
      ...(this.tally ? { review: this.tally.result() } : {}),
      ...(values ? { values } : {}),
    };
  }
}

/** The shards' review summaries merged (`owned`: counted into the last's table, the worker's). */
function mergedReviews(reviews: ReviewSummary[], owned: boolean): ReviewSummary {
  if (owned) return mergeOwnedReviewSummaries(reviews);
  // As many summaries as shards, far below the argument limit.
  // eslint-disable-next-line no-restricted-syntax
  return mergeReviewSummaries(...reviews);
}

/** Merges shard results (lines already shifted): the one-thread result, diagnostics in place order. */
export function mergeShards(
  results: ShardResult[],
  maxListed: number,
  /** The results are this call's (shards, not used again): the first's atoms are counted into. */
  owned = false,
  /**
   * Called once the requirements are merged, before the review tables are: the moment the
   * threaded readers collect their garbage (the requirements and notes left behind, the
   * reading's), which would otherwise stay beside the merged table (docs/performance.md,
   * "summarize within 150 MiB").
   */
  beforeReviews: () => void = () => undefined,
): ShardResult {
  const inferred = owned
    ? mergeOwnedInferResults(results.map((r) => r.inferred))
    : // One result per shard: as many as the byte ranges of the inputs, far below the argument limit.
      // eslint-disable-next-line no-restricted-syntax
      mergeInferResults(...results.map((r) => r.inferred));
  // Each shard kept its first warnings; the first of all are among them.
  inferred.refused = inferred.refused.slice(0, MAX_REFUSED);
  const notUnderstood = results
    .flatMap((r) => r.notUnderstood)
    .sort(byPlace)
    .slice(0, maxListed);
  const records: Record<string, number> = {};
  for (const r of results)
    for (const [file, n] of Object.entries(r.records)) records[file] = (records[file] ?? 0) + n;
  const values = mergedValues(results, owned);
  const reviews = results.flatMap((r) => (r.review ? [r.review] : []));
  beforeReviews();
  const merged: ShardResult = {
    inferred,
    eventCount: results.reduce((a, r) => a + r.eventCount, 0),
    notUnderstood,
    notUnderstoodCount: results.reduce((a, r) => a + r.notUnderstoodCount, 0),
    lines: results.reduce((a, r) => a + r.lines, 0),
    records,
    ...(reviews.length > 0 ? { review: mergedReviews(reviews, owned) } : {}),
  };
  // After the review tables' merge: until then the values are numbers, not pairs of strings.
  if (values !== undefined) settleValues(inferred.requirements, values, owned);
  return merged;
}

/**
 * The shards' values (`ShardResult.values`) merged by requirement key, as `mergeRequirement`
 * merges ranges (`owned`: into the first's sets; else into new ones); undefined when none has
 * any.
 */
function mergedValues(results: ShardResult[], owned: boolean): RequirementValues | undefined {
  let out: RequirementValues | undefined;
  for (const r of results) {
    if (r.values === undefined) continue;
    if (out === undefined && owned) {
      out = r.values;
      continue;
    }
    out ??= new Map();
    for (const [key, v] of r.values) {
      const had = out.get(key);
      if (had === undefined && owned) out.set(key, v);
      else {
        const into = had ?? { values: new ValueSet(), denied: new ValueSet() };
        into.values.addAll(v.values);
        into.denied.addAll(v.denied);
        out.set(key, into);
      }
    }
    if (owned) r.values.clear();
  }
  return out;
}

/**
 * Makes the ranges of the requirements `values` holds (their decimal strings, once), joined
 * with any a result without values gave them (none in a merge of shards alone). `owned`: the
 * requirements are the merge's own, set in place; else each is a new one (a requirement of
 * an input may be in the merged set as it is).
 */
function settleValues(set: RequirementSet, values: RequirementValues, owned: boolean): void {
  const joined = (had: ValueRange[] | undefined, v: ValueSet): ValueRange[] =>
    had === undefined || had.length === 0 ? v.ranges() : mergeRanges(had, v.ranges());
  for (const [key, v] of values) {
    const r = owned ? set.byKey.get(key)! : { ...set.byKey.get(key)! };
    r.ranges = r.whole ? [] : joined(r.ranges, v.values);
    r.deniedRanges = r.deniedWhole ? [] : joined(r.deniedRanges, v.denied);
    if (!owned) set.byKey.set(key, r);
  }
}
