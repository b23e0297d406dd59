/**
 * What the user's policy says about a group, in explain's words: the reason
 * heading explain prints (src/review/explain.ts, REASON_TITLES) for the grant
 * model's answer, and the place of the rules involved. Pure: the model is the
 * one `check` and `explain` use.
 */
import type { PlannedChange } from '../../plan/patch';
import { allows, ruleOrigin } from '../../policy/grants';
import type { PolicyModel } from '../../policy/model/types';
import { REASON_TITLES } from '../explain';
import { itemAccesses, type ReviewGroup } from './groups';

const TITLES = new Map(REASON_TITLES);

/** One line: the explain reason for the group's first access the policy denies. */
export function policySays(
  group: ReviewGroup,
  changes: readonly PlannedChange[],
  model: PolicyModel | undefined,
): string {
  if (!model) return 'no policy given (--policy): every failure is new';
  if (!model.types.has(group.key.type)) return `${TITLES.get('no-type')}: ${group.key.type}`;
  for (const ref of group.items) {
    const change = changes[ref.change]!;
    for (const access of itemAccesses(change, change.items[ref.item]!.node)) {
      const a = allows(model, access);
      if (a.allowed) continue;
      const reason =
        a.why === 'negated'
          ? 'negated'
          : a.why === 'not-covered'
            ? 'range-not-covered'
            : a.why === 'unknown'
              ? 'indeterminate'
              : access.kind === 'ability'
                ? 'no-ability'
                : `no-${access.kind}-rule`;
      const where = a.negation
        ? ` (${a.negation.origin.file}:${a.negation.origin.line})`
        : a.otherDomain
          ? ` (granted in the other domain only)`
          : '';
      return `${TITLES.get(reason) ?? reason}${where}`;
    }
  }
  const first = allows(
    model,
    itemAccesses(
      changes[group.items[0]!.change]!,
      changes[group.items[0]!.change]!.items[group.items[0]!.item]!.node,
    )[0]!,
  );
  return first.allowed
    ? `${TITLES.get('allowed-now')} (${ruleOrigin(first.by[0]!).file}:${ruleOrigin(first.by[0]!).line})`
    : (TITLES.get('indeterminate') ?? 'indeterminate');
}
