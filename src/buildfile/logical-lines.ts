/**
 * Physical lines joined into logical lines at `\` continuations (a line whose
 * last character before its line end is `\`), with a map back from each
 * offset of the logical text to its physical line and column, so an edit
 * found in the logical text lands on the right bytes of the file.
 */
import type { LinePoint } from './buildfile';

/** One logical line: its text (continuation backslashes and line ends removed) and where it came from. */
export interface LogicalLine {
  text: string;
  /** First and last physical line (1-based). */
  line: number;
  lastLine: number;
  /** Per physical piece: its offset in `text` and its physical line. */
  pieces: Array<{ offset: number; line: number }>;
}

/** The physical lines of `text` without their line ends (`\r\n` or `\n`). */
export function physicalLines(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Joins continuation lines, starting at physical line index `from`; returns the logical line and the next index. */
export function logicalLineAt(
  lines: readonly string[],
  from: number,
): { logical: LogicalLine; next: number } {
  const pieces: LogicalLine['pieces'] = [];
  let text = '';
  let i = from;
  for (;;) {
    const raw = lines[i]!;
    pieces.push({ offset: text.length, line: i + 1 });
    const continued = raw.endsWith('\\') && i + 1 < lines.length;
    text += continued ? raw.slice(0, -1) : raw;
    i++;
    if (!continued) break;
  }
  return { logical: { text, line: from + 1, lastLine: i, pieces }, next: i };
}

/** The physical place of logical offset `offset`. */
export function pointAt(l: LogicalLine, offset: number): LinePoint {
  let piece = l.pieces[0]!;
  for (const p of l.pieces) if (p.offset <= offset) piece = p;
  return { line: piece.line, column: offset - piece.offset };
}
