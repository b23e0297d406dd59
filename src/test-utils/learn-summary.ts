/**
 * What `summarize FILE` holds for some trace bytes, learned in memory (tests).
 */
import { ShardLearner, type ShardResult } from '../infer/shard-learner';
import { byPlace } from '../diagnostics/first-by-place';
import { MAX_LISTED_LINES, type Summary } from '../infer/summary';

/** What one learner (for requirements, or `review`) makes of some trace bytes. */
function learnOne(file: string, bytes: Buffer, review: boolean): ShardResult {
  const learner = new ShardLearner(
    { names: [], abilities: false, paths: false },
    MAX_LISTED_LINES,
    {
      review,
    },
  );
  const parser = learner.piece(file);
  parser.feed(bytes);
  learner.endPiece(parser);
  return learner.result();
}

/** One input's summary, as the summarize command makes it: the requirements and the review tally. */
export function learnBytes(file: string, bytes: Buffer): Summary {
  const learned = learnOne(file, bytes, false);
  learned.inferred.refused.sort(byPlace);
  learned.review = learnOne(file, bytes, true).review!;
  return { inputs: [{ file, events: learned.eventCount }], learned };
}

/** Cuts bytes at the line starts after `cuts` into parts. */
export function cutLines(bytes: Buffer, cuts: number[]): Buffer[] {
  const starts = [0];
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const nl = bytes.indexOf(0x0a, Math.min(c, bytes.length));
    if (nl >= 0 && nl + 1 > starts[starts.length - 1]!) starts.push(nl + 1);
  }
  starts.push(bytes.length);
  const out: Buffer[] = [];
  for (let i = 0; i + 1 < starts.length; i++) out.push(bytes.subarray(starts[i], starts[i + 1]));
  return out;
}
