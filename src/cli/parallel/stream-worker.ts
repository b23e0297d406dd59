/**
 * The worker-thread entry of parallel learning from a stream
 * (read-stream-parallel.ts): learns each `{ batch, length, firstLine }` it is sent
 * into one ShardLearner and answers `{ done }` with the batch's memory; on `{ end }` posts
 * `{ result }` (structured clone, the atoms' column buffers transferred). Errors are posted as `{ error }`.
 *
 * Does nothing when loaded outside a worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ShardLearner, resultBuffers } from '../../infer/shard-learner';
import { SummaryLearner } from '../../infer/summary-learner';
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
          const result = learner.result();
          // The atoms' columns are moved, not copied (the worker holds nothing afterwards).
          port.postMessage({ result }, resultBuffers(result));
        }
      } catch (error) {
        port.postMessage({ error: String(error) });
      }
    },
  );
}
