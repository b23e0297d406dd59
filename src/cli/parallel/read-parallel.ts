/**
 * Learning from large trace files on every core: each file is cut into byte
 * ranges at record boundaries (shard-ranges.ts), each range is learned in a
 * worker thread (shard-worker.ts → inferShard), and the per-shard results are
 * merged with `mergeInferResults` — associative and commutative, so the result
 * is byte-for-byte the single-thread one (tested). Line numbers in evidence
 * and diagnostics are shifted by the lines of the shards before them.
 *
 * Gzip files cannot be cut: each is one task, inflated in its thread, so
 * several gzip files (a device's rotated logs, a fleet's) share the cores.
 * Standard input alone and a lone gzip file are read as a stream and cut into
 * batches as they arrive (read-stream-parallel.ts). Standard input among
 * other files and small inputs are left to the caller, which reads them in
 * one thread (src/cli/read-traces.ts).
 */
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { CliIo } from '../io';
import { traceProgress } from '../progress';
import type { TraceFilter } from '../../infer/trace-filter';
import type { TracePosition } from '../../trace/event';
import { FileError } from '../../errors';
import { readChunks, readHead } from '../read-chunks';
import { startsAsGzip } from '../../trace/parse-trace';
import { startsAsSecpolgenerate } from '../../trace/trace-input';
import { inferShard, type ShardTask, type ShardWorkerMessage } from './infer-shard';
import { readStreamParallel, type StreamTask } from './read-stream-parallel';
import { mergeShards, type ShardResult } from '../../infer/shard-learner';
import { shiftAtomLines } from '../../infer/review-tally';
import { shardRanges } from './shard-ranges';
import { unpackShardResult } from '../../infer/shard-transfer';
import { fullCollection, workerV8Flags } from '../executable-v8-flags';
import type { WithV8Flags } from './worker-v8-flags';

/**
 * Below this many bytes in all, threads cost more than they save. With the
 * fast lane one thread learns about 130 MB/s; a worker's start, its cold
 * code and the merge cost about half a second, so two threads lost at 87 MB
 * (1.5-2.2 s against 1.1-1.4 s) and gained little at 870 MB (5.6-5.9 s
 * against 6.1 s) on the 2-core bench machine (docs/performance.md).
 */
const MIN_PARALLEL_BYTES = 256 * 1024 * 1024;
/**
 * A gzip file counts as this many times its size towards MIN_PARALLEL_BYTES:
 * about what monitor logs compress by (the bench trace: 7.1×).
 */
const GZIP_RATIO = 7;

/** What a file counts towards the thresholds: its size, a gzip file's as GZIP_RATIO times it. */
export function weighed(size: number, gzip: boolean): number {
  return gzip ? size * GZIP_RATIO : size;
}

/** A worker's or shard's failure on `file`: a read or inflate error (unreadable, a corrupt gzip file) is the user's input problem. */
function asReadError(file: string): (error: unknown) => never {
  return (error) => {
    throw (error as NodeJS.ErrnoException).code !== undefined
      ? new FileError(file, 'read', error)
      : error;
  };
}
/** Young-generation size of each worker, MB (see inWorker). */
const YOUNG_GENERATION_MB = 12;

/** Options of readTracesParallel. */
export interface ParallelOptions {
  /** Threads; default: threadCount (SECPOL_LEARN_THREADS capped by the cores, else the cores). */
  threads?: number;
  /** Smallest total size worth splitting; default 256 MiB. */
  minBytes?: number;
  /** Run shards in this thread (tests; or when the compiled worker is missing). */
  inProcess?: boolean;
  /** Count a review tally instead of requirements (`check`, `explain`, `harden`). */
  review?: boolean;
  /** Review only: false keeps each atom's first failure place only (`harden`, which lists none). */
  places?: boolean;
  /** Learn the requirements and count the review tally, in one reading (src/infer/summary-learner.ts). */
  summarize?: boolean;
  /**
   * Called once when the shards of several lanes (threads) have been merged; default: the
   * executable's full collection (fullCollection: nothing in a program that imports
   * secpol-learn), so that the memory the workers' buffers took goes before the command
   * goes on. Tests count the calls.
   */
  afterMerge?: () => void;
  /**
   * Called once in a merge of several lanes, between the requirements' merge and the review
   * tables' (mergeShards); default: the executable's full collection, so that the garbage of
   * the reading and of the unpacking is gone before the merged table is made. Tests count
   * the calls.
   */
  beforeReviews?: () => void;
}

/**
 * How many threads to use: `SECPOL_LEARN_THREADS` (1 = never parallel), at
 * most the cores available (more threads than cores only add workers' memory
 * and switching, never speed), else the cores available.
 */
export function threadCount(
  env: NodeJS.ProcessEnv,
  cores: number = os.availableParallelism(),
): number {
  const asked = Number(env.SECPOL_LEARN_THREADS);
  if (Number.isInteger(asked) && asked >= 1) return Math.min(asked, cores);
  return cores;
}

/**
 * Learns from `files` (sorted, as read-traces.ts reads them) on several
 * threads; standard input alone and a lone gzip file as a stream cut into
 * batches (read-stream-parallel.ts). Undefined when they should be read in
 * one thread (standard input among files, small, unreadable: the one-thread
 * path reports those).
 */
export async function readTracesParallel(
  files: string[],
  filter: TraceFilter,
  io: CliIo,
  maxListed: number,
  options: ParallelOptions = {},
): Promise<ShardResult | undefined> {
  const threads = options.threads ?? threadCount(io.env);
  const review = Boolean(options.review);
  const places = options.places !== false;
  const summarize = Boolean(options.summarize);
  if (threads <= 1 || files.length === 0) return undefined;
  const workerDir = options.inProcess ? undefined : existingWorkerDir();
  if (files.length === 1 && files[0] === '-') {
    const task = { file: '-', filter, maxListed, review, places, summarize };
    return readStream(io.stdin, task, io, threads, options, workerDir);
  }
  if (files.includes('-')) return undefined;
  const sorted = [...files].sort();
  const sizes: number[] = [];
  const gzip: boolean[] = [];
  for (const file of sorted) {
    const p = path.resolve(io.cwd, file);
    const st = await fs.stat(p).catch(() => undefined);
    if (!st || !st.isFile()) return undefined;
    sizes.push(st.size);
    const start = await firstBytes(p, file);
    // secpolgenerate output is read whole, in one thread: its rules span lines (trace-input.ts).
    if (startsAsSecpolgenerate(start)) return undefined;
    gzip.push(startsAsGzip(start));
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  const weight = sizes.reduce((a, b, i) => a + weighed(b, gzip[i]!), 0);
  if (weight < (options.minBytes ?? MIN_PARALLEL_BYTES)) return undefined;
  if (sorted.length === 1 && gzip[0]) {
    // A lone gzip file cannot be cut up front: it is read as a stream, cut as it inflates.
    const handle = await fs.open(path.resolve(io.cwd, sorted[0]!), 'r').catch((error: unknown) => {
      throw new FileError(sorted[0]!, 'read', error);
    });
    try {
      return await readStream(
        readChunks(handle),
        { file: sorted[0]!, filter, maxListed, review, places, summarize },
        io,
        threads,
        options,
        workerDir,
        total,
      );
    } finally {
      await handle.close();
    }
  }
  const tasks: ShardTask[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const p = path.resolve(io.cwd, sorted[i]!);
    const file = sorted[i]!;
    if (gzip[i]) {
      tasks.push({
        path: p,
        file,
        range: { start: 0, end: sizes[i]! },
        gzip: true,
        filter,
        maxListed,
        review,
        places,
        summarize,
      });
      continue;
    }
    for (const range of await shardRanges(p, sizes[i]!, threads)) {
      tasks.push({
        path: p,
        file,
        range,
        gzip: false,
        filter,
        maxListed,
        review,
        places,
        summarize,
      });
    }
  }
  // One task (a file too small to cut): nothing to share.
  if (tasks.length < 2) return undefined;
  const progress = traceProgress(io);
  progress.expect(total);
  const inProcess = workerDir === undefined;
  const workerFile = path.join(workerDir ?? __dirname, 'shard-worker.js');
  // The workers the lanes start with: this thread reads once they have started (`started`).
  const started = startGate(inProcess ? 0 : Math.min(threads, tasks.length) - 1);
  // Lane 0 is this thread, which would otherwise only wait: one worker fewer to start and to hold in memory.
  const run = (t: ShardTask, lane: number): Promise<() => ShardResult> =>
    (inProcess
      ? inferShard(t, (n) => progress.advance(n)).then(asIs)
      : lane === 0
        ? started.all.then(() => inferShard(t, (n) => progress.advance(n))).then(asIs)
        : inWorker(workerFile, t, (n) => progress.advance(n), started.one)
    ).catch(asReadError(t.file));
  let settled: (() => ShardResult)[];
  try {
    settled = await pool(tasks, threads, run);
  } finally {
    progress.done();
  }
  // A worker's result is unpacked only now, every lane done: not while this thread still reads.
  const results = settled.map((unpack) => unpack());
  // Its packed bytes are garbage from here (beforeReviews).
  settled.length = 0;
  // Shift each shard's lines by the lines of the shards of the same file before it.
  let offset = 0;
  for (let i = 0; i < tasks.length; i++) {
    if (i > 0 && tasks[i]!.file !== tasks[i - 1]!.file) offset = 0;
    if (offset > 0) shiftLines(results[i]!, offset);
    offset += results[i]!.lines;
  }
  const merged = mergeShards(results, maxListed, true, options.beforeReviews ?? fullCollection);
  (options.afterMerge ?? fullCollection)();
  return merged;
}

/** Adds `offset` to every line number a shard result holds (each position object once: they are shared). */
function shiftLines(r: ShardResult, offset: number): void {
  const seen = new Set<TracePosition>();
  const shift = (p: TracePosition | undefined): void => {
    if (p === undefined || seen.has(p)) return;
    seen.add(p);
    p.line += offset;
  };
  const evidence = [
    ...[...r.inferred.requirements.byKey.values()].map((q) => q.evidence),
    ...r.inferred.untyped.values(),
  ];
  for (const ev of evidence) {
    shift(ev.first);
    shift(ev.last);
    shift(ev.firstFailure);
  }
  // A review atom's places are its own (one record counts into one atom): shifted in its table's
  // columns, without the set, which would hold every place.
  if (r.review) shiftAtomLines(r.review.atoms, offset);
  for (const u of r.review?.unknown ?? []) shift(u.position);
  for (const d of [...r.inferred.refused, ...r.notUnderstood]) d.line += offset;
}

/** `r` as a lane's result: read in this thread, nothing to unpack. */
function asIs(r: ShardResult): () => ShardResult {
  return () => r;
}

/** Runs `tasks` on at most `limit` lanes at a time (`run` is told its lane); results in task order. */
async function pool<T, R>(
  tasks: T[],
  limit: number,
  run: (t: T, lane: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(tasks.length);
  let next = 0;
  const lane = async (_: unknown, laneNumber: number): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await run(tasks[i]!, laneNumber);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  return results;
}

/**
 * Resolves `all` once `one` has been called `workers` times (or at once for
 * none): a worker's isolate, as it starts, sets V8's young-generation growth
 * back to V8's own for the whole process, and this thread, reading
 * meanwhile, had its young generation grown before the worker's
 * first statement set the executable's again (docs/performance.md, "Two
 * threads' peak, with room"). Each call of `one` sets the executable's
 * worker flags in this thread (workerV8Flags: none in a library user).
 */
export function startGate(workers: number): { all: Promise<void>; one: () => void } {
  let left = workers;
  let open = (): void => undefined;
  const all = left <= 0 ? Promise.resolve() : new Promise<void>((resolve) => (open = resolve));
  return {
    all,
    one: () => {
      for (const flag of workerV8Flags()) setFlagsFromString(flag);
      if (--left === 0) open();
    },
  };
}

/**
 * Runs one task in a worker thread; `onStart` is called once its thread runs (or failed to
 * start). Resolves to the result's unpacking, which the caller calls when it holds it.
 */
function inWorker(
  workerFile: string,
  task: ShardTask,
  onBytes: (n: number) => void,
  onStart: () => void = () => undefined,
): Promise<() => ShardResult> {
  return new Promise((resolve, reject) => {
    // A small young generation: nearly every object dies young here, and the
    // default semi-spaces (16 MiB each, per thread) are most of the peak RSS.
    const workerData: ShardTask & WithV8Flags = { ...task, v8Flags: workerV8Flags() };
    const worker = new Worker(workerFile, {
      workerData,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    let settled = false;
    let running = false;
    const start = (): void => {
      if (!running) onStart();
      running = true;
    };
    worker.on('online', start);
    worker.on('message', (m: ShardWorkerMessage) => {
      if (m.bytes !== undefined) onBytes(m.bytes);
      else if (m.result !== undefined) {
        settled = true;
        // Unpacked by the caller once every lane is done (readTracesParallel): the result
        // deserialized (its requirements, notes, counts) would sit in this thread's heap beside
        // what this thread still reads; packed, it is its bytes only.
        const packed = m.result;
        const result = (): ShardResult => unpackShardResult(packed);
        // Resolved once the thread has gone: until then the collection after the merge
        // (afterMerge) left the memory its buffers took in place (docs/performance.md).
        const done = (): void => resolve(result);
        worker.terminate().then(done, done);
      } else if (m.error !== undefined) {
        settled = true;
        // The system error's code crosses with its text, so the caller can say it in words.
        reject(Object.assign(new Error(m.error), m.code !== undefined ? { code: m.code } : {}));
        void worker.terminate();
      }
    });
    worker.on('error', (e) => {
      start();
      if (!settled) reject(e);
    });
    worker.on('exit', (code) => {
      start();
      if (!settled) reject(new Error(`trace worker exited with code ${code}`));
    });
  });
}

/** The directory of the compiled worker scripts; undefined when running from sources (tests, ts-node). */
function existingWorkerDir(): string | undefined {
  return existsSync(path.join(__dirname, 'shard-worker.js')) ? __dirname : undefined;
}

/** One stream (stdin, a lone gzip file of `size` bytes) on every core: read-stream-parallel.ts. */
async function readStream(
  input: AsyncIterable<Buffer | string>,
  task: StreamTask,
  io: CliIo,
  threads: number,
  options: ParallelOptions,
  workerDir: string | undefined,
  size?: number,
): Promise<ShardResult> {
  const progress = traceProgress(io);
  if (size !== undefined) progress.expect(size);
  try {
    return await readStreamParallel(input, task, {
      threads,
      minBytes: options.minBytes ?? MIN_PARALLEL_BYTES,
      workerFile: workerDir && path.join(workerDir, 'stream-worker.js'),
      onBytes: (n) => progress.advance(n),
      youngGenerationMb: YOUNG_GENERATION_MB,
      afterMerge: options.afterMerge ?? fullCollection,
    });
  } catch (error) {
    // A read or inflate error (a corrupt gzip file) is the user's input problem, as in one thread.
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    throw new FileError(task.file, 'read', error);
  } finally {
    progress.done();
  }
}

/** The first bytes of a file (what the reader is chosen by); `file` as named, for errors. */
function firstBytes(p: string, file: string): Promise<Buffer> {
  return readHead(p).catch((error: unknown) => {
    throw new FileError(file, 'read', error);
  });
}
