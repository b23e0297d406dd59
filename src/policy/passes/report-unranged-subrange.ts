/**
 * Lint pass `report-unranged-subrange` (error): a subrange on a static
 * ability that takes none in the `--qnx` version (`pathspace:5`,
 * `public_channel:1`). The ability tables (reference §3.2, `sys/procmgr.h`)
 * mark which abilities accept subranges; on the others a subrange means
 * nothing, and writing one says the author expected a limit that QNX will not
 * apply. Dynamic abilities may take subranges (secpolmonitor `-S`) and
 * unknown names are report-unknown-ability's job: neither is reported here.
 */
import type { LintPass } from '../lint-types';
import { QNX_VERSIONS, abilityInfo } from '../../qnx/abilities';
import { eachAbilityGrant, placeOf } from './walk';

/** Reports subranges written on abilities that take none. */
export const reportUnrangedSubrange: LintPass = (policy, _model, session) => {
  eachAbilityGrant(policy, (item, s, file) => {
    const ranges = item.ranges;
    if (!ranges || ranges.length === 0) return;
    const info = abilityInfo(item.name.value, session.qnx);
    if (info?.kind !== 'static' || info.ranged) return;
    const first = ranges[0].position;
    const last = ranges[ranges.length - 1].position;
    // Underline the whole subrange list: that is what has to go.
    const at =
      first && last
        ? placeOf({ position: { file: first.file, start: first.start, end: last.end } }, s, file)
        : placeOf(item, s, file);
    const elsewhere = QNX_VERSIONS.filter((v) => {
      const other = abilityInfo(info.name, v);
      return other?.kind === 'static' && other.ranged;
    });
    const hint = elsewhere.length > 0 ? ` (it does in QNX ${elsewhere.join(', ')})` : '';
    session.report(
      'error',
      'report-unranged-subrange',
      `\`${info.name}\` takes no subrange in QNX ${session.qnx}${hint}: grant \`${info.name}\` without \`:…\`, or not at all`,
      at,
    );
  });
};
