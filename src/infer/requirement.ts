/**
 * The access-requirement layer: what the traces say some process of some type
 * needed (an ability, a channel connection, a path attach or link), merged by
 * key, each with its evidence.
 *
 * A requirement is stored per (process, type, kind, domain, object): the
 * finest grain any view needs (grouping by type, `-c` grouping by process,
 * the wrong-type hint). Views aggregate these atoms. `mergeRequirementSets`
 * is associative and commutative, and evidence is bounded (at most
 * `MAX_LISTED` pids per atom, the rest only counted), so memory grows with
 * distinct requirements, never with events. Does not decide anything about
 * policies: that is `src/plan/`.
 */
import type { AbilityDomain, TracePosition } from '../trace/event';
import { byPlace } from '../diagnostics/first-by-place';

/** What kind of access was needed. */
export type RequirementKind = 'ability' | 'connect' | 'settypeid' | 'attach' | 'link';

/** How many pids each requirement lists; further distinct pids are only flagged. */
export const MAX_LISTED = 8;

/** A closed interval of ability values, as canonical decimal strings (BigInt-safe). */
export type ValueRange = [start: string, end: string];

/** Where and how often a requirement was seen. */
export interface Evidence {
  /** Denied records. */
  failures: number;
  /** Permitted records (`info:`, seen with `secpolmonitor -s`). */
  successes: number;
  /** The smallest distinct pids, sorted as strings; at most MAX_LISTED. */
  pids: string[];
  /** True when more distinct pids were seen than `pids` lists. */
  morePids: boolean;
  /** The earliest record (by file, then line). */
  first: TracePosition;
  /** The latest record (by file, then line). */
  last: TracePosition;
  /** The earliest record's text (validated fields only reach policy text; this is for JSON/markdown). */
  sample: string;
  /** The earliest denied record, when any was denied. */
  firstFailure?: TracePosition;
}

/** One access requirement atom. */
export interface Requirement {
  key: string;
  kind: RequirementKind;
  /** The security type the process ran as (validated identifier). */
  type: string;
  /** The process name as printed (validated: printable, no policy-breaking characters). */
  process: string;
  /** `ability`/`settypeid`/`connect`: the domain tested; paths have none. */
  domain?: AbilityDomain;
  /**
   * `ability`: the policy name (`pathspace`, `iofunc/exec`);
   * `connect`/`settypeid`: the target type; `attach`/`link`: the path.
   */
  object: string;
  /** `ability`: true when some check needed the whole ability (no argument, or an address-valued one). */
  whole?: boolean;
  /** `ability`: the values checked, merged and sorted (empty when `whole`). */
  ranges?: ValueRange[];
  /** `ability`: like `whole`, for denied records only (what `suggest` adds). */
  deniedWhole?: boolean;
  /** `ability`: like `ranges`, for denied records only. */
  deniedRanges?: ValueRange[];
  /**
   * Path failures with a reason other than "no rule" (`conflict`, `bad-op`,
   * `other`): not fixable by adding this rule; reported for review.
   */
  unfixable?: string;
  /** `attach` only: the monitor worded it "attach"; a failure may really be a link (decided in planning). */
  wordedAttach?: boolean;
  evidence: Evidence;
}

/** Requirements by key, plus the facts about processes the planner's heuristics need. */
export interface RequirementSet {
  byKey: Map<string, Requirement>;
  /** Processes that created (or tried to create) links, by name: evidence for the attach-vs-link decision. */
  linkers: Set<string>;
  /** Processes that attached channels (successfully): evidence against reading their failures as links. */
  attachers: Set<string>;
}

/** An empty requirement set. */
export function emptyRequirementSet(): RequirementSet {
  return { byKey: new Map(), linkers: new Set(), attachers: new Set() };
}

/** The merge key of an atom. */
export function requirementKey(
  r: Pick<Requirement, 'process' | 'type' | 'kind' | 'domain' | 'object'>,
): string {
  // NUL cannot occur in validated fields, so keys cannot collide. `join` writes one flat
  // string; `+` would leave a rope of 8 nodes in every key kept (20 MB for 100,000 requirements).
  return [r.type, r.kind, r.domain ?? '', r.object, r.process].join('\0');
}

/** Orders two trace positions by file, then line (the one ordering of places: first-by-place.ts). */
export const comparePositions: (a: TracePosition, b: TracePosition) => number = byPlace;

/**
 * Merges two range lists into one, sorted; overlapping ranges join, adjacent ones stay apart (see
 * coalesceRanges). Lists as this layer makes them (sorted, disjoint, canonical decimals: the
 * accumulator's and every merge's) are merged as they are: the pairs not joined are kept, no
 * number parsed, no string made. Any other list (a summary file's ranges are checked canonical
 * and in order, not sorted; a caller's values as the monitor printed them) is parsed and sorted.
 */
export function mergeRanges(a: readonly ValueRange[], b: readonly ValueRange[]): ValueRange[] {
  if (!isJoined(a) || !isJoined(b)) return joinRanges([...a, ...b], 0n);
  const out: ValueRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next =
      j >= b.length || (i < a.length && compareRanges(a[i]!, b[j]!) <= 0) ? a[i++]! : b[j++]!;
    const last = out[out.length - 1];
    if (last === undefined || compareDecimals(next[0], last[1]) > 0) out.push(next);
    // Overlapping: one new pair of the strings there are (the inputs' pairs are not changed).
    else if (compareDecimals(next[1], last[1]) > 0) out[out.length - 1] = [last[0], next[1]];
  }
  return out;
}

/** A canonical decimal: no sign, no leading zero (as `String` of a number or BigInt writes it). */
const CANONICAL = /^(?:0|[1-9][0-9]*)$/;

/** Orders canonical decimals by value: a longer one is larger. */
function compareDecimals(x: string, y: string): number {
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Orders ranges as `joinRanges` sorts them: by start, then end. */
function compareRanges(x: ValueRange, y: ValueRange): number {
  return compareDecimals(x[0], y[0]) || compareDecimals(x[1], y[1]);
}

/** Whether `ranges` is as `joinRanges(…, 0n)` leaves a list: canonical, each in order, sorted, disjoint. */
function isJoined(ranges: readonly ValueRange[]): boolean {
  let end: string | undefined;
  for (const [s, e] of ranges) {
    if (!CANONICAL.test(s) || (e !== s && !CANONICAL.test(e)) || compareDecimals(s, e) > 0)
      return false;
    if (end !== undefined && compareDecimals(s, end) <= 0) return false;
    end = e;
  }
  return true;
}

/**
 * Joins adjacent ranges too (interrupt 14 and 15 are the subrange 14-15), for
 * output. Requirements keep adjacent values apart (`mergeRanges`) until the
 * planner has taken out the values the policy grants already: interrupt 14
 * granted and 14, 15 denied must add `interrupt:15`, not `interrupt:14-15`.
 */
export function coalesceRanges(ranges: readonly ValueRange[]): ValueRange[] {
  return joinRanges(ranges, 1n);
}

/** Sorts and joins ranges that overlap or lie within `gap` of each other. */
function joinRanges(ranges: readonly ValueRange[], gap: bigint): ValueRange[] {
  const all = ranges.map(([s, e]) => [BigInt(s), BigInt(e)] as [bigint, bigint]);
  all.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + gap) {
      if (r[1] > last[1]) last[1] = r[1];
    } else out.push([r[0], r[1]]);
  }
  return out.map(([s, e]) => [s.toString(), e.toString()]);
}

function mergePids(a: Evidence, b: Evidence): Pick<Evidence, 'pids' | 'morePids'> {
  const union = [...new Set([...a.pids, ...b.pids])].sort();
  return {
    pids: union.slice(0, MAX_LISTED),
    morePids: a.morePids || b.morePids || union.length > MAX_LISTED,
  };
}

/** Merges the evidence of two atoms with the same key. */
export function mergeEvidence(a: Evidence, b: Evidence): Evidence {
  // Ties (one record seen twice) break on the text, so the result does not depend on merge order.
  const c = comparePositions(a.first, b.first);
  const firstIsA = c < 0 || (c === 0 && a.sample <= b.sample);
  const { pids, morePids } = mergePids(a, b);
  const failures = a.failures + b.failures;
  const successes = a.successes + b.successes;
  const first = firstIsA ? a.first : b.first;
  const last = comparePositions(a.last, b.last) >= 0 ? a.last : b.last;
  const sample = firstIsA ? a.sample : b.sample;
  const firstFailure =
    a.firstFailure && b.firstFailure
      ? comparePositions(b.firstFailure, a.firstFailure) < 0
        ? b.firstFailure
        : a.firstFailure
      : (a.firstFailure ?? b.firstFailure);
  // One literal per shape: a field added afterwards would cost a property array of its own.
  return firstFailure
    ? { failures, successes, pids, morePids, first, last, sample, firstFailure }
    : { failures, successes, pids, morePids, first, last, sample };
}

/**
 * Merges two atoms with the same key (associative and commutative). Fields
 * come in one order whatever was merged first, as the accumulator makes them.
 */
export function mergeRequirement(a: Requirement, b: Requirement): Requirement {
  const out: Requirement = {
    type: a.type,
    process: a.process,
    evidence: mergeEvidence(a.evidence, b.evidence),
    kind: a.kind,
    ...(a.domain !== undefined ? { domain: a.domain } : {}),
    object: a.object,
    key: a.key,
  };
  if (a.kind === 'ability') {
    out.whole = Boolean(a.whole || b.whole);
    out.ranges = out.whole ? [] : mergeRanges(a.ranges ?? [], b.ranges ?? []);
    out.deniedWhole = Boolean(a.deniedWhole || b.deniedWhole);
    out.deniedRanges = out.deniedWhole
      ? []
      : mergeRanges(a.deniedRanges ?? [], b.deniedRanges ?? []);
  }
  // Unfixable reasons: keep the smallest, so the result does not depend on order.
  const reasons = [a.unfixable, b.unfixable].filter((r): r is string => r !== undefined).sort();
  if (reasons.length > 0) out.unfixable = reasons[0];
  if (a.wordedAttach || b.wordedAttach) out.wordedAttach = true;
  return out;
}

/** Adds one atom to a set in place. */
export function addRequirement(set: RequirementSet, r: Requirement): void {
  const prev = set.byKey.get(r.key);
  set.byKey.set(r.key, prev ? mergeRequirement(prev, r) : r);
}

/** Merges requirement sets (e.g. per-shard results from workers); inputs are not modified. */
export function mergeRequirementSets(...sets: RequirementSet[]): RequirementSet {
  const out = emptyRequirementSet();
  for (const s of sets) addRequirements(out, s);
  return out;
}

/** Merges `from` into `into`; `from` is not modified. */
export function addRequirements(into: RequirementSet, from: RequirementSet): void {
  for (const r of from.byKey.values()) addRequirement(into, r);
  for (const p of from.linkers) into.linkers.add(p);
  for (const p of from.attachers) into.attachers.add(p);
}

/**
 * Merges `from` into `into` in place, emptying `from` as it goes (each atom let go once merged),
 * for sets not used again (shard results): `into` ends as `mergeRequirementSets(into, from)`, its
 * atoms in the same order, without a third set held beside the two.
 */
export function moveRequirements(into: RequirementSet, from: RequirementSet): void {
  for (const [key, r] of from.byKey) {
    addRequirement(into, r);
    from.byKey.delete(key);
  }
  for (const p of from.linkers) into.linkers.add(p);
  for (const p of from.attachers) into.attachers.add(p);
}

/** The atoms of a set in a deterministic order (type, kind, object, domain, process). */
export function sortedRequirements(set: RequirementSet): Requirement[] {
  return [...set.byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
