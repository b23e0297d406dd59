/**
 * What a buildfile or startup script says about launching processes
 * (docs/launch-types.md): the commands a script runs, each with its place,
 * the `on -T` type it gives (if any) and where that type is written, the
 * files the image holds, and every line not understood. Plain data; parsed by
 * parse-buildfile.ts, rewritten by rewrite-launches.ts.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';

/** A place in one physical line: 1-based line, 0-based UTF-16 column. */
export interface LinePoint {
  line: number;
  column: number;
}

/** A command a script runs (a process it launches). */
export interface LaunchLine {
  file: string;
  /** First physical line of the command (continuation lines joined). */
  line: number;
  /** Last physical line (equal to `line` without `\` continuations). */
  lastLine: number;
  /** The command word as written (`devc-ser8250`, `/proc/boot/random`). */
  command: string;
  /** Where the command word starts (`on -T TYPE ` goes before it when there is no `on`). */
  commandAt: LinePoint;
  /** Paths (with a leading `/`) the command may be, in PATH order (one for an absolute command). */
  candidates: string[];
  /** The `on` prefix, when the command is launched by `on`. */
  on?: {
    /** Where `on` ends (` -T TYPE` goes there when there is no -T). */
    end: LinePoint;
    /** The `-T` argument, when given: its value and span. */
    type?: { value: string; start: LinePoint; end: LinePoint };
    /** `on -d`: detached from its parent. */
    detached: boolean;
  };
  /** Ends in `&`: runs in the background. */
  background: boolean;
  /** Long-running (docs/launch-types.md): in the background or detached. */
  longRunning: boolean;
}

/** One parsed buildfile or script. */
export interface Buildfile {
  file: string;
  /** `buildfile` (mkifs) or `script` (a shell startup script, every line a command). */
  kind: 'buildfile' | 'script';
  launches: LaunchLine[];
  /** Paths the image holds (files and `[type=link]` entries), with a leading `/`. */
  imageFiles: string[];
  /** Lines not understood (warnings with FILE:LINE); none of them is ever rewritten. */
  diagnostics: Diagnostic[];
}
