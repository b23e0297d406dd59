/**
 * The distinct-failure trace of the benchmark (issue 15's memory budget):
 * record `i` of `n` is a failure (or a link success) that no other record
 * repeats, over `n / 10` types (`t0_t`…, the types of bigPolicy and beyond
 * them), 997 processes, attach paths, ability values, connect targets and
 * link paths, so every record is a requirement and a review group of its own.
 * `writeDistinctFailures` streams it in constant memory (1M records are 88 MB);
 * `distinctFailures` in bench-inputs.ts is the same text as one string.
 *
 * Not public API. Deterministic: same `n`, same bytes.
 */
import type { Writable } from 'node:stream';

/** Record `i` (0-based) of the trace of `n` distinct failures, without its newline. */
export function distinctFailureLine(i: number, n: number): string {
  const types = Math.max(1, Math.ceil(n / 10));
  const t = `t${i % types}_t`;
  const p = `bin/p${i % 997}`;
  if (i % 4 === 0)
    return `error: ${p} (pid:${i}) of type ${t} failed to attach to path /dev/svc${i}/x: no rule`;
  if (i % 4 === 1) return `error: ${p} (pid:${i}) type ${t} lacks ability SETUID(${i}) as root`;
  if (i % 4 === 2)
    return `error: ${p} (pid:${i}) type ${t} lacks ability CHANNEL_CONNECT(${i % 50}) (t${i % 300}_t) as non-root`;
  return `info: ${p} (pid:${i}) of type ${t} created link to path /tmp/l${i}`;
}

/** Writes the `n` records to `out` (waiting when it asks to); resolves to the bytes written. */
export async function writeDistinctFailures(n: number, out: Writable): Promise<number> {
  let bytes = 0;
  let buf = '';
  const flush = async (): Promise<void> => {
    bytes += Buffer.byteLength(buf);
    const ok = out.write(buf);
    buf = '';
    if (!ok) await new Promise((resolve) => out.once('drain', resolve));
  };
  for (let i = 0; i < n; i++) {
    buf += `${distinctFailureLine(i, n)}\n`;
    if (buf.length > 64 * 1024) await flush();
  }
  await flush();
  return bytes;
}
