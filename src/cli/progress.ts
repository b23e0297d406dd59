/**
 * The progress bar of every command that reads traces (suggest, generate,
 * check, explain, harden, monitor), on stderr, with one look everywhere
 * (`traceProgress`): bytes read of bytes known, rate and percentage, redrawn
 * at most every 200 ms, and only after the first two seconds (short inputs
 * never see it).
 *
 * Shown only on a terminal that understands cursor control: stderr a
 * terminal and `TERM` not `dumb` (the bar redraws itself with `\r` and
 * `ESC[K`). Never on a pipe or a file, whatever `--color` or `FORCE_COLOR`
 * say (they force colour, not a bar), so logs and tests stay byte-identical.
 * Coloured as src/cli/color.ts decides for stderr (`--color`, `FORCE_COLOR`,
 * `NO_COLOR`, `TERM`).
 *
 * Does not read traces: the caller reports bytes. A small own implementation
 * (no package): one line, `\r`-overwritten, erased at the end.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { CliIo } from './io';
import { dumbTerminal, isTerminal, paint, useColor } from './color';

/** Reports progress; a no-op when no bar is shown. */
export interface Progress {
  /** Adds bytes to the total expected (a file's size, once known). */
  expect(bytes: number): void;
  /** Adds bytes read. */
  advance(bytes: number): void;
  /** Erases the bar: call before writing anything else to stderr. A later `advance` may draw it again. */
  done(): void;
}

/** Options of createProgress (times injectable for tests). */
export interface ProgressOptions {
  /** Label before the bar. */
  label: string;
  /** Milliseconds before the bar first shows; default 2000. */
  delayMs?: number;
  /** Milliseconds between redraws; default 200. */
  intervalMs?: number;
  /** Clock in milliseconds; default Date.now. */
  now?: () => number;
}

/** What the bar needs of the CLI's io. */
export type ProgressIo = Pick<CliIo, 'stderr' | 'env' | 'color'>;

const WIDTH = 24;

/** A progress that prints nothing. */
export const NO_PROGRESS: Progress = {
  expect: () => undefined,
  advance: () => undefined,
  done: () => undefined,
};

/** True when a progress bar may be drawn on `io.stderr`: a terminal, not `TERM=dumb`. */
export function showsProgress(io: ProgressIo): boolean {
  return isTerminal(io.stderr) && !dumbTerminal(io.env);
}

/** The bar of a command reading traces: the same label and look for every command. */
export function traceProgress(io: ProgressIo): Progress {
  return createProgress(io, { label: 'reading traces' });
}

/** The total size of the regular files among `files` (named relative to `cwd`); `-` and unreadable names count 0. */
export function fileSizes(files: readonly string[], cwd: string): number {
  let total = 0;
  for (const f of files) {
    if (f === '-') continue;
    try {
      const s = statSync(path.resolve(cwd, f));
      if (s.isFile()) total += s.size;
    } catch {
      // Reported by the reader, in its words, when it opens the file.
    }
  }
  return total;
}

/** A progress bar on `io.stderr` when showsProgress, else one that prints nothing. */
export function createProgress(io: ProgressIo, options: ProgressOptions): Progress {
  if (!showsProgress(io)) return NO_PROGRESS;
  const stream = io.stderr;
  const now = options.now ?? Date.now;
  const colour = useColor(stream, io.env, io.color);
  const started = now();
  const delay = options.delayMs ?? 2000;
  const interval = options.intervalMs ?? 200;
  let total = 0;
  let read = 0;
  let lastDraw = 0;
  let shown = false;
  const draw = (): void => {
    const t = now();
    if (t - started < delay || t - lastDraw < interval) return;
    lastDraw = t;
    shown = true;
    const fraction = total > 0 ? Math.min(1, read / total) : 0;
    const filled = Math.round(fraction * WIDTH);
    const bar = '#'.repeat(filled) + '-'.repeat(WIDTH - filled);
    const mb = read / 1e6;
    const rate = mb / Math.max(0.001, (t - started) / 1000);
    const pct = total > 0 ? `${(fraction * 100).toFixed(0).padStart(3)}%` : '   ?';
    const text = `${options.label} [${bar}] ${pct} ${mb.toFixed(0)} MB ${rate.toFixed(0)} MB/s`;
    stream.write(`\r${paint(colour, 36, text)}\x1b[K`);
  };
  return {
    expect: (bytes) => {
      total += bytes;
    },
    advance: (bytes) => {
      read += bytes;
      draw();
    },
    done: () => {
      // Erase the line so what follows starts clean.
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
