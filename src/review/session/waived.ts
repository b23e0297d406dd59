/**
 * Groups a waiver file already covers: a review session does not ask about
 * them (the waiver decided). A group is waived when the waivers in force
 * cover every access its items would grant, judged by the one grant model
 * (src/review/waivers.ts `waiverFor`), never by a second matcher.
 */
import type { PolicyPatch } from '../../plan/patch';
import { waiverFor, type Waiver, type WaiverSet } from '../waivers';
import { itemAccesses, type ReviewGroup } from './groups';
import type { WaivedBy } from './session';

/** The session's `waived` predicate for the groups of `patch`: the first waiver that covers a group. */
export function waivedBy(
  set: WaiverSet,
  patch: PolicyPatch,
): (group: ReviewGroup) => WaivedBy | undefined {
  return (group) => {
    let first: Waiver | undefined;
    for (const ref of group.items) {
      const change = patch.changes[ref.change]!;
      const accesses = itemAccesses(change, change.items[ref.item]!.node);
      if (accesses.length === 0) return undefined;
      for (const access of accesses) {
        const w = waiverFor(set, access);
        if (!w) return undefined;
        first ??= w;
      }
    }
    return first && { file: first.file, line: first.line, reason: first.reason };
  };
}
