/**
 * The risk of every planned item (docs/inference.md, "Risk"): the judgement
 * lint makes of risky grants (`riskOf`, src/policy/risk.ts), run on the
 * planned nodes, so a suggestion lint would warn about says so where it is
 * printed. A `settypeid:U` item is judged on the patched policy's model (what
 * U holds then); `gain_priv` items added for it carry no risk of their own
 * (the `settypeid` item carries it), nor do connects to one type.
 */
import type { PolicyModel } from '../policy/model/types';
import { riskOf, type Risk } from '../policy/risk';
import type { PlannedChange, PlannedItem } from './patch';

/** The risk of one item of `change`, or undefined; `model` is the patched policy's, when built. */
export function itemRisk(
  change: PlannedChange,
  item: PlannedItem,
  model?: PolicyModel,
): Risk | undefined {
  const node = item.node;
  if (node.type === 'name') return undefined;
  if (node.type === 'path-spec')
    return change.kind === 'attach' || change.kind === 'link'
      ? riskOf({ kind: change.kind, subject: change.type, path: node })
      : undefined;
  return riskOf({ kind: 'ability', subject: change.type, item: node }, model ? { model } : {});
}

/** Sets `risk` on every item of `changes` that has one (in place). */
export function attachRisks(changes: PlannedChange[], model?: PolicyModel): void {
  for (const change of changes)
    for (const item of change.items) {
      const risk = itemRisk(change, item, model);
      if (risk) item.risk = risk;
    }
}
