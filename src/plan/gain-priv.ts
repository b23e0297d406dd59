/**
 * `gain_priv` items for planned `settypeid:U` grants (reference §2.7):
 * secpolcompile refuses `settypeid:U` for a type S when U holds abilities,
 * wider subranges or channel connects that S lacks, unless S has
 * `gain_priv:ABILITY` for each. Judged on the policy *after* the patch (the
 * patch may grant U or S abilities too), with the same rule as the lint pass
 * `report-settypeid-gains-abilities`, so the patched policy lints clean.
 * Adds the items with a comment naming why, and a `gain-priv` review item.
 */
import type { Policy } from '../policy/ast';
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { gainedAbilities } from '../policy/model/gained-abilities';
import { statementLines } from '../render/rule-text';
import type { PlannedChange, ReviewItem } from './patch';

/** Adds the needed `gain_priv:` items to the changes that grant `settypeid:U` (in place). */
export function addGainPriv(
  changes: PlannedChange[],
  policy: Policy | undefined,
  review: ReviewItem[],
): void {
  const settypeids = changes.flatMap((c) =>
    c.kind === 'ability'
      ? c.items.filter((i) => i.text.startsWith('settypeid:')).map((item) => ({ change: c, item }))
      : [],
  );
  if (settypeids.length === 0) return;
  // The policy after the patch: the planned statements parsed as one more file.
  const text = changes.map((c) => statementLines(c, { explain: false }).join('\n')).join('\n');
  const extra = parsePolicies([{ file: '<patch>', text }]).policy.files;
  const model = buildModel({ type: 'policy', files: [...(policy?.files ?? []), ...extra] });
  for (const { change, item } of settypeids) {
    const target = item.text.slice('settypeid:'.length);
    const source = model.grants.get(change.type);
    const gains = source
      ? gainedAbilities(source, model.grants.get(target)).map((g) => g.ability)
      : [];
    if (gains.length === 0) continue;
    const have = new Set(change.items.map((i) => i.text));
    for (const ability of gains) {
      const text = `gain_priv:${ability}`;
      if (have.has(text)) continue;
      change.items.push({
        text,
        evidence: item.evidence,
        processes: item.processes,
        notes: [
          `# gain_priv: ${target} holds ${ability} beyond what ${change.type} holds; secpolcompile refuses settypeid:${target} without it`,
        ],
        explain: [],
      });
    }
    review.push({
      code: 'gain-priv',
      message: `${change.type} gets settypeid:${target}, and ${target} holds abilities ${change.type} lacks (${gains.join(', ')}): gain_priv items added; check that the transition should gain them`,
      evidence: item.evidence,
    });
  }
}
