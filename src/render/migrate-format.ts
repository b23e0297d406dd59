/**
 * Printing `migrate`'s result (docs/migrate.md): text (`FILE:LINE:COL:
 * level: message [code]`, one line per item, then the trace warnings), JSON
 * (schema `secpol-learn/migrate`) and markdown (tables and the patch). The
 * patch itself is a unified diff built by the command.
 */
import type { Migration, MigrationItem } from '../review/migrate';
import type { OtherReleaseWarning } from '../review/migrate-traces';
import { visible, escapeJsonControls } from '../diagnostics/safe-text';
import { cell } from './review-templates';
import { maxOf } from '../arrays';

/** Version of the `secpol-learn/migrate` JSON document. */
export const MIGRATE_SCHEMA_VERSION = 1;

/** The stable code of an item (text `[code]`, JSON `code`). */
export function itemCode(i: MigrationItem): string {
  return i.review ? `migrate-${i.review}` : 'migrate-renamed';
}

/** One sentence for an item. */
export function itemMessage(i: MigrationItem, m: Pick<Migration, 'from' | 'to'>): string {
  const rel = `QNX ${m.to}`;
  switch (i.review) {
    case undefined:
      return `\`${i.ability}\` is \`${i.to}\` in ${rel} (${i.reason}): renamed in \`${i.item}\``;
    case 'inferred-rename':
      return `\`${i.ability}\` does not exist in ${rel}; \`${i.to}\` may replace it (inferred: ${i.reason}): \`${i.item}\` removed from ${i.subjects}'s grants; add \`${i.to}\` by hand if ${i.subjects} needs it`;
    case 'loses-subranges':
      return `\`${i.ability}\` takes no subrange in ${rel}: \`${i.item}\` removed from ${i.subjects}'s grants (granting \`${i.ability}\` whole would widen it); decide whether ${i.subjects} needs it`;
    case 'no-equivalent':
      return `\`${i.ability}\` does not exist in ${rel} and has no equivalent: \`${i.item}\` removed from ${i.subjects}'s grants; check what ${i.subjects} used it for`;
  }
}

/** One sentence for a trace warning. */
export function warningMessage(w: OtherReleaseWarning, m: Pick<Migration, 'to'>): string {
  return `ability ${w.ability} is not a QNX ${m.to} ability (it is one in QNX ${w.releases.join(', ')}): this trace was taken on another release (${w.records} record(s))`;
}

/** The summary line for stderr. */
export function migrateSummary(m: Migration, warnings: readonly OtherReleaseWarning[]): string {
  const renamed = m.items.filter((i) => !i.review).length;
  const review = m.items.length - renamed;
  const tables =
    m.tableChanges.length === 0
      ? `; the ability tables of QNX ${m.from} and ${m.to} do not differ`
      : '';
  return `QNX ${m.from} → ${m.to}: ${renamed} renamed, ${review} removed for review, ${warnings.length} trace warning(s)${tables}`;
}

/** Text: one line per item, then one per trace warning. */
export function migrateText(m: Migration, warnings: readonly OtherReleaseWarning[]): string {
  const out: string[] = [];
  for (const i of m.items)
    out.push(
      `${i.file}:${i.line}:${i.column}: ${i.review ? 'error' : 'info'}: ${visible(itemMessage(i, m))} [${itemCode(i)}]`,
    );
  for (const w of warnings)
    out.push(
      `${w.file}:${w.line}: warning: ${visible(warningMessage(w, m))} [migrate-other-release]`,
    );
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

/** JSON (schema `secpol-learn/migrate`), with the patch. */
export function migrateJson(
  m: Migration,
  warnings: readonly OtherReleaseWarning[],
  patch: string,
): string {
  const doc = {
    schema: 'secpol-learn/migrate',
    schemaVersion: MIGRATE_SCHEMA_VERSION,
    from: m.from,
    to: m.to,
    summary: {
      renamed: m.items.filter((i) => !i.review).length,
      review: m.items.filter((i) => i.review).length,
      traceWarnings: warnings.length,
    },
    tableChanges: m.tableChanges,
    items: m.items.map((i) => ({ code: itemCode(i), ...i, message: itemMessage(i, m) })),
    traceWarnings: warnings.map((w) => ({ ...w, message: warningMessage(w, m) })),
    patch,
  };
  return `${escapeJsonControls(JSON.stringify(doc, null, 2))}\n`;
}

/** Markdown: a table of items, one of trace warnings, and the patch. */
export function migrateMarkdown(
  m: Migration,
  warnings: readonly OtherReleaseWarning[],
  patch: string,
): string {
  const out: string[] = [`# Migration of the policy from QNX ${m.from} to ${m.to}`, ''];
  out.push(`${cell(migrateSummary(m, warnings))}.`, '');
  if (m.items.length > 0) {
    out.push('| place | item | action | review |', '|---|---|---|---|');
    for (const i of m.items)
      out.push(
        `| ${cell(`${i.file}:${i.line}:${i.column}`)} | ${cell(i.item, true)} | ${i.review ? 'removed' : `renamed to ${cell(i.to ?? '', true)}`} | ${i.review ? cell(itemMessage(i, m)) : ''} |`,
      );
    out.push('');
  }
  if (warnings.length > 0) {
    out.push('## Traces taken on another release', '');
    for (const w of warnings)
      out.push(`- ${cell(`${w.file}:${w.line}`)}: ${cell(warningMessage(w, m))}`);
    out.push('');
  }
  if (patch) {
    // A fence longer than any backtick run in the policy, so no comment can close it.
    const longest = maxOf(
      [...patch.matchAll(/`+/g)].map((r) => r[0].length),
      0,
    );
    const fence = '`'.repeat(Math.max(3, longest + 1));
    out.push('## Patch', '', `${fence}diff`, patch.replace(/\n$/, ''), fence, '');
  }
  return out.join('\n');
}
