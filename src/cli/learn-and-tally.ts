/**
 * What `summarize` learns from traces: the requirements (as `suggest` learns
 * them) and the review tally (as `check`, `explain` and `harden` read it),
 * into one result, so a summary serves every command.
 *
 * Named files are read twice, once by each learner with its fast lane: on
 * every core when large enough for the threaded readers, else in this thread
 * (two passes with the lanes cost less than one pass handing every record to
 * both, docs/performance.md "summarize (issue 18, fifth round)"). Only regular
 * files are read twice: standard input, a pipe (`<(…)`, `/dev/stdin`) or a
 * FIFO would be empty, or wait for a writer, the second time. They are read
 * once, every record handed to both learners (without the fast lane, which
 * takes records away from the sink). Every way gives what the two readers
 * give separately (the learners' results do not depend on how the records
 * reach them: src/cli/parallel/ tests).
 */
import { statSync } from 'node:fs';
import type { CliIo } from './io';
import { readTraceEvents, traceFilterFrom } from './read-traces';
import { readTracesParallel } from './parallel/read-parallel';
import { ShardLearner, type ShardResult } from '../infer/shard-learner';
import { MAX_LISTED_LINES } from '../infer/summary';

/** Learns and tallies trace files (no summaries among them) into one result with its `review`. */
export async function learnAndTally(
  files: string[],
  args: Record<string, unknown>,
  io: CliIo,
): Promise<ShardResult> {
  const filter = traceFilterFrom(args);
  const learner = new ShardLearner(filter, MAX_LISTED_LINES);
  const tally = new ShardLearner(filter, MAX_LISTED_LINES, { review: true });
  if (files.every(readableTwice)) {
    const learned = await readTracesParallel(files, filter, io, MAX_LISTED_LINES);
    if (learned !== undefined) {
      const tallied = await readTracesParallel(files, filter, io, MAX_LISTED_LINES, {
        review: true,
      });
      if (tallied?.review) return { ...learned, review: tallied.review };
    }
    // With a lane the reader counts the records (the lane's reach no sink).
    const records = await readTraceEvents(files, filter, io, learner.sink());
    await readTraceEvents(files, filter, io, tally.sink());
    return {
      ...learner.result(),
      records: Object.fromEntries(records),
      review: tally.result().review!,
    };
  }
  const learn = learner.sink();
  const count = tally.sink();
  // The learner notes the lines not understood; the tally's notes are the same places.
  const records = await readTraceEvents(files, filter, io, {
    onEvent: (e) => {
      learn.onEvent(e);
      count.onEvent(e);
    },
    onDiagnostic: learn.onDiagnostic,
  });
  // Records per input as the threaded readers count them (a gate tells an input that held none).
  return {
    ...learner.result(),
    records: Object.fromEntries(records),
    review: tally.result().review!,
  };
}

/** Whether reading `file` again gives its bytes again: a regular file (not `-`, a pipe, a FIFO, a device). */
function readableTwice(file: string): boolean {
  if (file === '-') return false;
  try {
    return statSync(file).isFile();
  } catch {
    // The reader reports it (one pass, as for any input it cannot open).
    return false;
  }
}
