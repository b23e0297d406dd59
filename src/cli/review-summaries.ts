/**
 * Summary files among the inputs of the review commands (`check`, `explain`,
 * `harden`): their review tallies (src/infer/summary-review.ts) read, the
 * requirements skipped unread, and merged with what the traces gave by the
 * learner's merge (`mergeSummaries`, the one `summarize` merges with), so a
 * command over summaries of parts reads what it reads over the parts.
 */
import type { CliIo } from './io';
import { readSummaryFile, refuseFilters } from './summary-inputs';
import { mergeSummaries, type Summary } from '../infer/summary';
import { reviewNotUnderstood } from '../infer/summary-review';
import { emptyReviewSummary } from '../infer/review-tally';
import type { ShardResult } from '../infer/shard-learner';

/** Reads the review part of summary files (in file order); lines not understood as review words them. */
export async function readReviewSummaries(
  files: string[],
  args: Record<string, unknown>,
  io: CliIo,
): Promise<Summary[]> {
  refuseFilters(files, args);
  const out: Summary[] = [];
  for (const file of [...files].sort()) {
    const s = await readSummaryFile(file, io, { learned: false, review: true });
    s.learned.notUnderstood = reviewNotUnderstood(s.learned.notUnderstood);
    out.push(s);
  }
  return out;
}

const byName = (a: [string, number], b: [string, number]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

/**
 * What the traces gave (`read`, the records of each and their names) merged
 * with summaries: the trace files become the inputs of all (sorted by name,
 * each summary's own inputs among them) and the records those of all.
 */
export function withSummaries(
  read: ShardResult,
  records: Map<string, number>,
  traceFiles: string[],
  summaries: Summary[],
): { read: ShardResult; records: Map<string, number>; traceFiles: string[] } {
  const traced: Summary = {
    inputs: traceFiles.map((file) => ({ file })),
    learned: {
      ...read,
      records: Object.fromEntries(records),
      review: read.review ?? emptyReviewSummary(),
    },
  };
  const merged = mergeSummaries(traceFiles.length > 0 ? [traced, ...summaries] : summaries);
  return {
    read: merged.learned,
    records: new Map(Object.entries(merged.learned.records).sort(byName)),
    traceFiles: merged.inputs.map((i) => i.file),
  };
}
