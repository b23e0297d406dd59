/**
 * The ordered registry of lint passes (docs/lint.md). Order only decides
 * which finding is reported first at the same place; passes are independent.
 */
import type { LintPass } from '../lint-types';
import { reportUndeclaredType } from './report-undeclared-type';
import { reportDuplicateRule } from './report-duplicate-rule';
import { reportUndeclaredRange } from './report-undeclared-range';
import { reportUnknownAbility } from './report-unknown-ability';
import { reportVaddrSubrange } from './report-vaddr-subrange';
import { reportUnrangedSubrange } from './report-unranged-subrange';
import { reportReversedRange } from './report-reversed-range';
import { reportRangeOverflow } from './report-range-overflow';
import { reportDeriveWithoutSettypeid } from './report-derive-without-settypeid';
import { reportSettypeidGainsAbilities } from './report-settypeid-gains-abilities';
import { reportRiskyGrant } from './report-risky-grant';

/** Every pass, in the order they run. */
export const LINT_PASSES: readonly LintPass[] = [
  reportUndeclaredType,
  reportDuplicateRule,
  reportUndeclaredRange,
  reportUnknownAbility,
  reportVaddrSubrange,
  reportUnrangedSubrange,
  reportReversedRange,
  reportRangeOverflow,
  reportDeriveWithoutSettypeid,
  reportSettypeidGainsAbilities,
  reportRiskyGrant,
];
