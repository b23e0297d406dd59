/**
 * Learning from one stream on every core: standard input or a lone gzip file,
 * which cannot be cut into byte ranges up front. This thread reads (and
 * inflates) the stream, cuts it into batches of about 4 MiB at record
 * boundaries, numbers each batch's first line, and hands each batch to a
 * worker thread with room (at most two batches waiting each) or, when none
 * has room, learns it itself: so it never waits on a worker, and memory holds
 * a bounded number of batches whatever the stream's length. Workers start
 * only once 256 MiB have been read: smaller inputs never pay for a thread.
 * Each thread keeps one ShardLearner; their results are merged by
 * mergeShards, the same bytes as one thread (tested).
 *
 * A batch ends right after a newline that is followed by a line that is not
 * a continuation (its first byte is not a blank or tab), so no record is
 * split, exactly as file ranges are cut (shard-ranges.ts).
 */
import { Worker } from 'node:worker_threads';
import type { TraceFilter } from '../../infer/trace-filter';
import { countedChunks, maybeGunzip } from '../../trace/parse-trace';
import { MAX_LINE_BYTES } from '../../trace/push-parser';
import {
  ShardLearner,
  mergeShards,
  type PieceParser,
  type ShardResult,
} from '../../infer/shard-learner';
import { startsAsSecpolgenerate } from '../../trace/trace-input';
import { SummaryLearner } from '../../infer/summary-learner';
import { unpackShardResult, type PackedShard } from '../../infer/shard-transfer';
import { workerV8Flags } from '../executable-v8-flags';
import type { WithV8Flags } from './worker-v8-flags';

/** Bytes per batch. */
export const BATCH_BYTES = 4 * 1024 * 1024;
/**
 * With no record boundary in this many bytes (a stream of continuation
 * lines), the batch is cut at its last newline anyway, so memory stays
 * bounded; one thread would have joined at most 64 KiB of them to a record.
 */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;
/** Bytes kept of one line: one past the longest the parser reads, so it still reports the line as too long. */
const KEPT_LINE_BYTES = MAX_LINE_BYTES + 1;
/** Room beyond a batch for the chunk that fills it (pipes: 64 KiB; gunzip: 16 KiB). */
const SLACK_BYTES = 256 * 1024;
/** Batches handed to one worker and not yet learned. */
const MAX_WAITING = 2;

/** What the stream is and how to learn it. */
export interface StreamTask {
  /** The input as the user named it (`-`, `a.log.gz`). */
  file: string;
  filter: TraceFilter;
  maxListed: number;
  /** Count a review tally instead of requirements (src/infer/shard-learner.ts). */
  review?: boolean;
  /** Review only: false keeps each atom's first failure place only (src/infer/shard-learner.ts). */
  places?: boolean;
  /** Learn the requirements and count the review tally, in one reading (src/infer/summary-learner.ts). */
  summarize?: boolean;
}

/** Options of readStreamParallel. */
export interface StreamOptions {
  threads: number;
  /** Bytes read (inflated) before workers start. */
  minBytes: number;
  /** The compiled worker script; undefined: batches are learned in this thread (tests). */
  workerFile: string | undefined;
  /** Called with each chunk's byte count as read (before gunzip). */
  onBytes: (bytes: number) => void;
  /** Worker young generation, MB. */
  youngGenerationMb: number;
  /** Bytes per batch (default BATCH_BYTES; tests cut smaller). */
  batchBytes?: number;
  /** Called once when workers' results have been merged (none when no worker started). */
  afterMerge?: () => void;
}

/** Learns `input` (plain or gzip), sharing the batches with worker threads. */
export async function readStreamParallel(
  input: AsyncIterable<Buffer | string>,
  task: StreamTask,
  options: StreamOptions,
): Promise<ShardResult> {
  const here = task.summarize
    ? new SummaryLearner(task.filter, task.maxListed)
    : new ShardLearner(task.filter, task.maxListed, {
        review: Boolean(task.review),
        places: task.places !== false,
      });
  const workers: BatchWorker[] = [];
  // Batch memory goes round (workers send it back): fresh memory costs a page fault per 4 KiB
  // on first touch, which made copying into new batches run at 0.5 GB/s.
  const spare: ArrayBuffer[] = [];
  const ownBuffer = (bytes: number): Buffer => {
    const i = spare.findIndex((b) => b.byteLength >= bytes);
    return Buffer.from(i >= 0 ? spare.splice(i, 1)[0]! : new ArrayBuffer(bytes));
  };
  const batchBytes = options.batchBytes ?? BATCH_BYTES;
  let read = 0;
  let linesBefore = 0;
  /** secpolgenerate output: its rules span lines, so it is read whole by one parser, here. */
  let whole: PieceParser | undefined;
  const learn = (batch: Buffer): void => {
    const firstLine = linesBefore + 1;
    linesBefore += countNewlines(batch);
    if (firstLine === 1 && startsAsSecpolgenerate(batch)) whole = here.piece(task.file, 1);
    if (whole) {
      whole.feed(batch);
      spare.push(batch.buffer as ArrayBuffer);
      return;
    }
    if (workers.length === 0 && read >= options.minBytes && options.workerFile !== undefined) {
      for (let i = 1; i < options.threads; i++) {
        workers.push(
          new BatchWorker(options.workerFile, task, options.youngGenerationMb, (b) =>
            spare.push(b),
          ),
        );
      }
    }
    const free = workers
      .filter((w) => w.waiting < MAX_WAITING)
      .sort((a, b) => a.waiting - b.waiting)[0];
    if (free) free.send(batch, firstLine);
    else {
      const parser = here.piece(task.file, firstLine);
      parser.feed(batch);
      here.endPiece(parser);
      spare.push(batch.buffer as ArrayBuffer);
    }
  };
  try {
    // Bytes are copied once, into the batch being filled (the source may reuse its buffer:
    // ../read-chunks.ts); a full batch is handed over whole and only its tail is copied again.
    let batch = ownBuffer(batchBytes + SLACK_BYTES);
    let fill = 0;
    const counted = countedChunks(input, options.onBytes);
    /** Where the batch's last, unterminated line starts. */
    let lineStart = 0;
    /** Appends `bytes[start, end)`, growing the batch when needed. */
    const append = (bytes: Buffer, start: number, end: number): void => {
      if (end <= start) return;
      if (fill + end - start > batch.length) {
        const bigger = ownBuffer(Math.max(2 * batch.length, fill + end - start));
        batch.copy(bigger, 0, 0, fill);
        spare.push(batch.buffer as ArrayBuffer);
        batch = bigger;
      }
      bytes.copy(batch, fill, start, end);
      fill += end - start;
    };
    for await (const chunk of maybeGunzip(counted)) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      read += bytes.length;
      // A line is kept only to just past MAX_LINE_BYTES: the parser drops the rest of a longer
      // one (and says so) whatever follows, so a line of any length costs bounded memory.
      const first = bytes.indexOf(10);
      const head = first < 0 ? bytes.length : first;
      append(bytes, 0, Math.min(head, Math.max(0, KEPT_LINE_BYTES - (fill - lineStart))));
      if (first >= 0) {
        const last = bytes.lastIndexOf(10);
        append(bytes, first, last + 1);
        lineStart = fill;
        append(bytes, last + 1, Math.min(bytes.length, last + 1 + KEPT_LINE_BYTES));
      }
      if (fill < batchBytes) continue;
      const cut = lastCut(batch.subarray(0, fill), fill >= MAX_PENDING_BYTES);
      if (cut <= 0) continue;
      const next = ownBuffer(Math.max(batchBytes + SLACK_BYTES, fill - cut));
      batch.copy(next, 0, cut, fill);
      learn(batch.subarray(0, cut));
      batch = next;
      fill -= cut;
      lineStart -= cut;
    }
    if (fill > 0) learn(batch.subarray(0, fill));
    if (whole) here.endPiece(whole);
    const results = [here.shardResult()];
    for (const w of workers) results.push(await w.finish());
    // The threads gone first: until then the collection after the merge (afterMerge) left the
    // memory their buffers took in place (docs/performance.md).
    await Promise.all(workers.map((w) => w.stop()));
    const merged = mergeShards(results, task.maxListed, true);
    if (workers.length > 0) options.afterMerge?.();
    return merged;
  } finally {
    for (const w of workers) void w.stop();
  }
}

/**
 * Where to end a batch: just after the last newline that a non-continuation
 * line follows (0: none). `anyNewline`: just after the last newline at all.
 */
export function lastCut(bytes: Buffer, anyNewline: boolean): number {
  let nl = bytes.lastIndexOf(10, bytes.length - 2);
  while (nl >= 0) {
    const next = bytes[nl + 1]!;
    if (anyNewline || (next !== 32 && next !== 9)) return nl + 1;
    nl = nl > 0 ? bytes.lastIndexOf(10, nl - 1) : -1;
  }
  return 0;
}

function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

/** One worker thread learning batches (stream-worker.ts). */
class BatchWorker {
  waiting = 0;
  private readonly worker: Worker;
  private failure: Error | undefined;
  private answered = false;
  private resolveResult: ((r: ShardResult) => void) | undefined;
  private rejectResult: ((e: Error) => void) | undefined;

  constructor(
    file: string,
    task: StreamTask,
    youngGenerationMb: number,
    /** Takes back a batch's memory once the worker has learned it. */
    giveBack: (batch: ArrayBuffer) => void,
  ) {
    const workerData: StreamTask & WithV8Flags = { ...task, v8Flags: workerV8Flags() };
    this.worker = new Worker(file, {
      workerData,
      resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb },
    });
    this.worker.on('message', (m: { done?: ArrayBuffer; result?: PackedShard; error?: string }) => {
      if (m.done !== undefined) {
        this.waiting--;
        giveBack(m.done);
      } else if (m.result !== undefined) {
        this.answered = true;
        this.resolveResult?.(unpackShardResult(m.result));
      } else if (m.error !== undefined) this.fail(new Error(m.error));
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      if (!this.answered) this.fail(new Error(`trace worker exited with code ${code}`));
    });
  }

  /** Hands a batch over: its whole ArrayBuffer moves to the worker (a batch starts at its offset 0). */
  send(batch: Buffer, firstLine: number): void {
    this.waiting++;
    const ab = batch.buffer as ArrayBuffer;
    this.worker.postMessage({ batch: ab, length: batch.length, firstLine }, [ab]);
  }

  /** Asks for the worker's result once every batch it has is learned. */
  finish(): Promise<ShardResult> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.resolveResult = (r) => {
        this.resolveResult = undefined;
        resolve(r);
      };
      this.rejectResult = reject;
      this.worker.postMessage({ end: true });
    });
  }

  /** Ends the thread (no result is awaited afterwards); resolves once it has gone. */
  async stop(): Promise<void> {
    this.answered = true;
    await this.worker.terminate();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const reject = this.rejectResult;
    this.resolveResult = undefined;
    this.rejectResult = undefined;
    reject?.(e);
  }
}
