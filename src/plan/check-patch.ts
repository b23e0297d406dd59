/**
 * Checks a patch against the traces it came from, with the evaluator: which
 * denied events the patched policy still denies although nothing reported
 * them for review. Used by the property tests (sufficiency) and usable by
 * callers that want to verify a patch before applying it.
 *
 * An event counts as reported when a review item names its type and path
 * (`unfixable-path`, `attach-vs-link`) or its type and ability (`negated`), when its type is the unnamed `-`
 * (`untyped-process`), or when a failure worded "attach" was read as a link
 * (then it is checked as the link the patch grants, or the policy already did).
 */
import { evaluate } from '../policy/evaluate';
import type { PolicyModel } from '../policy/model/types';
import type { TraceEvent } from '../trace/event';
import { validateEvent } from '../infer/validate-event';
import type { PolicyPatch } from './patch';
import { normaliseAbilityName } from '../qnx/abilities';

/** Denied events the patched policy (`after`) still denies and that no review item covers. */
export function stillDenied(
  after: PolicyModel,
  events: Iterable<TraceEvent>,
  patch: PolicyPatch,
): TraceEvent[] {
  const asLink = new Set([
    ...patch.changes
      .filter((c) => c.kind === 'link')
      .flatMap((c) =>
        c.items.flatMap((i) =>
          i.node.type === 'path-spec' &&
          i.provenance.notes.some((n) => n.kind === 'link-from-attach')
            ? [`${c.type}\0${i.node.path}`]
            : [],
        ),
      ),
    ...patch.alreadyAllowed.filter((a) => a.kind === 'link').map((a) => `${a.type}\0${a.object}`),
  ]);
  const reviewed = new Set(
    patch.review
      .filter((r) => r.type !== undefined && r.object !== undefined)
      .map((r) => `${r.type}\0${r.object}`),
  );
  const negated = new Set(
    patch.review.filter((r) => r.code === 'negated').map((r) => `${r.type}\0${r.object}`),
  );
  const out: TraceEvent[] = [];
  for (const e of events) {
    if (e.kind === 'unknown' || e.severity !== 'error' || e.securityType === '-') continue;
    // Refused records are reported as warnings and learn nothing.
    if (validateEvent(e)) continue;
    if (e.kind !== 'ability' && reviewed.has(`${e.securityType}\0${e.path}`)) continue;
    const checked: TraceEvent =
      e.kind === 'attach' && asLink.has(`${e.securityType}\0${e.path}`)
        ? { ...e, kind: 'link' }
        : e;
    const v = evaluate(after, checked);
    if (v.allowed) continue;
    // Denied by a negation the patch reported (`negated`, for this type and ability).
    const key = e.kind === 'ability' ? normaliseAbilityName(e.ability.policyName) : '';
    if (v.reason === 'negated' && negated.has(`${e.securityType}\0${key}`)) continue;
    out.push(e);
  }
  return out;
}
