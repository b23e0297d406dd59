/**
 * What a review session produces, from its state alone: the patch of the
 * items allowed (printed and applied by suggest's printers), the guard rules
 * of `n` (the deny file), the waiver entries of `w` (the waiver file, format
 * of docs/review.md). Outputs follow the plan's group order, not the order the
 * decisions were taken in, so decisions about different groups commute.
 */
import type {
  LaunchHint,
  PlannedChange,
  PlannedItem,
  PolicyPatch,
  ReviewItem,
} from '../../plan/patch';
import { changeStatement } from '../../plan/change-statement';
import { cmp } from '../../plan/order';
import { comment } from '../../policy/nodes';
import { printStatement } from '../../policy/print';
import type { Statement } from '../../policy/ast';
import { decisionFor, grantedNode, type Decision, type SessionState } from './session';
import type { ReviewGroup } from './groups';

/** Each group with its decision, in the plan's order. */
function decided(state: SessionState): Array<[ReviewGroup, Decision]> {
  return state.groups.flatMap((g) => {
    const d = decisionFor(state, g.id);
    return d ? [[g, d] as [ReviewGroup, Decision]] : [];
  });
}

/** The ability names an item grants or gains (for `ability NAME;` declarations). */
function abilityNames(item: PlannedItem): string[] {
  const n = item.node;
  if (n.type === 'ability-grant') return [n.name.value];
  if (n.type === 'gain-priv') return [n.ability.value];
  return [];
}

/**
 * The patch of the decisions: the allowed items (edited ones in place of the
 * suggestion), the derived `gain_priv` items of allowed settypeids, the
 * declarations they need, the review notes of the groups kept and one note per
 * `launch-as`.
 */
export function reviewedPatch(state: SessionState): PolicyPatch {
  const patch = state.patch;
  const kept = new Map<string, PlannedItem>(); // `change/item` → item to keep
  const launchAs: Array<[ReviewGroup, Decision & { choice: 'launch-as' }]> = [];
  const allowedGroups: ReviewGroup[] = [];
  for (const [g, d] of decided(state)) {
    if (d.choice === 'launch-as') launchAs.push([g, d]);
    const granted = grantedNode(state, d);
    if (!granted) continue;
    allowedGroups.push(g);
    g.items.forEach((ref, i) => {
      const item = patch.changes[ref.change]!.items[ref.item]!;
      if (!granted.edited) kept.set(`${ref.change}/${ref.item}`, item);
      else if (i === 0) kept.set(`${ref.change}/${ref.item}`, { ...item, node: granted.edited });
    });
  }
  const settypeids = new Set(
    allowedGroups
      .filter((g) => g.key.object.startsWith('settypeid:'))
      .flatMap((g) =>
        g.key.object
          .slice('settypeid:'.length)
          .split(',')
          .map((t) => `${g.key.type}\0${t}`),
      ),
  );
  const items = (c: PlannedChange, ci: number): PlannedItem[] =>
    c.items.flatMap((item, ii) => {
      const k = kept.get(`${ci}/${ii}`);
      if (k) return [k];
      const gp = item.provenance.notes.find((n) => n.kind === 'gain-priv');
      return gp?.kind === 'gain-priv' && settypeids.has(`${gp.subject}\0${gp.target}`)
        ? [item]
        : [];
    });
  const grants = patch.changes
    .map((c, ci): PlannedChange | undefined => {
      if (c.kind === 'type' || c.kind === 'ability-decl') return c;
      const list = items(c, ci);
      return list.length > 0 ? { ...c, items: list } : undefined;
    })
    .filter((c): c is PlannedChange => c !== undefined);
  const withItems = grants.filter((c) => c.kind !== 'type' && c.kind !== 'ability-decl');
  const usedTypes = new Set(
    withItems.flatMap((c) => [c.type, ...(c.kind === 'connect' ? [c.object!] : [])]),
  );
  const usedAbilities = new Set(withItems.flatMap((c) => c.items.flatMap(abilityNames)));
  const changes = grants.filter((c) =>
    c.kind === 'type'
      ? usedTypes.has(c.type)
      : c.kind === 'ability-decl'
        ? usedAbilities.has(c.object!)
        : true,
  );
  const keptTypes = new Set(changes.map((c) => c.type));
  const review = [
    ...patch.review.filter((r) => reviewKept(r, allowedGroups)),
    ...launchAs.map(([g, d]) => launchNote(g, d)),
  ].sort((a, b) => cmp(a.code, b.code) || cmp(a.message, b.message));
  const launches = patch.launches.filter((l) => launchKept(l, keptTypes, allowedGroups, launchAs));
  return { ...patch, changes, review, launches };
}

/** A review note stays when it is about no one group, or about a group allowed. */
function reviewKept(r: ReviewItem, allowed: ReviewGroup[]): boolean {
  if (r.type === undefined) return true;
  return allowed.some(
    (g) =>
      g.key.type === r.type &&
      (r.object === undefined ||
        g.key.object === r.object ||
        g.key.object.startsWith(`${r.object}:`)),
  );
}

/**
 * A launch line stays for a new type (`-c`) that keeps rules; a wrong-type
 * line for a group allowed with its hint (as suggest prints it), or for a
 * `launch-as` that chose that type.
 */
function launchKept(
  l: LaunchHint,
  keptTypes: Set<string>,
  allowed: ReviewGroup[],
  launchAs: Array<[ReviewGroup, Decision & { choice: 'launch-as' }]>,
): boolean {
  if (l.reason === 'new-type') return keptTypes.has(l.to);
  return (
    allowed.some(
      (g) => g.key.type === l.from && g.hint?.process === l.process && g.hint.to === l.to,
    ) ||
    launchAs.some(([g, d]) => d.process === l.process && g.key.type === l.from && d.as === l.to)
  );
}

function launchNote(g: ReviewGroup, d: Decision & { choice: 'launch-as' }): ReviewItem {
  return {
    code: 'launch-as',
    message: `${d.process} needs ${g.suggested} as ${g.key.type}: launch it with \`on -T ${d.as} ...\` instead (review decision; no rule added)`,
    type: g.key.type,
    object: g.key.object,
    evidence: g.evidence,
  };
}

/** The standalone statement of a group's suggested items. */
function groupStatement(state: SessionState, g: ReviewGroup): Statement {
  const change = state.patch.changes[g.items[0]!.change]!;
  const items = g.items.map((r) => state.patch.changes[r.change]!.items[r.item]!);
  return changeStatement({ ...change, items });
}

/** Where a group was first seen, for the comment above its guard rule. */
function seen(g: ReviewGroup): string {
  const p = g.evidence.firstFailure ?? g.evidence.first;
  const who = g.processes.join(', ') + (g.moreProcesses > 0 ? ` and ${g.moreProcesses} more` : '');
  return `${who} (first seen ${p.file}:${p.line})`;
}

/** The guard rules of the `never` decisions: one secpol entry each, to append to the deny file. */
export function guardEntries(state: SessionState): string[] {
  return decided(state)
    .filter(([, d]) => d.choice === 'never')
    .map(([g]) => {
      const st = groupStatement(state, g);
      st.leadingComments = [comment(`# never: needed by ${seen(g)}`)];
      return printStatement(st);
    });
}

/** The waiver entries of the `waive` decisions (`# reason:`, `# until:`, statement), one string each. */
export function waiverEntries(state: SessionState): string[] {
  return decided(state)
    .flatMap(([g, d]) => (d.choice === 'waive' ? [[g, d] as const] : []))
    .map(([g, d]) => {
      const st = groupStatement(state, g);
      st.leadingComments = [
        comment(`# reason: ${d.reason}`),
        ...(d.until ? [comment(`# until: ${d.until}`)] : []),
      ];
      return printStatement(st);
    });
}
