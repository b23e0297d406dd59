/**
 * Lint pass `report-vaddr-subrange` (warning): a subrange on an ability whose
 * values are virtual addresses (map_fixed, prot_exec, mem_lock,
 * prot_write_and_exec). Addresses change with every boot (ASLR), so a range
 * learned from one trace will not match the next run; grant the ability
 * without a subrange or not at all.
 */
import type { LintPass } from '../lint-types';
import { VADDR_ABILITIES, normaliseAbilityName } from '../../qnx/abilities';
import { eachAbilityGrant, placeOf } from './walk';

/** Reports subranges on virtual-address abilities. */
export const reportVaddrSubrange: LintPass = (policy, _model, session) => {
  eachAbilityGrant(policy, (item, s, file) => {
    const name = normaliseAbilityName(item.name.value);
    if (item.negated || !item.ranges || !VADDR_ABILITIES.has(name)) return;
    session.report(
      'warning',
      'report-vaddr-subrange',
      `subrange on \`${name}\`: its values are virtual addresses that change with every boot, so the range will not match the next run`,
      placeOf(item, s, file),
    );
  });
};
