/**
 * The grant model: the one answer to "does this policy allow this access, and
 * which statements allow it". Every command asks here: `check`, `explain` and
 * `harden` through the evaluator, `suggest`'s already-allowed test
 * (plan/coverage.ts), guard refusals and guard overlap (review/guards.ts), and
 * `diff`'s value sets (review/policy-diff.ts).
 *
 * Semantics (docs/policy-model.md, "The grant model"):
 * - a `-ability` in the access's domain denies it whatever else grants it;
 * - an ability's numeric subranges for one type and domain merge when they
 *   touch or overlap (secpolcompile does this [DOC 7.1 "Abilities"]), within a
 *   block and across blocks with the same `noinherit`/`unlock` flags [INF];
 *   a checked span is covered when one merged subrange holds all of it. Names
 *   (types, attributes, named ranges) are not merged numerically;
 * - a path rule with a file-type prefix (`devb_t mount:/`) may match a
 *   plain trace path but never surely does: the monitor does not print file
 *   types, so it is reported as `may`, never as `by`.
 *
 * Indexes are built once per (grant list, negation list, domain) on first use
 * and kept while the lists live: once per (type, ability) for a type's own
 * grants, once per (block, ability) for a shared block's (`domainGrants`), so
 * each distinct access costs a few Map lookups and one scan of the merged
 * subranges. Pure: no I/O, the model is not changed.
 */
import type { AbilityDomain } from '../trace/event';
import { matchingRules, mayMatchRules } from './path-rules';
import type {
  AbilityGrantInfo,
  ConnectGrant,
  Domains,
  NegationInfo,
  PathRule,
  PolicyModel,
  Subrange,
} from './model/types';

/** The value an ability access asks for. */
export type AbilityValue =
  /** A learned requirement that needs the ability without a subrange. */
  | { kind: 'whole' }
  /** A check that carried no value: any grant of the ability holds it for some values. */
  | { kind: 'unspecified' }
  /** Every value from start to end (both inclusive). */
  | { kind: 'span'; start: bigint; end: bigint }
  /** A type (settypeid and type-valued checks): by name, and by its id when the trace printed one. */
  | { kind: 'type'; name: string; id?: bigint };

/** What a trace record or a learned requirement asks of the policy. */
export type Access =
  | {
      kind: 'ability';
      type: string;
      domain: AbilityDomain;
      /** Normalised ability name (normaliseAbilityName). */
      ability: string;
      value: AbilityValue;
    }
  /** A connect to channels of type `object`; `id` is the type id when the trace printed one. */
  | { kind: 'connect'; type: string; domain: AbilityDomain; object: string; id?: bigint }
  | { kind: 'attach' | 'link'; type: string; path: string };

/** A rule that allows (or may allow) an access. */
export type GrantRule =
  | { kind: 'ability'; grant: AbilityGrantInfo }
  | { kind: 'connect'; grant: ConnectGrant }
  | { kind: 'path'; rule: PathRule };

/** The model's answer for one access. */
export type GrantAnswer =
  | {
      allowed: true;
      /** The rules that allow it, in policy order: every grant a merged subrange needed. */
      by: GrantRule[];
      /** Prefixed path rules that may have matched too. */
      may: PathRule[];
      /** Set when the access carried no value and the grants have subranges. */
      unspecified?: true;
    }
  | {
      allowed: false;
      /**
       * `negated`: a `-ability` applies; `no-grant`: no grant of the ability (or connect, or
       * path rule) in the domain; `not-covered`: granted, but no merged subrange holds the
       * value; `unknown`: only named ranges whose values are not known could hold it.
       */
      why: 'negated' | 'no-grant' | 'not-covered' | 'unknown';
      negation?: NegationInfo;
      /** `no-grant` for an ability: the other domain has it. */
      otherDomain?: boolean;
      /** `unknown`: the subranges (as written) whose coverage is unknown. */
      unknown?: Subrange[];
      /** Prefixed path rules that may match the path (`harden` counts them as possibly used). */
      may: PathRule[];
    };

/** A merged numeric subrange and the written subranges it was made of, by start. */
interface Run {
  start: bigint;
  end: bigint;
  parts: Array<{ start: bigint; end: bigint; grant: AbilityGrantInfo }>;
}

/** One ability of one type in one domain, normalised. */
export interface DomainGrants {
  /** The grants in this domain, in policy order. */
  grants: AbilityGrantInfo[];
  /** The first `-ability` of this domain, if any. */
  negation?: NegationInfo;
  /** The first grant without subranges. */
  whole?: AbilityGrantInfo;
  /** Merged numeric subranges, per flag class, sorted by start within a class. */
  runs: Run[];
}

/** The values an ability holds for one type and domain: `whole`, or merged intervals plus names. */
export type ValueSet =
  | { whole: true; intervals: []; names: Set<string> }
  | { whole: false; intervals: Array<[bigint, bigint]>; names: Set<string> };

const inDomain = (d: Domains, domain: AbilityDomain): boolean =>
  domain === 'root' ? d.root : d.nonRoot;

/** The normalisation of an ability's domain grants, by the lists it is made of (see domainGrants). */
interface Normalised {
  root?: DomainGrants;
  nonRoot?: DomainGrants;
}

/** Stands for "no list": a type with no grant (or no negation) of the ability. */
const NO_LIST: readonly never[] = [];

/** Grants list → negations list → the normalisation per domain; dropped with the lists. */
const normalised = new WeakMap<
  readonly AbilityGrantInfo[],
  WeakMap<readonly NegationInfo[], Normalised>
>();

/**
 * The normalised grants of `ability` for `type` in `domain`. Kept by the lists the type holds
 * (its grants and negations of the ability), not by type: every subject of a shared ability
 * block that holds the ability through that block alone gets the block's own lists
 * (ability-index.ts), so they share one normalisation per (block, ability, domain), and a reader
 * asking every (type, ability) pair of a block of S subjects and I items keeps I of them, not
 * S × I. A type's own lists (single-subject blocks, several parts) are its own, as before.
 */
export function domainGrants(
  model: PolicyModel,
  type: string,
  ability: string,
  domain: AbilityDomain,
): DomainGrants | undefined {
  const g = model.grants.get(type);
  if (!g) return undefined;
  const grants = g.abilities.get(ability) ?? NO_LIST;
  const negations = g.negations.get(ability) ?? NO_LIST;
  let byNegations = normalised.get(grants);
  if (!byNegations) normalised.set(grants, (byNegations = new WeakMap()));
  let n = byNegations.get(negations);
  if (!n) byNegations.set(negations, (n = {}));
  const slot = domain === 'root' ? 'root' : 'nonRoot';
  return (n[slot] ??= normalise(grants, negations, domain));
}

function normalise(
  all: readonly AbilityGrantInfo[],
  negations: readonly NegationInfo[],
  domain: AbilityDomain,
): DomainGrants {
  const grants = all.filter((x) => inDomain(x.domains, domain));
  const negation = negations.find((n) => inDomain(n.domains, domain));
  const whole = grants.find((x) => !x.ranges);
  return {
    grants,
    ...(negation ? { negation } : {}),
    ...(whole ? { whole } : {}),
    runs: mergeRuns(grants),
  };
}

/** Merges touching or overlapping numeric subranges of grants with the same flags. */
function mergeRuns(grants: AbilityGrantInfo[]): Run[] {
  const byFlags = new Map<string, Run['parts']>();
  for (const grant of grants) {
    for (const r of grant.ranges ?? []) {
      if (r.kind !== 'interval') continue;
      const k = `${grant.noinherit}\0${grant.unlock}`;
      const list = byFlags.get(k) ?? [];
      byFlags.set(k, list);
      list.push({ start: r.start, end: r.end, grant });
    }
  }
  const runs: Run[] = [];
  for (const parts of byFlags.values()) {
    // Stable sort: equal starts keep policy order.
    parts.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let last: Run | undefined;
    for (const p of parts) {
      if (last && p.start <= last.end + 1n) {
        if (p.end > last.end) last.end = p.end;
        last.parts.push(p);
      } else runs.push((last = { start: p.start, end: p.end, parts: [p] }));
    }
  }
  return runs;
}

/**
 * The values `type` holds of `ability` in `domain` (none when negated or not granted): the
 * normalisation `diff` compares and guards overlap. Named-range and type subranges stay names.
 */
export function abilityValues(
  model: PolicyModel,
  type: string,
  ability: string,
  domain: AbilityDomain,
): ValueSet | undefined {
  const d = domainGrants(model, type, ability, domain);
  if (!d || d.negation || d.grants.length === 0) return undefined;
  const names = new Set<string>();
  for (const g of d.grants)
    for (const r of g.ranges ?? []) if (r.kind === 'name') names.add(r.name);
  if (d.whole) return { whole: true, intervals: [], names };
  return { whole: false, intervals: mergeIntervals(d.runs.map((r) => [r.start, r.end])), names };
}

/** Sorts and joins touching or overlapping intervals. */
export function mergeIntervals(list: Array<[bigint, bigint]>): Array<[bigint, bigint]> {
  const sorted = [...list].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1n) {
      if (e > last[1]) last[1] = e;
    } else out.push([s, e]);
  }
  return out;
}

/** Decides whether `model` allows `access`, and names the rules that allow it. */
export function allows(model: PolicyModel, access: Access): GrantAnswer {
  switch (access.kind) {
    case 'ability':
      return allowsAbility(model, access);
    case 'connect':
      return allowsConnect(model, access);
    default:
      return allowsPath(model, access);
  }
}

const denied = (
  why: Extract<GrantAnswer, { allowed: false }>['why'],
  more: Omit<Extract<GrantAnswer, { allowed: false }>, 'allowed' | 'why' | 'may'> = {},
): GrantAnswer => ({ allowed: false, why, ...more, may: [] });

const allowedBy = (grants: AbilityGrantInfo[], unspecified = false): GrantAnswer => ({
  allowed: true,
  by: grants.map((grant) => ({ kind: 'ability', grant })),
  may: [],
  ...(unspecified ? { unspecified: true as const } : {}),
});

function allowsAbility(model: PolicyModel, a: Extract<Access, { kind: 'ability' }>): GrantAnswer {
  const d = domainGrants(model, a.type, a.ability, a.domain);
  if (!d) return denied('no-grant');
  if (d.negation) return denied('negated', { negation: d.negation });
  if (d.grants.length === 0) {
    const all = model.grants.get(a.type)?.abilities.get(a.ability) ?? [];
    return denied('no-grant', all.length > 0 ? { otherDomain: true } : {});
  }
  if (d.whole) return allowedBy([d.whole]);
  const v = a.value;
  if (v.kind === 'whole') return denied('not-covered');
  if (v.kind === 'unspecified') return allowedBy([d.grants[0]!], true);
  const span =
    v.kind === 'span'
      ? { start: v.start, end: v.end }
      : v.id !== undefined
        ? { start: v.id, end: v.id }
        : undefined;
  const typeName = v.kind === 'type' ? v.name : undefined;
  // One written subrange holding the value: that grant alone allows it (policy order).
  const unknown: Subrange[] = [];
  for (const g of d.grants) {
    for (const r of g.ranges ?? []) {
      const c = covers(model, a.ability, r, span, typeName);
      if (c === 'yes') return allowedBy([g]);
      if (c === 'unknown') unknown.push(r);
    }
  }
  // Otherwise subranges that touch merge (setuid:1000-1009 + setuid:1010-1019 hold 1005-1015).
  if (span) {
    const run = d.runs.find((r) => r.start <= span.start && span.end <= r.end);
    if (run) return allowedBy(needed(run, span));
  }
  return unknown.length > 0 ? denied('unknown', { unknown }) : denied('not-covered');
}

/**
 * The grants of a run that cover `span` (none holds it alone): from the span's start, the part
 * reaching furthest each time; returned in policy order without repeats.
 */
function needed(run: Run, span: { start: bigint; end: bigint }): AbilityGrantInfo[] {
  const out = new Set<AbilityGrantInfo>();
  let at = span.start;
  while (at <= span.end) {
    let best: Run['parts'][number] | undefined;
    for (const p of run.parts)
      if (p.start <= at && at <= p.end && (!best || p.end > best.end)) best = p;
    // The run is contiguous and holds the span, so some part holds every value of it.
    out.add(best!.grant);
    at = best!.end + 1n;
  }
  const order = run.parts.map((p) => p.grant);
  return [...out].sort((x, y) => order.indexOf(x) - order.indexOf(y));
}

type Cover = 'yes' | 'no' | 'unknown';

/** Does one written subrange hold the whole span (or the type)? */
function covers(
  model: PolicyModel,
  ability: string,
  r: Subrange,
  span: { start: bigint; end: bigint } | undefined,
  typeName: string | undefined,
): Cover {
  if (r.kind === 'interval')
    return span && r.start <= span.start && span.end <= r.end ? 'yes' : 'no';
  if (typeName !== undefined && (model.types.has(r.name) || model.attributes.has(r.name))) {
    const names = model.attributes.get(r.name)?.members ?? [r.name];
    return names.includes(typeName) ? 'yes' : 'no';
  }
  const range = model.ranges.get(r.name);
  if (!range) {
    if (typeName !== undefined) return r.name === typeName ? 'yes' : 'no';
    // An undeclared name on a numeric ability (`setuid:ROOT` in a CSDN post) may be predefined: do not guess.
    return 'unknown';
  }
  if (!span) return 'no';
  const values = range.values?.get(ability);
  if (!values) return 'unknown';
  let result: Cover = 'no';
  for (const v of values) {
    if (v.kind === 'syspage') result = 'unknown';
    else if (v.start <= span.start && span.end <= v.end) return 'yes';
  }
  return result;
}

function allowsConnect(model: PolicyModel, a: Extract<Access, { kind: 'connect' }>): GrantAnswer {
  const d = domainGrants(model, a.type, 'channel_connect', a.domain);
  if (!d) return denied('no-grant');
  if (d.negation) return denied('negated', { negation: d.negation });
  const g = model.grants.get(a.type)!;
  const hit = [...(g.connects.get(a.object) ?? []), ...(g.connects.get('*') ?? [])].find((c) =>
    inDomain(c.domains, a.domain),
  );
  if (hit) return { allowed: true, by: [{ kind: 'connect', grant: hit }], may: [] };
  // Numeric subranges (`channel_connect:1-5`) hold type ids, merged like any other.
  if (a.id !== undefined) {
    const id = a.id;
    const single = d.grants.find((x) =>
      x.ranges?.some((r) => r.kind === 'interval' && r.start <= id && id <= r.end),
    );
    if (single) return allowedBy([single]);
  }
  return denied('no-grant');
}

function allowsPath(
  model: PolicyModel,
  a: Extract<Access, { kind: 'attach' | 'link' }>,
): GrantAnswer {
  const g = model.grants.get(a.type);
  if (!g) return denied('no-grant');
  const rules = a.kind === 'attach' ? g.attaches : g.links;
  const sure = matchingRules(rules, a.path);
  const may = mayMatchRules(rules, a.path);
  return sure.length > 0
    ? { allowed: true, by: sure.map((rule) => ({ kind: 'path', rule })), may }
    : { allowed: false, why: 'no-grant', may };
}

/** The origin of a rule of an answer. */
export function ruleOrigin(r: GrantRule): AbilityGrantInfo['origin'] {
  return r.kind === 'path' ? r.rule.origin : r.grant.origin;
}
