/**
 * `secpol-learn monitor [TRACE...] [-acnpqrsuvO] [-f NAME]... [-i SECONDS]
 * [-o FILE] [-S ABILITY]... [--format json] [--follow]`: reads recorded secpolmonitor
 * traces (plain or gzip, `-` = stdin), applies secpolmonitor's options and
 * prints one canonical line (or JSON Lines object) per event, with a summary
 * on stderr. Exit 0 on success, 2 for bad usage or an unreadable file.
 * All logic lives in trace/ and monitor/; this file only wires streams.
 */
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, open, realpath, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { CommandImpl } from '../command';
import type { CliIo } from '../io';
import { ExitCode, InputError, FileError, UsageError, ioErrorWords } from '../../errors';
import { formatDiagnosticLine } from '../../diagnostics/diagnostic';
import { pushTrace } from '../../trace/parse-trace';
import { readChunks, streamOf } from '../read-chunks';
import { followStop, openFollowed, type FollowStop } from '../follow';
import { NO_PROGRESS, fileSizes, traceProgress } from '../progress';
import { isTerminal } from '../color';
import { withColor } from '../shared-options';
import type { TraceSummary } from '../../trace/push-parser';
import { formatParsedEvent, formatParsedEventJson } from '../../render/trace-event';
import { LineBatch } from '../line-batch';
import { drained, gone } from '../drained';
import { monitorReport } from '../../render/monitor-report';
import { MonitorFilter, type MonitorOptions } from '../../monitor/apply-options';

/** secpolmonitor's flags: its letter, a long name, what it does (docs/cli.md). */
const FLAGS: Array<[string, string, string]> = [
  ['a', 'abilities', 'ability checks (with neither -a nor -p: both kinds)'],
  ['p', 'paths', 'path-space attach and link events'],
  ['s', 'successes', 'successes (info:) too; default failures only'],
  ['c', 'combine', 'processes of the same name are one when removing repeats'],
  ['n', 'unnamed', 'include unnamed processes'],
  ['r', 'repeats', 'every repeated check, not only the first per process'],
  ['u', 'unregistered', 'show records of unknown form (unregistered sigevents)'],
  ['q', 'qnet', 'show records of unknown form (QNET)'],
  ['O', 'opens', 'show records of unknown form (failed opens)'],
  ['v', 'verbose', 'FILE:LINE before each event, every diagnostic on stderr'],
];

export const monitorCommand: CommandImpl = {
  builder: (y) => {
    let a = withColor(y).positional('traces', {
      describe: 'trace files (plain or gzip); - or none: standard input',
      type: 'string',
      array: true,
    });
    for (const [flag, long, describe] of FLAGS)
      a = a.option(flag, { alias: long, type: 'boolean', default: false, describe });
    return a
      .option('f', {
        alias: 'name',
        type: 'string',
        array: true,
        describe: 'only this process (full name or basename); repeatable',
      })
      .option('i', {
        alias: 'interval',
        type: 'number',
        describe: 're-report checks made SECONDS after a process first appeared',
      })
      .option('o', {
        alias: 'output',
        type: 'string',
        describe: 'write events to FILE instead of stdout (`-`: stdout)',
      })
      .option('S', {
        alias: 'subranges',
        type: 'string',
        array: true,
        describe: 'treat this dynamic ability as ranged; repeatable',
      })
      .option('format', {
        type: 'string',
        choices: ['text', 'json'],
        describe:
          'text (the default): canonical secpolmonitor lines; json: JSON Lines (secpol-learn/trace-event@1)',
      })
      .option('json', {
        type: 'boolean',
        describe: 'the same as --format json (kept for scripts)',
      })
      .option('follow', {
        type: 'boolean',
        default: false,
        describe: 'keep reading a growing file (or a pipe to its end) until Ctrl-C or SIGTERM',
      })
      .example('$0 monitor -apsr boot.log', 'every event, unwrapped, one per line')
      .example('$0 monitor -ap -f devf-ram boot.log.gz', 'failures of devf-ram only')
      .example(
        '$0 monitor --abilities --paths --name devf-ram boot.log.gz',
        'the same with long names',
      )
      .example(
        'slog2info | $0 monitor --format json -as',
        'ability checks from a live log as JSON Lines',
      )
      .example('$0 monitor --follow -aps /tmp/secpol.log', 'print events as the file grows')
      .example(
        '$0 monitor -aps --format json device.log > reduced/device.jsonl',
        "reduce one device's log for a fleet (suggest and generate read it back)",
      );
  },
  run: async (args, io) => {
    const options = monitorOptions(args);
    const traces = ((args.traces as string[] | undefined) ?? []).map(String);
    if (traces.length === 0) traces.push('-');
    // `-o -` is standard output, as `-` is standard input everywhere (never a file named `-`).
    const outName = typeof args.o === 'string' && args.o !== '-' ? args.o : undefined;
    const outPath = outName !== undefined ? path.resolve(io.cwd, outName) : undefined;
    if (outName !== undefined) await refuseInputAsOutput(outName, outPath!, traces, io);
    // `-o FILE` is opened once the first input is: an unreadable input leaves FILE as it was.
    let output: OutputFile | undefined;
    const filter = new MonitorFilter(options);
    const verbose = Boolean(args.v);
    const json = jsonOutput(args);
    const summaries: TraceSummary[] = [];
    // The bar (src/cli/progress.ts), but not with --follow (no end) or events printed on the terminal.
    const onTerminal = outName === undefined && isTerminal(io.stdout);
    const progress = args.follow || onTerminal ? NO_PROGRESS : traceProgress(io);
    progress.expect(fileSizes(traces, io.cwd));
    const stop = args.follow ? followStop() : undefined;
    try {
      for (const file of traces) {
        const { input, close } = await openTrace(file, io, stop, output?.stream ?? io.stdout);
        try {
          if (outName !== undefined && !output)
            output = await openOutputFile(outPath!, outName, Boolean(args.follow));
          const out = output?.stream ?? io.stdout;
          // Lines are batched per chunk read as UTF-8 bytes and written once, waiting when the
          // output is slow.
          const batch = new LineBatch();
          const summary = await pushTrace(input, {
            file,
            // Times are printed only in JSON and used only by -i: otherwise not read (docs/performance.md).
            times: json || options.interval !== undefined,
            onEvent: (e, canonical) => {
              if (!filter.accept(e)) return;
              if (json) batch.addLine(formatParsedEventJson(e));
              else if (verbose)
                batch.addLine(
                  `${e.position.file}:${e.position.line}: ${formatParsedEvent(e, canonical)}`,
                );
              else batch.addLine(formatParsedEvent(e, canonical));
            },
            onBytes: (n) => progress.advance(n),
            ...(verbose
              ? {
                  onDiagnostic: (d) => {
                    progress.done();
                    io.stderr.write(`${formatDiagnosticLine(d)}\n`);
                  },
                }
              : {}),
            afterChunk: async () => {
              if (batch.empty) return;
              const bytes = batch.take();
              if (output) await output.write(bytes);
              // A closed reader (`| head`) destroys the stream, a failed write errs it: no drain comes.
              else if (!out.write(bytes) && !gone(out)) await drained(out);
            },
          });
          summaries.push(summary);
        } catch (error) {
          if (error instanceof InputError) throw error;
          throw new InputError(file, `cannot read: ${ioErrorWords(error)}`, { cause: error });
        } finally {
          await close();
        }
      }
      await output?.commit();
    } finally {
      progress.done();
      stop?.dispose();
      await output?.abort();
    }
    io.stderr.write(monitorReport(summaries, filter.stats));
    return ExitCode.OK;
  },
};

/** `--format json`, or its older spelling `--json`; the two must not disagree. */
function jsonOutput(args: Record<string, unknown>): boolean {
  const format = args.format as string | undefined;
  if (args.json !== undefined && format !== undefined && (format === 'json') !== args.json)
    throw new UsageError(`--json and --format ${format} disagree; give one of them`);
  return args.json === true || format === 'json';
}

function monitorOptions(args: Record<string, unknown>): MonitorOptions {
  const interval = args.i as number | undefined;
  if (interval !== undefined && !(Number.isFinite(interval) && interval >= 0)) {
    throw new UsageError('-i needs a number of seconds ≥ 0');
  }
  return {
    abilities: Boolean(args.a),
    paths: Boolean(args.p),
    successes: Boolean(args.s),
    combine: Boolean(args.c),
    unnamed: Boolean(args.n),
    repeats: Boolean(args.r),
    unregistered: Boolean(args.u),
    qnet: Boolean(args.q),
    opens: Boolean(args.O),
    names: list(args.f),
    ranged: list(args.S),
    ...(interval !== undefined ? { interval } : {}),
  };
}

/** A repeatable one-value option: yargs gives a string once, an array when repeated. */
function list(v: unknown): string[] {
  return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
}

/**
 * Refuses `-o FILE` when FILE is one of the inputs (same device and inode, a
 * symlink or hard link included): writing it would empty the input.
 */
async function refuseInputAsOutput(
  name: string,
  resolved: string,
  traces: string[],
  io: CliIo,
): Promise<void> {
  let out;
  try {
    out = await stat(resolved);
  } catch {
    return; // Not there yet: it cannot be an input.
  }
  for (const file of traces) {
    if (file === '-') continue;
    try {
      const s = await stat(path.resolve(io.cwd, file));
      if (s.dev === out.dev && s.ino === out.ino)
        throw new UsageError(`-o ${name} is the input ${file}: writing it would empty it`);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      // An unreadable input is reported when it is opened.
    }
  }
}

/** Where `-o` writes: a stream, with commit (at the end) and abort (always, after). */
interface OutputFile {
  stream: Writable;
  /** Writes bytes, waiting when the file is slow; throws FileError when it cannot be written. */
  write: (bytes: Uint8Array) => Promise<void>;
  commit: () => Promise<void>;
  abort: () => Promise<void>;
}

/**
 * Opens `-o FILE`. A regular file (or a new one) is written to a temporary
 * file beside it, renamed over it at the end (its mode kept; a symlink is
 * written through): FILE has its old content until the run succeeded. With
 * `--follow`, and for a device or pipe, FILE itself is written as events come.
 */
async function openOutputFile(
  resolved: string,
  name: string,
  follow: boolean,
): Promise<OutputFile> {
  let target = resolved;
  let mode: number | undefined;
  let direct = follow;
  try {
    target = await realpath(resolved);
    const s = await stat(target);
    mode = s.mode & 0o7777;
    if (!s.isFile()) direct = true;
  } catch {
    // A new file.
  }
  const file = direct
    ? target
    : path.join(
        path.dirname(target),
        `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
      );
  const stream = createWriteStream(file, { flags: direct ? 'w' : 'wx' });
  let failure: unknown;
  stream.on('error', (e) => {
    failure ??= e;
  });
  await new Promise<void>((resolve) => {
    stream.once('open', () => resolve());
    stream.once('error', () => resolve());
  });
  if (failure) throw new FileError(name, 'write', failure);
  let done = false;
  // Ends the stream and waits for 'close', which a file stream emits after its 'error': a write
  // that failed late (a full disk when the buffer is flushed) is in `failure` by then. Resolving
  // on `end`'s callback instead renamed an empty file over FILE and exited 0.
  const end = (): Promise<void> =>
    new Promise<void>((res) => {
      if (stream.closed) return res();
      stream.once('close', () => res());
      if (!stream.destroyed && !stream.writableEnded) stream.end();
    });
  return {
    stream,
    write: async (bytes) => {
      if (failure) throw new FileError(name, 'write', failure);
      if (!stream.write(bytes)) await drained(stream);
      if (failure) throw new FileError(name, 'write', failure);
    },
    commit: async () => {
      await end();
      if (failure) throw new FileError(name, 'write', failure);
      if (!direct) {
        try {
          if (mode !== undefined) await chmod(file, mode);
          await rename(file, target);
        } catch (error) {
          throw new FileError(name, 'write', error);
        }
      }
      done = true;
    },
    abort: async () => {
      if (done) return;
      await end();
      if (!direct) await rm(file, { force: true });
    },
  };
}

/** Opens a trace (or stdin); with `stop` (`--follow`), it is read as it is written (../follow.ts). */
async function openTrace(
  file: string,
  io: CliIo,
  stop: FollowStop | undefined,
  out: Writable,
): Promise<{ input: AsyncIterable<Buffer | string>; close: () => Promise<void> }> {
  if (stop) return openFollowed(file, io, stop, out);
  if (file === '-') return { input: io.stdin, close: async () => undefined };
  let handle: FileHandle;
  let seekable: boolean;
  try {
    handle = await open(path.resolve(io.cwd, file), 'r');
    const s = await handle.stat();
    if (s.isDirectory()) {
      await handle.close();
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    seekable = s.isFile();
  } catch (error) {
    throw new InputError(file, `cannot read: ${ioErrorWords(error)}`, { cause: error });
  }
  // A named pipe or `<(zcat a.gz)` cannot be read at positions: it is streamed.
  return { input: seekable ? readChunks(handle) : streamOf(handle), close: () => handle.close() };
}
