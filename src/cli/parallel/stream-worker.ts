/**
 * The worker-thread entry of parallel learning from a stream
 * (read-stream-parallel.ts): learns each `{ batch, length, firstLine }` it is sent
 * into one learner (a SummaryLearner for `summarize`, else a ShardLearner) and answers
 * `{ done }` with the batch's memory; on `{ end }` posts `{ result }` (packed into typed
 * arrays, every buffer transferred: src/infer/shard-transfer.ts). Errors are posted as `{ error }`.
 *
 * Does nothing when loaded outside a worker.
 */
// First: the flags the worker's start undid (the modules below take time to load).
import './worker-v8-flags';
import { parentPort, workerData } from 'node:worker_threads';
import { ShardLearner } from '../../infer/shard-learner';
import { SummaryLearner } from '../../infer/summary-learner';
import { packShardResult } from '../../infer/shard-transfer';
import type { StreamTask } from './read-stream-parallel';

if (parentPort) {
  const port = parentPort;
  const task = workerData as StreamTask;
  const learner = task.summarize
    ? new SummaryLearner(task.filter, task.maxListed)
    : new ShardLearner(task.filter, task.maxListed, {
        review: Boolean(task.review),
        places: task.places !== false,
      });
  port.on(
    'message',
    (m: { batch?: ArrayBuffer; length?: number; firstLine?: number; end?: true }) => {
      try {
        if (m.batch !== undefined) {
          const parser = learner.piece(task.file, m.firstLine);
          parser.feed(Buffer.from(m.batch, 0, m.length));
          learner.endPiece(parser);
          // The memory goes back to be filled again (transferred, not copied).
          port.postMessage({ done: m.batch }, [m.batch]);
        } else if (m.end) {
          // Moved, not copied, and no object graph cloned: the worker holds nothing afterwards.
          const { packed, transfer } = packShardResult(learner.shardResult());
          port.postMessage({ result: packed }, transfer);
        }
      } catch (error) {
        port.postMessage({ error: String(error) });
      }
    },
  );
}
