/**
 * Code frames: a diagnostic's one-line form followed by the source line it
 * points at, with a line-number gutter and carets under the span:
 *
 *     policy.secpol:15:2: error: expected `;`, found `allow`
 *        |
 *     15 | }
 *        |  ^
 *
 * Tabs in the source line are kept in the caret line so the carets stay
 * aligned. A span over several lines is underlined to the end of its first
 * line. Does not colour output or show more than one line of context.
 */
import { formatDiagnosticLine, printable, type Diagnostic } from './diagnostic';

/** Formats `d` with a code frame taken from `sourceText` (the frame is omitted when the line is absent). */
export function formatDiagnostic(d: Diagnostic, sourceText: string): string {
  const head = formatDiagnosticLine(d);
  const line = sourceLine(sourceText, d.line);
  const lineText = line === undefined ? undefined : printable(line);
  if (lineText === undefined || d.column === undefined) return `${head}\n`;
  const gutter = String(d.line);
  const pad = ' '.repeat(gutter.length);
  const startCol = Math.min(d.column, lineText.length + 1);
  let width = 1;
  if (d.span && d.span.end.line === d.span.start.line)
    width = d.span.end.column - d.span.start.column;
  else if (d.span) width = lineText.length + 1 - startCol;
  width = Math.max(1, width);
  // Keep tabs where the source has them so the carets line up in any tab width.
  const indent = lineText.slice(0, startCol - 1).replace(/[^\t]/g, ' ');
  return [
    head,
    `${pad} |`,
    `${gutter} | ${lineText}`.trimEnd(),
    `${pad} | ${indent}${'^'.repeat(width)}`,
    '',
  ].join('\n');
}

/** Line starts of the last text framed: a lint run frames thousands of diagnostics of one file. */
let indexed: { text: string; starts: number[] } | undefined;

/** Offsets where each line of `text` starts (index 0 is line 1). */
function lineStarts(text: string): number[] {
  if (indexed?.text === text) return indexed.starts;
  const starts = [0];
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
  indexed = { text, starts };
  return starts;
}

/** Line `line` (1-based) of `text` without its line ending, or undefined past the end. */
function sourceLine(text: string, line: number): string | undefined {
  const starts = lineStarts(text);
  const start = starts[line - 1];
  if (start === undefined || line < 1) return undefined;
  const next = starts[line];
  const end = next === undefined ? text.length : next - 1;
  return text.slice(start, end).replace(/\r$/, '');
}
