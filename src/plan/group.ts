/**
 * Requirement groups: the atoms of one (type, kind, domain, object), merged
 * over the processes that needed it; what planning decides about. Grouping
 * moves a process's atoms to its own type under `-c`, takes only the denied
 * values in `suggest`, and lets a non-root item absorb the same root need
 * (a `nonroot` block grants both domains).
 */
import { mergeEvidence, mergeRanges, type Evidence, type Requirement } from '../infer/requirement';
import type { PlanOptions } from './plan-types';

/** A requirement group: atoms of one (type, kind, domain, object), merged over processes. */
export interface Group {
  type: string;
  kind: Requirement['kind'];
  domain?: Requirement['domain'];
  object: string;
  whole: boolean;
  ranges: Array<[string, string]>;
  unfixable?: string;
  wordedAttach: boolean;
  evidence: Evidence;
  /**
   * The processes that needed it, in the order first seen: the name while
   * there is one (most groups), a Set from the second on (an empty Set costs
   * more than the group's other fields). Read with processesOf, add with addProcess.
   */
  processes: string | Set<string>;
  /** Why the kind was changed from attach to link, when it was. */
  linkBecause?: string;
  /** `-c`: the types the processes ran as before being given their own. */
  originalTypes?: Set<string>;
  /** `-c`: the connect target as the trace named it, when its processes got types of their own. */
  originalObject?: string;
}

/** The processes of a group, in the order first seen. */
export function processesOf(g: Pick<Group, 'processes'>): Iterable<string> {
  return typeof g.processes === 'string' ? [g.processes] : g.processes;
}

/** Adds a process to a group (once). */
export function addProcess(g: Pick<Group, 'processes'>, process: string): void {
  if (typeof g.processes !== 'string') g.processes.add(process);
  else if (g.processes !== process) g.processes = new Set([g.processes, process]);
}

/** The group as a requirement, for coverage checks. */
export function asRequirement(g: Group): Requirement {
  return {
    key: '',
    kind: g.kind,
    type: g.type,
    process: '',
    ...(g.domain ? { domain: g.domain } : {}),
    object: g.object,
    whole: g.whole,
    ranges: g.ranges,
    evidence: g.evidence,
  };
}

/**
 * Merges atoms into groups by (type, kind, domain, object); `retarget` moves a
 * process's atoms to its own type. With `consume` (PlanOptions), each atom
 * leaves `atoms` as it is grouped, which is empty afterwards: a group keeps
 * only what it needs of its atoms (their evidence, values and processes).
 */
export function groupAtoms(
  atoms: Requirement[],
  retarget: Map<string, string>,
  mode: PlanOptions['mode'],
  consume = false,
): Group[] {
  const retargeted = new Set([...retarget.keys()]);
  const objectTypes = connectTargets(atoms, retarget);
  const groups = new Map<string, Group>();
  const slots: Array<Requirement | undefined> = atoms;
  for (let i = 0; i < slots.length; i++) {
    const atom = slots[i]!;
    if (consume) slots[i] = undefined;
    for (const a of retargetObject(atom, objectTypes) as Array<
      Requirement & { originalObject?: string }
    >) {
      const pt = `${a.process}\0${a.type}`;
      const moved = retarget.get(pt);
      // A process moved to its own type needs everything it did, successes too.
      if (mode === 'suggest' && a.evidence.failures === 0 && !retargeted.has(pt)) continue;
      const type = moved ?? a.type;
      // suggest adds the values that were denied; generate (and a process's own new type) all of them.
      const deniedOnly = mode === 'suggest' && !moved;
      const values = deniedOnly
        ? { whole: Boolean(a.deniedWhole), ranges: a.deniedRanges ?? [] }
        : { whole: Boolean(a.whole), ranges: a.ranges ?? [] };
      const key = [type, a.kind, a.domain ?? '', a.object].join('\0');
      const prev = groups.get(key);
      if (!prev) {
        const g: Group = {
          type,
          kind: a.kind,
          ...(a.domain ? { domain: a.domain } : {}),
          object: a.object,
          whole: values.whole,
          ranges: values.ranges,
          ...(a.unfixable !== undefined ? { unfixable: a.unfixable } : {}),
          wordedAttach: Boolean(a.wordedAttach),
          evidence: a.evidence,
          processes: a.process,
          ...(moved ? { originalTypes: new Set([a.type]) } : {}),
          ...(a.originalObject ? { originalObject: a.originalObject } : {}),
        };
        groups.set(key, g);
        continue;
      }
      prev.evidence = mergeEvidence(prev.evidence, a.evidence);
      if (moved) (prev.originalTypes ??= new Set()).add(a.type);
      addProcess(prev, a.process);
      prev.wordedAttach ||= Boolean(a.wordedAttach);
      if (a.kind === 'ability') {
        prev.whole ||= values.whole;
        prev.ranges = prev.whole ? [] : mergeRanges(prev.ranges, values.ranges);
      }
      if (
        a.unfixable !== undefined &&
        (prev.unfixable === undefined || a.unfixable < prev.unfixable)
      )
        prev.unfixable = a.unfixable;
    }
  }
  if (consume) atoms.length = 0;
  return [...groups.values()];
}

/**
 * `-c` moves processes to types of their own, and with them the channels they
 * create (a channel has its creator's type). A connect to type T therefore
 * goes to the new types of the processes that ran as T, plus T itself while a
 * process still runs as T or none was seen in the traces. Maps each T whose
 * targets changed to its sorted list of targets.
 */
function connectTargets(
  atoms: Requirement[],
  retarget: Map<string, string>,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (retarget.size === 0) return out;
  const ranAs = new Map<string, Set<string>>();
  for (const a of atoms) {
    let s = ranAs.get(a.type);
    if (!s) ranAs.set(a.type, (s = new Set()));
    s.add(a.process);
  }
  for (const [type, processes] of ranAs) {
    const targets = [...new Set([...processes].map((p) => retarget.get(`${p}\0${type}`) ?? type))];
    if (targets.length === 1 && targets[0] === type) continue;
    out.set(type, targets.sort());
  }
  return out;
}

/** The atom once per connect target (itself when its target is not remapped). */
function retargetObject(
  a: Requirement,
  objectTypes: Map<string, string[]>,
): Array<Requirement & { originalObject?: string }> {
  const targets = a.kind === 'connect' ? objectTypes.get(a.object) : undefined;
  if (!targets) return [a];
  return targets.map((object) => ({ ...a, object, originalObject: a.object }));
}

/**
 * A `nonroot` block grants both domains (docs/policy-model.md), so a root need
 * that the same type's non-root item covers is met by it: one item, not two.
 */
export function absorbRootIntoNonRoot(needed: Group[]): void {
  // At most one non-root group per (type, kind, object): `needed` holds each key once.
  const key = (g: Group): string => [g.type, g.kind, g.object].join('\0');
  const nonRootOf = new Map<string, Group>();
  for (const n of needed)
    if (n.domain === 'non-root' && !nonRootOf.has(key(n))) nonRootOf.set(key(n), n);
  const absorbed = new Set<Group>();
  for (let i = needed.length - 1; i >= 0; i--) {
    const root = needed[i]!;
    if (root.domain !== 'root' || (root.kind !== 'ability' && root.kind !== 'settypeid')) continue;
    const nonRoot = nonRootOf.get(key(root));
    if (!nonRoot) continue;
    const covers =
      root.kind === 'settypeid' ||
      nonRoot.whole ||
      (!root.whole &&
        root.ranges.every(([s, e]) =>
          nonRoot.ranges.some(([ns, ne]) => BigInt(ns) <= BigInt(s) && BigInt(e) <= BigInt(ne)),
        ));
    if (!covers) continue;
    nonRoot.evidence = mergeEvidence(nonRoot.evidence, root.evidence);
    for (const p of processesOf(root)) addProcess(nonRoot, p);
    absorbed.add(root);
  }
  // Removed in one pass (a splice per group was quadratic), the others kept in order.
  if (absorbed.size === 0) return;
  let kept = 0;
  for (const g of needed) if (!absorbed.has(g)) needed[kept++] = g;
  needed.length = kept;
}

export function groupKeyForHint(g: Group): string {
  // Hints are keyed by the kind as reported (a link decided from an attach report keeps its attach key).
  const kind = g.linkBecause ? 'attach' : g.kind;
  return [g.type, kind, g.domain ?? '', g.object].join('\0');
}
