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
import {
  addRequirements,
  emptyRequirementSet,
  mergeEvidence,
  moveRequirements,
  type RequirementSet,
} from './requirement';
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
  return mergeInto(emptyInferResult(), results, addRequirements);
}

/**
 * `mergeInferResults` of results not used again (shards'), into the first: the others' atoms are
 * merged into it and let go one by one (moveRequirements), so the requirements are held twice at
 * most (each shard's) at a two-thread merge, not three times (each shard's and the merged set).
 */
export function mergeOwnedInferResults(results: InferResult[]): InferResult {
  const [first, ...rest] = results;
  return first === undefined ? emptyInferResult() : mergeInto(first, rest, moveRequirements);
}

/** `results` merged into `out`, their requirements by `requirements` (copied or moved). */
function mergeInto(
  out: InferResult,
  results: InferResult[],
  requirements: (into: RequirementSet, from: RequirementSet) => void,
): InferResult {
  for (const r of results) {
    requirements(out.requirements, r.requirements);
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
