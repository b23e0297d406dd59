/**
 * Grants of the policy model in policy words, for the messages of `check`,
 * `explain`, `harden`, guards and `diff`. Each builds the AST node of the
 * grant and prints it with print.ts, so the text is what the parser reads
 * (ability names in their normalised spelling, subranges as written).
 */
import type { AbilityGrant, RangeValue, Statement } from './ast';
import { printAbilityItem, printPathSpec, printStatement } from './print';
import type { AbilityGrantInfo, ConnectGrant, PathRule } from './model/types';

const name = (value: string): AbilityGrant['name'] => ({ type: 'name', value });

/** The item of an ability grant with its normalised name (`setuid:4,6-9`; `io` for default_priv). */
export function abilityGrantNode(g: AbilityGrantInfo): AbilityGrant {
  const item = g.origin.item;
  const ranges = !g.fromDefaultPriv && item?.type === 'ability-grant' ? item.ranges : undefined;
  return {
    type: 'ability-grant',
    negated: false,
    name: name(g.ability),
    ...(ranges ? { ranges } : {}),
  };
}

/** `setuid:4,6-9`, or `io (via default_priv)`. */
export function abilityGrantText(g: AbilityGrantInfo): string {
  const text = printAbilityItem(abilityGrantNode(g));
  return g.fromDefaultPriv ? `${text} (via default_priv)` : text;
}

/** `-setuid`. */
export function negationText(ability: string): string {
  return printAbilityItem({ type: 'ability-grant', negated: true, name: name(ability) });
}

/** An ability item from a name and subranges (`mem_phys:0x1000-0x1fff`). */
export function abilityItemText(ability: string, ranges?: RangeValue[]): string {
  return printAbilityItem({
    type: 'ability-grant',
    negated: false,
    name: name(ability),
    ...(ranges && ranges.length > 0 ? { ranges } : {}),
  });
}

/** A one-rule statement without its `;` (`allow a_t b_t:channel connect`). */
function ruleText(s: Statement): string {
  return printStatement(s).replace(/;\n$/, '');
}

/** `allow T O:channel connect`, or the `channel_connect:O` item (`channel_connect` for any type). */
export function connectText(type: string, c: ConnectGrant): string {
  if (c.via === 'ability')
    return c.object === '*'
      ? abilityItemText('channel_connect')
      : abilityItemText('channel_connect', [{ type: 'range-name', name: name(c.object) }]);
  return ruleText({
    type: 'allow-connect',
    subjects: { type: 'type-set', braced: false, names: [name(type)] },
    objects: { type: 'type-set', braced: false, names: [name(c.object)] },
  });
}

/** `allow_attach T mount:/dev/x relabel_t`. */
export function pathRuleText(type: string, r: PathRule): string {
  return ruleText({
    type: r.kind === 'attach' ? 'allow-attach' : 'allow-link',
    subject: name(type),
    braced: false,
    paths: [pathSpecOf(r)],
  });
}

/** The path as written (`mount:/dev/x relabel_t`). */
export function pathSpecText(r: PathRule): string {
  return printPathSpec(pathSpecOf(r));
}

function pathSpecOf(r: PathRule): Extract<Statement, { type: 'allow-attach' }>['paths'][number] {
  return {
    type: 'path-spec',
    path: r.path,
    ...(r.fileType !== undefined ? { fileType: r.fileType } : {}),
    ...(r.relabel ? { relabel: name(r.relabel) } : {}),
  };
}
