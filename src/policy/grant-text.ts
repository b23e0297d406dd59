/**
 * Grants of the policy model in policy words, for the messages of `check`,
 * `explain`, `harden`, guards and `diff`. Each builds the AST node of the
 * grant and prints it with print.ts, so the text is what the parser reads
 * (ability names in their normalised spelling, subranges as written).
 *
 * Nodes are built with the constructors of nodes.ts, except for names the
 * policy itself wrote that a generated rule may not use: the parser reads an
 * ability `range` inside a one-line block and a type `attach` named through
 * an attribute, and a message must quote such a grant rather than fail. Those
 * names (`policyName`) are copied as read; nothing from a trace goes through it.
 */
import type {
  AbilityGrant,
  AllowAttach,
  AllowConnect,
  AllowLink,
  Name,
  PathSpec,
  RangeValue,
} from './ast';
import { allowPaths, identifierName, pathSpec, rangeName } from './nodes';
import { printAbilityItem, printPathSpec, printStatement } from './print';
import type { AbilityGrantInfo, ConnectGrant, PathRule } from './model/types';
import { shownPath } from './model/path-bytes';

/** A name as a parsed policy wrote it (see above: may be one a generated rule could not use). */
const policyName = (value: string): Name => ({ type: 'name', value });

/** An ability item of a name the policy wrote (see above). */
function policyAbility(ability: string, ranges?: RangeValue[], negated = false): AbilityGrant {
  return {
    type: 'ability-grant',
    negated,
    name: policyName(ability),
    ...(ranges && ranges.length > 0 ? { ranges } : {}),
  };
}

/** The item of an ability grant with its normalised name (`setuid:4,6-9`; `io` for default_priv). */
export function abilityGrantNode(g: AbilityGrantInfo): AbilityGrant {
  const item = g.origin.item;
  const ranges = !g.fromDefaultPriv && item?.type === 'ability-grant' ? item.ranges : undefined;
  return policyAbility(g.ability, ranges);
}

/** `setuid:4,6-9`, or `io (via default_priv)`. */
export function abilityGrantText(g: AbilityGrantInfo): string {
  const text = printAbilityItem(abilityGrantNode(g));
  return g.fromDefaultPriv ? `${text} (via default_priv)` : text;
}

/** `-setuid`. */
export function negationText(ability: string): string {
  return printAbilityItem(policyAbility(ability, undefined, true));
}

/** An ability item from a name and subranges (`mem_phys:0x1000-0x1fff`). */
export function abilityItemText(ability: string, ranges?: RangeValue[]): string {
  return printAbilityItem(policyAbility(ability, ranges));
}

/**
 * The rule `allow S O:channel connect;` between two types of the policy (the
 * subject may be a type only an attribute can name: see above).
 */
export function connectRuleOf(subject: string, object: string): AllowConnect {
  return {
    type: 'allow-connect',
    subjects: { type: 'type-set', braced: false, names: [policyName(subject)] },
    objects: { type: 'type-set', braced: false, names: [identifierName(object)] },
  };
}

/** A one-rule statement without its `;` (`allow a_t b_t:channel connect`). */
export function ruleText(s: AllowConnect | AllowAttach | AllowLink): string {
  return printStatement(s).replace(/;\n$/, '');
}

/**
 * A grant to connect to channels of any type (`channel_connect` without a
 * subrange, or default_priv) in the words of a connect rule, for `diff`:
 * `allow T *:channel connect (any type)`. A description, not secpol: no rule
 * names every type (the grant is the `channel_connect` item), so there is no
 * node to print; `T` is a type of the parsed policy.
 */
export function anyTypeConnectText(type: string): string {
  return `allow ${type} *:channel connect (any type)`;
}

/** The rule `allow T O:channel connect;` of a connect grant written as a rule. */
export function connectRule(type: string, c: ConnectGrant): AllowConnect {
  return connectRuleOf(type, c.object);
}

/** `allow T O:channel connect`, or the `channel_connect:O` item (`channel_connect` for any type). */
export function connectText(type: string, c: ConnectGrant): string {
  if (c.via === 'ability')
    return c.object === '*'
      ? abilityItemText('channel_connect')
      : abilityItemText('channel_connect', [rangeName(c.object)]);
  return ruleText(connectRule(type, c));
}

/** The one-path rule `allow_attach T PATH;` / `allow_link T PATH;` of a path grant. */
export function pathRule(type: string, r: PathRule): AllowAttach | AllowLink {
  return allowPaths(r.kind, type, [pathSpecOf(r)]);
}

/** `allow_attach T mount:/dev/x relabel_t`. */
export function pathRuleText(type: string, r: PathRule): string {
  return ruleText(pathRule(type, r));
}

/** The path as written (`mount:/dev/x relabel_t`). */
export function pathSpecText(r: PathRule): string {
  return printPathSpec(pathSpecOf(r));
}

// A latin1 file's bytes that are not UTF-8 are shown as the file's latin1 characters (path-bytes.ts).
function pathSpecOf(r: PathRule): PathSpec {
  return pathSpec(shownPath(r.path), r.fileType, r.relabel);
}
