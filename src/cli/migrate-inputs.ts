/**
 * `migrate POLICY... [TRACES...]`: the positional files sorted into policies
 * and traces by content, as the synopsis writes them (`--trace` names
 * a trace outright). A file is a trace when it is gzip (a policy never is), or
 * when it does not parse as a policy and the secpolmonitor reader reads at
 * least one record of a known form from it. secpolgenerate output is written
 * in policy words (`allow ...`, `type NAME`), so it is never taken for a trace
 * here: name it with `--trace`. Anything else is a policy, so a policy with a
 * syntax error still gets its code frames and exit 2. Each file read as a
 * trace is named on stderr: nothing is decided silently. Only the file's
 * first 64 KiB (cut at its last line end) are looked at, so a trace of
 * gigabytes is sorted in bounded memory: a policy's head holds no record,
 * and a trace's head does not parse as a policy.
 */
import * as path from 'node:path';
import type { CliIo } from './io';
import { FileError } from '../errors';
import { parsePolicy } from '../policy/parse';
import { TraceInputParser, startsAsSecpolgenerate } from '../trace/trace-input';
import { decodePolicyBytes } from './policy-file-io';
import { readHead } from './read-chunks';

/** The positional files of `migrate`, sorted. */
export interface MigrateInputs {
  policies: string[];
  traces: string[];
}

const GZIP = [0x1f, 0x8b];
const HEAD_BYTES = 64 * 1024;

/** The first HEAD_BYTES of a file, cut after its last line end when it is longer. */
async function head(file: string): Promise<Buffer> {
  const bytes = await readHead(file, HEAD_BYTES);
  if (bytes.length < HEAD_BYTES) return bytes;
  const end = bytes.lastIndexOf(0x0a);
  return end > 0 ? bytes.subarray(0, end + 1) : bytes;
}

/** True when the trace reader reads a record of a known form from `bytes`. */
function holdsRecords(file: string, bytes: Buffer): boolean {
  let known = 0;
  const parser = new TraceInputParser({
    file,
    times: false,
    onEvent: (e) => {
      if (e.kind !== 'unknown') known++;
    },
  });
  parser.feed(bytes);
  parser.end();
  return known > 0;
}

/** Sorts `files` (positional, `-` refused by the caller) into policies and traces. */
export async function sortMigrateInputs(files: string[], io: CliIo): Promise<MigrateInputs> {
  const out: MigrateInputs = { policies: [], traces: [] };
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = await head(path.resolve(io.cwd, file));
    } catch (error) {
      throw new FileError(file, 'read policy', error);
    }
    const gzip = bytes[0] === GZIP[0] && bytes[1] === GZIP[1];
    const trace =
      gzip ||
      (!startsAsSecpolgenerate(bytes) &&
        parsePolicy(decodePolicyBytes(bytes).text, { file }).diagnostics.some(
          (d) => d.severity === 'error',
        ) &&
        holdsRecords(file, bytes));
    if (trace) {
      io.stderr.write(
        `secpol-learn migrate: ${file} is read as a trace (it holds secpolmonitor records, not a policy)\n`,
      );
      out.traces.push(file);
    } else out.policies.push(file);
  }
  return out;
}
