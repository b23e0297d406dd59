/**
 * What changes for a policy's abilities between two QNX releases, from the
 * per-release ability tables (abilities.ts, reference §3.2) and the renames
 * the reference records, each with its confidence:
 *
 * - `renamed`, confidence `HDR`: the header says so (8.0 `sys/procmgr.h`
 *   gives HYP id 56 with the comment "renamed from QVM"); `migrate` rewrites
 *   the name.
 * - `renamed`, confidence `INF`: a likely equivalent we only infer; `migrate`
 *   never rewrites it, it is a review item naming the candidate.
 * - `removed`: the source release defines the ability, the target does not,
 *   and nothing replaces it.
 * - `loses-subranges`: both define it, but the target takes no subrange
 *   (8.0's `chroot:0` has no 7.x form; dropping the subrange would widen it).
 *
 * Names are compared by name, never by id (8.0 reuses ids 26 and 28).
 */
import { abilityInfo, staticAbilities, type QnxVersion } from './abilities';

/** How sure the reference is of a fact: a header or doc says it, or it is inferred. */
export type Confidence = 'HDR' | 'INF';

/** One way a static ability of the source release fails to carry over to the target. */
export type AbilityChange =
  | { kind: 'renamed'; name: string; to: string; confidence: Confidence; reason: string }
  | { kind: 'removed'; name: string }
  | { kind: 'loses-subranges'; name: string };

/** A rename between releases: `older` (7.x spelling) and `newer` (8.0 spelling). */
interface Rename {
  older: string;
  newer: string;
  confidence: Confidence;
  reason: string;
}

/**
 * Renames between 7.x and 8.0, both directions. INTERRUPTEVENT is [INF]: the
 * 8.0 header makes it an alias of INTERRUPT's id 29, but in 7.x the two were
 * separate abilities, so `interrupt` grants more than `interruptevent` did.
 */
const RENAMES: readonly Rename[] = [
  {
    older: 'qvm',
    newer: 'hyp',
    confidence: 'HDR',
    reason: 'QNX 8.0 sys/procmgr.h: HYP (id 56) is "renamed from QVM"',
  },
  {
    older: 'interruptevent',
    newer: 'interrupt',
    confidence: 'INF',
    reason:
      'QNX 8.0 sys/procmgr.h makes INTERRUPTEVENT an alias of INTERRUPT (id 29); in 7.x they were two abilities, so `interrupt` also allows attaching interrupt handlers',
  },
];

function isStatic(name: string, version: QnxVersion): boolean {
  return abilityInfo(name, version)?.kind === 'static';
}

/** The rename that carries `name` from release `from` to `to`, if the reference records one. */
function renameOf(name: string, from: QnxVersion, to: QnxVersion): Rename | undefined {
  const forward = from !== '8.0' && to === '8.0';
  const backward = from === '8.0' && to !== '8.0';
  return RENAMES.find(
    (r) =>
      (forward && r.older === name) || (backward && r.newer === name && r.confidence === 'HDR'),
  );
}

/**
 * The changes a policy written for `from` needs to be read by `to`'s
 * secpolcompile, in the source table's id order (empty when the tables agree,
 * as 7.0 and 7.1 do).
 */
export function abilityChanges(from: QnxVersion, to: QnxVersion): AbilityChange[] {
  const out: AbilityChange[] = [];
  for (const a of staticAbilities(from)) {
    const there = abilityInfo(a.name, to);
    if (there?.kind === 'static') {
      if (a.ranged && !there.ranged) out.push({ kind: 'loses-subranges', name: a.name });
      continue;
    }
    const r = renameOf(a.name, from, to);
    const target = r && (from === '8.0' ? r.older : r.newer);
    if (r && target && isStatic(target, to))
      out.push({
        kind: 'renamed',
        name: a.name,
        to: target,
        confidence: r.confidence,
        reason: r.reason,
      });
    else out.push({ kind: 'removed', name: a.name });
  }
  return out;
}
