/**
 * The policy's `-ability` item that cancels what a group needs: a negation
 * of the group's ability (`settypeid` for a settypeid group,
 * `channel_connect` for a connect) for its type in its domain. The evaluator
 * denies such a check whatever else is granted, so the planner adds nothing
 * for the group and reports the negation for review instead.
 */
import type { NegationInfo, PolicyModel } from '../policy/model/types';
import type { Group } from './group';

/** The first negation (in model order) that cancels the group's need, if any. */
export function negationOf(model: PolicyModel, g: Group): NegationInfo | undefined {
  const ability =
    g.kind === 'settypeid'
      ? 'settypeid'
      : g.kind === 'connect'
        ? 'channel_connect'
        : g.kind === 'ability'
          ? g.object
          : undefined;
  if (ability === undefined) return undefined;
  const negations = model.grants.get(g.type)?.negations.get(ability) ?? [];
  return negations.find((n) => (g.domain === 'non-root' ? n.domains.nonRoot : n.domains.root));
}
