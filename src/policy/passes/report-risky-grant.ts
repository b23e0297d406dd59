/**
 * Lint pass `report-risky-grant` (warning): grants that give away much more
 * than a service usually needs, each with the reason in the message:
 * `io` (raw port I/O / interrupt-level privilege), `mem_phys` without a
 * subrange (all physical memory), `iofunc/read` (bypasses POSIX file
 * permissions; QNX says to review rather than grant, §3.3), `default_priv`
 * (everything root has), `/...` attach paths (the whole path space), and
 * setuid/setgid (and spawn_ variants) ranges that include uid/gid 0 or span
 * more than 65,536 ids.
 */
import type { LintPass } from '../lint-types';
import { normaliseAbilityName } from '../../qnx/abilities';
import { toSubrange } from '../model/build-model';
import { eachStatement, placeOf } from './walk';
import { allowPaths, pathSpec } from '../nodes';
import { ruleText } from '../grant-text';

const ID_ABILITIES = new Set(['setuid', 'setgid', 'spawn_setuid', 'spawn_setgid']);
const WIDE = 65_536n;

/** Reports grants whose scope is dangerous, saying why. */
export const reportRiskyGrant: LintPass = (policy, _model, session) => {
  const warn = (message: string, at: ReturnType<typeof placeOf>): void =>
    session.report('warning', 'report-risky-grant', message, at);
  eachStatement(policy, (s, file) => {
    if (s.type === 'allow-attach') {
      for (const p of s.paths) {
        if (p.path === '/...')
          warn(
            `\`${ruleText(allowPaths('attach', s.subject.value, [pathSpec('/...')]))}\` lets the type attach anywhere in the path space, including over other servers' paths`,
            placeOf(p, s, file),
          );
      }
      return;
    }
    if (s.type !== 'allow-ability') return;
    for (const item of s.items) {
      if (item.type === 'ability-flag' && item.name === 'default_priv') {
        warn(
          '`default_priv` grants every privileged ability root has; list the abilities the type needs instead',
          placeOf(item, s, file),
        );
      }
      if (item.type !== 'ability-grant' || item.negated) continue;
      const name = normaliseAbilityName(item.name.value);
      const at = placeOf(item, s, file);
      if (name === 'io')
        warn(
          '`io` gives raw hardware I/O privilege (in/out instructions, interrupt masking); needed only by drivers',
          at,
        );
      else if (name === 'mem_phys' && !item.ranges)
        warn(
          "`mem_phys` without a subrange maps any physical memory, including the kernel's; give the device's address range",
          at,
        );
      else if (name === 'iofunc/read')
        warn(
          '`iofunc/read` reads files whatever their POSIX permissions; QNX advises fixing file permissions instead',
          at,
        );
      else if (ID_ABILITIES.has(name)) {
        if (!item.ranges) {
          warn(`\`${name}\` without a subrange allows switching to any id, including 0 (root)`, at);
          continue;
        }
        for (const r of item.ranges.map(toSubrange)) {
          if (r.kind !== 'interval') continue;
          if (r.start === 0n) warn(`\`${name}:${r.text}\` includes id 0 (root)`, at);
          else if (r.end - r.start + 1n > WIDE)
            warn(
              `\`${name}:${r.text}\` spans ${r.end - r.start + 1n} ids; list the ids the type needs`,
              at,
            );
        }
      }
    }
  });
};
