/**
 * The CLI's view of the process: standard streams, environment and working
 * directory. Passed in so tests run commands in-process with fake streams.
 */
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The real process's streams. */
export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** True when colour may be used on `stream`: a terminal, and `NO_COLOR` unset. */
export function useColour(stream: Writable, env: NodeJS.ProcessEnv): boolean {
  return Boolean((stream as Writable & { isTTY?: boolean }).isTTY) && !env.NO_COLOR;
}
