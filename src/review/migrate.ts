/**
 * `migrate`: carries a policy's abilities from one QNX release to another
 * (docs/migrate.md). Pure: policy AST and texts in, a `Migration` out (what
 * changes, what needs a person, and each file's text after).
 *
 * Contract, per ability named in a grant, a negation or `gain_priv:` (by
 * abilities.ts's tables and release-changes.ts):
 * - renamed, [HDR]: the name is rewritten in place (`qvm` → `hyp`), subranges
 *   and layout kept; the new name is a node printed by the one printer;
 * - renamed [INF], removed, or a subrange the target cannot express: the item
 *   is cut out (the target's secpolcompile would refuse it; a statement left
 *   granting nothing goes whole) and a review item says what it granted and
 *   what to consider instead. An [INF] candidate is never written for the user.
 * Nothing is ever widened. Names the policy declares with `ability NAME;` are
 * custom abilities and are left alone. Everything else keeps its bytes.
 */
import type { AbilityItem, Name, Policy, Statement } from '../policy/ast';
import type { Origin } from '../policy/model/types';
import { abilityGrant } from '../policy/nodes';
import { printItemNode } from '../policy/print';
import { abilityInfo, normaliseAbilityName, type QnxVersion } from '../qnx/abilities';
import { abilityChanges, type AbilityChange, type Confidence } from '../qnx/release-changes';
import { applyCuts, removalCuts, type Cut, type PolicyText } from './remove-grants';

/** What happened to one ability item. */
export type MigrationAction = 'renamed' | 'removed';

/** Why an item needs a person. */
export type ReviewReason = 'no-equivalent' | 'inferred-rename' | 'loses-subranges';

/** One ability item the migration touches. */
export interface MigrationItem {
  file: string;
  line: number;
  column: number;
  /** The subjects of its statement as written (`sshd_t`, `{ a_t b_t }`). */
  subjects: string;
  /** The item as written (`qnet`, `-qvm`, `gain_priv:qvm`, `chroot:0`). */
  item: string;
  ability: string;
  action: MigrationAction;
  /** The new name (renamed), or the candidate a person should consider (inferred-rename). */
  to?: string;
  confidence?: Confidence;
  /** Set when a person must decide; the item was removed meanwhile. */
  review?: ReviewReason;
  /** The reference's reason for a rename. */
  reason?: string;
}

/** The result of migrating one policy. */
export interface Migration {
  from: QnxVersion;
  to: QnxVersion;
  /** Every change the two releases' tables make (the same for every policy). */
  tableChanges: AbilityChange[];
  items: MigrationItem[];
  /** Each file's text after the migration, in the order given. */
  after: MigratedText[];
}

/** A policy file's text after the migration, and the edits of the text before that made it. */
export interface MigratedText extends PolicyText {
  /** Spans of the text before, removed or replaced (`applyCuts`: by start, nested ones dropped). */
  edits: Cut[];
}

function subjectsText(s: Statement): string {
  if (s.type !== 'allow-ability') return '';
  const names = s.subjects.names.map((n) => n.value);
  return s.subjects.braced ? `{ ${names.join(' ')} }` : names.join(' ');
}

/** The ability name node of an item, if it names one. */
function abilityNameOf(item: AbilityItem): Name | undefined {
  if (item.type === 'ability-grant') return item.name;
  if (item.type === 'gain-priv') return item.ability;
  return undefined;
}

/** Custom abilities the policy declares (`ability NAME;`): never touched. */
function declaredAbilities(policy: Policy): Set<string> {
  const out = new Set<string>();
  for (const f of policy.files)
    for (const s of f.statements) if (s.type === 'ability-decl') out.add(s.name.value);
  return out;
}

/** Plans and applies the migration of `policy` (whose files' texts are `texts`) from `from` to `to`. */
export function migratePolicy(
  policy: Policy,
  texts: PolicyText[],
  from: QnxVersion,
  to: QnxVersion,
): Migration {
  const tableChanges = abilityChanges(from, to);
  const byName = new Map(tableChanges.map((c) => [c.name, c]));
  const declared = declaredAbilities(policy);
  const items: MigrationItem[] = [];
  const removals: Origin[] = [];
  const renames = new Map<string, Cut[]>();
  for (const f of policy.files)
    for (const s of f.statements) {
      if (s.type !== 'allow-ability') continue;
      for (const item of s.items) {
        const name = abilityNameOf(item);
        if (!name || declared.has(name.value)) continue;
        const info = abilityInfo(name.value, from);
        if (info?.kind !== 'static') continue;
        const change = byName.get(info.name);
        if (!change) continue;
        const ranged = item.type === 'ability-grant' && (item.ranges?.length ?? 0) > 0;
        if (change.kind === 'loses-subranges' && !ranged) continue;
        const pos = item.position ?? s.position;
        const file = pos?.file ?? f.file;
        const text = texts.find((t) => t.file === file)?.text ?? '';
        const written = item.position
          ? text.slice(item.position.start.offset, item.position.end.offset)
          : printItemNode(item);
        const base = {
          file,
          line: pos?.start.line ?? 0,
          column: pos?.start.column ?? 0,
          subjects: subjectsText(s),
          item: written,
          ability: info.name,
        };
        const newInfo = change.kind === 'renamed' ? abilityInfo(change.to, to) : undefined;
        const keepsRanges = !ranged || (newInfo?.kind === 'static' && newInfo.ranged);
        if (
          change.kind === 'renamed' &&
          change.confidence === 'HDR' &&
          keepsRanges &&
          name.position
        ) {
          // The name alone changes: subranges, negation and layout keep their bytes.
          const list = renames.get(file) ?? [];
          list.push({
            start: name.position.start.offset,
            end: name.position.end.offset,
            text: printItemNode(abilityGrant(normaliseAbilityName(change.to)).name),
          });
          renames.set(file, list);
          items.push({
            ...base,
            action: 'renamed',
            to: change.to,
            confidence: 'HDR',
            reason: change.reason,
          });
          continue;
        }
        removals.push({ file, line: base.line, column: base.column, statement: s, item });
        if (change.kind === 'renamed')
          items.push({
            ...base,
            action: 'removed',
            to: change.to,
            confidence: change.confidence,
            review: change.confidence === 'INF' ? 'inferred-rename' : 'loses-subranges',
            reason: change.reason,
          });
        else
          items.push({
            ...base,
            action: 'removed',
            review: change.kind === 'removed' ? 'no-equivalent' : 'loses-subranges',
          });
      }
    }
  const cuts = removalCuts(texts, removals);
  const after = texts.map((t) => {
    const edits = [...(cuts.get(t.file) ?? []), ...(renames.get(t.file) ?? [])];
    return { file: t.file, text: applyCuts(t.text, edits), edits };
  });
  return { from, to, tableChanges, items, after };
}
