/**
 * The evaluator: decides whether the policy model allows one trace event, and
 * why not. Every event kind gets a verdict; nothing is guessed: a named range
 * without values or an event form nobody knows gives `indeterminate`.
 *
 * Whether an access is granted, and by which rules, is the grant model's
 * answer (grants.ts: merged subranges, negation, type-valued subranges, named
 * ranges, both connect rule forms, path matching); this module turns it into
 * a verdict with reasons, messages and the rules consulted, and adds what only
 * a trace record says (attach-vs-link mix-ups, relabel conflicts). Does not handle: abilities a
 * process holds without any policy (QNX defaults are not modelled: a typed
 * process has what its type is granted), or QNET/custom-class checks.
 * Reason codes are listed in docs/policy-model.md.
 */
import type { AbilityEvent, AttachEvent, LinkEvent, TraceEvent } from '../trace/event';
import { argumentValueText } from '../trace/event-text';
import { normaliseAbilityName } from '../qnx/abilities';
import { allows, ruleOrigin, type AbilityValue, type GrantRule } from './grants';
import { printAbilityItem, printRuleLine } from './print';
import { allowConnect } from './nodes';
import { isIdentifier, isSubjectName } from './lexical';
import { abilityGrantNode, connectText, negationText, pathRuleText } from './grant-text';
import type { AbilityGrantInfo, ConnectGrant, Origin, PathRule, PolicyModel } from './model/types';

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

/** The evaluator's answer for one event. `mayHaveAllowed`: prefixed path rules that may match it. */
export type Verdict =
  | {
      allowed: true;
      grants: ConsultedRule[];
      consulted: ConsultedRule[];
      note?: string;
      mayHaveAllowed?: ConsultedRule[];
    }
  | {
      allowed: false;
      mayHaveAllowed?: ConsultedRule[];
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

/** Summaries by rule object and subject type: a rule's text is printed once per model, not per access. */
const summaries = new WeakMap<object, { type: string; text: string }>();

function summary(rule: object, type: string, print: () => string): string {
  const had = summaries.get(rule);
  if (had?.type === type) return had.text;
  const text = print();
  summaries.set(rule, { type, text });
  return text;
}

function grantSummary(g: AbilityGrantInfo): string {
  return summary(g, '', () => {
    const how = g.fromDefaultPriv ? ' (via default_priv)' : '';
    return `${printAbilityItem(abilityGrantNode(g))} (${domainText(g)})${how}`;
  });
}

const connectSummary = (type: string, c: ConnectGrant): string =>
  summary(c, type, () => connectText(type, c));

const pathSummary = (type: string, r: PathRule): string =>
  summary(r, type, () => pathRuleText(type, r));

function ruleSummary(type: string, r: GrantRule): ConsultedRule {
  const o = ruleOrigin(r);
  if (r.kind === 'ability') return consulted(o, grantSummary(r.grant));
  if (r.kind === 'connect') return consulted(o, connectSummary(type, r.grant));
  return consulted(o, pathSummary(type, r.rule));
}

function checkType(model: PolicyModel, type: string): Verdict | undefined {
  if (model.types.has(type)) return undefined;
  return deny('no-type', `type ${type} is not declared in the policy`, []);
}

/** The value an ability event checked, for the grant model. */
export function abilityValue(e: AbilityEvent): AbilityValue {
  const a = e.argument;
  switch (a.kind) {
    case 'none':
      return { kind: 'unspecified' };
    case 'value':
      return { kind: 'span', start: BigInt(a.value), end: BigInt(a.value) };
    case 'range':
      return { kind: 'span', start: BigInt(a.start), end: BigInt(a.end) };
    case 'type-id':
      return {
        kind: 'type',
        name: a.typeName,
        ...(a.value !== undefined ? { id: BigInt(a.value) } : {}),
      };
  }
}

function argumentText(e: AbilityEvent): string {
  return argumentValueText(e.argument);
}

function evaluateAbility(model: PolicyModel, e: AbilityEvent): Verdict {
  const noType = checkType(model, e.securityType);
  if (noType) return noType;
  const type = e.securityType;
  const ability = normaliseAbilityName(e.ability.policyName);
  const all = model.grants.get(type)?.abilities.get(ability) ?? [];
  const seen = all.map((x) => consulted(x.origin, grantSummary(x)));
  const connect = ability === 'channel_connect' && e.argument.kind === 'type-id';
  const a = e.argument;
  const answer =
    connect && a.kind === 'type-id'
      ? allows(model, {
          kind: 'connect',
          type,
          domain: e.domain,
          object: a.typeName,
          ...(a.value !== undefined ? { id: BigInt(a.value) } : {}),
        })
      : allows(model, { kind: 'ability', type, domain: e.domain, ability, value: abilityValue(e) });
  // The connect rules of the object type (and of any type), for explain.
  const connects =
    connect && a.kind === 'type-id'
      ? [
          ...(model.grants.get(type)?.connects.get(a.typeName) ?? []),
          ...(model.grants.get(type)?.connects.get('*') ?? []),
        ].map((c) => consulted(c.origin, connectSummary(type, c)))
      : [];
  if (answer.allowed) {
    return {
      allowed: true,
      grants: answer.by.map((r) => ruleSummary(type, r)),
      consulted: [...seen, ...connects],
      ...(answer.unspecified
        ? { note: 'the check carried no value; the grant has subranges' }
        : {}),
    };
  }
  switch (answer.why) {
    case 'negated': {
      const n = answer.negation!;
      return deny('negated', `type ${type} has -${ability} at ${n.origin.file}:${n.origin.line}`, [
        ...seen,
        consulted(n.origin, negationText(ability)),
      ]);
    }
    case 'unknown': {
      const names = answer
        .unknown!.map((r) =>
          model.ranges.has(r.text) ? `named range ${r.text}` : `undeclared name ${r.text}`,
        )
        .join(', ');
      const why = model.hasRangeFile
        ? 'the range file gives no numeric values for it'
        : 'named range values need a range file (--ranges)';
      return deny(
        'indeterminate',
        `${ability}(${argumentText(e)}) may be covered by ${names}: ${why}`,
        seen,
      );
    }
    default:
      break;
  }
  if (connect && a.kind === 'type-id')
    return deny(
      'no-connect-rule',
      `type ${type} may not connect to channels of type ${a.typeName}${missingConnectRule(type, a.typeName)}`,
      [...seen, ...connects],
    );
  if (answer.why === 'no-grant') {
    const other = answer.otherDomain
      ? ` (it is granted in the ${e.domain === 'root' ? 'non-root' : 'root'} domain only; a block needs \`nonroot\` to grant both)`
      : '';
    return deny('no-ability', `type ${type} lacks ability ${ability} as ${e.domain}${other}`, seen);
  }
  return deny(
    'range-not-covered',
    `type ${type} has ${ability} as ${e.domain} but no single subrange covers ${argumentText(e)}`,
    seen,
  );
}

function evaluatePath(model: PolicyModel, e: AttachEvent | LinkEvent): Verdict {
  const noType = checkType(model, e.securityType);
  if (noType) return noType;
  const type = e.securityType;
  const g = model.grants.get(type);
  const own = e.kind === 'attach' ? (g?.attaches ?? []) : (g?.links ?? []);
  const other = e.kind === 'attach' ? (g?.links ?? []) : (g?.attaches ?? []);
  // Only the listed rules are described (summaries cost a string each).
  const total = own.length + other.length;
  const seen = [...own.slice(0, MAX_CONSULTED), ...other.slice(0, MAX_CONSULTED)]
    .slice(0, MAX_CONSULTED)
    .map((r) => consulted(r.origin, pathSummary(type, r)));
  const answer = allows(model, { kind: e.kind, type, path: e.path });
  const may =
    answer.may.length > 0
      ? {
          mayHaveAllowed: answer.may.map((r: PathRule) =>
            consulted(r.origin, pathSummary(type, r)),
          ),
        }
      : {};
  if (answer.allowed) {
    if (e.failure?.code === 'conflict') {
      return {
        ...deny(
          'conflict',
          `${e.kind} at ${e.path} needed a channel type change that no rule for ${type} permits (${e.failure.reason})`,
          seen,
          total,
        ),
        ...may,
      };
    }
    const hits = answer.by.flatMap((r) => (r.kind === 'path' ? [r.rule] : []));
    const relabel = hits.find((r) => r.relabel)?.relabel;
    return {
      allowed: true,
      grants: answer.by.map((r) => ruleSummary(type, r)),
      consulted: seen,
      ...(relabel ? { note: `the channel is relabelled to ${relabel}` } : {}),
      ...may,
    };
  }
  const wrong = allows(model, {
    kind: e.kind === 'attach' ? 'link' : 'attach',
    type,
    path: e.path,
  });
  if (wrong.allowed) {
    const w = (wrong.by[0] as Extract<GrantRule, { kind: 'path' }>).rule;
    return {
      ...deny(
        'attach-vs-link',
        `${type} has an allow_${w.kind} rule matching ${e.path} (${w.origin.file}:${w.origin.line}) but the process tried to ${e.kind === 'attach' ? 'attach' : 'link'}`,
        seen,
        total,
      ),
      ...may,
    };
  }
  const prefixed =
    answer.may.length > 0
      ? ` (${answer.may.length} rule(s) with a file-type prefix match the path; the monitor does not print file types, so they are not counted)`
      : '';
  return {
    ...deny(
      e.kind === 'attach' ? 'no-attach-rule' : 'no-link-rule',
      `no allow_${e.kind} rule for ${type} matches ${e.path}${prefixed}`,
      seen,
      total,
    ),
    ...may,
  };
}

/**
 * ` (no \`allow T O:channel connect;\`)`: the rule a denied connect lacks,
 * built and printed as a node. Both names come from the trace: when either
 * cannot be a rule's name (`-`, a keyword, other characters) no rule is printed.
 */
function missingConnectRule(type: string, object: string): string {
  if (!isSubjectName(type) || !isIdentifier(object))
    return ' (no channel connect rule; the trace names a type that cannot be printed in one)';
  return ` (no \`${printRuleLine(allowConnect(type, object))}\`)`;
}
