/**
 * Placing the needed groups: items into an existing braced block of the same
 * type and flags (its layout kept), or a new statement after the type's last
 * statement, or a new type; types to declare; comments (hints, review marks,
 * `--explain` evidence) on each item. Sorted by type, kind and name.
 */
import { MAX_LISTED, type Requirement } from '../infer/requirement';
import { HEX_VALUED } from '../infer/ability-values';
import type { Policy } from '../policy/ast';
import {
  abilityGrant,
  identifierName,
  literalPathSpec,
  numberRange,
  rangeName,
} from '../policy/nodes';
import { printItemNode } from '../policy/print';
import type {
  ChangeKind,
  ChangeNote,
  ItemNode,
  ItemNote,
  LaunchHint,
  PlannedChange,
  PlannedItem,
  StatementRef,
} from './patch';
import type { PlanOptions, PolicyInput } from './plan-types';
import { type Group, groupKeyForHint, processesOf } from './group';
import { cmp, domainOrder, KIND_ORDER } from './order';

/** The node a group adds (its fields were validated by inference; the constructors check again). */
function itemNode(g: Group): ItemNode {
  switch (g.kind) {
    case 'settypeid':
      return abilityGrant('settypeid', [rangeName(g.object)]);
    case 'ability':
      if (g.whole || g.ranges.length === 0) return abilityGrant(g.object);
      return abilityGrant(
        g.object,
        g.ranges.map(([start, end]) => numberRange(start, end, HEX_VALUED.has(g.object))),
      );
    case 'connect':
      return identifierName(g.object);
    default:
      return literalPathSpec(g.object);
  }
}

interface Slot {
  type: string;
  kind: ChangeKind;
  domain?: Requirement['domain'];
  object?: string;
  groups: Group[];
}

export function buildChanges(
  needed: Group[],
  input: PolicyInput | undefined,
  wrongType: Map<string, LaunchHint>,
  options: PlanOptions,
  seenTypes: string[],
): PlannedChange[] {
  // Slots: one per statement to write (ability blocks by domain; connects per object; paths by kind).
  const slots = new Map<string, Slot>();
  for (const g of needed) {
    const kind: ChangeKind = g.kind === 'settypeid' ? 'ability' : g.kind;
    const domain = kind === 'ability' ? g.domain : undefined;
    const object = kind === 'connect' ? g.object : undefined;
    const key = [g.type, kind, domain ?? '', object ?? ''].join('\0');
    let s = slots.get(key);
    if (!s)
      slots.set(
        key,
        (s = {
          type: g.type,
          kind,
          ...(domain ? { domain } : {}),
          ...(object ? { object } : {}),
          groups: [],
        }),
      );
    s.groups.push(g);
  }
  const anchors = input ? lastStatementOfType(input.policy) : new Map<string, StatementRef>();
  const blocks = joinableBlocks(input);
  const changes: PlannedChange[] = [];

  // Types to declare: subjects and objects the policy does not declare (with a policy, or `-c` types).
  const declared = new Set(input?.model.types.keys() ?? []);
  const toDeclare = new Map<string, ChangeNote | undefined>();
  const wantDeclare = (t: string, why?: ChangeNote): void => {
    if (!declared.has(t) && !toDeclare.has(t)) toDeclare.set(t, why);
  };
  // A process's own type (-c): the types it leaves, over all its groups.
  const left = new Map<string, { processes: Set<string>; from: Set<string> }>();
  for (const g of needed) {
    if (!g.originalTypes) continue;
    const l = left.get(g.type) ?? { processes: new Set<string>(), from: new Set<string>() };
    for (const p of processesOf(g)) l.processes.add(p);
    for (const t of g.originalTypes) l.from.add(t);
    left.set(g.type, l);
  }
  for (const g of needed) {
    const own = left.get(g.type);
    if (own)
      wantDeclare(g.type, {
        kind: 'own-type',
        processes: [...own.processes].sort(),
        from: [...own.from].sort(),
      });
    else if (input || options.mode === 'generate') wantDeclare(g.type);
    if ((g.kind === 'connect' || g.kind === 'settypeid') && (input || options.mode === 'generate'))
      wantDeclare(g.object);
  }
  for (const t of seenTypes) wantDeclare(t);
  for (const [t, why] of toDeclare) {
    changes.push({ op: 'declare-type', type: t, kind: 'type', items: [], notes: why ? [why] : [] });
  }
  // With `consume` (PlanOptions), `needed` is emptied and each slot drops its groups once their
  // items are built: groups and items are not all alive at once (the item keeps the evidence).
  if (options.consume) needed.length = 0;

  for (const slot of slots.values()) {
    const items: PlannedItem[] = slot.groups
      .map((g) => {
        const hint = wrongType.size > 0 ? wrongType.get(groupKeyForHint(g)) : undefined;
        const hintNote: ItemNote | undefined = hint && {
          kind: 'hint',
          process: hint.process,
          from: hint.from,
          to: hint.to,
        };
        const linkNote: ItemNote | undefined = g.linkBecause
          ? { kind: 'link-from-attach', because: g.linkBecause }
          : undefined;
        // Array literals: an array grown by push reserves 17 slots, and every item keeps its notes.
        const notes: ItemNote[] =
          hintNote && linkNote
            ? [hintNote, linkNote]
            : hintNote
              ? [hintNote]
              : linkNote
                ? [linkNote]
                : [];
        const processes = [...processesOf(g)].sort();
        return {
          node: itemNode(g),
          provenance: {
            evidence: g.evidence,
            processes: processes.slice(0, MAX_LISTED),
            moreProcesses: Math.max(processes.length - MAX_LISTED, 0),
            notes,
          },
        };
      })
      .map((item) => ({ item, key: printItemNode(item.node) }))
      .sort((a, b) => cmp(a.key, b.key))
      .map(({ item }) => item);
    if (options.consume) slot.groups = [];
    const block = findBlock(blocks, slot);
    const anchor = anchors.get(slot.type);
    changes.push({
      op: block ? 'add-to-block' : 'add-statement',
      type: slot.type,
      kind: slot.kind,
      ...(slot.domain ? { domain: slot.domain } : {}),
      ...(slot.object ? { object: slot.object } : {}),
      ...(block ? { anchor: block } : anchor ? { anchor } : {}),
      items,
      notes: [],
    });
  }
  return sortChanges(changes);
}

/** Changes in output order: by type, kind, domain (root first), object. */
export function sortChanges(changes: PlannedChange[]): PlannedChange[] {
  return changes.sort(
    (a, b) =>
      cmp(a.type, b.type) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      domainOrder(a.domain) - domainOrder(b.domain) ||
      cmp(a.object ?? '', b.object ?? ''),
  );
}

/** An existing braced block the slot's items can join: same single subject, same kind, same flags. */
function findBlock(blocks: Map<string, StatementRef>, slot: Slot): StatementRef | undefined {
  if (slot.kind === 'connect' || slot.kind === 'type') return undefined;
  return blocks.get(
    blockKey(slot.kind, slot.type, slot.kind === 'ability' ? slot.domain : undefined),
  );
}

function blockKey(
  kind: ChangeKind,
  type: string,
  domain: Requirement['domain'] | undefined,
): string {
  return `${kind}\0${type}\0${domain === 'non-root' ? 'non-root' : ''}`;
}

/**
 * The braced blocks items can join, by kind, single subject and domain: the first in
 * file order for each (built once; a scan per slot was quadratic on large policies).
 * An ability block joins root items with no flags, non-root items with `nonroot` alone.
 */
function joinableBlocks(input: PolicyInput | undefined): Map<string, StatementRef> {
  const blocks = new Map<string, StatementRef>();
  if (!input) return blocks;
  const add = (key: string, ref: StatementRef): void => {
    if (!blocks.has(key)) blocks.set(key, ref);
  };
  for (const file of input.policy.files) {
    for (let index = 0; index < file.statements.length; index++) {
      const s = file.statements[index]!;
      if (!s.position) continue;
      const ref = { file: file.file, index, line: s.position.start.line };
      if (s.type === 'allow-ability' && s.braced) {
        if (s.subjects.braced || s.subjects.names.length !== 1) continue;
        const flags = s.items.flatMap((i) => (i.type === 'ability-flag' ? [i.name] : []));
        const domain =
          flags.length === 0
            ? 'root'
            : flags.length === 1 && flags[0] === 'nonroot'
              ? 'non-root'
              : undefined;
        if (domain) add(blockKey('ability', s.subjects.names[0]!.value, domain), ref);
      } else if ((s.type === 'allow-attach' || s.type === 'allow-link') && s.braced) {
        add(
          blockKey(s.type === 'allow-attach' ? 'attach' : 'link', s.subject.value, undefined),
          ref,
        );
      }
    }
  }
  return blocks;
}

/** The last statement of each type (its declaration or a rule with it as the only subject). */
function lastStatementOfType(policy: Policy): Map<string, StatementRef> {
  const out = new Map<string, StatementRef>();
  for (const file of policy.files) {
    file.statements.forEach((s, index) => {
      if (!s.position) return;
      const ref = { file: file.file, index, line: s.position.start.line };
      const subject =
        s.type === 'type-decl'
          ? s.name.value
          : s.type === 'allow-attach' || s.type === 'allow-link'
            ? s.subject.value
            : (s.type === 'allow-ability' || s.type === 'allow-connect') &&
                s.subjects.names.length === 1
              ? s.subjects.names[0]!.value
              : undefined;
      if (subject) out.set(subject, ref);
    });
  }
  return out;
}
