/**
 * Lint pass `report-derive-without-settypeid` (warning): `derive_type FROM
 * LABEL TO;` when FROM holds no `settypeid` that reaches TO. Switching to a
 * derived type (`secpol_transition_type`, or spawning with
 * `secpol_posix_spawnattr_settypeid`) needs the `settypeid` ability covering
 * the new type, else it fails with EPERM (reference §2.7, §9); real policies
 * grant `settypeid:X__run` next to `derive_type X run X__run`.
 *
 * A `settypeid` grant reaches TO when it has no subrange (this includes
 * `default_priv`), or a subrange naming TO, an attribute TO belongs to, a
 * declared named range, or a number (type ids are assigned by secpolcompile,
 * so a number may be TO's). A warning, not an error: the grant may be in a
 * policy file not given, and a type may be started with its derived type by
 * a process that holds `settypeid` itself. When FROM is an attribute, each of
 * its member types is checked.
 */
import type { LintPass } from '../lint-types';
import type { PolicyModel, Subrange } from '../model/types';
import { eachStatement, placeOf } from './walk';

/** Reports derived types their source type cannot switch to. */
export const reportDeriveWithoutSettypeid: LintPass = (policy, model, session) => {
  eachStatement(policy, (s, file) => {
    if (s.type !== 'derive-type') return;
    const from = s.from.value;
    const to = s.to.value;
    const sources = model.attributes.get(from)?.members ?? [from];
    const lacking = sources.filter((t) => !reaches(model, t, to));
    if (lacking.length === 0) return;
    const who = lacking.map((t) => `\`${t}\``).join(', ');
    session.report(
      'warning',
      'report-derive-without-settypeid',
      `derived type \`${to}\` (from \`${from}\`, label \`${s.label.value}\`) is not reached by a \`settypeid\` of ${who}: switching to it fails with EPERM (add \`settypeid:${to}\` to ${who}'s abilities)`,
      placeOf(s.to, s, file),
    );
  });
};

/** True when `type` holds a settypeid grant that may cover `target`. */
function reaches(model: PolicyModel, type: string, target: string): boolean {
  const grants = model.grants.get(type)?.abilities.get('settypeid') ?? [];
  return grants.some((g) => !g.ranges || g.ranges.some((r) => mayCover(model, r, target)));
}

function mayCover(model: PolicyModel, r: Subrange, target: string): boolean {
  if (r.kind === 'interval') return true;
  if (r.name === target || model.ranges.has(r.name)) return true;
  return model.attributes.get(r.name)?.members.includes(target) ?? false;
}
