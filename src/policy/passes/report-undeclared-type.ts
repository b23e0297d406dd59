/**
 * Lint pass `report-undeclared-type` (warning): a type or attribute used in a
 * rule is declared nowhere in the files linted together. A warning, not an
 * error: real policies are split over files and snippets are linted alone.
 * Handles subjects, objects (`self` excluded), relabel types, derive and
 * spawn types, and type-valued subranges of settypeid / channel_connect.
 */
import type { LintPass } from '../lint-types';
import type { Name, Statement } from '../ast';
import { TYPE_ID_ABILITIES, normaliseAbilityName } from '../../qnx/abilities';
import { eachStatement, namePlace } from './walk';

/** Reports names used as types that no `type` or `attribute` statement declares. */
export const reportUndeclaredType: LintPass = (policy, model, session) => {
  const reported = new Set<string>();
  const check = (n: Name | undefined, s: Statement, file: string): void => {
    if (!n || n.value === 'self' || model.types.has(n.value) || model.attributes.has(n.value))
      return;
    // One report per name keeps a 10,000-line snippet readable; the first use is the one to fix.
    if (reported.has(n.value)) return;
    reported.add(n.value);
    session.report(
      'warning',
      'report-undeclared-type',
      `type \`${n.value}\` is not declared (add \`type ${n.value};\` unless another policy file declares it)`,
      namePlace(n, s, file),
    );
  };
  eachStatement(policy, (s, file) => {
    switch (s.type) {
      case 'allow-ability':
        for (const n of s.subjects.names) check(n, s, file);
        for (const item of s.items) {
          if (
            item.type !== 'ability-grant' ||
            !TYPE_ID_ABILITIES.has(normaliseAbilityName(item.name.value))
          )
            continue;
          for (const r of item.ranges ?? [])
            if (r.type === 'range-name' && !model.ranges.has(r.name.value)) check(r.name, s, file);
        }
        break;
      case 'allow-connect':
        for (const n of [...s.subjects.names, ...s.objects.names]) check(n, s, file);
        break;
      case 'allow-attach':
      case 'allow-link':
        check(s.subject, s, file);
        for (const p of s.paths) check(p.relabel, s, file);
        break;
      case 'derive-type':
        check(s.from, s, file);
        check(s.to, s, file);
        break;
      case 'default-spawn-type':
        check(s.from, s, file);
        check(s.to, s, file);
        break;
      default:
        break;
    }
  });
};
