/**
 * The streaming trace reader: `parseTrace(readable, {file})` is an async
 * generator of TraceEvents whose return value is the TraceSummary. Detects
 * gzip by its magic bytes (1f 8b) and decompresses on the fly.
 *
 * Does not open files or print: the CLI does. Memory is constant (see
 * push-parser.ts); events are yielded in batches per chunk.
 */
import { createGunzip } from 'node:zlib';
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { TraceEvent } from './event';
import type { RecordLane, TraceSummary } from './push-parser';
import { TraceInputParser } from './trace-input';

/** Options of parseTrace. */
export interface ParseTraceOptions {
  /** The file as the user named it (`-` for stdin); used in positions and diagnostics. */
  file: string;
  /** Called for each line not understood, truncated record or over-long line. */
  onDiagnostic?: (diagnostic: Diagnostic) => void;
  /** Read times from logger prefixes (default true; see PushParserOptions.times). */
  times?: boolean;
}

/** Yields one event per record of `input` (plain or gzip); returns the summary. */
export async function* parseTrace(
  input: AsyncIterable<Buffer | string>,
  options: ParseTraceOptions,
): AsyncGenerator<TraceEvent, TraceSummary, undefined> {
  let batch: TraceEvent[] = [];
  const parser = new TraceInputParser({
    file: options.file,
    onEvent: (e) => batch.push(e),
    times: options.times ?? true,
    ...(options.onDiagnostic ? { onDiagnostic: options.onDiagnostic } : {}),
  });
  for await (const chunk of maybeGunzip(input)) {
    parser.feed(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    if (batch.length > 0) {
      const out = batch;
      batch = [];
      yield* out;
    }
  }
  const summary = parser.end();
  yield* batch;
  return summary;
}

/** Options of pushTrace: parseTrace's plus the event callback. */
export interface PushTraceOptions extends ParseTraceOptions {
  /** `canonical`: see PushParserOptions.onEvent (never true for a secpolgenerate log). */
  onEvent: (event: TraceEvent, canonical?: boolean) => void;
  /** Called with each chunk's byte count as read (before gunzip), e.g. for a progress bar. */
  onBytes?: (bytes: number) => void;
  /**
   * Awaited after the events of each chunk (and after the last): where a
   * caller that batches output per chunk writes it and waits for the sink.
   */
  afterChunk?: () => void | Promise<void>;
  /** Learning's fast lane (see PushParserOptions.lane). */
  lane?: RecordLane;
}

/**
 * Feeds `input` (plain or gzip) through the push parser and calls `onEvent`
 * for each event; resolves to the summary. The same events as parseTrace, but
 * without one async-generator step per event: the form gigabyte traces use.
 */
export async function pushTrace(
  input: AsyncIterable<Buffer | string>,
  options: PushTraceOptions,
): Promise<TraceSummary> {
  const parser = new TraceInputParser({
    file: options.file,
    onEvent: options.onEvent,
    times: options.times ?? true,
    ...(options.onDiagnostic ? { onDiagnostic: options.onDiagnostic } : {}),
    ...(options.lane ? { lane: options.lane } : {}),
  });
  const onBytes = options.onBytes;
  const counted = onBytes ? countedChunks(input, onBytes) : input;
  const afterChunk = options.afterChunk;
  for await (const chunk of maybeGunzip(counted)) {
    parser.feed(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    if (afterChunk) await afterChunk();
  }
  const summary = parser.end();
  if (afterChunk) await afterChunk();
  return summary;
}

/** Passes chunks through, telling `onBytes` each one's byte count as it goes (a progress bar). */
export async function* countedChunks<T extends Buffer | string>(
  input: AsyncIterable<T>,
  onBytes: (bytes: number) => void,
): AsyncGenerator<T> {
  for await (const chunk of input) {
    onBytes(chunk.length);
    yield chunk;
  }
}

/**
 * Passes chunks through, or through gunzip when the first two bytes are 1f 8b.
 * The source may reuse a chunk's memory once the next is asked for
 * (src/cli/read-chunks.ts): what is held or handed to zlib is copied first.
 */
export async function* maybeGunzip(
  input: AsyncIterable<Buffer | string>,
): AsyncGenerator<Buffer | string> {
  const it = input[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  const held: Array<Buffer | string> = [];
  // Read until two bytes are known (a first chunk of one byte is possible on pipes).
  while (head.length < 2) {
    const r = await it.next();
    if (r.done) {
      yield* held;
      return;
    }
    const copy = Buffer.from(r.value);
    held.push(copy);
    head = Buffer.concat([head, copy]);
  }
  const rest: AsyncIterable<Buffer | string> = {
    [Symbol.asyncIterator]: () => ({ next: () => it.next() }),
  };
  if (!startsAsGzip(head)) {
    yield* held;
    yield* rest;
    return;
  }
  const gunzip = createGunzip();
  const pump = (async () => {
    try {
      for (const c of held) if (!gunzip.write(c)) await waitDrain(gunzip);
      for await (const c of rest) if (!gunzip.write(Buffer.from(c))) await waitDrain(gunzip);
      gunzip.end();
    } catch (e) {
      gunzip.destroy(e as Error);
    }
  })();
  for await (const c of gunzip) yield c as Buffer;
  await pump;
}

function waitDrain(s: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => s.once('drain', resolve));
}

/** True when `bytes` start with gzip's magic number (1f 8b): every reader of traces tells gzip by this. */
export function startsAsGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
