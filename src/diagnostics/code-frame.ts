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
import { formatDiagnosticLine, type Diagnostic } from './diagnostic';

/** Formats `d` with a code frame taken from `sourceText` (the frame is omitted when the line is absent). */
export function formatDiagnostic(d: Diagnostic, sourceText: string): string {
  const head = formatDiagnosticLine(d);
  const lineText = sourceLine(sourceText, d.line);
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

/** Line `line` (1-based) of `text` without its line ending, or undefined past the end. */
function sourceLine(text: string, line: number): string | undefined {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  const nl = text.indexOf('\n', start);
  return text.slice(start, nl < 0 ? text.length : nl).replace(/\r$/, '');
}
