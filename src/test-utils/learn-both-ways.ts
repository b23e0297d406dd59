/**
 * Learning one trace two ways, as `suggest` does on one thread: through the
 * parser alone, and with the fast lane (src/infer/fast-lane.ts). The lane
 * must be invisible: learning with it gives the result, the diagnostics, the
 * summaries and the event count that learning without it gives, for any
 * input cut into any chunks. The parser without a lane is the definition.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import { byPlace } from '../diagnostics/first-by-place';
import { FastLane } from '../infer/fast-lane';
import { monitorFilter, unknownRecordNote, type TraceFilter } from '../infer/trace-filter';
import { RequirementAccumulator } from '../infer/requirement-accumulator';
import { TracePushParser, type TraceSummary } from '../trace/push-parser';

export const EVERYTHING: TraceFilter = { names: [], abilities: false, paths: false };

export interface Learned {
  result: ReturnType<RequirementAccumulator['result']>;
  eventCount: number;
  diagnostics: Diagnostic[];
  summaries: TraceSummary[];
  taken: number;
  unknownTaken: number;
  skeletons: number;
}

/** Learns from the traces as `suggest` does on one thread, with the lane or without. */
export function learn(
  traces: Array<{ file: string; text: Buffer; firstLine?: number }>,
  withLane: boolean,
  chunk = 65536,
  filter = EVERYTHING,
): Learned {
  const accumulator = new RequirementAccumulator();
  const diagnostics: Diagnostic[] = [];
  // As the learners do: a record of unknown form is noted with the lines not understood.
  const lane = new FastLane(accumulator, (file, line) =>
    diagnostics.push(unknownRecordNote({ file, line })),
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
        else diagnostics.push(unknownRecordNote(e.position));
        accumulator.add(e);
      },
      onDiagnostic: (d) => diagnostics.push(d),
    });
    feedAsRead(parser, text, chunk);
    summaries.push(parser.end());
  }
  return {
    result: accumulator.result(),
    eventCount: eventCount + lane.taken,
    diagnostics,
    summaries,
    taken: lane.taken,
    unknownTaken: lane.unknownTaken,
    skeletons: lane.skeletons,
  };
}

export function expectSameLearning(a: Learned, b: Learned): void {
  expect(a.result).toStrictEqual(b.result);
  expect([...a.result.requirements.byKey.keys()]).toEqual([...b.result.requirements.byKey.keys()]);
  expect(a.eventCount).toBe(b.eventCount);
  // By place: the parser warns about a line before it closes the record above it, which the
  // lane notes at once (the learners keep the first by place: first-by-place.ts).
  expect([...a.diagnostics].sort(byPlace)).toStrictEqual([...b.diagnostics].sort(byPlace));
  expect(a.summaries).toStrictEqual(b.summaries);
}

/**
 * Feeds `text` to `parser` in pieces of `chunk` bytes, or (0) as readChunks
 * feeds a file: one buffer reused, pieces of varying length from its start.
 */
export function feedAsRead(parser: { feed(b: Buffer): void }, text: Buffer, chunk: number): void {
  if (chunk > 0) {
    for (let at = 0; at < text.length; at += chunk) parser.feed(text.subarray(at, at + chunk));
    return;
  }
  const reused = Buffer.alloc(70_000);
  for (let at = 0, n = 1; at < text.length; at += n, n = (n * 7919 + 13) % 70_000) {
    const piece = text.subarray(at, at + n);
    piece.copy(reused);
    parser.feed(reused.subarray(0, piece.length));
  }
}
