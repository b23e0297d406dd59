/**
 * Lint pass `report-risky-grant` (warning): grants that give away much more
 * than a service usually needs, each with the reason in the message. The
 * judgement is `risksOf` (../risk.ts), the same the planner attaches to every
 * suggested item: `io`, `mem_phys` without a subrange, `iofunc/read`,
 * `default_priv`, `channel_connect` without a subrange, `/...` attach paths,
 * and setuid/setgid (and spawn_ variants) ranges that include uid/gid 0 or
 * span more than 65,536 ids. The severity of the risk is not the lint
 * severity: every finding of this pass is a warning.
 */
import type { LintPass } from '../lint-types';
import { eachStatement, placeOf } from './walk';
import { risksOf } from '../risk';

/** Reports grants whose scope is dangerous, saying why. */
export const reportRiskyGrant: LintPass = (policy, _model, session) => {
  const warn = (message: string, at: ReturnType<typeof placeOf>): void =>
    session.report('warning', 'report-risky-grant', message, at);
  eachStatement(policy, (s, file) => {
    if (s.type === 'allow-attach') {
      for (const path of s.paths)
        for (const r of risksOf({ kind: 'attach', subject: s.subject.value, path }))
          warn(r.reason, placeOf(path, s, file));
      return;
    }
    if (s.type !== 'allow-ability') return;
    // Without a model no settypeid is judged, so no ability risk depends on the subject.
    const subject = s.subjects.names[0]?.value ?? '';
    for (const item of s.items)
      for (const r of risksOf({ kind: 'ability', subject, item }))
        warn(r.reason, placeOf(item, s, file));
  });
};
