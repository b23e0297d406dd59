/**
 * The library's trace input: a whole trace held in memory (text or bytes,
 * plain or gzip) parsed into events and the diagnostics of the lines not
 * understood. The streaming form is `parseTrace` (src/trace/parse-trace.ts);
 * both run the same push parser the CLI feeds, so events, positions and
 * diagnostics are the CLI's. Pure: the caller reads the file.
 */
import { gunzipSync } from 'node:zlib';
import type { Diagnostic } from '../diagnostics/diagnostic';
import { FileError } from '../errors';
import type { TraceEvent } from '../trace/event';
import { TracePushParser, type TraceSummary } from '../trace/push-parser';
import { startsAsGzip } from '../trace/parse-trace';

/** A trace as the caller read it: the name used in every `FILE:LINE`, and its content. */
export interface TraceText {
  /** The file as the user named it (`-` for standard input). */
  file: string;
  /** The trace: text, or bytes (UTF-8; gzip when they start with the gzip magic 1f 8b). */
  text: string | Uint8Array;
}

/** A whole trace, parsed. */
export interface ParsedTrace {
  /** One event per record, in file order (records of unknown form are `unknown` events). */
  events: TraceEvent[];
  /** One per line not understood, truncated record or over-long line, with `FILE:LINE`. */
  diagnostics: Diagnostic[];
  summary: TraceSummary;
}

/**
 * The trace's bytes, decompressed when they are gzip (as the CLI reads a
 * `.gz` trace). Corrupt or cut-off gzip data throws an InputError naming the
 * file: nothing of it can be read.
 */
export function traceBytes(trace: TraceText): Buffer {
  const bytes =
    typeof trace.text === 'string' ? Buffer.from(trace.text, 'utf8') : Buffer.from(trace.text);
  if (!startsAsGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new FileError(trace.file, 'read', error);
  }
}

/**
 * Parses a whole trace into events and diagnostics. `times` (default true)
 * reads times from logger prefixes into `event.time`. Corrupt gzip data
 * throws an InputError naming the file.
 */
export function parseTraceText(trace: TraceText, options: { times?: boolean } = {}): ParsedTrace {
  const events: TraceEvent[] = [];
  const diagnostics: Diagnostic[] = [];
  const parser = new TracePushParser({
    file: trace.file,
    times: options.times ?? true,
    onEvent: (e) => events.push(e),
    onDiagnostic: (d) => diagnostics.push(d),
  });
  parser.feed(traceBytes(trace));
  return { events, diagnostics, summary: parser.end() };
}

/**
 * Streams the records of `traces` to `onEvent`, files sorted by name (the
 * order the CLI reads them in), and every diagnostic to `onDiagnostic`; no
 * event is kept here.
 */
export function eachTraceEvent(
  traces: readonly TraceText[],
  onEvent: (e: TraceEvent) => void,
  onDiagnostic: (d: Diagnostic) => void,
): void {
  const sorted = [...traces].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const trace of sorted) {
    const parser = new TracePushParser({ file: trace.file, times: false, onEvent, onDiagnostic });
    parser.feed(traceBytes(trace));
    parser.end();
  }
}
