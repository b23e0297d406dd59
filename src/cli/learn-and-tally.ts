/**
 * What `summarize` learns from traces: the requirements (as `suggest` learns
 * them) and the review tally (as `check`, `explain` and `harden` read it),
 * into one result, so a summary serves every command.
 *
 * Named files are read twice, once by each learner with its fast lane: on
 * every core when large enough for the threaded readers; else, with two
 * threads or more, the tally in a worker while this thread learns (from
 * BESIDE_BYTES: a worker's start costs more on smaller files); else both in
 * this thread (two passes with the lanes cost less than one pass handing
 * every record to both, docs/performance.md "summarize (issue 18, fifth
 * round)"). Only regular files are read twice: standard input, a pipe
 * (`<(…)`, `/dev/stdin`) or a FIFO would be empty, or wait for a writer, the
 * second time. They are read once, every record handed to both learners
 * (without the fast lane, which takes records away from the sink). Every way
 * gives what the two readers give separately (the learners' results do not
 * depend on how the records reach them: src/cli/parallel/ tests,
 * learn-and-tally.test.ts).
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { CliIo } from './io';
import { readTraceEvents, traceFilterFrom } from './read-traces';
import {
  readTracesParallel,
  readWholeInWorker,
  threadCount,
  weighed,
} from './parallel/read-parallel';
import { readHead } from './read-chunks';
import { startsAsGzip } from '../trace/parse-trace';
import { ShardLearner, type ShardResult } from '../infer/shard-learner';
import { MAX_LISTED_LINES } from '../infer/summary';
import { SummaryLearner } from '../infer/summary-learner';

/** Bytes in all (gzip: as inflated) from which the tally reads in a worker beside the learner. */
const BESIDE_BYTES = 32 * 1024 * 1024;

/** Learns and tallies trace files (no summaries among them) into one result with its `review`. */
export async function learnAndTally(
  files: string[],
  args: Record<string, unknown>,
  io: CliIo,
  /** `besideBytes`: BESIDE_BYTES unless told (tests). */
  options: { besideBytes?: number } = {},
): Promise<ShardResult> {
  const filter = traceFilterFrom(args);
  if (files.every((f) => readableTwice(f, io))) {
    const both = await readTracesParallel(files, filter, io, MAX_LISTED_LINES, {
      summarize: true,
    });
    if (both !== undefined) return both;
    const beside = options.besideBytes ?? BESIDE_BYTES;
    if (threadCount(io.env) >= 2 && (await weightOf(files, io)) >= beside) {
      const tallying = readWholeInWorker(files, filter, io, MAX_LISTED_LINES, { review: true });
      // Handled now (a failure is thrown below, after the learner's own), so never unhandled.
      tallying.catch(() => undefined);
      const learner = new ShardLearner(filter, MAX_LISTED_LINES);
      const records = await readTraceEvents(files, filter, io, learner.sink()).catch(
        async (error: unknown) => {
          await tallying.catch(() => undefined);
          throw error;
        },
      );
      const tallied = await tallying;
      return {
        ...learner.result(),
        records: Object.fromEntries(records),
        review: tallied.review!,
      };
    }
  }
  // One reading, both learners' lanes (the reader counts the records: the lanes' reach no sink).
  const both = new SummaryLearner(filter, MAX_LISTED_LINES);
  const records = await readTraceEvents(files, filter, io, both.sink());
  return { ...both.result(), records: Object.fromEntries(records) };
}

/** The files' weight in all (regular files: `readableTwice`), as the threaded readers weigh them. */
async function weightOf(files: string[], io: CliIo): Promise<number> {
  let weight = 0;
  for (const file of files) {
    const at = path.resolve(io.cwd, file);
    const size = statSync(at).size;
    // One that cannot be read counts as plain: its reader reports it.
    const head = await readHead(at, 2).catch(() => Buffer.alloc(0));
    weight += weighed(size, startsAsGzip(head));
  }
  return weight;
}

/** Whether reading `file` again gives its bytes again: a regular file (not `-`, a pipe, a FIFO, a device). */
function readableTwice(file: string, io: CliIo): boolean {
  if (file === '-') return false;
  try {
    // As the reader opens it: named relative to the command's directory.
    return statSync(path.resolve(io.cwd, file)).isFile();
  } catch {
    // The reader reports it (one pass, as for any input it cannot open).
    return false;
  }
}
