/**
 * The one rule that would allow a single denied record, for `explain`. Every
 * field is checked with the inference stage's validator first: a record with
 * an unsafe field gets no rule (undefined), never a broken one. Does not merge
 * records or place rules in a policy: that is `suggest` (src/plan/).
 */
import type { ProcessEvent } from '../trace/event';
import { validateEvent } from '../infer/validate-event';
import { ADDRESS_ABILITIES, VADDR_ABILITIES, normaliseAbilityName } from '../qnx/abilities';

/** The secpol statement that would allow `e` (one line), or undefined when no rule can (unsafe field, untyped process, relabel conflict). */
export function ruleFor(e: ProcessEvent): string | undefined {
  if (e.securityType === '-' || validateEvent(e)) return undefined;
  const t = e.securityType;
  if (e.kind === 'attach' || e.kind === 'link') {
    // A conflict is about the channel's type change, which no plain path rule fixes.
    if (e.failure && e.failure.code === 'conflict') return undefined;
    return `allow_${e.kind} ${t} ${e.path};`;
  }
  const a = e.argument;
  const name = normaliseAbilityName(e.ability.policyName);
  if (name === 'channel_connect' && a.kind === 'type-id')
    return `allow ${t} ${a.typeName}:channel connect;`;
  // Physical addresses read better in hex, as suggest prints them.
  const num = (v: string): string =>
    ADDRESS_ABILITIES.has(name) ? `0x${BigInt(v).toString(16)}` : v;
  let item = name;
  if (a.kind === 'type-id') item = `${name}:${a.typeName}`;
  // Virtual addresses change every boot: a learned subrange would not match the next run.
  else if (a.kind === 'value' && !VADDR_ABILITIES.has(name)) item = `${name}:${num(a.value)}`;
  else if (a.kind === 'range' && !VADDR_ABILITIES.has(name))
    item = `${name}:${a.start === a.end ? num(a.start) : `${num(a.start)}-${num(a.end)}`}`;
  return e.domain === 'non-root'
    ? `allow ${t} self:ability { nonroot ${item} };`
    : `allow ${t} self:ability ${item};`;
}
