/**
 * The attach-vs-link heuristic (docs/inference.md, "Links reported as
 * attaches"): a path failure the monitor worded "failed to attach" becomes a
 * link when the evidence says so, and the evidence is named for review.
 *
 * The weakest evidence, "the type has only allow_link rules", is judged on
 * the policy as the patch leaves it: when the same patch adds an
 * `allow_attach` for the type, the type no longer has only link rules, and a
 * second run over the patched policy must decide the same (fixpoint).
 */
import type { InferResult } from '../infer/infer-requirements';
import type { PolicyModel } from '../policy/model/types';
import { findCoverage } from './coverage';
import { asRequirement, processesOf, type Group } from './group';

/** The weakest link evidence, worded once so the planner can recognise it. */
export const TYPE_LINK_ONLY = (type: string): string =>
  `${type} has only allow_link rules in the policy`;

/** Path groups the heuristic judges: failures the monitor worded as attaches. */
function judged(g: Group): boolean {
  return g.kind === 'attach' && g.wordedAttach === true && g.evidence.failures > 0;
}

/** The strong evidence for a link: the process is `ln`, or it created links in the traces. */
function strongLinkEvidence(g: Group, inferred: InferResult): string | undefined {
  const procs = [...processesOf(g)].sort();
  const ln = procs.find((p) => p === 'ln' || p.endsWith('/ln'));
  if (ln) return `the process is ${ln}`;
  const linker = procs.find((p) => inferred.requirements.linkers.has(p));
  return linker ? `${linker} created links in the same traces` : undefined;
}

/** A process seen attaching channels is an attacher: the type's rules are weaker evidence than that. */
function hasAttacher(g: Group, inferred: InferResult): boolean {
  return [...processesOf(g)].some((p) => inferred.requirements.attachers.has(p));
}

/**
 * Types that this patch gives an `allow_attach` whatever the weak evidence
 * says: an attach group that strong evidence does not turn into a link, that
 * an attacher made or that is not judged at all, and that the policy does not
 * cover already.
 */
export function typesGainingAttach(
  groups: readonly Group[],
  inferred: InferResult,
  model: PolicyModel | undefined,
): Set<string> {
  const out = new Set<string>();
  for (const g of groups) {
    if (g.kind !== 'attach' || g.unfixable !== undefined) continue;
    if (judged(g) && (strongLinkEvidence(g, inferred) || !hasAttacher(g, inferred))) continue;
    if (model && !g.originalTypes && findCoverage(model, asRequirement(g))) continue;
    out.add(g.type);
  }
  return out;
}

/** Decides one group (docs/inference.md, "Links reported as attaches"); `gainingAttach` from typesGainingAttach. */
export function decideLinkOrAttach(
  g: Group,
  inferred: InferResult,
  model: PolicyModel | undefined,
  gainingAttach: ReadonlySet<string>,
): void {
  if (!judged(g)) return;
  const grants = model?.grants.get(g.type);
  const linkOnly =
    !hasAttacher(g, inferred) &&
    !gainingAttach.has(g.type) &&
    grants !== undefined &&
    grants.links.length > 0 &&
    grants.attaches.length === 0;
  const because =
    strongLinkEvidence(g, inferred) ?? (linkOnly ? TYPE_LINK_ONLY(g.type) : undefined);
  if (because) {
    g.kind = 'link';
    g.linkBecause = because;
  }
}
