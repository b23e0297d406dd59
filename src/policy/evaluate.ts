/**
 * The evaluator: decides whether the policy model allows one trace event, and
 * why not. Every event kind gets a verdict; nothing is guessed: a named range
 * without values or an event form nobody knows gives `indeterminate`.
 *
 * Handles: ability checks (domains, subranges covered by ONE subrange,
 * negation, type-valued subranges, named ranges), channel connects (both
 * rule forms), attaches and links (exact / glob / leading-dir paths,
 * attach-vs-link mix-ups, relabel conflicts). Does not handle: abilities a
 * process holds without any policy (QNX defaults are not modelled: a typed
 * process has what its type is granted), or QNET/custom-class checks.
 * Reason codes are listed in docs/policy-model.md.
 */
import type { AbilityEvent, AttachEvent, LinkEvent, TraceEvent } from '../trace/event';
import { normaliseAbilityName } from '../qnx/abilities';
import { matchingRules } from './path-rules';
import type { AbilityGrantInfo, Origin, PathRule, PolicyModel, Subrange } from './model/types';

/** Why an event is not allowed. */
export type DenialReason =
  | 'no-type'
  | 'no-ability'
  | 'range-not-covered'
  | 'negated'
  | 'no-connect-rule'
  | 'no-attach-rule'
  | 'no-link-rule'
  | 'attach-vs-link'
  | 'conflict'
  | 'indeterminate';

/** A rule the evaluator looked at, with its place, for `explain`. */
export interface ConsultedRule {
  file: string;
  line: number;
  column: number;
  /** What the rule says, in policy words (`io:0-1 (root)`, `allow_attach fs_t /dev/fsF*`). */
  summary: string;
  origin: Origin;
}

/** The evaluator's answer for one event. */
export type Verdict =
  | { allowed: true; grants: ConsultedRule[]; consulted: ConsultedRule[]; note?: string }
  | {
      allowed: false;
      reason: DenialReason;
      message: string;
      /** At most MAX_CONSULTED rules, in policy order. */
      consulted: ConsultedRule[];
      /** How many more rules of the type were consulted and are not listed. */
      moreConsulted?: number;
    };

/**
 * Rules listed per verdict: a type with thousands of path rules would otherwise list
 * (and hold) all of them for every failure, which no reader can use.
 */
export const MAX_CONSULTED = 10;

/** Decides whether `model` allows `event`. */
export function evaluate(model: PolicyModel, event: TraceEvent): Verdict {
  switch (event.kind) {
    case 'ability':
      return evaluateAbility(model, event);
    case 'attach':
    case 'link':
      return evaluatePath(model, event);
    default:
      return deny(
        'indeterminate',
        `the monitor record is not a form the evaluator knows: ${event.record}`,
        [],
      );
  }
}

function deny(
  reason: DenialReason,
  message: string,
  consulted: ConsultedRule[],
  total = consulted.length,
): Verdict {
  const listed = consulted.length > MAX_CONSULTED ? consulted.slice(0, MAX_CONSULTED) : consulted;
  return total > listed.length
    ? { allowed: false, reason, message, consulted: listed, moreConsulted: total - listed.length }
    : { allowed: false, reason, message, consulted: listed };
}

function consulted(origin: Origin, summary: string): ConsultedRule {
  return { file: origin.file, line: origin.line, column: origin.column, summary, origin };
}

function domainText(g: { domains: { nonRoot: boolean } }): string {
  return g.domains.nonRoot ? 'root and non-root' : 'root only';
}

function grantSummary(g: AbilityGrantInfo): string {
  const ranges = g.ranges ? `:${g.ranges.map((r) => r.text).join(',')}` : '';
  const how = g.fromDefaultPriv ? ' (via default_priv)' : '';
  return `${g.ability}${ranges} (${domainText(g)})${how}`;
}

function checkType(model: PolicyModel, type: string): Verdict | undefined {
  if (model.types.has(type)) return undefined;
  return deny('no-type', `type ${type} is not declared in the policy`, []);
}

function evaluateAbility(model: PolicyModel, e: AbilityEvent): Verdict {
  const noType = checkType(model, e.securityType);
  if (noType) return noType;
  const ability = normaliseAbilityName(e.ability.policyName);
  const g = model.grants.get(e.securityType);
  const inDomain = (d: { root: boolean; nonRoot: boolean }): boolean =>
    e.domain === 'root' ? d.root : d.nonRoot;
  const all = g?.abilities.get(ability) ?? [];
  const seen = all.map((x) => consulted(x.origin, grantSummary(x)));
  const negations = (g?.negations.get(ability) ?? []).filter((n) => inDomain(n.domains));
  if (negations.length > 0) {
    const n = negations[0]!;
    return deny(
      'negated',
      `type ${e.securityType} has -${ability} at ${n.origin.file}:${n.origin.line}`,
      [...seen, consulted(n.origin, `-${ability}`)],
    );
  }
  if (ability === 'channel_connect' && e.argument.kind === 'type-id')
    return evaluateConnect(model, e, seen);
  const grants = all.filter((x) => inDomain(x.domains));
  if (grants.length === 0) {
    const other =
      all.length > 0
        ? ` (it is granted in the ${e.domain === 'root' ? 'non-root' : 'root'} domain only; a block needs \`nonroot\` to grant both)`
        : '';
    return deny(
      'no-ability',
      `type ${e.securityType} lacks ability ${ability} as ${e.domain}${other}`,
      seen,
    );
  }
  return coverage(model, e, ability, grants, seen);
}

/** The check's value span, or a type name for type-id arguments. */
function argumentSpan(
  e: AbilityEvent,
): { start: bigint; end: bigint; typeName?: string; text: string } | undefined {
  const a = e.argument;
  switch (a.kind) {
    case 'none':
      return undefined;
    case 'value':
      return { start: BigInt(a.value), end: BigInt(a.value), text: a.value };
    case 'range':
      return { start: BigInt(a.start), end: BigInt(a.end), text: `${a.start}-${a.end}` };
    case 'type-id':
      return {
        start: BigInt(a.value),
        end: BigInt(a.value),
        typeName: a.typeName,
        text: `${a.value} (${a.typeName})`,
      };
  }
}

type Cover = 'yes' | 'no' | 'unknown';

/** Does one subrange cover the whole span (reference §2.4: one subrange must cover it)? */
function covers(
  model: PolicyModel,
  ability: string,
  r: Subrange,
  span: { start: bigint; end: bigint; typeName?: string },
): Cover {
  if (r.kind === 'interval') return r.start <= span.start && span.end <= r.end ? 'yes' : 'no';
  if (span.typeName !== undefined && (model.types.has(r.name) || model.attributes.has(r.name))) {
    const names = model.attributes.get(r.name)?.members ?? [r.name];
    return names.includes(span.typeName) ? 'yes' : 'no';
  }
  const range = model.ranges.get(r.name);
  if (!range) {
    if (span.typeName !== undefined) return r.name === span.typeName ? 'yes' : 'no';
    // An undeclared name on a numeric ability (`setuid:ROOT` in a CSDN post) may be predefined: do not guess.
    return 'unknown';
  }
  const values = range.values?.get(ability);
  if (!values) return 'unknown';
  let result: Cover = 'no';
  for (const v of values) {
    if (v.kind === 'syspage') result = 'unknown';
    else if (v.start <= span.start && span.end <= v.end) return 'yes';
  }
  return result;
}

function coverage(
  model: PolicyModel,
  e: AbilityEvent,
  ability: string,
  grants: AbilityGrantInfo[],
  seen: ReturnType<typeof consulted>[],
): Verdict {
  const span = argumentSpan(e);
  const whole = grants.find((x) => !x.ranges);
  if (whole)
    return {
      allowed: true,
      grants: [consulted(whole.origin, grantSummary(whole))],
      consulted: seen,
    };
  if (!span) {
    // A check without an argument against subranged grants: the ability is held for some values.
    const g0 = grants[0]!;
    return {
      allowed: true,
      grants: [consulted(g0.origin, grantSummary(g0))],
      consulted: seen,
      note: 'the check carried no value; the grant has subranges',
    };
  }
  const unknown: string[] = [];
  for (const g of grants) {
    for (const r of g.ranges ?? []) {
      const c = covers(model, ability, r, span);
      if (c === 'yes')
        return { allowed: true, grants: [consulted(g.origin, grantSummary(g))], consulted: seen };
      if (c === 'unknown') unknown.push(r.text);
    }
  }
  if (unknown.length > 0) {
    const names = unknown
      .map((n) => (model.ranges.has(n) ? `named range ${n}` : `undeclared name ${n}`))
      .join(', ');
    const why = model.hasRangeFile
      ? 'the range file gives no numeric values for it'
      : 'named range values need a range file (--ranges)';
    return deny(
      'indeterminate',
      `${ability}(${span.text}) may be covered by ${names}: ${why}`,
      seen,
    );
  }
  return deny(
    'range-not-covered',
    `type ${e.securityType} has ${ability} as ${e.domain} but no single subrange covers ${span.text}`,
    seen,
  );
}

function evaluateConnect(model: PolicyModel, e: AbilityEvent, seen: ConsultedRule[]): Verdict {
  const a = e.argument as Extract<AbilityEvent['argument'], { kind: 'type-id' }>;
  const g = model.grants.get(e.securityType);
  const inDomain = (x: AbilityGrantInfo): boolean =>
    e.domain === 'root' ? x.domains.root : x.domains.nonRoot;
  const candidates = [...(g?.connects.get(a.typeName) ?? []), ...(g?.connects.get('*') ?? [])];
  const rules = candidates.map((c) =>
    consulted(
      c.origin,
      c.via === 'allow-connect'
        ? `allow ${e.securityType} ${c.object}:channel connect`
        : `channel_connect:${c.object}`,
    ),
  );
  const hit = candidates.findIndex((c) =>
    e.domain === 'root' ? c.domains.root : c.domains.nonRoot,
  );
  if (hit >= 0) return { allowed: true, grants: [rules[hit]!], consulted: [...seen, ...rules] };
  // Numeric subranges (`channel_connect:1-5`) cover type ids directly.
  const id = BigInt(a.value);
  for (const x of g?.abilities.get('channel_connect') ?? []) {
    if (!inDomain(x)) continue;
    if (x.ranges?.some((r) => r.kind === 'interval' && r.start <= id && id <= r.end)) {
      return {
        allowed: true,
        grants: [consulted(x.origin, grantSummary(x))],
        consulted: [...seen, ...rules],
      };
    }
  }
  return deny(
    'no-connect-rule',
    `type ${e.securityType} may not connect to channels of type ${a.typeName} (no \`allow ${e.securityType} ${a.typeName}:channel connect;\`)`,
    [...seen, ...rules],
  );
}

function ruleSummary(type: string, r: PathRule): string {
  const path = r.fileType !== undefined ? `${r.fileType}:${r.path}` : r.path;
  return `allow_${r.kind} ${type} ${path}${r.relabel ? ` ${r.relabel}` : ''}`;
}

function evaluatePath(model: PolicyModel, e: AttachEvent | LinkEvent): Verdict {
  const noType = checkType(model, e.securityType);
  if (noType) return noType;
  const g = model.grants.get(e.securityType);
  const own = e.kind === 'attach' ? (g?.attaches ?? []) : (g?.links ?? []);
  const other = e.kind === 'attach' ? (g?.links ?? []) : (g?.attaches ?? []);
  // Only the listed rules are described (summaries cost a string each).
  const total = own.length + other.length;
  const seen = [...own.slice(0, MAX_CONSULTED), ...other.slice(0, MAX_CONSULTED)]
    .slice(0, MAX_CONSULTED)
    .map((r) => consulted(r.origin, ruleSummary(e.securityType, r)));
  const hits = matchingRules(own, e.path);
  if (hits.length > 0) {
    if (e.failure?.code === 'conflict') {
      return deny(
        'conflict',
        `${e.kind} at ${e.path} needed a channel type change that no rule for ${e.securityType} permits (${e.failure.reason})`,
        seen,
        total,
      );
    }
    const grants = hits.map((r) => consulted(r.origin, ruleSummary(e.securityType, r)));
    const relabel = hits.find((r) => r.relabel)?.relabel;
    return {
      allowed: true,
      grants,
      consulted: seen,
      ...(relabel ? { note: `the channel is relabelled to ${relabel}` } : {}),
    };
  }
  const wrong = matchingRules(other, e.path);
  if (wrong.length > 0) {
    const w = wrong[0]!;
    return deny(
      'attach-vs-link',
      `${e.securityType} has an allow_${w.kind} rule matching ${e.path} (${w.origin.file}:${w.origin.line}) but the process tried to ${e.kind === 'attach' ? 'attach' : 'link'}`,
      seen,
      total,
    );
  }
  return deny(
    e.kind === 'attach' ? 'no-attach-rule' : 'no-link-rule',
    `no allow_${e.kind} rule for ${e.securityType} matches ${e.path}`,
    seen,
    total,
  );
}
