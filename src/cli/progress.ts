/**
 * A progress bar on stderr for long trace reads: bytes read of bytes known,
 * rate and percentage, redrawn at most every 200 ms, and only after the first
 * two seconds (short inputs never see it). Shown on a terminal only — never
 * on a pipe or a file, so logs and tests stay byte-identical — and in colour
 * only when `NO_COLOR` is unset (see useColour).
 *
 * Does not read files or know about traces: the caller reports bytes. A small
 * own implementation (no package): one line, `\r`-overwritten, erased at the end.
 */
import type { Writable } from 'node:stream';
import { useColour } from './io';

/** Reports progress; a no-op when stderr is not a terminal. */
export interface Progress {
  /** Adds bytes to the total expected (a file's size, once known). */
  expect(bytes: number): void;
  /** Adds bytes read. */
  advance(bytes: number): void;
  /** Erases the bar (call before printing the result summary). */
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

const WIDTH = 24;

/** A progress bar on `stream` when it is a terminal, else a progress that prints nothing. */
export function createProgress(
  stream: Writable,
  env: NodeJS.ProcessEnv,
  options: ProgressOptions,
): Progress {
  if (!(stream as Writable & { isTTY?: boolean }).isTTY) {
    return { expect: () => undefined, advance: () => undefined, done: () => undefined };
  }
  const now = options.now ?? Date.now;
  const colour = useColour(stream, env);
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
    stream.write(`\r${colour ? `\x1b[36m${text}\x1b[0m` : text}\x1b[K`);
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
      // Erase the line so the summary that follows starts clean.
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
