/**
 * Reading a named range file (`--ranges FILE`, secpolpush -r format) for the
 * commands that read or emit ability subranges (`lint`, `check`, `explain`,
 * `harden`, `suggest`, `generate`). An unreadable file is an InputError in
 * words (exit 2); a file with errors is printed with code frames on stderr.
 */
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { CliIo } from './io';
import { InputError, UsageError, ioErrorWords } from '../errors';
import { formatDiagnostic } from '../diagnostics/code-frame';
import { parseRangeFile } from '../policy/model/range-file';
import type { NamedRangeValues } from '../policy/model/types';

/** The text of the range file `file` (as the user named it). */
export async function readRangeText(file: string, io: CliIo): Promise<string> {
  // Not a file named `-` ("-: no such file"): standard input holds the traces or the policy.
  if (file === '-') throw new UsageError('--ranges must name a file, not standard input (-)');
  try {
    return await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new InputError(file, `cannot read the range file: ${ioErrorWords(error)}`, {
      cause: error,
    });
  }
}

/**
 * The named ranges of `--ranges FILE`: `null` when the option is not given,
 * `undefined` when the file has errors (code frames on stderr; the command exits 2).
 */
export async function loadRangeOption(
  args: Record<string, unknown>,
  io: CliIo,
): Promise<NamedRangeValues | null | undefined> {
  if (typeof args.ranges !== 'string') return null;
  const text = await readRangeText(args.ranges, io);
  const r = parseRangeFile(text, { file: args.ranges });
  for (const d of r.diagnostics) io.stderr.write(formatDiagnostic(d, text));
  if (r.diagnostics.some((d) => d.severity === 'error')) return undefined;
  return r.ranges;
}
