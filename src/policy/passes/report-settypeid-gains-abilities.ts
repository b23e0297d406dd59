/**
 * Lint pass `report-settypeid-gains-abilities` (error): what secpolcompile
 * rejects (reference §2.7): `settypeid:U` granted to S when U holds abilities
 * (or wider subranges, or channel connects) that S lacks, without a
 * `gain_priv:ABILITY` item for each. The message mirrors secpolcompile's:
 *
 *   type 'sshd_t' cannot be granted ability 'settypeid:ssh_privsep_t' as it
 *   would gain abilities: setuid: range, setgid: range
 * The rule itself is in `model/gained-abilities.ts`, the targets of a
 * subrange in `../risk.ts`, whose `riskOf` marks a suggested `settypeid:U`
 * that gains abilities as a medium risk (gain_priv or not). A whole
 * `settypeid` grant (no subrange, or via default_priv) names no target and
 * is not checked.
 */
import type { LintPass } from '../lint-types';
import { gainedAbilities } from '../model/gained-abilities';
import { settypeidTargets } from '../risk';

/** Reports settypeid targets that would gain abilities their source lacks. */
export const reportSettypeidGainsAbilities: LintPass = (_policy, model, session) => {
  for (const [source, g] of model.grants) {
    for (const grant of g.abilities.get('settypeid') ?? []) {
      for (const r of grant.ranges ?? []) {
        if (r.kind !== 'name') continue;
        for (const target of settypeidTargets(model, r.name, source)) {
          const gained = gainedAbilities(g, model.grants.get(target)).map((x) =>
            x.range ? `${x.ability}: range` : x.ability,
          );
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
