/**
 * `--follow` (monitor, check, suggest): reading an input that is still being
 * written, until it ends or the user stops the command.
 *
 * - A regular file is polled for growth (every 200 ms) until SIGINT or
 *   SIGTERM; a file that shrank was truncated (copytruncate rotation) and is
 *   read again from its start, with a line on stderr.
 * - Standard input, a named pipe or a process substitution is read until it
 *   ends (the writer closed it) or until SIGINT or SIGTERM.
 *
 * While the input is idle an empty chunk is passed on: the trace parser then
 * closes a record that is complete instead of holding it until another line
 * arrives (src/trace/push-parser.ts), so a live stream's events come out as
 * they happen. A signal ends the reading, not the command: it finishes with
 * what was read and exits with its usual status. The handlers are installed
 * once (a second Ctrl-C kills the process as usual).
 */
import * as path from 'node:path';
import { open, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { CliIo } from './io';
import { FileError, UsageError } from '../errors';
import { streamOf } from './read-chunks';

/** How long an input may be quiet before its complete record is closed, and a file's poll period. */
const IDLE_MS = 200;

/** SIGINT/SIGTERM as a promise, for the inputs of one command run. */
export interface FollowStop {
  readonly stopped: boolean;
  /** Resolves when a signal arrived. */
  readonly signalled: Promise<void>;
  /** Removes the handlers (the command is done). */
  dispose: () => void;
  /** Stops the reading as a signal would (`review --follow`: the user quit). */
  stop: () => void;
}

/** Starts listening for SIGINT and SIGTERM; `dispose` when the command is done. */
export function followStop(): FollowStop {
  let stopped = false;
  let resolve!: () => void;
  const signalled = new Promise<void>((res) => (resolve = res));
  const onSignal = (): void => {
    stopped = true;
    dispose();
    resolve();
  };
  const dispose = (): void => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    get stopped() {
      return stopped;
    },
    signalled,
    dispose,
    stop: onSignal,
  };
}

const STOPPED: unique symbol = Symbol('stopped');
const IDLE: unique symbol = Symbol('idle');

/**
 * The chunks of `source` until it ends or `stop` fires; an empty chunk each
 * time it stays quiet for IDLE_MS.
 */
export async function* untilStopped(
  source: AsyncIterable<Buffer | string>,
  stop: FollowStop,
): AsyncGenerator<Buffer | string> {
  const it = source[Symbol.asyncIterator]();
  const stopped = stop.signalled.then((): typeof STOPPED => STOPPED);
  let pending = it.next();
  try {
    while (!stop.stopped) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<typeof IDLE>(
        (res) => (timer = setTimeout(() => res(IDLE), IDLE_MS)),
      );
      const r = await Promise.race([pending, stopped, idle]);
      clearTimeout(timer);
      if (r === STOPPED) return;
      if (r === IDLE) {
        yield Buffer.alloc(0);
        continue;
      }
      if (r.done) return;
      pending = it.next();
      yield r.value;
    }
  } finally {
    void pending.catch(() => undefined);
    // Stopped while a read is pending: a stream's iterator would wait for that read before it
    // returns, so the stream itself is destroyed (standard input closed: the process can exit).
    const stream = source as { destroy?: () => void };
    if (typeof stream.destroy === 'function') stream.destroy();
    else void it.return?.()?.catch(() => undefined);
  }
}

/**
 * Reads a regular file as it grows, polling every IDLE_MS, until `stop` fires
 * or `out`'s reader is gone.
 */
export async function* followFile(
  handle: FileHandle,
  file: string,
  stderr: Writable,
  stop: FollowStop,
  out?: Writable,
): AsyncGenerator<Buffer> {
  const buf = Buffer.alloc(64 * 1024);
  let pos = 0;
  while (!stop.stopped && !out?.destroyed) {
    const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
    if (bytesRead > 0) {
      pos += bytesRead;
      yield Buffer.from(buf.subarray(0, bytesRead));
      continue;
    }
    yield Buffer.alloc(0);
    if ((await handle.stat()).size < pos) {
      stderr.write(
        `secpol-learn: ${file}: truncated (rotated?); reading it again from the start\n`,
      );
      pos = 0;
      continue;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stop.signalled, new Promise((res) => (timer = setTimeout(res, IDLE_MS)))]);
    clearTimeout(timer);
  }
}

/** An input opened for `--follow`: its chunks, and how to close it. */
export interface FollowedInput {
  input: AsyncIterable<Buffer | string>;
  close: () => Promise<void>;
}

/** Opens `file` (`-`: standard input) to be followed; an unopenable file is an InputError in words. */
export async function openFollowed(
  file: string,
  io: CliIo,
  stop: FollowStop,
  out?: Writable,
): Promise<FollowedInput> {
  if (file === '-') return { input: untilStopped(io.stdin, stop), close: async () => undefined };
  let handle: FileHandle;
  try {
    handle = await open(path.resolve(io.cwd, file), 'r');
  } catch (error) {
    throw new FileError(file, 'read', error);
  }
  const stat = await handle.stat();
  if (stat.isDirectory()) {
    await handle.close();
    throw new FileError(
      file,
      'read',
      Object.assign(new Error('is a directory'), { code: 'EISDIR' }),
    );
  }
  return {
    input: stat.isFile()
      ? followFile(handle, file, io.stderr, stop, out)
      : untilStopped(streamOf(handle), stop),
    close: () => handle.close(),
  };
}

/**
 * The stop of `--follow` for `traces`, or undefined without it. Following
 * reads one input (a followed file never ends, so a second one would never be read).
 */
export function startFollow(
  args: Record<string, unknown>,
  traces: readonly string[],
): FollowStop | undefined {
  if (!args.follow) return undefined;
  if (traces.length > 1)
    throw new UsageError('--follow reads one input (a file, a pipe or standard input)');
  return followStop();
}
