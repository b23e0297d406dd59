/**
 * Two fast lanes as one (src/infer/fast-lane.ts), for one reading feeding two
 * learners (`summarize`: the requirements and the review tally). The second
 * follows the first (FastLane.follow): the record's place in the line, its
 * hash and its skeleton's digit runs are read once, by the first. A record
 * both lanes take as the same kind of event is taken by both; a record either
 * finds new is read by the parser, and each lane that found it new learns
 * from its event; any other record is the parser's, its event given to both
 * learners. Each lane's result is the parser's for every record it is given
 * (its own contract), so each learner's result is the one a reading with its
 * lane alone gives (tested: src/infer/summary-learner.test.ts).
 */
import type { TraceEvent } from '../trace/event';
import type { LaneMatch, RecordLane } from '../trace/push-parser';
import type { FastLane } from './fast-lane';

export class TwoLanes implements RecordLane {
  /** What each lane said of the line last matched. */
  private firstMatch: LaneMatch = undefined;
  private secondMatch: LaneMatch = undefined;
  /** Which lanes were told to `take` a new record: they learn from the event the parser gives. */
  private firstLearns = false;
  private secondLearns = false;

  constructor(
    private readonly first: FastLane,
    private readonly second: FastLane,
  ) {
    second.follow(first);
  }

  get spanEnd(): number {
    return this.first.spanEnd;
  }

  get spanLines(): number {
    return this.first.spanLines;
  }

  match(bytes: Buffer, start: number, end: number, file: string, line: number): LaneMatch {
    const a = this.first.match(bytes, start, end, file, line);
    // Asked after the first (it follows it), even when the first leaves the line to the
    // parser: it may be new to the second.
    const b = this.second.match(bytes, start, end, file, line);
    this.firstMatch = a;
    this.secondMatch = b;
    if (a === 'new' || b === 'new') return 'new';
    // Both take it, as one kind (the record's): each skips the same lines (the record as
    // the parser joins it).
    return a !== undefined && a === b ? a : undefined;
  }

  take(): void {
    const a = this.firstMatch;
    const b = this.secondMatch;
    if (a === 'new' || b === 'new') {
      // Only the lanes that found it new: a lane that would take it is given its event instead.
      this.firstLearns = a === 'new';
      this.secondLearns = b === 'new';
      if (this.firstLearns) this.first.take();
      if (this.secondLearns) this.second.take();
      return;
    }
    this.firstLearns = false;
    this.secondLearns = false;
    this.first.take();
    this.second.take();
  }

  learned(event: TraceEvent): void {
    if (this.firstLearns) this.first.learned(event);
    if (this.secondLearns) this.second.learned(event);
    this.firstLearns = false;
    this.secondLearns = false;
  }
}
