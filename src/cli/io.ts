/**
 * The CLI's view of the process: standard streams, environment and working
 * directory. Passed in so tests run commands in-process with fake streams.
 */
import { createReadStream, fstatSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { ColorChoice } from './color';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** `--color` as given (src/cli/color.ts); unset is `auto`. */
  color?: ColorChoice;
}

/** The real process's streams. */
export function processIo(): CliIo {
  return {
    stdin: standardInput(),
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * Standard input. A regular file redirected to it (`< trace.log`) is read in
 * 256 KiB chunks: with `process.stdin`'s 64 KiB, `suggest` over 10M lines took
 * 20–21 s on one thread instead of 15 s from the file named (1 MiB chunks:
 * 19 s, and fresh 1 MiB buffers raised the peak by 40 MiB). A pipe gives at
 * most its buffer (64 KiB) per read whatever is asked, so pipes and terminals
 * keep `process.stdin`.
 */
function standardInput(): Readable {
  let file = false;
  try {
    file = fstatSync(0).isFile();
  } catch {
    // No standard input at all (closed): process.stdin reports it when read.
  }
  return file
    ? createReadStream('', { fd: 0, highWaterMark: 1 << 18, autoClose: false })
    : process.stdin;
}
