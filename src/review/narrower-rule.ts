/**
 * `harden`'s narrower alternative to an over-broad grant: the rules that
 * allow exactly what the grant's recorded uses needed, as statement nodes
 * (validated constructors of src/policy/nodes.ts). Built only from records
 * that passed the inference validator (harden's `observe`). Attach grants
 * narrow to the attached paths; ability grants to the abilities and values
 * used, one block per domain (root first), values coalesced, address
 * abilities in hex, virtual-address ones whole.
 */
import type { Statement } from '../policy/ast';
import {
  abilityFlag,
  abilityGrant,
  allowAbility,
  allowPaths,
  literalPathSpec,
  numberRange,
} from '../policy/nodes';
import { printRuleLine } from '../policy/print';
import type { ProcessEvent } from '../trace/event';
import { coalesceRanges, mergeRanges, type ValueRange } from '../infer/requirement';
import { ADDRESS_ABILITIES, VADDR_ABILITIES } from '../qnx/abilities';
import { eventObject } from './trace-review';

/** Values of one ability in one domain that some record used. */
interface Used {
  whole: boolean;
  ranges: ValueRange[];
}

function grantOf(ability: string, v: Used): ReturnType<typeof abilityGrant> {
  if (v.whole || v.ranges.length === 0 || VADDR_ABILITIES.has(ability))
    return abilityGrant(ability);
  const hex = ADDRESS_ABILITIES.has(ability);
  return abilityGrant(
    ability,
    coalesceRanges(v.ranges).map(([s, e]) => numberRange(s, e, hex)),
  );
}

/** The narrower rules for one over-broad grant, from the records it allowed; none when it allowed none. */
export function narrowerRules(
  events: ProcessEvent[],
  type: string,
  kind: 'attach' | 'ability',
): Statement[] {
  if (kind === 'attach') {
    const paths = [...new Set(events.flatMap((e) => (e.kind === 'attach' ? [e.path] : [])))].sort();
    return paths.length === 0 ? [] : [allowPaths('attach', type, paths.map(literalPathSpec))];
  }
  const byDomain = new Map<string, Map<string, Used>>();
  for (const e of events) {
    if (e.kind !== 'ability') continue;
    const byAbility = byDomain.get(e.domain) ?? new Map<string, Used>();
    byDomain.set(e.domain, byAbility);
    const name = eventObject(e);
    const v = byAbility.get(name) ?? { whole: false, ranges: [] };
    const a = e.argument;
    // Collected here, merged once below (merging per record was quadratic in the values).
    if (a.kind === 'value') v.ranges.push([a.value, a.value]);
    // The monitor may print a range high-low.
    else if (a.kind === 'range')
      v.ranges.push(BigInt(a.start) <= BigInt(a.end) ? [a.start, a.end] : [a.end, a.start]);
    // Type-valued checks: the grant names types, not numbers.
    else v.whole = true;
    byAbility.set(name, v);
  }
  const rules: Statement[] = [];
  for (const domain of ['root', 'non-root']) {
    const byAbility = byDomain.get(domain);
    if (!byAbility) continue;
    const items = [...byAbility.keys()].sort().map((n) => {
      const v = byAbility.get(n)!;
      return grantOf(n, { whole: v.whole, ranges: mergeRanges(v.ranges, []) });
    });
    rules.push(
      allowAbility(type, domain === 'non-root' ? [abilityFlag('nonroot'), ...items] : items),
    );
  }
  return rules;
}

/** The narrower rules as harden prints them: each on one line, separated by a space; '' for none. */
export function narrowerText(
  events: ProcessEvent[],
  type: string,
  kind: 'attach' | 'ability',
): string {
  return narrowerRules(events, type, kind).map(printRuleLine).join(' ');
}
