/**
 * What `summarize` learns in one reading: the requirements (as `suggest`
 * learns them) and the review tally (as `check` learns it), each in its own
 * ShardLearner, fed by one parser whose fast lane is both learners' lanes
 * (src/infer/two-lanes.ts). Every record reaches each learner once, by its
 * lane or as an event, so each result is the one its learner gives reading
 * alone (tested: summary-learner.test.ts). Fed as a ShardLearner is: one
 * `sink()` (the one-thread reader), or `piece()` by piece (the threaded
 * readers, src/cli/parallel/).
 */
import { monitorFilter, type TraceFilter, type TraceSink } from './trace-filter';
import { ShardLearner, type PieceParser, type ShardResult } from './shard-learner';
import { TwoLanes } from './two-lanes';
import { TracePushParser } from '../trace/push-parser';
import { TraceInputParser } from '../trace/trace-input';
import type { MonitorFilter } from '../monitor/apply-options';

export class SummaryLearner {
  private readonly learner: ShardLearner;
  private readonly tally: ShardLearner;
  /** Both lanes, one for every piece (as each learner's own is). */
  private readonly lanes: TwoLanes;
  /** One filter for every piece, as ShardLearner's. */
  private readonly monitor: MonitorFilter;

  constructor(filter: TraceFilter, maxListed: number) {
    this.monitor = monitorFilter(filter);
    this.learner = new ShardLearner(filter, maxListed);
    // The tally's records of unknown form are the learner's notes too: the summary lists those.
    this.tally = new ShardLearner(filter, maxListed, { review: true, notes: false });
    this.lanes = new TwoLanes(this.learner.lane, this.tally.lane);
  }

  /**
   * What to give readTraceEvents (which applies the learning filter): every
   * event to both learners; lines not understood are the learner's (the
   * tally counts them and notes none: the summary lists the learner's).
   */
  sink(): TraceSink {
    const learn = this.learner.sink();
    const count = this.tally.sink();
    return {
      onEvent: (e) => {
        learn.onEvent(e);
        count.onEvent(e);
      },
      onDiagnostic: learn.onDiagnostic,
      onRead: learn.onRead,
      lane: this.lanes,
    };
  }

  /** A parser for one piece of trace `file`, as ShardLearner.piece (the filter applied here). */
  piece(file: string, firstLine = 1): PieceParser {
    const monitor = this.monitor;
    const { onEvent } = this.sink();
    const Parser = firstLine === 1 ? TraceInputParser : TracePushParser;
    return new Parser({
      file,
      firstLine,
      times: false,
      lane: this.lanes,
      onEvent: (e) => {
        if (monitor.accept(e)) onEvent(e);
      },
      onDiagnostic: this.learner.sink().onDiagnostic,
    });
  }

  /** Ends a piece's parser: its lines and records are the learner's. */
  endPiece(parser: PieceParser): void {
    this.learner.endPiece(parser);
  }

  /** The learner's result with the tally's `review`, once. */
  result(): ShardResult {
    return { ...this.learner.result(), review: this.tally.result().review! };
  }

  /** `result()` for a merge of shards: the values as numbers (ShardLearner.shardResult). */
  shardResult(): ShardResult {
    return { ...this.learner.shardResult(), review: this.tally.result().review! };
  }
}
