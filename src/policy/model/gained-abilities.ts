/**
 * What a type would gain by changing to another type (reference §2.7):
 * secpolcompile refuses `settypeid:U` for a type S when U holds abilities,
 * wider subranges or channel connects that S lacks, unless S has
 * `gain_priv:ABILITY` for each. One rule, used by the lint pass
 * `report-settypeid-gains-abilities` and by the planner (which adds the
 * `gain_priv:` items), so a patched policy lints clean.
 *
 * Domains are compared as a union (an ability held in either domain counts):
 * the reference does not say whether secpolcompile compares them apart [INF].
 */
import type { AbilityGrantInfo, TypeGrants } from './types';
import { mergeIntervals } from '../grants';

/** One ability `target` holds beyond `source`: wholly missing, or only a narrower range held. */
export interface GainedAbility {
  ability: string;
  /** True when `source` holds the ability but not the whole of `target`'s subranges. */
  range: boolean;
}

/** The abilities `target` holds beyond `source`, minus those `source` may gain; sorted by name. */
export function gainedAbilities(
  source: TypeGrants,
  target: TypeGrants | undefined,
): GainedAbility[] {
  if (!target) return [];
  const out: GainedAbility[] = [];
  for (const [ability, grants] of target.abilities) {
    if (source.gainPriv.has(ability)) continue;
    const mine = source.abilities.get(ability) ?? [];
    if (mine.length === 0) out.push({ ability, range: false });
    else if (!grants.every((x) => coveredBy(x, mine))) out.push({ ability, range: true });
  }
  const connects =
    !source.gainPriv.has('channel_connect') &&
    !out.some((g) => g.ability === 'channel_connect') &&
    !source.connects.has('*');
  if (connects && [...target.connects.keys()].some((object) => !source.connects.has(object)))
    out.push({ ability: 'channel_connect', range: false });
  return out.sort((a, b) => (a.ability < b.ability ? -1 : a.ability > b.ability ? 1 : 0));
}

/**
 * True when every subrange of `x` lies inside one subrange of `mine`'s, merged as
 * secpolcompile merges them (touching or overlapping subranges join; names by name).
 */
function coveredBy(x: AbilityGrantInfo, mine: readonly AbilityGrantInfo[]): boolean {
  if (mine.some((m) => !m.ranges)) return true;
  if (!x.ranges) return false;
  const subs = mine.flatMap((m) => m.ranges!);
  const merged = mergeIntervals(
    subs.flatMap((s): Array<[bigint, bigint]> => (s.kind === 'interval' ? [[s.start, s.end]] : [])),
  );
  return x.ranges.every((r) =>
    r.kind === 'interval'
      ? merged.some(([s, e]) => s <= r.start && r.end <= e)
      : subs.some((s) => s.kind === 'name' && s.name === r.name),
  );
}
