/**
 * Unified diff of a text whose lines were edited in place, none added or
 * removed (`types --format patch`: `on -T TYPE` written into launch lines),
 * built in time linear in the text: jsdiff's Myers diff costs O(lines ×
 * changed lines) (docs/performance.md, "types").
 * Hunks have 3 lines of context and join when at most 6 unchanged lines lie
 * between two changes, a run of changed lines prints its `-` lines then its
 * `+` lines, and a last line without a newline gets jsdiff's mark, as
 * `structuredPatch` would; jsdiff's `formatPatch` prints them.
 */
import type * as Jsdiff from 'diff';
import { diffPath, unifiedDiffParts, type DiffPart, type FileChange } from './unified-diff';
import type { Hunk } from './insertion-hunks';
import { appendAll } from '../arrays';

const CONTEXT = 3;
const NO_NEWLINE = '\\ No newline at end of file';

/** Lines without their `\n` (a `\r` stays), and whether the last one had none. */
function splitLines(text: string): { lines: string[]; lastWithoutNewline: boolean } {
  const lines = text.split('\n');
  const lastWithoutNewline = !text.endsWith('\n') && text.length > 0;
  if (!lastWithoutNewline) lines.pop();
  return { lines, lastWithoutNewline };
}

/** The hunks turning `before` into `after`, which has the same number of lines. */
export function lineEditHunks(before: string, after: string): Hunk[] | undefined {
  const a = splitLines(before);
  const b = splitLines(after);
  if (a.lines.length !== b.lines.length || a.lastWithoutNewline !== b.lastWithoutNewline)
    return undefined;
  const n = a.lines.length;
  const changed: number[] = [];
  for (let i = 0; i < n; i++) if (a.lines[i] !== b.lines[i]) changed.push(i);
  const hunks: Hunk[] = [];
  const mark = (i: number, out: string[]): void => {
    if (i === n - 1 && a.lastWithoutNewline) out.push(NO_NEWLINE);
  };
  for (let k = 0; k < changed.length;) {
    let last = k;
    while (last + 1 < changed.length && changed[last + 1]! - changed[last]! - 1 <= 2 * CONTEXT)
      last++;
    const start = Math.max(0, changed[k]! - CONTEXT);
    const end = Math.min(n, changed[last]! + 1 + CONTEXT);
    const lines: string[] = [];
    for (let i = start; i < end;) {
      if (a.lines[i] === b.lines[i]) {
        lines.push(` ${a.lines[i]!}`);
        mark(i, lines);
        i++;
        continue;
      }
      let j = i;
      while (j < end && a.lines[j] !== b.lines[j]) j++;
      for (let x = i; x < j; x++) {
        lines.push(`-${a.lines[x]!}`);
        mark(x, lines);
      }
      for (let x = i; x < j; x++) {
        lines.push(`+${b.lines[x]!}`);
        mark(x, lines);
      }
      i = j;
    }
    hunks.push({
      oldStart: start + 1,
      oldLines: end - start,
      newStart: start + 1,
      newLines: end - start,
      lines,
    });
    k = last + 1;
  }
  return hunks;
}

/** The diff of each changed file, as `unifiedDiffParts` gives it, for in-place line edits. */
export function lineEditDiffParts(changes: readonly FileChange[], cwd: string): DiffPart[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, as unified-diff.ts
  const { FILE_HEADERS_ONLY, formatPatch } = require('diff') as typeof Jsdiff;
  const out: DiffPart[] = [];
  for (const c of changes) {
    if (c.before === c.after) continue;
    const hunks = lineEditHunks(c.before, c.after);
    if (!hunks) {
      appendAll(out, unifiedDiffParts([c], cwd));
      continue;
    }
    const p = diffPath(c.file, cwd);
    const text = formatPatch(
      {
        oldFileName: `a/${p}`,
        newFileName: `b/${p}`,
        oldHeader: undefined,
        newHeader: undefined,
        hunks,
      },
      FILE_HEADERS_ONLY,
    );
    const cut = text.indexOf('\n', text.indexOf('\n') + 1) + 1;
    out.push({ file: c.file, header: text.slice(0, cut), body: text.slice(cut), after: c.after });
  }
  return out;
}
