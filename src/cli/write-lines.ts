import type { Writable } from 'node:stream';
import { drained, gone } from './drained';
import { LineBatch } from './line-batch';

/** About what one write hands the stream. */
const BATCH_BYTES = 1 << 16;

/**
 * Writes each line of `lines` (`paint`ed, then a newline) to `out` as it is
 * produced, in batches of about 64 KiB, waiting for 'drain' when the stream
 * asks to, so a slow reader holds the producer rather than a backlog of
 * text; returns the generator's value. A closed reader (`| head`) destroys
 * the stream, a failed write (a full disk) leaves it errored: no drain will
 * come, and the lines left are produced and dropped (the CLI reports the
 * write error; the caller still prints what follows the lines).
 */
export async function writeLines<R>(
  out: Writable,
  lines: Generator<string, R, undefined>,
  paint: (line: string) => string = (line) => line,
): Promise<R> {
  const batch = new LineBatch();
  let next = lines.next();
  for (; !next.done; next = lines.next()) {
    batch.addLine(paint(next.value));
    if (batch.length >= BATCH_BYTES) await flushed(out, batch);
  }
  if (!batch.empty) await flushed(out, batch);
  return next.value;
}

/**
 * `writeLines` of lines some of which come as rows (anything but a string)
 * that `row` writes into the batch as bytes, line end excluded (no string
 * made for them); the strings are written as they are.
 */
export async function writeRows<T, R>(
  out: Writable,
  lines: Generator<string | T, R, undefined>,
  row: (item: T, batch: LineBatch) => void,
): Promise<R> {
  const batch = new LineBatch();
  let next = lines.next();
  for (; !next.done; next = lines.next()) {
    const item = next.value;
    if (typeof item === 'string') batch.addLine(item);
    else {
      row(item, batch);
      batch.endLine();
    }
    if (batch.length >= BATCH_BYTES) await flushed(out, batch);
  }
  if (!batch.empty) await flushed(out, batch);
  return next.value;
}

/** Hands `batch`'s bytes to `out` (writeBytes). */
function flushed(out: Writable, batch: LineBatch): Promise<void> {
  return writeBytes(out, batch.take());
}

/**
 * Writes `bytes` to `out`, waiting for 'drain' when it asks to; a reader gone
 * away (`| head`: the stream destroyed or failed) ends it, nothing written.
 */
export async function writeBytes(out: Writable, bytes: Uint8Array): Promise<void> {
  if (!gone(out) && !out.write(bytes) && !gone(out)) await drained(out);
}

/** Runs `lines` to its end without writing them (what `writeLines` returns, nothing printed). */
export function skipLines<R>(lines: Generator<string, R, undefined>): R {
  let next = lines.next();
  while (!next.done) next = lines.next();
  return next.value;
}
