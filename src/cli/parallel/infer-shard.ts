/**
 * Learns from one byte range of one trace file, or one whole gzip file: the
 * trace stage, the learning filter and inference (src/infer/shard-learner.ts), exactly
 * as `suggest`/`generate` do on the whole file, with line numbers counted
 * from the range's start. Runs in a worker thread
 * (shard-worker.ts) or in-process (tests, small files).
 *
 * Does not merge shards or fix line numbers: see read-parallel.ts.
 */
import { open } from 'node:fs/promises';
import type { TraceFilter } from '../../infer/trace-filter';
import { countedChunks, maybeGunzip } from '../../trace/parse-trace';
import { readChunks } from '../read-chunks';
import { ShardLearner, type ShardResult } from '../../infer/shard-learner';
import { SummaryLearner } from '../../infer/summary-learner';
import type { ByteRange } from './shard-ranges';
import type { PackedShard } from '../../infer/shard-transfer';

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
  /** Count a review tally instead of requirements (src/infer/shard-learner.ts). */
  review?: boolean;
  /** Review only: false keeps each atom's first failure place only (src/infer/shard-learner.ts). */
  places?: boolean;
  /** Learn the requirements and count the review tally, in one reading (src/infer/summary-learner.ts). */
  summarize?: boolean;
}

/** What a shard worker posts: bytes read, then its result (packed) or its error (with the system error's code). */
export interface ShardWorkerMessage {
  bytes?: number;
  result?: PackedShard;
  error?: string;
  code?: string;
}

/**
 * Reads, parses, filters and infers one range; line numbers are relative to the range's first
 * line. A shard's result (`shardResult`: its values as numbers), for mergeShards.
 */
export async function inferShard(
  task: ShardTask,
  onBytes: (bytes: number) => void = () => undefined,
): Promise<ShardResult> {
  const learner = task.summarize
    ? new SummaryLearner(task.filter, task.maxListed)
    : new ShardLearner(task.filter, task.maxListed, {
        review: Boolean(task.review),
        places: task.places !== false,
      });
  const parser = learner.piece(task.file);
  if (task.range.end > task.range.start) {
    const handle = await open(task.path, 'r');
    try {
      const chunks = readChunks(handle, task.range.start, task.range.end);
      const counted = countedChunks(chunks, onBytes);
      // A plain range is fed as read: its first bytes may be anything, even 1f 8b.
      for await (const chunk of task.gzip ? maybeGunzip(counted) : counted) {
        parser.feed(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      }
    } finally {
      await handle.close();
    }
  }
  learner.endPiece(parser);
  return learner.shardResult();
}
