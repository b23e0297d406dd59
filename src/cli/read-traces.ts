/**
 * Reading traces for `suggest` and `generate`: each file (or standard input)
 * is read in 1 MiB chunks (never held as one string; src/cli/read-chunks.ts),
 * turned into events by the trace stage, filtered with the monitor core's
 * options (src/monitor/apply-options.ts), and every event and every
 * diagnostic (lines not understood) is handed to the caller. Files are
 * read in sorted order, so counts and messages do not depend on the order the
 * user named them. An unreadable file is a FileError ("cannot read FILE:
words", exit 2). Shows the
 * progress bar of src/cli/progress.ts (terminals only). Large files are read
 * on several threads by src/cli/parallel/ instead (the caller decides).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Argv } from 'yargs';
import type { CliIo } from './io';
import { FileError } from '../errors';
import type { TraceEvent } from '../trace/event';
import { pushTrace, type PushTraceOptions } from '../trace/parse-trace';
import { readChunks, streamOf } from './read-chunks';
import { openFollowed, type FollowStop } from './follow';
import { NO_PROGRESS, traceProgress } from './progress';
import { monitorFilter, type TraceFilter, type TraceSink } from '../infer/trace-filter';

/** Declares the monitor filter options on a command. */
export function traceFilterOptions(y: Argv): Argv {
  return y
    .option('f', {
      alias: 'name',
      type: 'string',
      array: true,
      describe: 'only events of processes with this name (repeatable), as secpolmonitor -f',
    })
    .option('a', {
      alias: 'abilities',
      type: 'boolean',
      default: false,
      describe: 'ability events only (with -p: both), as secpolmonitor -a',
    })
    .option('p', {
      alias: 'paths',
      type: 'boolean',
      default: false,
      describe: 'path-space events only (with -a: both), as secpolmonitor -p',
    })
    .option('s', {
      alias: 'successes',
      type: 'boolean',
      default: true,
      describe: 'read successes (info:) too; always on: they are evidence (generate needs them)',
    });
}

/** The filter the parsed options ask for. */
export function traceFilterFrom(args: Record<string, unknown>): TraceFilter {
  return {
    names: ((args.f as string[] | undefined) ?? []).map(String),
    abilities: Boolean(args.a),
    paths: Boolean(args.p),
  };
}

/**
 * Streams every trace through the trace stage and the filter. Events carry no
 * `time`: learning and review never use it, and reading it costs about a tenth
 * of the trace stage (docs/performance.md). Resolves to the number of records
 * read from each input as named (before the filter; `-` is standard input),
 * so a gate can tell an input that held no record (docs/cli.md); with a
 * sink's fast lane, whose records reach no `onEvent`, the parser's count of
 * every record it read. With `follow` (`--follow`), each
 * input is read as it is written until it ends or a signal (src/cli/follow.ts).
 */
export async function readTraceEvents(
  files: string[],
  filter: TraceFilter,
  io: CliIo,
  sink: TraceSink,
  follow?: FollowStop,
): Promise<Map<string, number>> {
  const monitor = monitorFilter(filter);
  const records = new Map<string, number>(files.map((f) => [f, 0]));
  // Only on a terminal, only after two seconds: see src/cli/progress.ts. Never for a followed
  // stream: it has no end to measure against, and `review --follow` prompts on that terminal.
  const progress = follow ? NO_PROGRESS : traceProgress(io);
  const onEvent = (e: TraceEvent): void => {
    records.set(e.position.file, (records.get(e.position.file) ?? 0) + 1);
    if (monitor.accept(e)) sink.onEvent(e);
  };
  try {
    for (const file of [...files].sort()) {
      const cannot = (error: unknown): FileError => new FileError(file, 'read', error);
      const before = records.get(file) ?? 0;
      const pushFile = async (input: AsyncIterable<Buffer | string>): Promise<void> => {
        const read = await pushTrace(input, options);
        if (sink.lane) records.set(file, before + read.records);
        sink.onRead?.(read);
      };
      const options: PushTraceOptions = {
        file,
        onEvent,
        times: false,
        onDiagnostic: (d) => sink.onDiagnostic(d),
        onBytes: (n) => progress.advance(n),
        ...(sink.lane ? { lane: sink.lane } : {}),
      };
      if (follow) {
        const followed = await openFollowed(file, io, follow);
        try {
          await pushFile(followed.input);
        } catch (error) {
          throw (error as NodeJS.ErrnoException).code !== undefined ? cannot(error) : error;
        } finally {
          await followed.close();
        }
        continue;
      }
      if (file === '-') {
        await pushFile(io.stdin).catch((error: unknown) => {
          // A read or inflate error (gzip on a pipe) is the user's input problem, not a crash.
          throw (error as NodeJS.ErrnoException).code !== undefined ? cannot(error) : error;
        });
        continue;
      }
      const handle = await fsp.open(path.resolve(io.cwd, file), 'r').catch((error: unknown) => {
        throw cannot(error);
      });
      try {
        const stat = await handle.stat();
        progress.expect(stat.size);
        // A named pipe, `<(zcat a.gz)` or a device cannot be read at positions: it is streamed.
        await pushFile(stat.isFile() ? readChunks(handle) : streamOf(handle));
      } catch (error) {
        // A read error (a directory, an I/O error) is the user's input problem, not a crash.
        throw (error as NodeJS.ErrnoException).code !== undefined ? cannot(error) : error;
      } finally {
        await handle.close();
      }
    }
  } finally {
    // Erased even when a file cannot be read, so the error line starts clean.
    progress.done();
  }
  return records;
}
