/**
 * The one judgement of risky grants, over a node: lint reports it
 * (passes/report-risky-grant.ts) on the user's policy, and the planner
 * (src/plan/) attaches it to every item it suggests, so a grant lint would
 * warn about is never suggested without saying so. docs/lint.md lists the
 * classes and their severities, with the reasons.
 *
 * Every reason is built from the node's own validated words (ability names,
 * subranges, type names), never from trace text, so it is safe as a comment.
 */
import type { AbilityGrant, AbilityItem, PathSpec, RangeValue } from './ast';
import type { Origin, PolicyModel } from './model/types';
import { normaliseAbilityName } from '../qnx/abilities';
import { toSubrange } from './model/build-model';
import { gainedAbilities } from './model/gained-abilities';
import { AbilityIndex } from './model/ability-index';
import { allowPaths, pathSpec } from './nodes';
import { ruleText } from './grant-text';

/** How much a grant gives away beyond what a service usually needs. */
export type RiskSeverity = 'high' | 'medium' | 'low';

/** Severities, most severe first. */
export const RISK_SEVERITIES: readonly RiskSeverity[] = ['high', 'medium', 'low'];

/** The lint rule that reports a risk of this class on a policy. */
export type RiskRule = 'report-risky-grant' | 'report-settypeid-gains-abilities';

/** A risk: how severe, which rule judges it, and why (one line of validated words). */
export interface Risk {
  severity: RiskSeverity;
  rule: RiskRule;
  reason: string;
}

/** What `riskOf` judges: an ability item of a subject's block, or an attach/link path of a subject. */
export type RiskTarget =
  | { kind: 'ability'; subject: string; item: AbilityItem }
  | { kind: 'attach' | 'link'; subject: string; path: PathSpec };

/**
 * Context some judgements need: the policy model (with the item in it), for
 * what a `settypeid:U` transition gains. Without it, settypeid is not judged.
 */
export interface RiskContext {
  model?: PolicyModel;
}

const ID_ABILITIES = new Set(['setuid', 'setgid', 'spawn_setuid', 'spawn_setgid']);
/** An id range wider than this many ids is reported as wide. */
const WIDE = 65_536n;

const risky = (severity: RiskSeverity, reason: string): Risk => ({
  severity,
  rule: 'report-risky-grant',
  reason,
});

/**
 * Every risk of a target, in the order lint reports them (an id ability with
 * several subranges may have one per subrange). Empty for a harmless grant.
 */
export function risksOf(target: RiskTarget, ctx: RiskContext = {}): Risk[] {
  if (target.kind !== 'ability') return pathRisks(target);
  const item = target.item;
  if (item.type === 'ability-flag')
    return item.name === 'default_priv'
      ? [
          risky(
            'high',
            '`default_priv` grants every privileged ability root has; list the abilities the type needs instead',
          ),
        ]
      : [];
  if (item.type !== 'ability-grant' || item.negated) return [];
  const name = normaliseAbilityName(item.name.value);
  if (name === 'io')
    return [
      risky(
        'high',
        '`io` gives raw hardware I/O privilege (in/out instructions, interrupt masking); needed only by drivers',
      ),
    ];
  if (name === 'mem_phys')
    return item.ranges
      ? []
      : [
          risky(
            'high',
            "`mem_phys` without a subrange maps any physical memory, including the kernel's; give the device's address range",
          ),
        ];
  if (name === 'iofunc/read')
    return [
      risky(
        'medium',
        '`iofunc/read` reads files whatever their POSIX permissions; QNX advises fixing file permissions instead',
      ),
    ];
  if (name === 'channel_connect')
    return item.ranges
      ? []
      : [
          risky(
            'medium',
            '`channel_connect` without a subrange connects to the channels of every type; name the types',
          ),
        ];
  if (ID_ABILITIES.has(name)) return idRisks(name, item.ranges);
  if (name === 'settypeid' && ctx.model) return settypeidRisks(target.subject, item, ctx.model);
  return [];
}

/** The most severe risk of a target (the first reported among equals), or undefined. */
export function riskOf(target: RiskTarget, ctx: RiskContext = {}): Risk | undefined {
  let worst: Risk | undefined;
  for (const r of risksOf(target, ctx))
    if (!worst || RISK_SEVERITIES.indexOf(r.severity) < RISK_SEVERITIES.indexOf(worst.severity))
      worst = r;
  return worst;
}

function pathRisks(target: { kind: 'attach' | 'link'; subject: string; path: PathSpec }): Risk[] {
  if (target.kind !== 'attach' || target.path.path !== '/...') return [];
  return [
    risky(
      'high',
      `\`${ruleText(allowPaths('attach', target.subject, [pathSpec('/...')]))}\` lets the type attach anywhere in the path space, including over other servers' paths`,
    ),
  ];
}

/** setuid/setgid (and spawn_ variants): root (id 0) is high, a range wider than 65,536 ids low. */
function idRisks(name: string, ranges: RangeValue[] | undefined): Risk[] {
  if (!ranges)
    return [
      risky(
        'high',
        `\`${name}\` without a subrange allows switching to any id, including 0 (root)`,
      ),
    ];
  const out: Risk[] = [];
  for (const r of ranges.map(toSubrange)) {
    if (r.kind !== 'interval') continue;
    if (r.start === 0n) out.push(risky('high', `\`${name}:${r.text}\` includes id 0 (root)`));
    else if (r.end - r.start + 1n > WIDE)
      out.push(
        risky(
          'low',
          `\`${name}:${r.text}\` spans ${r.end - r.start + 1n} ids; list the ids the type needs`,
        ),
      );
  }
  return out;
}

/**
 * `settypeid:U` of S: medium when U holds abilities S lacks, whether or not
 * `gain_priv` permits them (the transition gains them either way; lint's
 * `report-settypeid-gains-abilities` reports, as an error, the gains no
 * `gain_priv` permits, which secpolcompile refuses). Same rule as that pass:
 * `gainedAbilities`.
 */
function settypeidRisks(subject: string, item: AbilityGrant, model: PolicyModel): Risk[] {
  const source = model.grants.get(subject);
  if (!source) return [];
  const out: Risk[] = [];
  for (const r of item.ranges ?? []) {
    if (r.type !== 'range-name') continue;
    for (const target of settypeidTargets(model, r.name.value, subject)) {
      const gained = gainedAbilities(
        { ...source, gainPriv: new AbilityIndex<Origin>() },
        model.grants.get(target),
      ).map((x) => (x.range ? `${x.ability}: range` : x.ability));
      if (gained.length > 0)
        out.push({
          severity: 'medium',
          rule: 'report-settypeid-gains-abilities',
          reason: `\`settypeid:${target}\` lets ${subject} gain abilities it lacks: ${gained.join(', ')}`,
        });
    }
  }
  return out;
}

/**
 * The types a `settypeid:NAME` subrange of `subject` lets it change to: the
 * members of attribute NAME, or type NAME; none for a declared named range
 * (its values are type ids, unknown before secpolcompile), never `subject` itself.
 */
export function settypeidTargets(model: PolicyModel, name: string, subject: string): string[] {
  if (model.ranges.has(name)) return [];
  return (model.attributes.get(name)?.members ?? [name]).filter((t) => t !== subject);
}
