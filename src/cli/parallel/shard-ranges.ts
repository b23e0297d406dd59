/**
 * Splits a trace file into byte ranges that start at record boundaries, so
 * each range parses alone exactly as it would inside the whole file: a range
 * starts right after a newline, on a line that does not begin with a blank
 * or a tab (a continuation of a wrapped record never starts a range).
 *
 * Does not parse records or know line numbers: shards count their own lines
 * and the caller adds the lines of the shards before them.
 */
import { promises as fs } from 'node:fs';

/** A half-open byte range [start, end) of a file. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The first offset ≥ `from` in `buf` that starts a line which is not a
 * continuation (first byte neither space nor tab), or -1 when `buf` holds none.
 * `from` must not be 0: offset 0 is the file's start and always a boundary.
 */
export function findRecordBoundary(buf: Buffer, from: number): number {
  let nl = buf.indexOf(10, Math.max(0, from - 1));
  while (nl >= 0 && nl + 1 < buf.length) {
    const c = buf[nl + 1];
    if (c !== 32 && c !== 9) return nl + 1;
    nl = buf.indexOf(10, nl + 1);
  }
  return -1;
}

/** How far a boundary search reads at a time. */
const WINDOW = 64 * 1024;

/** Up to `n` ranges of about equal size covering the file `path` of `size` bytes, each starting at a record boundary. */
export async function shardRanges(path: string, size: number, n: number): Promise<ByteRange[]> {
  const cuts: number[] = [0];
  const fh = await fs.open(path, 'r');
  try {
    const buf = Buffer.alloc(WINDOW);
    for (let i = 1; i < n; i++) {
      let at = Math.max(Math.floor((size * i) / n), cuts[cuts.length - 1]! + 1);
      let cut = -1;
      // Read windows until a boundary appears (a long run of continuation lines is possible).
      while (cut < 0 && at < size) {
        const { bytesRead } = await fh.read(buf, 0, WINDOW, at - 1);
        if (bytesRead <= 1) break;
        const found = findRecordBoundary(buf.subarray(0, bytesRead), 1);
        if (found >= 0) cut = at - 1 + found;
        else at += bytesRead - 1;
      }
      if (cut < 0 || cut >= size) break;
      if (cut > cuts[cuts.length - 1]!) cuts.push(cut);
    }
  } finally {
    await fh.close();
  }
  return cuts.map((start, i) => ({ start, end: i + 1 < cuts.length ? cuts[i + 1]! : size }));
}
