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
 * aligned; control, bidirectional and invisible characters are shown as `?`,
 * one for one (safe-text.ts `visible`), so a quoted file never drives or
 * reorders the reader's terminal. A span over several lines is underlined to the end of its first
 * line. Does not colour output or show more than one line of context.
 *
 * A frame costs O(FRAME_WIDTH), not O(line): a line longer than FRAME_WIDTH
 * is shown as a window around the column, its cut ends marked `…`, so 20,000
 * errors on one 140 KB line print 20,000 short frames instead of the line
 * 20,000 times (which made every command quadratic in syntax errors).
 */
import { formatDiagnosticLine, type Diagnostic } from './diagnostic';
import { visible } from './safe-text';

/** Formats `d` with a code frame taken from `sourceText` (the frame is omitted when the line is absent). */
export function formatDiagnostic(d: Diagnostic, sourceText: string): string {
  const head = formatDiagnosticLine(d);
  const line = sourceLine(d.file, sourceText, d.line);
  if (line === undefined || d.column === undefined) return `${head}\n`;
  const gutter = String(d.line);
  const pad = ' '.repeat(gutter.length);
  let startCol = Math.min(d.column, line.length + 1);
  let width = 1;
  if (d.span && d.span.end.line === d.span.start.line)
    width = d.span.end.column - d.span.start.column;
  else if (d.span) width = line.length + 1 - startCol;
  width = Math.max(1, width);
  let lineText: string;
  if (line.length <= FRAME_WIDTH) lineText = visible(line);
  else {
    // A long line: the window [from, to) around the column, the carets cut to it.
    const from = Math.max(0, Math.min(startCol - 1 - CONTEXT, line.length - FRAME_WIDTH));
    const to = from + FRAME_WIDTH;
    const lead = from > 0 ? '…' : '';
    lineText = `${lead}${visible(line.slice(from, to))}${to < line.length ? '…' : ''}`;
    startCol = startCol - from + lead.length;
    width = Math.max(1, Math.min(width, lead.length + (to - from) + 2 - startCol));
  }
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

/** The longest source line a frame shows whole; longer lines show this many characters. */
const FRAME_WIDTH = 160;
/** Characters shown before the column in a long line's window. */
const CONTEXT = 60;

/**
 * Line starts of the texts framed last, by file name: a run frames thousands of diagnostics
 * of a few files. Keyed by name so that the check `entry.text === text` is the same string
 * object (a pointer compare): one entry for every text made `===` compare two equal copies
 * character by character (`diff p.secpol copy.secpol`: two files with the same bytes), once
 * per diagnostic, which made a diff of two erroneous copies quadratic in its syntax errors
 * (measured in docs/performance.md).
 */
const indexed = new Map<string, { text: string; starts: number[] }>();
/** How many files' line starts are kept (the oldest is dropped first). */
const INDEXED_FILES = 8;

/** Offsets where each line of `text` (the text of `file`) starts (index 0 is line 1). */
function lineStarts(file: string, text: string): number[] {
  const entry = indexed.get(file);
  if (entry?.text === text) {
    // An equal copy (`diff p.secpol p.secpol` reads the file twice): keep this object, so the
    // next frames of it compare pointers.
    entry.text = text;
    return entry.starts;
  }
  const starts = [0];
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
  indexed.delete(file);
  if (indexed.size >= INDEXED_FILES) indexed.delete(indexed.keys().next().value!);
  indexed.set(file, { text, starts });
  return starts;
}

/** Line `line` (1-based) of `text` (the text of `file`) without its line ending, or undefined past the end. */
function sourceLine(file: string, text: string, line: number): string | undefined {
  const starts = lineStarts(file, text);
  const start = starts[line - 1];
  if (start === undefined || line < 1) return undefined;
  const next = starts[line];
  let end = next === undefined ? text.length : next - 1;
  // Not a regular expression: `/\r$/` would scan the whole line for every frame of it.
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return text.slice(start, end);
}
