/**
 * The worker-thread entry of parallel learning: runs inferShard on the task in
 * `workerData`, posts `{ bytes }` as it reads (for the progress bar) and then
 * `{ result }` (structured clone: Maps and BigInt-free strings cross intact), or
 * `{ error, code }` (code: the system error's, so the caller can say it in words).
 *
 * Does nothing when loaded outside a worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { resultBuffers } from '../../infer/shard-learner';
import { inferShard, type ShardTask, type ShardWorkerMessage } from './infer-shard';

if (parentPort) {
  const port = parentPort;
  const post = (m: ShardWorkerMessage, transfer: ArrayBuffer[] = []): void =>
    port.postMessage(m, transfer);
  inferShard(workerData as ShardTask, (bytes) => post({ bytes })).then(
    // The atoms' columns are moved, not copied (the worker holds nothing afterwards).
    (result) => post({ result }, resultBuffers(result)),
    (error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      post({ error: String((error as Error).message ?? error), ...(code ? { code } : {}) });
    },
  );
}
