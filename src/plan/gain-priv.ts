/**
 * `gain_priv` items for planned `settypeid:U` grants (reference §2.7):
 * secpolcompile refuses `settypeid:U` for a type S when U holds abilities,
 * wider subranges or channel connects that S lacks, unless S has
 * `gain_priv:ABILITY` for each. Judged on the policy *after* the patch (the
 * patch may grant U or S abilities too), with the same rule as the lint pass
 * `report-settypeid-gains-abilities`, so the patched policy lints clean.
 * The patched policy is built from the planned nodes directly (one more
 * file of the changes' statements), never by printing and parsing.
 * Adds the items with a note naming why, and a `gain-priv` review item.
 * Returns the patched policy's model when it built one (the risks of the
 * `settypeid` items are judged on it, attach-risks.ts).
 */
import type { Policy } from '../policy/ast';
import { buildModel } from '../policy/model/build-model';
import type { PolicyModel } from '../policy/model/types';
import { gainedAbilities } from '../policy/model/gained-abilities';
import { gainPriv } from '../policy/nodes';
import { changeStatement } from './change-statement';
import type { PlannedChange, ReviewItem } from './patch';

/** The type a `settypeid:TYPE` item grants, when the item is one. */
function settypeidTarget(node: PlannedChange['items'][number]['node']): string | undefined {
  if (node.type !== 'ability-grant' || node.name.value !== 'settypeid') return undefined;
  const r = node.ranges?.[0];
  return node.ranges?.length === 1 && r?.type === 'range-name' ? r.name.value : undefined;
}

/** Adds the needed `gain_priv:` items to the changes that grant `settypeid:U` (in place). */
export function addGainPriv(
  changes: PlannedChange[],
  policy: Policy | undefined,
  review: ReviewItem[],
): PolicyModel | undefined {
  const settypeids = changes.flatMap((c) =>
    c.kind === 'ability'
      ? c.items.flatMap((item) => {
          const target = settypeidTarget(item.node);
          return target === undefined ? [] : [{ change: c, item, target }];
        })
      : [],
  );
  if (settypeids.length === 0) return undefined;
  const patchFile = {
    type: 'policy-file' as const,
    file: '<patch>',
    statements: changes.map(changeStatement),
  };
  const model = buildModel({ type: 'policy', files: [...(policy?.files ?? []), patchFile] });
  for (const { change, item, target } of settypeids) {
    const source = model.grants.get(change.type);
    const gains = source
      ? gainedAbilities(source, model.grants.get(target)).map((g) => g.ability)
      : [];
    if (gains.length === 0) continue;
    const have = new Set(
      change.items.flatMap((i) => (i.node.type === 'gain-priv' ? [i.node.ability.value] : [])),
    );
    for (const ability of gains) {
      if (have.has(ability)) continue;
      change.items.push({
        node: gainPriv(ability),
        provenance: {
          evidence: item.provenance.evidence,
          processes: item.provenance.processes,
          moreProcesses: item.provenance.moreProcesses,
          notes: [{ kind: 'gain-priv', subject: change.type, target, ability }],
          derived: true,
        },
      });
    }
    review.push({
      code: 'gain-priv',
      message: `${change.type} gets settypeid:${target}, and ${target} holds abilities ${change.type} lacks (${gains.join(', ')}): gain_priv items added; check that the transition should gain them`,
      evidence: item.provenance.evidence,
    });
  }
  return model;
}
