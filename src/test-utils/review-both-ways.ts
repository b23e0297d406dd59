/**
 * Counting one trace into a review tally two ways, as `check` does on one
 * thread: through the parser alone, and with the review fast lane
 * (src/infer/fast-lane.ts with a ReviewTally). The lane must be invisible:
 * the tally (every atom's key, first event, counts and places; the unknown
 * records), the event count, the notes and the parser's summaries are the
 * same, for any input cut into any chunks. The parser without a lane is the
 * definition.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import { byPlace } from '../diagnostics/first-by-place';
import { FastLane } from '../infer/fast-lane';
import { RequirementAccumulator } from '../infer/requirement-accumulator';
import { ReviewTally, type ReviewSummary } from '../infer/review-tally';
import { monitorFilter } from '../infer/trace-filter';
import { unjudgedRecordNote } from '../infer/shard-learner';
import { TracePushParser, type TraceSummary } from '../trace/push-parser';
import { EVERYTHING, feedAsRead } from './learn-both-ways';

export interface Reviewed {
  summary: ReviewSummary;
  eventCount: number;
  diagnostics: Diagnostic[];
  summaries: TraceSummary[];
  taken: number;
  unknownTaken: number;
}

/** Counts the traces into a review tally as the review learner does on one thread, with the lane or without. */
export function review(
  traces: Array<{ file: string; text: Buffer; firstLine?: number }>,
  withLane: boolean,
  chunk = 65536,
  filter = EVERYTHING,
): Reviewed {
  const tally = new ReviewTally();
  const diagnostics: Diagnostic[] = [];
  // As the review learner does (src/infer/shard-learner.ts): a record of unknown form is noted.
  const lane = new FastLane(
    new RequirementAccumulator(),
    (file, line) => diagnostics.push(unjudgedRecordNote({ file, line })),
    tally,
  );
  const monitor = monitorFilter(filter);
  const summaries: TraceSummary[] = [];
  let eventCount = 0;
  for (const { file, text, firstLine } of traces) {
    const parser = new TracePushParser({
      file,
      ...(firstLine !== undefined ? { firstLine } : {}),
      times: false,
      ...(withLane ? { lane } : {}),
      onEvent: (e) => {
        if (!monitor.accept(e)) return;
        if (e.kind !== 'unknown') eventCount++;
        else if (!e.altered) diagnostics.push(unjudgedRecordNote(e.position));
        tally.add(e);
      },
      onDiagnostic: (d) => diagnostics.push(d),
    });
    feedAsRead(parser, text, chunk);
    summaries.push(parser.end());
  }
  return {
    summary: tally.result(),
    eventCount: eventCount + lane.taken,
    diagnostics,
    summaries,
    taken: lane.taken,
    unknownTaken: lane.unknownTaken,
  };
}

/** What a review reads of a summary: every atom's fields (its first event parsed again) and the counts. */
function view(s: ReviewSummary): unknown {
  return {
    atoms: s.atoms.map((a) => ({
      key: a.key,
      event: a.event,
      object: a.object,
      value: a.value,
      failures: a.failures,
      successes: a.successes,
      failurePlaces: a.failurePlaces,
    })),
    events: s.events,
    failures: s.failures,
    successes: s.successes,
    unknown: s.unknown,
    unknownCount: s.unknownCount,
  };
}

export function expectSameReview(a: Reviewed, b: Reviewed): void {
  expect(view(a.summary)).toStrictEqual(view(b.summary));
  expect(a.eventCount).toBe(b.eventCount);
  // By place: the parser warns about a line before it closes the record above it, which the
  // lane notes at once (the learners keep the first by place: first-by-place.ts).
  expect([...a.diagnostics].sort(byPlace)).toStrictEqual([...b.diagnostics].sort(byPlace));
  expect(a.summaries).toStrictEqual(b.summaries);
}
