/**
 * Summary files among the inputs of a command that reads traces: told from
 * traces by their first bytes (plain or gzip; `startsAsSummary`), read line by
 * line through the checks of src/infer/summary-codec.ts. Standard input, named
 * pipes and devices are not looked at (their bytes cannot be read twice): they
 * are traces.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import type { CliIo } from './io';
import { FileError, InputError } from '../errors';
import { readChunks } from './read-chunks';
import { maybeGunzip, startsAsGzip } from '../trace/parse-trace';
import { SummaryDecoder } from '../infer/summary-codec';
import { SummaryLineReader, startsAsSummary, SUMMARY_HEAD_BYTES } from '../infer/summary-lines';
import type { Summary } from '../infer/summary';

/** Bytes read to tell a gzip summary from a gzip trace (its head inflated). */
const SNIFF_BYTES = 4096;

/** True when `file` is a regular file whose content starts as a summary. */
export async function isSummaryFile(file: string, io: CliIo): Promise<boolean> {
  if (file === '-') return false;
  let handle;
  try {
    handle = await fsp.open(path.resolve(io.cwd, file), 'r');
  } catch {
    // The trace reader reports it in words.
    return false;
  }
  try {
    if (!(await handle.stat()).isFile()) return false;
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    let head = buffer.subarray(0, bytesRead);
    if (startsAsGzip(head)) {
      try {
        head = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      } catch {
        return false;
      }
    }
    return head.length >= SUMMARY_HEAD_BYTES && startsAsSummary(head);
  } catch {
    return false;
  } finally {
    await handle.close();
  }
}

/** Reads one summary file (plain or gzip); bad lines are warnings in the result, a bad header an error. */
export async function readSummaryFile(file: string, io: CliIo): Promise<Summary> {
  const cannot = (error: unknown): FileError => new FileError(file, 'read', error);
  const handle = await fsp.open(path.resolve(io.cwd, file), 'r').catch((error: unknown) => {
    throw cannot(error);
  });
  const decoder = new SummaryDecoder(file);
  const lines = new SummaryLineReader(decoder);
  try {
    for await (const chunk of maybeGunzip(readChunks(handle))) lines.feed(chunk);
    lines.end();
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw (error as NodeJS.ErrnoException).code !== undefined ? cannot(error) : error;
  } finally {
    await handle.close();
  }
  return decoder.result();
}
