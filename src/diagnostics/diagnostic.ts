/**
 * Diagnostics: problems found in the user's input (a trace line that was not
 * understood, a policy statement that does not parse, a lint finding).
 *
 * Problems in user content are data, never exceptions: every stage returns or
 * yields them, and the CLI prints them on stderr. Each one names the file and
 * line (and the column for policy text), so a person can jump to it.
 * Modelled on vfile-message (reason, place, ruleId, fatal).
 */
import { visible } from './safe-text';

/** How bad a diagnostic is: `error` fails the command, `warning` and `info` do not. */
export type Severity = 'error' | 'warning' | 'info';

/** A place in a text file: 1-based line and column, 0-based UTF-16 offset. */
export interface Point {
  line: number;
  column: number;
  offset: number;
}

/** A span of source text; `end` is the first character after the span. */
export interface Span {
  start: Point;
  end: Point;
}

/** A problem found in input, with its place. */
export interface Diagnostic {
  severity: Severity;
  /** One sentence, no trailing period: what is wrong, and what was expected. */
  message: string;
  /** The file as the user named it (`-` for standard input). */
  file: string;
  /** 1-based line of the problem (the first line of a multi-line record). */
  line: number;
  /** 1-based column, where the input has columns that matter (policy text). */
  column?: number;
  /** The whole span, for code frames. */
  span?: Span;
  /** Stable id of the check that found it (`report-duplicate-rule`, `trace-unknown-line`). */
  ruleId?: string;
  /** Related places ("first declared here"). */
  notes?: Array<{ message: string; file: string; line: number; column?: number }>;
}

/** `FILE:LINE[:COL]`: the place prefix every message starts with. */
export function formatPlace(d: { file: string; line: number; column?: number }): string {
  return d.column === undefined ? `${d.file}:${d.line}` : `${d.file}:${d.line}:${d.column}`;
}

/** One-line form: `FILE:LINE[:COL]: severity: message [ruleId]`. */
export function formatDiagnosticLine(d: Diagnostic): string {
  const rule = d.ruleId ? ` [${d.ruleId}]` : '';
  // Controls, bidirectional and invisible characters as `?` (safe-text.ts): a place or a message
  // quoting a policy token must not drive a terminal, reorder or hide text.
  return visible(`${formatPlace(d)}: ${d.severity}: ${d.message}${rule}`);
}
