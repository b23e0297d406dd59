/**
 * Lint pass `report-range-overflow` (error): a subrange value above 2^64-1
 * (`setuid:0x10000000000000000`). Subrange values are 64-bit (the largest,
 * written `A-`, is 2^64-1: reference §2.4 and the named range file format,
 * §2.8), so a larger number cannot be compiled as written. Reported at the
 * number, once per number.
 */
import type { LintPass } from '../lint-types';
import type { NumberLiteral } from '../ast';
import { MAX_VALUE } from '../model/range-file';
import { eachAbilityGrant, placeOf } from './walk';

/** Reports subrange numbers that do not fit in 64 bits. */
export const reportRangeOverflow: LintPass = (policy, _model, session) => {
  eachAbilityGrant(policy, (item, s, file) => {
    for (const r of item.ranges ?? []) {
      if (r.type !== 'range-number') continue;
      const numbers: NumberLiteral[] = r.end ? [r.start, r.end] : [r.start];
      for (const n of numbers) {
        if (BigInt(n.value) <= MAX_VALUE) continue;
        session.report(
          'error',
          'report-range-overflow',
          `\`${n.text}\` in a subrange of \`${item.name.value}\` is above 2^64-1 (${MAX_VALUE}), the largest subrange value`,
          placeOf(n, s, file),
        );
      }
    }
  });
};
