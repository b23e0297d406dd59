/**
 * The worker-thread entry of parallel learning: runs inferShard on the task in
 * `workerData`, posts `{ bytes }` as it reads (for the progress bar) and then
 * `{ result }` (structured clone: Maps and BigInt-free strings cross intact).
 *
 * Does nothing when loaded outside a worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { inferShard, type ShardTask } from './infer-shard';

if (parentPort) {
  const port = parentPort;
  inferShard(workerData as ShardTask, (bytes) => port.postMessage({ bytes })).then(
    (result) => port.postMessage({ result }),
    (error: unknown) => port.postMessage({ error: String(error) }),
  );
}
