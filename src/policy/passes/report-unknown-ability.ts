/**
 * Lint pass `report-unknown-ability`: an ability name the chosen QNX version
 * does not define. A static-looking name (no `/`, `.` or `-`) that is not in
 * the version's table is an error: secpolcompile cannot map it to an id (it
 * may be from another version: `qnet` is 7.x only, `dumper` 8.0 only). A
 * dynamic name is always valid; one neither declared with `ability NAME;` nor
 * in QNX's documented custom list is reported as info only.
 */
import type { LintPass } from '../lint-types';
import { QNX_VERSIONS, abilityInfo } from '../../qnx/abilities';
import { eachStatement, placeOf } from './walk';
import type { Name, Statement } from '../ast';

/** Reports ability names unknown to the `--qnx` version. */
export const reportUnknownAbility: LintPass = (policy, model, session) => {
  const check = (n: Name, s: Statement, file: string): void => {
    const info = abilityInfo(n.value, session.qnx);
    if (info?.kind === 'static') return;
    if (info?.kind === 'dynamic') {
      if (info.known || model.abilities.has(n.value)) return;
      session.report(
        'info',
        'report-unknown-ability',
        `custom ability \`${n.value}\` is not declared (\`ability ${n.value};\`) and is not one QNX documents`,
        placeOf(n, s, file),
      );
      return;
    }
    // Static-looking, but maybe a custom ability declared under a plain name.
    if (model.abilities.has(n.value)) return;
    const elsewhere = QNX_VERSIONS.filter((v) => abilityInfo(n.value, v)?.kind === 'static');
    const hint = elsewhere.length > 0 ? `; it exists in QNX ${elsewhere.join(', ')}` : '';
    session.report(
      'error',
      'report-unknown-ability',
      `unknown ability \`${n.value}\` for QNX ${session.qnx}${hint}`,
      placeOf(n, s, file),
    );
  };
  eachStatement(policy, (s, file) => {
    if (s.type !== 'allow-ability') return;
    for (const item of s.items) {
      if (item.type === 'ability-grant') check(item.name, s, file);
      else if (item.type === 'gain-priv') check(item.ability, s, file);
    }
  });
};
