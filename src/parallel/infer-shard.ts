/**
 * Learns from one byte range of one trace file (or one whole gzip file): the trace stage, the learning
 * filter and inference, exactly as `suggest`/`generate` do on the whole file,
 * with line numbers counted from the range's start. Runs in a worker thread
 * (shard-worker.ts) or in-process (tests, small files).
 *
 * Does not merge shards or fix line numbers: see read-parallel.ts.
 */
import { open } from 'node:fs/promises';
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { InferResult } from '../infer/infer-requirements';
import { monitorFilter, unknownRecordNote, type TraceFilter } from '../infer/read-traces';
import { RequirementAccumulator } from '../infer/requirement-accumulator';
import { maybeGunzip } from '../trace/parse-trace';
import { TracePushParser } from '../trace/push-parser';
import { readChunks } from '../trace/read-chunks';
import type { ByteRange } from './shard-ranges';

/** What one shard asks for: the file (as opened and as named), its range and the filter. */
export interface ShardTask {
  path: string;
  file: string;
  /** A byte range of a plain file; a gzip file is always one task, its whole range. */
  range: ByteRange;
  /** The file is gzip: read whole and inflated (a compressed stream cannot be cut). */
  gzip: boolean;
  filter: TraceFilter;
  /** How many lines not understood to keep (the rest are counted). */
  maxListed: number;
}

/** What one shard found; line numbers are relative to the range's first line. */
export interface ShardResult {
  inferred: InferResult;
  eventCount: number;
  notUnderstood: Diagnostic[];
  notUnderstoodCount: number;
  /** Physical lines in the range. */
  lines: number;
}

/** Reads, parses, filters and infers one range (the per-event logic of `inferFromTraces`). */
export async function inferShard(
  task: ShardTask,
  onBytes: (bytes: number) => void = () => undefined,
): Promise<ShardResult> {
  const accumulator = new RequirementAccumulator();
  const out: Omit<ShardResult, 'inferred'> = {
    eventCount: 0,
    notUnderstood: [],
    notUnderstoodCount: 0,
    lines: 0,
  };
  const note = (d: Diagnostic): void => {
    out.notUnderstoodCount++;
    if (out.notUnderstood.length < task.maxListed) out.notUnderstood.push(d);
  };
  const monitor = monitorFilter(task.filter);
  const parser = new TracePushParser({
    file: task.file,
    // As readTraceEvents: learning never uses times.
    times: false,
    onEvent: (e) => {
      if (!monitor.accept(e)) return;
      if (e.kind !== 'unknown') out.eventCount++;
      else note(unknownRecordNote(e));
      accumulator.add(e);
    },
    onDiagnostic: note,
  });
  if (task.range.end > task.range.start) {
    const handle = await open(task.path, 'r');
    try {
      const chunks = readChunks(handle, task.range.start, task.range.end);
      const counted = (async function* () {
        for await (const chunk of chunks) {
          onBytes(chunk.length);
          yield chunk;
        }
      })();
      // A plain range is fed as read: its first bytes may be anything, even 1f 8b.
      for await (const chunk of task.gzip ? maybeGunzip(counted) : counted) {
        parser.feed(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      }
    } finally {
      await handle.close();
    }
  }
  out.lines = parser.end().lines;
  return { inferred: accumulator.result(), ...out };
}
