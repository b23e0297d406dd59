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

/** The stated widenings, indexed: attribute memberships and globs by their types. */
interface Stated {
  /** `ATTRIBUTE\0TYPE` for each type of an attribute proposal. */
  memberships: Set<string>;
  /** `attach|link\0TYPE` → the glob proposals of that kind about the type. */
  globs: Map<string, Proposal[]>;
}

function stated(proposals: readonly Proposal[]): Stated {
  const out: Stated = { memberships: new Set(), globs: new Map() };
  for (const p of proposals) {
    if (p.attribute !== undefined)
      for (const t of p.types) out.memberships.add(`${p.attribute}\0${t}`);
    if (p.glob === undefined) continue;
    for (const t of p.types) {
      const key = `${p.glob.kind}\0${t}`;
      const list = out.globs.get(key);
      if (list) list.push(p);
      else out.globs.set(key, [p]);
    }
  }
  return out;
}

/** True when a stated widening accounts for the difference. */
function explained(e: DiffEntry, s: Stated): boolean {
  if (e.kind === 'attribute')
    return e.change === 'added' && s.memberships.has(`${e.object}\0${e.type}`);
  if (e.kind !== 'attach' && e.kind !== 'link') return false;
  const globs = s.globs.get(`${e.kind}\0${e.type}`) ?? [];
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
  const s = stated(proposals);
  return { entries, unexplained: entries.filter((e) => !explained(e, s)) };
}
