/**
 * Lint pass `report-reversed-range` (error): a numeric subrange whose start
 * is above its end (`setuid:10-5`). A check is allowed when one subrange
 * covers it (reference §2.4), and a reversed range covers no value at all
 * (reference §9), so the grant looks like a limit but allows nothing: almost
 * surely a typo for `5-10`.
 */
import type { LintPass } from '../lint-types';
import { eachAbilityGrant, placeOf } from './walk';

/** Reports `A-B` subranges with A > B. */
export const reportReversedRange: LintPass = (policy, _model, session) => {
  eachAbilityGrant(policy, (item, s, file) => {
    for (const r of item.ranges ?? []) {
      if (r.type !== 'range-number' || !r.end) continue;
      if (BigInt(r.start.value) <= BigInt(r.end.value)) continue;
      session.report(
        'error',
        'report-reversed-range',
        `reversed range \`${r.start.text}-${r.end.text}\` of \`${item.name.value}\`: its start is above its end, so it covers nothing (write \`${r.end.text}-${r.start.text}\`)`,
        placeOf(r, s, file),
      );
    }
  });
};
