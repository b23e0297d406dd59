/**
 * The worker-thread entry of parallel learning: runs inferShard on the task in
 * `workerData`, posts `{ bytes }` as it reads (for the progress bar) and then
 * `{ result }` (packed into typed arrays, every buffer transferred:
 * src/infer/shard-transfer.ts), or `{ error, code }` (code: the system
 * error's, so the caller can say it in words).
 *
 * Does nothing when loaded outside a worker.
 */
// First: the flags the worker's start undid (the modules below take time to load).
import './worker-v8-flags';
import { parentPort, workerData } from 'node:worker_threads';
import { packShardResult } from '../../infer/shard-transfer';
import { inferShard, type ShardTask, type ShardWorkerMessage } from './infer-shard';

if (parentPort) {
  const port = parentPort;
  const post = (m: ShardWorkerMessage, transfer: ArrayBuffer[] = []): void =>
    port.postMessage(m, transfer);
  inferShard(workerData as ShardTask, (bytes) => post({ bytes })).then(
    // Moved, not copied, and no object graph cloned: the worker holds nothing afterwards.
    (result) => {
      const { packed, transfer } = packShardResult(result);
      post({ result: packed }, transfer);
    },
    (error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      post({ error: String((error as Error).message ?? error), ...(code ? { code } : {}) });
    },
  );
}
