/**
 * Summary files among the inputs of a command that reads traces: told from
 * traces by their first bytes (plain or gzip; `startsAsSummary`), read line by
 * line through the checks of src/infer/summary-codec.ts. Standard input is
 * told apart too: its first bytes are read and then handed on again before
 * the rest (`sortInputs` returns the `CliIo` to read it from). Named pipes and
 * devices are not looked at (their bytes cannot be read twice), nor is an
 * input being followed (`--follow`): they are traces.
 */
import { promises as fsp } from 'node:fs';
import { Readable } from 'node:stream';
import * as path from 'node:path';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import type { CliIo } from './io';
import { FileError, InputError, UsageError } from '../errors';
import { traceFilterFrom } from './read-traces';
import { readChunks } from './read-chunks';
import { maybeGunzip, startsAsGzip } from '../trace/parse-trace';
import { SummaryDecoder } from '../infer/summary-codec';
import { SummaryLineReader, startsAsSummary, SUMMARY_HEAD_BYTES } from '../infer/summary-lines';
import type { Summary } from '../infer/summary';
import type { SummaryParts } from '../infer/summary-codec';

/** Bytes read to tell a gzip summary from a gzip trace (its head inflated). */
const SNIFF_BYTES = 4096;

/** True when an input's first bytes (up to SNIFF_BYTES, plain or gzip) are a summary's. */
function headIsSummary(head: Buffer): boolean {
  if (startsAsGzip(head)) {
    try {
      head = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      return false;
    }
  }
  return head.length >= SUMMARY_HEAD_BYTES && startsAsSummary(head);
}

/**
 * Reads the first bytes of standard input (enough to tell a summary: the
 * head of a plain input, SNIFF_BYTES of a gzip one, or all of a shorter
 * input) and returns them with a `CliIo` whose standard input gives every
 * byte again, the first ones included.
 */
async function peekStandardInput(io: CliIo): Promise<{ io: CliIo; head: Buffer }> {
  const it = io.stdin[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const held: Buffer[] = [];
  let size = 0;
  let ended = false;
  try {
    while (size < SNIFF_BYTES) {
      const r = await it.next();
      if (r.done) {
        ended = true;
        break;
      }
      const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(String(r.value));
      held.push(chunk);
      size += chunk.length;
      const head = held.length === 1 ? chunk : Buffer.concat(held);
      if (size >= SUMMARY_HEAD_BYTES && !startsAsGzip(head)) break;
    }
  } catch (error) {
    throw new FileError('-', 'read', error);
  }
  async function* again(): AsyncGenerator<Buffer | string> {
    yield* held;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { io: { ...io, stdin: Readable.from(again()) }, head: Buffer.concat(held) };
}

/** The inputs of a command that reads traces, sorted into traces and summaries. */
export interface SortedInputs {
  /** The streams to read the inputs from (standard input gives its first bytes again). */
  io: CliIo;
  traces: string[];
  summaries: string[];
}

/**
 * Tells the summaries among `inputs` (as named, `-` is standard input) from
 * the traces by content. With `follow`, every input is a trace (it is read as
 * it is written).
 */
export async function sortInputs(
  inputs: string[],
  io: CliIo,
  follow?: unknown,
): Promise<SortedInputs> {
  const traces: string[] = [];
  const summaries: string[] = [];
  for (const file of inputs) {
    let summary = false;
    if (!follow && file === '-') {
      const peeked = await peekStandardInput(io);
      io = peeked.io;
      summary = headIsSummary(peeked.head);
    } else if (!follow) summary = await isSummaryFile(file, io);
    (summary ? summaries : traces).push(file);
  }
  return { io, traces, summaries };
}

/** A filter option (`-f`, `-a`, `-p`) with a summary among the inputs is a usage error. */
export function refuseFilters(summaries: string[], args: Record<string, unknown>): void {
  const f = traceFilterFrom(args);
  if (summaries.length > 0 && (f.names.length > 0 || f.abilities || f.paths))
    throw new UsageError(
      `-f, -a and -p choose what is learned from traces; ${summaries[0]} is a summary, already learned`,
    );
}

/** True when `file` is a regular file whose content starts as a summary. */
async function isSummaryFile(file: string, io: CliIo): Promise<boolean> {
  const at = path.resolve(io.cwd, file);
  let handle;
  try {
    // Looked at before it is opened: opening a named pipe waits for its writer and takes its bytes.
    if (!(await fsp.stat(at)).isFile()) return false;
    handle = await fsp.open(at, 'r');
  } catch {
    // The trace reader reports it in words.
    return false;
  }
  try {
    if (!(await handle.stat()).isFile()) return false;
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return headIsSummary(buffer.subarray(0, bytesRead));
  } catch {
    return false;
  } finally {
    await handle.close();
  }
}

/**
 * Reads one summary file (plain or gzip; `-`: standard input), the `parts` a
 * command wants; bad lines are warnings in the result, a bad header an error.
 */
export async function readSummaryFile(
  file: string,
  io: CliIo,
  parts?: SummaryParts,
): Promise<Summary> {
  const cannot = (error: unknown): FileError => new FileError(file, 'read', error);
  const handle =
    file === '-'
      ? undefined
      : await fsp.open(path.resolve(io.cwd, file), 'r').catch((error: unknown) => {
          throw cannot(error);
        });
  const decoder = new SummaryDecoder(file, parts);
  const lines = new SummaryLineReader(decoder);
  try {
    for await (const chunk of maybeGunzip(handle ? readChunks(handle) : io.stdin))
      lines.feed(chunk);
    lines.end();
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw (error as NodeJS.ErrnoException).code !== undefined ? cannot(error) : error;
  } finally {
    await handle?.close();
  }
  return decoder.result();
}
