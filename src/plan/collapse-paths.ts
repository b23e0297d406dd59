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
import { pathSpec } from '../policy/nodes';
import { riskOf } from '../policy/risk';
import { printItemNode } from '../policy/print';
import { cmp } from './order';
import type { PlannedItem, PolicyPatch } from './patch';

/** A numbered path: its prefix (ending in a non-digit) and its number (`/dev/ttyp` and `7`). */
export const NUMBERED = /^(.*[^0-9/])([0-9]+)$/;

/** Returns the patch with numbered paths folded into globs (the input is not modified). */
export function collapsePaths(patch: PolicyPatch): PolicyPatch {
  const changes = patch.changes.map((c) => {
    if (c.kind !== 'attach' && c.kind !== 'link') return c;
    const byPrefix = new Map<string, PlannedItem[]>();
    for (const item of c.items) {
      // Only plain literal paths fold (no file-type prefix, no relabel type).
      if (item.node.type !== 'path-spec' || item.node.fileType || item.node.relabel) continue;
      const m = NUMBERED.exec(item.node.path);
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
      const evidence = items.map((i) => i.provenance.evidence).reduce(mergeEvidence);
      const node = pathSpec(`${prefix}*`);
      const risk = riskOf({ kind: c.kind, subject: c.type, path: node });
      added.push({
        node,
        ...(risk ? { risk } : {}),
        provenance: {
          evidence,
          processes: [...new Set(items.flatMap((i) => i.provenance.processes))].sort(),
          moreProcesses: 0,
          notes: [{ kind: 'collapsed', paths: items.map((i) => printItemNode(i.node)) }],
          folded: items.map((i) => i.provenance),
        },
      });
    }
    if (added.length === 0) return c;
    const items = [...c.items.filter((i) => !folded.has(i)), ...added].sort((a, b) =>
      cmp(printItemNode(a.node), printItemNode(b.node)),
    );
    return { ...c, items };
  });
  return { ...patch, changes };
}
