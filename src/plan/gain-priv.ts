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
import type { AbilityGrantInfo, TypeGrants } from '../policy/model/types';
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
    const gains = source ? gained(source, model.grants.get(target)) : [];
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

/** Abilities (names) `target` holds beyond `source`, minus those `source` may gain already. */
function gained(source: TypeGrants, target: TypeGrants | undefined): string[] {
  if (!target) return [];
  const out = new Set<string>();
  for (const [ability, grants] of target.abilities) {
    if (source.gainPriv.has(ability)) continue;
    const mine = source.abilities.get(ability) ?? [];
    if (mine.length === 0 || !grants.every((x) => coveredBy(x, mine))) out.add(ability);
  }
  if (
    !source.gainPriv.has('channel_connect') &&
    !out.has('channel_connect') &&
    !source.connects.has('*')
  ) {
    for (const object of target.connects.keys()) {
      if (!source.connects.has(object)) {
        out.add('channel_connect');
        break;
      }
    }
  }
  return [...out].sort();
}

function coveredBy(x: AbilityGrantInfo, mine: AbilityGrantInfo[]): boolean {
  if (mine.some((m) => !m.ranges)) return true;
  if (!x.ranges) return false;
  return x.ranges.every((r) =>
    mine.some((m) =>
      m.ranges!.some((s) =>
        r.kind === 'interval'
          ? s.kind === 'interval' && s.start <= r.start && r.end <= s.end
          : s.kind === 'name' && s.name === r.name,
      ),
    ),
  );
}
