/**
 * The attach-vs-link heuristic (docs/inference.md, "Links reported as
 * attaches"): a path failure the monitor worded "failed to attach" becomes a
 * link when the evidence says so, and the evidence is named for review.
 */
import type { InferResult } from '../infer/infer-requirements';
import type { PolicyModel } from '../policy/model/types';
import type { Group } from './group';

/** The weakest link evidence, worded once so the planner can recognise it. */
export const TYPE_LINK_ONLY = (type: string): string =>
  `${type} has only allow_link rules in the policy`;

/** The attach-vs-link heuristic (docs/inference.md, "Links reported as attaches"). */
export function decideLinkOrAttach(
  g: Group,
  inferred: InferResult,
  model: PolicyModel | undefined,
): void {
  const procs = [...g.processes].sort();
  const ln = procs.find((p) => p === 'ln' || p.endsWith('/ln'));
  const linker = procs.find((p) => inferred.requirements.linkers.has(p));
  const grants = model?.grants.get(g.type);
  // A process seen attaching channels is an attacher: the type's rules are weaker evidence than that.
  const attacher = procs.some((p) => inferred.requirements.attachers.has(p));
  const linkOnly =
    !attacher && grants !== undefined && grants.links.length > 0 && grants.attaches.length === 0;
  const because = ln
    ? `the process is ${ln}`
    : linker
      ? `${linker} created links in the same traces`
      : linkOnly
        ? `${g.type} has only allow_link rules in the policy`
        : undefined;
  if (because) {
    g.kind = 'link';
    g.linkBecause = because;
  }
}
