/**
 * `generate --collapse`: QNX's recommended folding of numbered device paths
 * (reference §2.5, §4.2): `/dev/ttyp0` … `/dev/ttyp7` → `/dev/ttyp*`. Only
 * paths that end in digits after a non-digit, with at least two siblings of
 * the same prefix, are folded; each folded item says which paths it replaced.
 * A separate step over a planned patch, never applied by default: a glob
 * grants more than was observed.
 */
import { mergeEvidence } from '../infer/requirement';
import { isSafeLiteralPath } from '../policy/lexical';
import type { PlannedItem, PolicyPatch } from './patch';

const NUMBERED = /^(.*[^0-9/])([0-9]+)$/;

/** Returns the patch with numbered paths folded into globs (the input is not modified). */
export function collapsePaths(patch: PolicyPatch): PolicyPatch {
  const changes = patch.changes.map((c) => {
    if (c.kind !== 'attach' && c.kind !== 'link') return c;
    const byPrefix = new Map<string, PlannedItem[]>();
    for (const item of c.items) {
      const m = NUMBERED.exec(item.text);
      // The prefix becomes part of a glob: it must itself be a literal path.
      if (!m || !isSafeLiteralPath(m[1]!)) continue;
      const list = byPrefix.get(m[1]!);
      if (list) list.push(item);
      else byPrefix.set(m[1]!, [item]);
    }
    const folded = new Set<PlannedItem>();
    const added: PlannedItem[] = [];
    for (const [prefix, items] of byPrefix) {
      if (items.length < 2) continue;
      for (const i of items) folded.add(i);
      const evidence = items.map((i) => i.evidence).reduce(mergeEvidence);
      added.push({
        text: `${prefix}*`,
        evidence,
        processes: [...new Set(items.flatMap((i) => i.processes))].sort(),
        notes: [`# collapsed (--collapse): ${items.map((i) => i.text).join(' ')}`],
        explain: items.flatMap((i) => i.explain),
      });
    }
    if (added.length === 0) return c;
    const items = [...c.items.filter((i) => !folded.has(i)), ...added].sort((a, b) =>
      a.text < b.text ? -1 : a.text > b.text ? 1 : 0,
    );
    return { ...c, items };
  });
  return { ...patch, changes };
}
