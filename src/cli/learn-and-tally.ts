/**
 * What `summarize` learns from traces: the requirements (as `suggest` learns
 * them) and the review tally (as `check`, `explain` and `harden` read it),
 * into one result, so a summary serves every command.
 *
 * Every input is read once, one parser feeding both learners
 * (src/infer/summary-learner.ts): on every core when large enough for the
 * threaded readers (regular files only: they read them at positions), else
 * in this thread. One reading costs less than two, each with its own lane,
 * in CPU and in memory; with a second core free, the tally read beside the
 * learner in a worker (up to round six) took less wall time on files below
 * the threaded readers' size (docs/performance.md "summarize in one pass
 * (issue 18, seventh round)"). Every way gives what the two learners give
 * reading alone (src/cli/parallel/ tests, learn-and-tally.test.ts,
 * summary-learner.test.ts).
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { CliIo } from './io';
import { readTraceEvents, traceFilterFrom } from './read-traces';
import { readTracesParallel } from './parallel/read-parallel';
import type { ShardResult } from '../infer/shard-learner';
import { MAX_LISTED_LINES } from '../infer/summary';
import { SummaryLearner } from '../infer/summary-learner';

/** Learns and tallies trace files (no summaries among them) into one result with its `review`. */
export async function learnAndTally(
  files: string[],
  args: Record<string, unknown>,
  io: CliIo,
): Promise<ShardResult> {
  const filter = traceFilterFrom(args);
  if (files.every((f) => isRegularFile(f, io))) {
    const both = await readTracesParallel(files, filter, io, MAX_LISTED_LINES, {
      summarize: true,
    });
    if (both !== undefined) return both;
  }
  // The reader counts the records (the lanes' reach no sink).
  const both = new SummaryLearner(filter, MAX_LISTED_LINES);
  const records = await readTraceEvents(files, filter, io, both.sink());
  return { ...both.result(), records: Object.fromEntries(records) };
}

/**
 * Whether `file` is a regular file (not `-`, a pipe, a FIFO, a device).
 * Others are read in this thread, as `summarize` always read them (the
 * threaded readers would cut standard input into batches).
 */
function isRegularFile(file: string, io: CliIo): boolean {
  if (file === '-') return false;
  try {
    // As the reader opens it: named relative to the command's directory.
    return statSync(path.resolve(io.cwd, file)).isFile();
  } catch {
    // The reader reports it.
    return false;
  }
}
