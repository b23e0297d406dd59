/**
 * `inferRequirements`: trace events → access requirements (reference §1.5).
 *
 * Mapping, per event:
 * - `ability NAME` → an `ability` requirement in the tested domain; a value or
 *   range becomes a subrange, except for address-valued abilities (whole);
 * - `CHANNEL_CONNECT(N) (U)` → `connect` to U; `SETTYPEID(N) (U)` → `settypeid` U;
 * - attach / link events → `attach` / `link` of the path; a failure whose
 *   reason is not "no rule" is marked unfixable (reported for review);
 * - events of the unnamed type `-` → no rule (a type id without a name cannot
 *   be granted anything); counted per process for review;
 * - unknown events are counted (the trace stage reports them).
 * Successes and failures are both recorded (generate needs the first, the
 * wrong-type hint both). Does not look at policies. The per-event work is
 * in requirement-accumulator.ts (the streaming form).
 */
import type { TraceEvent } from '../trace/event';
import { addRequirement, emptyRequirementSet, mergeEvidence } from './requirement';
import type { InferOptions, InferResult } from './infer-result';
import { RequirementAccumulator } from './requirement-accumulator';
import { byPlace } from '../diagnostics/first-by-place';
import { appendAll } from '../arrays';

export type { InferOptions, InferResult, UntypedProcesses } from './infer-result';

/** An empty inference result (the identity of `mergeInferResults`). */
export function emptyInferResult(): InferResult {
  return {
    requirements: emptyRequirementSet(),
    untyped: new Map(),
    refused: [],
    refusedCount: 0,
    unknownCount: 0,
  };
}

/** Turns events into merged requirements with their evidence. */
export function inferRequirements(
  events: Iterable<TraceEvent>,
  options: InferOptions = {},
): InferResult {
  const accumulator = new RequirementAccumulator(options);
  for (const e of events) accumulator.add(e);
  return accumulator.result();
}

/** Merges inference results (per shard, per machine); associative and commutative up to diagnostic order. */
export function mergeInferResults(...results: InferResult[]): InferResult {
  const out = emptyInferResult();
  for (const r of results) {
    for (const req of r.requirements.byKey.values()) addRequirement(out.requirements, req);
    for (const p of r.requirements.linkers) out.requirements.linkers.add(p);
    for (const p of r.requirements.attachers) out.requirements.attachers.add(p);
    for (const [p, ev] of r.untyped) {
      const prev = out.untyped.get(p);
      out.untyped.set(p, prev ? mergeEvidence(prev, ev) : ev);
    }
    appendAll(out.refused, r.refused);
    out.refusedCount += r.refusedCount;
    out.unknownCount += r.unknownCount;
  }
  out.refused.sort(byPlace);
  return out;
}
