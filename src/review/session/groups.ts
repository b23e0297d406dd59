/**
 * The groups a review session asks about: the items of a planned patch
 * (`planPatch`, as suggest plans it), one group per (type, kind, domain,
 * object), in the plan's output order. Declarations (`type T;`,
 * `ability NAME;`) and derived items (`gain_priv`) are not asked about: they
 * follow the items that need them (outputs.ts).
 */
import type { Evidence } from '../../infer/requirement';
import type { LaunchHint, PlannedChange, PlannedItem, PolicyPatch } from '../../plan/patch';
import type { Access } from '../../policy/grants';
import type { AbilityGrant, RangeValue } from '../../policy/ast';
import { printItemNode } from '../../policy/print';
import type { AbilityDomain } from '../../trace/event';
import type { Risk } from '../../policy/risk';

/** The kinds of change a group can be. */
export type GroupKind = 'ability' | 'connect' | 'attach' | 'link';

/**
 * The stable key of a group: what the answers file records. The value
 * ranges are not part of it (a later trace may need other values of the same
 * ability: a decision still matches when it still covers them, see session.ts).
 * `object` is the ability name (`settypeid:TARGET` for a settypeid), the
 * connect's object type, or the path.
 */
export interface GroupKey {
  type: string;
  kind: GroupKind;
  domain?: AbilityDomain;
  object: string;
}

/** Severity, rule and reason of a group's grant: the planner's per-item risk (src/policy/risk.ts). */
export type GroupRisk = Risk;

const SEVERITY_RANK: Record<Risk['severity'], number> = { high: 3, medium: 2, low: 1 };

/** The worse of two risks (the first on a tie), either may be absent. */
function worse(a: Risk | undefined, b: Risk | undefined): Risk | undefined {
  if (!a) return b;
  if (!b) return a;
  return SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity] ? b : a;
}

/** Where a group's items sit in the patch: change index, item index. */
export interface ItemRef {
  change: number;
  item: number;
}

/** One thing the session asks about. */
export interface ReviewGroup {
  key: GroupKey;
  /** `keyId(key)`: the key in one line, for lists and maps. */
  id: string;
  items: ItemRef[];
  /** The suggested rule item, as the patch prints it (`pathspace`, `/dev/ser1`, `fs_t`). */
  suggested: string;
  evidence: Evidence;
  processes: string[];
  moreProcesses: number;
  /** The wrong-type hint the planner attached to the item, if any. */
  hint?: LaunchHint;
  /** The risk of granting it: the worst of its items' (absent when every item is harmless). */
  risk?: GroupRisk;
}

/** The key in one line: `TYPE KIND[ DOMAIN] OBJECT` (fields are validated names and paths). */
export function keyId(k: GroupKey): string {
  return [k.type, k.kind, ...(k.domain ? [k.domain] : []), k.object].join(' ');
}

/** True for a change whose items the session asks about. */
export function isAsked(c: PlannedChange): c is PlannedChange & { kind: GroupKind } {
  return c.kind === 'ability' || c.kind === 'connect' || c.kind === 'attach' || c.kind === 'link';
}

function rangeTypes(ranges: RangeValue[] | undefined): string {
  return (ranges ?? []).map((r) => (r.type === 'range-name' ? r.name.value : '')).join(',');
}

/** The group object of an item (undefined for a derived `gain_priv`, which is not asked). */
function objectOf(change: PlannedChange, item: PlannedItem): string | undefined {
  const node = item.node;
  if (change.kind === 'connect') return change.object ?? printItemNode(node);
  if (node.type === 'path-spec') return node.path;
  if (node.type !== 'ability-grant') return undefined;
  const name = node.name.value;
  return name === 'settypeid' ? `settypeid:${rangeTypes(node.ranges)}` : name;
}

/** The groups of a patch, in its order. */
export function reviewGroups(patch: PolicyPatch): ReviewGroup[] {
  const byId = new Map<string, ReviewGroup>();
  patch.changes.forEach((change, ci) => {
    if (!isAsked(change)) return;
    change.items.forEach((item, ii) => {
      if (item.provenance.derived) return;
      const object = objectOf(change, item);
      if (object === undefined) return;
      const key: GroupKey = {
        type: change.type,
        kind: change.kind,
        ...(change.domain ? { domain: change.domain } : {}),
        object,
      };
      const id = keyId(key);
      const prev = byId.get(id);
      if (prev) {
        prev.items.push({ change: ci, item: ii });
        const risk = worse(prev.risk, item.risk);
        if (risk) prev.risk = risk;
        return;
      }
      const hint = item.provenance.notes.find((n) => n.kind === 'hint');
      byId.set(id, {
        key,
        id,
        items: [{ change: ci, item: ii }],
        suggested: printItemNode(item.node),
        evidence: item.provenance.evidence,
        processes: item.provenance.processes,
        moreProcesses: item.provenance.moreProcesses,
        ...(item.risk ? { risk: item.risk } : {}),
        ...(hint?.kind === 'hint'
          ? {
              hint: {
                process: hint.process,
                from: hint.from,
                to: hint.to,
                reason: 'wrong-type' as const,
              },
            }
          : {}),
      });
    });
  });
  return [...byId.values()];
}

/** The accesses an item node grants its change's type (for the grant model's `allows`). */
export function itemAccesses(change: PlannedChange, node: PlannedItem['node']): Access[] {
  const type = change.type;
  const domain: AbilityDomain = change.domain ?? 'root';
  if (change.kind === 'connect' && node.type === 'name')
    return [{ kind: 'connect', type, domain, object: node.value }];
  if (node.type === 'path-spec')
    return [{ kind: change.kind === 'link' ? 'link' : 'attach', type, path: node.path }];
  if (node.type !== 'ability-grant') return [];
  return grantAccesses(type, domain, node);
}

function grantAccesses(type: string, domain: AbilityDomain, g: AbilityGrant): Access[] {
  const base = { kind: 'ability', type, domain, ability: g.name.value } as const;
  if (!g.ranges) return [{ ...base, value: { kind: 'whole' } }];
  return g.ranges.map((r) =>
    r.type === 'range-name'
      ? { ...base, value: { kind: 'type', name: r.name.value } }
      : {
          ...base,
          value: {
            kind: 'span',
            start: BigInt(r.start.value),
            end: BigInt((r.end ?? r.start).value),
          },
        },
  );
}
