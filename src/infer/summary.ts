/**
 * A summary: what learning found in some inputs, as data that can be written
 * to a file (`secpol-learn summarize`, summary-codec.ts), read back and merged
 * with other summaries or with traces read directly. It is the learner's own
 * result (`ShardResult`: requirements with evidence, counts, the first
 * diagnostics by place) plus the inputs it was learned from.
 *
 * `mergeSummaries` is the learner's merge (`mergeShards`, associative and
 * commutative over inputs that name distinct files), so learning from
 * summaries of parts gives what learning from the parts gives, byte for byte
 * (src/infer/summary-merge.test.ts).
 */
import { mergeShards, type ShardResult } from './shard-learner';
import { emptyInferResult } from './infer-requirements';
import { emptyReviewSummary } from './review-tally';

/** How many lines not understood a summary (and every learning command) keeps; the rest are counted. */
export const MAX_LISTED_LINES = 1000;

/** One input a summary was learned from. */
export interface SummaryInput {
  /** The input as the user named it (`-`: standard input). */
  file: string;
  /**
   * Events learned from it (after the learning filter). Absent when the input
   * was learned together with others (suggest's threads share files);
   * `summarize` learns each input on its own, so its summaries always carry it.
   */
  events?: number;
}

/** What learning found in some inputs. */
export interface Summary {
  /** Sorted by file name (a file named twice is listed twice, as it is read twice). */
  inputs: SummaryInput[];
  learned: ShardResult;
}

/** The empty summary: the identity of `mergeSummaries`. */
export function emptySummary(): Summary {
  return {
    inputs: [],
    learned: {
      inferred: emptyInferResult(),
      eventCount: 0,
      notUnderstood: [],
      notUnderstoodCount: 0,
      lines: 0,
      records: {},
      review: emptyReviewSummary(),
    },
  };
}

/** Orders inputs by file name, then by events (absent first). */
function byInput(a: SummaryInput, b: SummaryInput): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (a.events ?? -1) - (b.events ?? -1);
}

/** How many results one `mergeShards` call takes (it spreads them into a call). */
const MERGE_WIDTH = 1000;

/** Merges summaries (any number: thousands of devices' files); inputs are not modified. */
export function mergeSummaries(summaries: readonly Summary[]): Summary {
  if (summaries.length === 0) return emptySummary();
  let learned = summaries.map((s) => s.learned);
  // The merge is associative: merged in groups, then the groups' results.
  do {
    const next: ShardResult[] = [];
    for (let i = 0; i < learned.length; i += MERGE_WIDTH)
      next.push(mergeShards(learned.slice(i, i + MERGE_WIDTH), MAX_LISTED_LINES));
    learned = next;
  } while (learned.length > 1);
  return {
    inputs: summaries.flatMap((s) => s.inputs).sort(byInput),
    learned: learned[0]!,
  };
}
