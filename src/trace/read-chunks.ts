/**
 * Reads a file (or a byte range of it) in 1 MiB chunks into one buffer that
 * is reused for every read. A chunk is valid only until the next one is asked
 * for: the push parser consumes each chunk synchronously (and copies the
 * partial line it keeps), and maybeGunzip copies what it hands to zlib.
 *
 * Why: a stream (`createReadStream`) allocates a fresh buffer per chunk, and
 * that external memory costs about 0.25 s of GC and copying per 1M lines
 * (docs/performance.md).
 */
import type { FileHandle } from 'node:fs/promises';

/** Bytes per read: the default 64 KiB costs a round trip per ~700 lines. */
export const CHUNK_BYTES = 1 << 20;

/** Yields the bytes of `handle` from `start` (default 0) up to `end` (exclusive; default: the end of the file). */
export async function* readChunks(
  handle: FileHandle,
  start = 0,
  end = Number.POSITIVE_INFINITY,
): AsyncGenerator<Buffer, void, undefined> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let position = start;
  while (position < end) {
    const want = Math.min(CHUNK_BYTES, end - position);
    const { bytesRead } = await handle.read(buffer, 0, want, position);
    if (bytesRead === 0) return;
    position += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}
