/**
 * Unified diff of policy files before and after the patch, with `a/` and `b/`
 * headers (paths relative to the current directory) that `git apply` and
 * `patch -p1` accept. jsdiff's `structuredPatch` makes the hunks (only where
 * lines change, 3 lines of context) and `formatPatch` prints them; jsdiff
 * handles the zero-line hunk numbering (`@@ -N,0 +M,K @@`) in that one place.
 * Files without changes print nothing.
 *
 * Lines keep their own line ends (a CRLF file's lines carry their `\r`), so
 * the patch of a CRLF file applies to it. Each file's diff is also given
 * apart (`unifiedDiffParts`): the shell writes its body in the file's own
 * encoding (cli/patch-bytes.ts), the text here being the file's decoded text.
 */
import * as path from 'node:path';
import type * as Jsdiff from 'diff';
import { insertionHunks, type Insertion } from './insertion-hunks';

/** One file's text before and after. */
export interface FileChange {
  /** The file as the user named it. */
  file: string;
  before: string;
  after: string;
  /** The insertions that turn `before` into `after`, when that is all that changed: hunks are then built from them in linear time (insertion-hunks.ts) instead of by jsdiff's O(N·D) diff. */
  insertions?: readonly Insertion[];
}

/** The `a/`/`b/` path of a file: relative to `cwd`, with forward slashes. */
export function diffPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, path.resolve(cwd, file));
  return rel.split(path.sep).join('/');
}

/** One changed file's diff: its `---`/`+++` header lines, its hunks, and the file's text after. */
export interface DiffPart {
  file: string;
  /** The two header lines (paths as the command line gave them), each ending in `\n`. */
  header: string;
  /** The hunks, in the file's own text (its line ends, its characters). */
  body: string;
  after: string;
}

/** The unified diff of every changed file, concatenated; empty when nothing changed. */
export function formatUnifiedDiff(changes: FileChange[], cwd: string): string {
  return unifiedDiffParts(changes, cwd)
    .map((p) => p.header + p.body)
    .join('');
}

/** The diff of each changed file, in order (unchanged files have none). */
export function unifiedDiffParts(changes: FileChange[], cwd: string): DiffPart[] {
  // Loaded on first use, not at start-up (8 ms).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load
  const { FILE_HEADERS_ONLY, formatPatch, structuredPatch } = require('diff') as typeof Jsdiff;
  const out: DiffPart[] = [];
  for (const c of changes) {
    if (c.before === c.after) continue;
    const p = diffPath(c.file, cwd);
    const patch: Jsdiff.StructuredPatch = c.insertions
      ? {
          oldFileName: `a/${p}`,
          newFileName: `b/${p}`,
          oldHeader: undefined,
          newHeader: undefined,
          hunks: insertionHunks(c.before, c.insertions),
        }
      : structuredPatch(`a/${p}`, `b/${p}`, c.before, c.after, undefined, undefined, {
          context: 3,
        });
    const text = formatPatch(patch, FILE_HEADERS_ONLY);
    // FILE_HEADERS_ONLY prints exactly the `--- a/…` and `+++ b/…` lines before the hunks.
    const cut = text.indexOf('\n', text.indexOf('\n') + 1) + 1;
    out.push({ file: c.file, header: text.slice(0, cut), body: text.slice(cut), after: c.after });
  }
  return out;
}
