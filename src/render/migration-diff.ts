/**
 * The diff of a migration (`migrate --format patch|json|markdown`, and the
 * library's `formatMigrationPatch`): each changed policy file's hunks are
 * built from the migration's own edits (edit-hunks.ts, linear in the text)
 * instead of by diffing the whole file, and printed by jsdiff's
 * `formatPatch` as `unifiedDiffParts` prints them.
 */
import type * as Jsdiff from 'diff';
import type { PolicyText } from './apply-patch';
import { editHunks } from './edit-hunks';
import { diffPath, type DiffPart } from './unified-diff';
import type { Migration } from '../review/migrate';

/** The diff parts of every file the migration changes, in the order given. */
export function migrationDiffParts(
  before: readonly PolicyText[],
  m: Pick<Migration, 'after'>,
  cwd: string,
): DiffPart[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, as unified-diff.ts
  const { FILE_HEADERS_ONLY, formatPatch } = require('diff') as typeof Jsdiff;
  const out: DiffPart[] = [];
  before.forEach((b, i) => {
    const a = m.after[i]!;
    if (a.text === b.text) return;
    const p = diffPath(b.file, cwd);
    const text = formatPatch(
      {
        oldFileName: `a/${p}`,
        newFileName: `b/${p}`,
        oldHeader: undefined,
        newHeader: undefined,
        hunks: editHunks(b.text, a.edits),
      },
      FILE_HEADERS_ONLY,
    );
    // FILE_HEADERS_ONLY prints exactly the `--- a/…` and `+++ b/…` lines before the hunks.
    const cut = text.indexOf('\n', text.indexOf('\n') + 1) + 1;
    out.push({ file: b.file, header: text.slice(0, cut), body: text.slice(cut), after: a.text });
  });
  return out;
}
