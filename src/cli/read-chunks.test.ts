/**
 * readChunks reuses two buffers in turn. These tests read traces of
 * several chunks, plain and gzip, through parseTrace and compare with the
 * whole file parsed at once: a consumer that kept a chunk past the next read
 * (zlib, the held first chunk, a partial line) would see it overwritten.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { generateTrace } from '../bench/generate-trace';
import type { TraceEvent } from '../trace/event';
import { parseTrace } from '../trace/parse-trace';
import { parseTraceText } from '../trace/push-parser';
import { CHUNK_BYTES, readChunks } from './read-chunks';

async function generated(lines: number): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (c: Buffer) => parts.push(c));
  await generateTrace({ seed: 11, lines, out });
  out.end();
  return Buffer.concat(parts);
}

async function eventsOf(file: string, start?: number, end?: number): Promise<TraceEvent[]> {
  const handle = await open(file, 'r');
  try {
    const events: TraceEvent[] = [];
    for await (const e of parseTrace(readChunks(handle, start, end), { file: 't' })) events.push(e);
    return events;
  } finally {
    await handle.close();
  }
}

describe('readChunks', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'read-chunks-'));
  let text: Buffer;
  beforeAll(async () => {
    // About 3.5 chunks, so lines and records straddle chunk ends.
    text = await generated(42_000);
    expect(text.length).toBeGreaterThan(3 * CHUNK_BYTES);
  });

  it('reads a plain trace of several chunks as parsing it whole does', async () => {
    const file = path.join(dir, 'plain.log');
    writeFileSync(file, text);
    expect(await eventsOf(file)).toEqual(parseTraceText(text, 't').events);
  });

  it('reads a gzip trace of several compressed chunks the same', async () => {
    const file = path.join(dir, 'trace.log.gz');
    // Level 0: the compressed file is as large as the text, so it spans several reused chunks.
    writeFileSync(file, gzipSync(text, { level: 0 }));
    expect(await eventsOf(file)).toEqual(parseTraceText(text, 't').events);
  });

  it('reads only the byte range asked for', async () => {
    const file = path.join(dir, 'range.log');
    writeFileSync(file, text);
    const start = text.indexOf('\n', CHUNK_BYTES) + 1;
    const end = text.indexOf('\n', 2 * CHUNK_BYTES + 100) + 1;
    const handle = await open(file, 'r');
    const parts: Buffer[] = [];
    for await (const c of readChunks(handle, start, end)) parts.push(Buffer.from(c));
    await handle.close();
    expect(Buffer.concat(parts).equals(text.subarray(start, end))).toBe(true);
  });

  it('keeps a chunk intact while the next read runs, until the next chunk is asked for', async () => {
    const file = path.join(dir, 'hold.log');
    writeFileSync(file, text);
    const handle = await open(file, 'r');
    let at = 0;
    for await (const c of readChunks(handle)) {
      const copy = Buffer.from(c);
      // Let the read in flight finish (it goes into the other buffer).
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(c.equals(copy)).toBe(true);
      expect(c.equals(text.subarray(at, at + c.length))).toBe(true);
      at += c.length;
    }
    await handle.close();
    expect(at).toBe(text.length);
  });

  it('a caller that stops early can close the file at once: the read in flight is waited for', async () => {
    const file = path.join(dir, 'early.log');
    writeFileSync(file, text);
    const handle = await open(file, 'r');
    for await (const c of readChunks(handle)) {
      expect(c.length).toBe(CHUNK_BYTES);
      break;
    }
    await handle.close();
  });

  it('lets go of both buffers at the end of the reading (not at an early stop)', async () => {
    const file = path.join(dir, 'end.log');
    writeFileSync(file, text);
    const handle = await open(file, 'r');
    const buffers = new Set<ArrayBufferLike>();
    for await (const c of readChunks(handle)) buffers.add(c.buffer);
    expect(buffers.size).toBe(2);
    expect([...buffers].map((b) => b.byteLength)).toEqual([0, 0]);
    let kept: Buffer | undefined;
    for await (const c of readChunks(handle)) {
      kept = c;
      break;
    }
    await handle.close();
    expect(kept!.buffer.byteLength).toBe(CHUNK_BYTES);
  });
});
