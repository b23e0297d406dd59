/**
 * Reads a file (or a byte range of it) in 1 MiB chunks into two buffers that
 * are reused in turn. A chunk is valid only until the next one is asked for:
 * the push parser consumes each chunk synchronously (and copies the partial
 * line it keeps), and maybeGunzip copies what it hands to zlib.
 *
 * Why: a stream (`createReadStream`) allocates a fresh buffer per chunk, and
 * that external memory costs about 0.25 s of GC and copying per 1M lines
 * (docs/performance.md). Two buffers, so the next read runs (on libuv's
 * thread pool) while the caller parses this chunk: with one, the reading
 * thread sat idle for each read.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { freeNow } from '../infer/atom-columns';

/** Bytes per read: the default 64 KiB costs a round trip per ~700 lines. */
export const CHUNK_BYTES = 1 << 20;

/** Yields the bytes of `handle` from `start` (default 0) up to `end` (exclusive; default: the end of the file). */
export async function* readChunks(
  handle: FileHandle,
  start = 0,
  end = Number.POSITIVE_INFINITY,
): AsyncGenerator<Buffer, void, undefined> {
  let current = Buffer.allocUnsafe(CHUNK_BYTES);
  let other = Buffer.allocUnsafe(CHUNK_BYTES);
  let position = start;
  const read = (into: Buffer): Promise<number> =>
    position < end
      ? handle
          .read(into, 0, Math.min(CHUNK_BYTES, end - position), position)
          .then((r) => r.bytesRead)
      : Promise.resolve(0);
  let pending = read(current);
  try {
    for (;;) {
      const bytesRead = await pending;
      if (bytesRead === 0) {
        // At the end, no chunk is valid any more: both buffers are let go of now, not at the
        // next full collection (they are old by then), while the reader's thread goes on to
        // build and hand over its result (docs/performance.md, "summarize's values as numbers").
        // Each has an ArrayBuffer of its own (CHUNK_BYTES is far past Buffer's pool), so nothing
        // else is detached with it.
        freeNow(current);
        freeNow(other);
        return;
      }
      position += bytesRead;
      // The next read goes into the other buffer while the caller has this one.
      pending = read(other);
      yield current.subarray(0, bytesRead);
      [current, other] = [other, current];
    }
  } finally {
    // A caller that stops early (an error, a return) may close the handle: wait for the read
    // in flight first, and drop its result or error.
    await pending.catch(() => 0);
  }
}

/**
 * The bytes of a file that cannot be read at positions (a named pipe, a
 * process substitution `<(zcat a.gz)`, a device: positional reads fail with
 * ESPIPE), from where it is to its end. The handle stays open for the caller
 * to close.
 */
export function streamOf(handle: FileHandle): AsyncIterable<Buffer> {
  return handle.createReadStream({ highWaterMark: CHUNK_BYTES, autoClose: false });
}

/** The first `size` bytes of the file at `file` (fewer when it is shorter): what a reader is chosen by. */
export async function readHead(file: string, size = 64 * 1024): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
