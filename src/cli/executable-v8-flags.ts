/**
 * V8 settings of the `secpol-learn` executable (src/bin.ts), not of the library: a program
 * that imports secpol-learn keeps its own. Each flag is one V8 reads while it runs (at each
 * collection), so setting it after start-up takes effect; flags V8 reads only at start-up
 * (`--max-semi-space-size`) would need a second process and are not used; `--expose-gc` is
 * read when a context is made, and is set for one context only (fullCollection). Worker
 * threads set again what their isolate's start undid (workerV8Flags). Measurements:
 * docs/performance.md ("Heap growth", "The young generation while the heap is small",
 * "Two threads' peak, third try").
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The young generation's growth while the heap is small, and V8's own. */
const SMALL_HEAP_SEMI_SPACE_GROWTH = '--semi-space-growth-factor=1';
const V8_SEMI_SPACE_GROWTH = '--semi-space-growth-factor=2';

export const EXECUTABLE_V8_FLAGS: readonly string[] = [
  // With a large policy in the heap before the traces are read, V8's allocation-site
  // pretenuring sometimes moves the trace stage's short-lived objects to the old
  // generation, for much more time and memory on a 10,000-type policy.
  '--no-allocation-site-pretenuring',
  // V8 lets the heap grow to about twice what survived the last full collection before it
  // collects again, so a command holding a million distinct accesses peaked at about twice
  // their size. A growth of a fifth bounds the peak near the live size, for more frequent
  // collections where the live heap is large.
  '--heap-growing-percent=20',
  // The young generation starts at 1 MiB semi-spaces and V8 doubles them, up to 16 MiB
  // each, while much of what it allocates survives a scavenge: a trace reader's steady
  // state, which then kept tens of MiB of mostly empty young generation for its whole run.
  // A growth factor of 1 keeps the semi-spaces at their start size (worker threads have
  // their own cap: resourceLimits, src/cli/parallel/), until the heap is large (below).
  SMALL_HEAP_SEMI_SPACE_GROWTH,
];

/**
 * Past this much used heap the young generation may grow again (V8's default growth):
 * with a large old generation, each scavenge also walks the old-to-new pointers, so small
 * semi-spaces (many scavenges) cost much time, while what they save is a small part of
 * such a peak. The bench traces stay under it for their whole run.
 */
export const LARGE_HEAP_BYTES = 128 * 1024 * 1024;

/**
 * Sets EXECUTABLE_V8_FLAGS on this process's V8, and looks at the heap every `everyMs` while
 * the event loop turns (an unreferenced timer, which keeps no process alive; a long
 * synchronous stretch only delays the look). At each look, while the used heap is under
 * LARGE_HEAP_BYTES, it sets the young generation's growth of 1 again: creating an isolate
 * (a worker thread) sets it back to V8's 2, which V8 takes as its least (observed on Node
 * 20; docs/performance.md). While the heap is large, it sets V8's growth: a worker created
 * while the heap was small sets the growth of 1 when its thread starts (workerV8Flags),
 * which may come after the heap has grown.
 */
export function applyExecutableV8Flags(everyMs = 50): void {
  for (const flag of EXECUTABLE_V8_FLAGS) setFlagsFromString(flag);
  executable = true;
  smallHeap = true;
  const watch = setInterval(() => {
    smallHeap = getHeapStatistics().used_heap_size < LARGE_HEAP_BYTES;
    setFlagsFromString(smallHeap ? SMALL_HEAP_SEMI_SPACE_GROWTH : V8_SEMI_SPACE_GROWTH);
  }, everyMs);
  watch.unref();
}

/** Whether the executable set its flags (applyExecutableV8Flags): only then is there a full collection. */
let executable = false;
/** V8's full collection, made at its first use (fullCollection): start-up does not pay for it. */
let collector: (() => void) | undefined;
/** The executable keeps the young generation's growth at 1 (applyExecutableV8Flags, until the heap is large). */
let smallHeap = false;

/**
 * The flags a worker thread sets first thing (src/cli/parallel/worker-v8-flags.ts): a new
 * isolate sets the young generation's growth back to V8's for the whole process, and the
 * main thread, reading its own shard, turns its event loop (the watch above) only now and
 * then, too late for both threads' young generations (docs/performance.md, "Two threads'
 * peak, third try"). Empty in a program that imports secpol-learn, and while the heap is large.
 */
export function workerV8Flags(): string[] {
  return smallHeap ? [SMALL_HEAP_SEMI_SPACE_GROWTH] : [];
}

/**
 * A full collection of this thread's heap, when the executable runs (applyExecutableV8Flags);
 * nothing in a program that imports secpol-learn. For the moment after a two-thread read's
 * merge (src/cli/parallel/read-parallel.ts): the buffers a worker filled were allocated in
 * its thread's malloc arena, which gives pages back only once the blocks at its top are
 * free, and no full collection comes by itself before the command ends
 * (docs/performance.md, "Two threads' peak, third try").
 */
export function fullCollection(): void {
  if (!executable) return;
  collector ??= exposedGc();
  collector();
}

/**
 * V8's `gc` function: `--expose-gc` is read when a context is made, so a new context made
 * with it set has `gc` (a full collection of the whole isolate's heap); the flag is unset
 * again at once, so that no later context (a worker's) carries the global.
 */
function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as () => void;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
