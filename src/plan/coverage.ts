/**
 * Does a policy already grant a requirement? Answers from the policy model
 * (src/policy/model/) and names the rule that grants it, for the "already
 * allowed by FILE:LINE" report.
 *
 * Semantics follow the model: a block without `nonroot` covers the root
 * domain, one with it both; a negation (`-name`) in the domain wins; a
 * checked range must sit inside one subrange (reference §2.4), of any grant; a whole
 * ability needs a grant without subranges; named ranges without values
 * count as not covering (their values are only known at boot). Path rules
 * with a file-type prefix (`mount:/`) never cover a plain path event.
 */
import type { Requirement, ValueRange } from '../infer/requirement';
import type { Origin, PolicyModel, Subrange } from '../policy/model/types';
import { matchingRules } from '../policy/path-rules';

/** The rule that grants a requirement: its place. */
export interface Coverage {
  file: string;
  line: number;
}

/** Returns the first rule that grants `r`, or undefined when the policy does not grant it. */
export function findCoverage(model: PolicyModel, r: Requirement): Coverage | undefined {
  const g = model.grants.get(r.type);
  if (!g) return undefined;
  const origin = ((): Origin | undefined => {
    switch (r.kind) {
      case 'connect':
        return (g.connects.get(r.object) ?? g.connects.get('*'))?.[0]?.origin;
      case 'settypeid':
        return abilityOrigin(model, r.type, 'settypeid', r.domain, (ranges) =>
          ranges.some((s) => s.kind === 'name' && s.name === r.object),
        );
      case 'ability':
        return r.whole
          ? abilityOrigin(model, r.type, r.object, r.domain, () => false)
          : rangesOrigin(model, r, r.ranges ?? []);
      case 'attach':
      case 'link':
        return matchingRules(r.kind === 'attach' ? g.attaches : g.links, r.object)[0]?.origin;
    }
  })();
  return origin ? { file: origin.file, line: origin.line } : undefined;
}

function abilityOrigin(
  model: PolicyModel,
  type: string,
  ability: string,
  domain: Requirement['domain'],
  rangesCover: (ranges: Subrange[]) => boolean,
): Origin | undefined {
  const g = model.grants.get(type)!;
  const inDomain = (d: { root: boolean; nonRoot: boolean }): boolean =>
    domain === 'non-root' ? d.nonRoot : d.root;
  if ((g.negations.get(ability) ?? []).some((n) => inDomain(n.domains))) return undefined;
  for (const grant of g.abilities.get(ability) ?? []) {
    if (!inDomain(grant.domains)) continue;
    if (!grant.ranges || rangesCover(grant.ranges)) return grant.origin;
  }
  return undefined;
}

/**
 * Each needed range inside one subrange of some grant: not necessarily the same grant
 * (`interrupt:10-12` and `interrupt:0` in one block cover 0 and 10), as the evaluator
 * judges each check on its own. The origin of the grant that covers the first range.
 */
function rangesOrigin(
  model: PolicyModel,
  r: Requirement,
  ranges: readonly ValueRange[],
): Origin | undefined {
  let first: Origin | undefined;
  for (const need of ranges) {
    const o = abilityOrigin(model, r.type, r.object, r.domain, (subs) =>
      subs.some((s) => inside(need, s)),
    );
    if (!o) return undefined;
    first ??= o;
  }
  return first ?? abilityOrigin(model, r.type, r.object, r.domain, () => true);
}

function inside([start, end]: ValueRange, s: Subrange): boolean {
  return s.kind === 'interval' && s.start <= BigInt(start) && BigInt(end) <= s.end;
}
