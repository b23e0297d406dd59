/**
 * The diff of a migration (`migrate --format patch|json|markdown`, and the
 * library's `formatMigrationPatch`): each policy file's text before and
 * after, as `unifiedDiffParts` gives it.
 */
import type { PolicyText } from './apply-patch';
import { unifiedDiffParts, type DiffPart } from './unified-diff';
import type { Migration } from '../review/migrate';

/** The diff parts of every file the migration changes, in the order given. */
export function migrationDiffParts(
  before: readonly PolicyText[],
  m: Pick<Migration, 'after'>,
  cwd: string,
): DiffPart[] {
  return unifiedDiffParts(
    before.map((s, i) => ({ file: s.file, before: s.text, after: m.after[i]!.text })),
    cwd,
  );
}
