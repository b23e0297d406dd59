/**
 * Sets the V8 flags a worker thread was given (`v8Flags` in its workerData:
 * src/cli/executable-v8-flags.ts, workerV8Flags), as the worker's first
 * statement: imported first by each worker entry, before the modules that
 * take time to load. Does nothing outside a worker.
 */
import { setFlagsFromString } from 'node:v8';
import { isMainThread, workerData } from 'node:worker_threads';

/** What a worker's workerData carries besides its task. */
export interface WithV8Flags {
  v8Flags?: readonly string[];
}

if (!isMainThread) {
  for (const flag of (workerData as WithV8Flags | undefined)?.v8Flags ?? []) {
    setFlagsFromString(flag);
  }
}
