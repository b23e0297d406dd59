/**
 * Lint pass `report-settypeid-gains-abilities` (error): what secpolcompile
 * rejects (reference §2.7): `settypeid:U` granted to S when U holds abilities
 * (or wider subranges, or channel connects) that S lacks, without a
 * `gain_priv:ABILITY` item for each. The message mirrors secpolcompile's:
 *
 *   type 'sshd_t' cannot be granted ability 'settypeid:ssh_privsep_t' as it
 *   would gain abilities: setuid: range, setgid: range
 *
 * Domains are compared as a union (an ability held in either domain counts):
 * the reference does not say whether secpolcompile compares them apart [INF].
 * A whole `settypeid` grant (no subrange, or via default_priv) names no target
 * and is not checked.
 */
import type { LintPass } from '../lint';
import type { AbilityGrantInfo, TypeGrants } from '../model/types';

/** Reports settypeid targets that would gain abilities their source lacks. */
export const reportSettypeidGainsAbilities: LintPass = (_policy, model, session) => {
  for (const [source, g] of model.grants) {
    for (const grant of g.abilities.get('settypeid') ?? []) {
      for (const r of grant.ranges ?? []) {
        if (r.kind !== 'name' || model.ranges.has(r.name)) continue;
        for (const target of model.attributes.get(r.name)?.members ?? [r.name]) {
          if (target === source) continue;
          const gained = gainedAbilities(g, model.grants.get(target));
          if (gained.length === 0) continue;
          session.report(
            'error',
            'report-settypeid-gains-abilities',
            `type '${source}' cannot be granted ability 'settypeid:${target}' as it would gain abilities: ${gained.join(', ')} (grant the same abilities to ${source}, or add gain_priv:ABILITY for each)`,
            grant.origin,
          );
        }
      }
    }
  }
};

/** `ability` or `ability: range` for each ability `target` has beyond `source` (minus gain_priv). */
function gainedAbilities(source: TypeGrants, target: TypeGrants | undefined): string[] {
  if (!target) return [];
  const out: string[] = [];
  for (const [ability, grants] of target.abilities) {
    if (source.gainPriv.has(ability)) continue;
    const mine = source.abilities.get(ability) ?? [];
    if (mine.length === 0) out.push(ability);
    else if (!grants.every((x) => coveredBy(x, mine))) out.push(`${ability}: range`);
  }
  if (
    !source.gainPriv.has('channel_connect') &&
    !out.some((s) => s.startsWith('channel_connect'))
  ) {
    const anyConnect = source.connects.has('*');
    for (const object of target.connects.keys()) {
      if (!anyConnect && !source.connects.has(object)) {
        out.push('channel_connect');
        break;
      }
    }
  }
  return out.sort();
}

/** True when every subrange of `x` lies inside one subrange of some grant in `mine`. */
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
