/**
 * The proof of a tidy refactor: the semantic diff (policy-diff.ts, over the
 * one grant model) of the policy before and after, each difference matched
 * against what the proposals said they widen. A difference no proposal
 * states is `unexplained`: the refactor changed what the policy grants and
 * must not be applied. With no widening proposal, any difference is one.
 *
 * A stated widening explains: for an `attribute` proposal, the membership of
 * its types in the new attribute; for a `glob` proposal, the glob added to
 * its type's attach (or link) rules and the paths it replaced, removed (each
 * still allowed, through the glob). Pure.
 */
import type { PolicyModel } from '../policy/model/types';
import { matchPath } from '../policy/path-match';
import { diffPolicies, type DiffEntry } from './policy-diff';
import type { Proposal } from './tidy';

/** The proof: every difference, and those no proposal states. */
export interface TidyProof {
  entries: DiffEntry[];
  unexplained: DiffEntry[];
}

/** True when a stated widening accounts for the difference. */
function explained(e: DiffEntry, proposals: readonly Proposal[]): boolean {
  if (e.kind === 'attribute')
    return (
      e.change === 'added' &&
      proposals.some((p) => p.attribute === e.object && p.types.includes(e.type))
    );
  if (e.kind !== 'attach' && e.kind !== 'link') return false;
  const globs = proposals.filter(
    (p) => p.glob?.kind === e.kind && p.types.includes(e.type) && p.glob !== undefined,
  );
  const path = (text: string | undefined): string | undefined => text?.split(' ')[2];
  const oldPath = path(e.old);
  const newPath = path(e.new);
  return globs.some((p) => {
    const g = p.glob!.path;
    if (e.change === 'added') return newPath === g;
    if (e.change === 'removed')
      return oldPath !== undefined && p.glob!.replaces.includes(oldPath) && matchPath(g, oldPath);
    // A pair the diff matched: one replaced path → the glob.
    return newPath === g && oldPath !== undefined && p.glob!.replaces.includes(oldPath);
  });
}

/** Proves `after` grants what `before` did, except the widenings the proposals state. */
export function proveTidy(
  before: PolicyModel,
  after: PolicyModel,
  proposals: readonly Proposal[],
): TidyProof {
  const { entries } = diffPolicies(before, after);
  return { entries, unexplained: entries.filter((e) => !explained(e, proposals)) };
}
