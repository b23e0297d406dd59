/**
 * Lint pass `report-undeclared-range` (warning): a name used as a subrange of
 * a numeric ability (`mem_phys: gpu_mem`) with no `range gpu_mem;`
 * declaration. Named ranges must be declared in the policy and given values
 * in a named range file (reference §2.8). A warning, like undeclared types,
 * because a split policy may declare it in another file. Type-valued
 * subranges (settypeid, channel_connect) are report-undeclared-type's job.
 */
import type { LintPass } from '../lint-types';
import { TYPE_ID_ABILITIES, normaliseAbilityName } from '../../qnx/abilities';
import { eachAbilityGrant, placeOf } from './walk';

/** Reports named subranges that no `range` statement declares. */
export const reportUndeclaredRange: LintPass = (policy, model, session) => {
  eachAbilityGrant(policy, (item, s, file) => {
    if (TYPE_ID_ABILITIES.has(normaliseAbilityName(item.name.value))) return;
    for (const r of item.ranges ?? []) {
      if (r.type !== 'range-name' || model.ranges.has(r.name.value)) continue;
      session.report(
        'warning',
        'report-undeclared-range',
        `named range \`${r.name.value}\` is not declared (add \`range ${r.name.value};\` and give its values in a range file)`,
        placeOf(r.name, s, file),
      );
    }
  });
};
