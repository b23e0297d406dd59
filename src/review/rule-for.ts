/**
 * The one rule that would allow a single denied record, for `explain`, as a
 * statement node (built with the validated constructors of
 * src/policy/nodes.ts, printed by src/policy/print.ts). Every field is checked
 * with the inference stage's validator first: a record with an unsafe field
 * gets no rule (undefined), never a broken one. Does not merge records or
 * place rules in a policy: that is `suggest` (src/plan/).
 */
import type { AbilityItem, Statement } from '../policy/ast';
import {
  abilityFlag,
  abilityGrant,
  allowAbility,
  allowConnect,
  allowPaths,
  literalPathSpec,
  numberRange,
  rangeName,
} from '../policy/nodes';
import type { ProcessEvent } from '../trace/event';
import { validateEvent } from '../infer/validate-event';
import { ADDRESS_ABILITIES, VADDR_ABILITIES, normaliseAbilityName } from '../qnx/abilities';

/** The secpol statement that would allow `e`, or undefined when no rule can (unsafe field, untyped process, relabel conflict). */
export function ruleFor(e: ProcessEvent): Statement | undefined {
  if (e.securityType === '-' || validateEvent(e)) return undefined;
  const t = e.securityType;
  if (e.kind === 'attach' || e.kind === 'link') {
    // A conflict is about the channel's type change, which no plain path rule fixes.
    if (e.failure && e.failure.code === 'conflict') return undefined;
    return allowPaths(e.kind, t, [literalPathSpec(e.path)]);
  }
  const a = e.argument;
  const name = normaliseAbilityName(e.ability.policyName);
  if (name === 'channel_connect' && a.kind === 'type-id') return allowConnect(t, a.typeName);
  // Physical addresses read better in hex, as suggest prints them.
  const hex = ADDRESS_ABILITIES.has(name);
  let item: AbilityItem = abilityGrant(name);
  if (a.kind === 'type-id') item = abilityGrant(name, [rangeName(a.typeName)]);
  // Virtual addresses change every boot: a learned subrange would not match the next run.
  else if (a.kind === 'value' && !VADDR_ABILITIES.has(name))
    item = abilityGrant(name, [numberRange(a.value, a.value, hex)]);
  else if (a.kind === 'range' && !VADDR_ABILITIES.has(name)) {
    // The monitor may print a range high-low; the rule names it low-high.
    const [lo, hi] = BigInt(a.start) <= BigInt(a.end) ? [a.start, a.end] : [a.end, a.start];
    item = abilityGrant(name, [numberRange(lo, hi, hex)]);
  }
  return e.domain === 'non-root'
    ? allowAbility(t, [abilityFlag('nonroot'), item])
    : allowAbility(t, [item], false);
}
