/**
 * `check` judging a review tally in the order its lines are printed: the
 * failing atoms ordered by their first failure place (failure-order.ts),
 * each judged once and handed on as it is judged, with the waiver that
 * covers it. The text of `check` writes each uncovered line as it comes and
 * holds no list of failures; `checkSummaryResult` (JSON, library callers)
 * collects the same stream into a `CheckResult`.
 */
import {
  CheckCounts,
  collectedResult,
  decide,
  FailureLists,
  failureOf,
  judgedAs,
  type CheckInput,
  type CheckResult,
  type CheckVerdict,
  type JudgedFailure,
} from './check-result';
import { failurePlaceOrder } from './failure-order';
import { coveredAsLink } from './trace-review';
import type { PolicyModel } from '../policy/model/types';
import { evaluate } from '../policy/evaluate';
import { firstFailurePlace, linkingProcesses, type ReviewSummary } from '../infer/review-tally';

/**
 * Each failure of the tally that the policy does not allow, judged and
 * yielded in place order (the order of `checkResult`'s lists), waived or
 * not; returns the gate's verdict once the last is judged. Lazy: nothing is
 * read before the first `next`, and each failure is judged in its turn.
 * The summary is read, not changed.
 */
export function* checkStream(
  model: PolicyModel,
  summary: ReviewSummary,
  input: CheckInput,
): Generator<JudgedFailure, CheckVerdict, undefined> {
  const atoms = summary.atoms;
  const linking = linkingProcesses(atoms);
  const waivers = input.waivers?.set;
  const counts = new CheckCounts();
  for (const i of failurePlaceOrder(atoms)) {
    // The atom judged as judgeAtom does, without its group: the gate reads its event, verdict,
    // object, count and first failure place only (the grants used are harden's concern).
    const a = atoms.at(i)!;
    const event = a.event;
    const verdict = evaluate(model, event);
    if (verdict.allowed || coveredAsLink({ event, verdict }, linking)) continue;
    const failure = failureOf(event, a.object, a.failures, firstFailurePlace(a), verdict);
    const judged = judgedAs(failure, event, waivers);
    counts.add(judged);
    yield judged;
  }
  return decide(counts, summary, input);
}

/**
 * `checkResult` of the review tally judged against `model`, equal to
 * `checkResult(judgeSummary(model, summary), input)` at a fraction of the
 * memory: `checkStream` collected, only atoms with failures judged and only
 * the failures the policy does not allow kept.
 */
export function checkSummaryResult(
  model: PolicyModel,
  summary: ReviewSummary,
  input: CheckInput,
): CheckResult {
  const lists = new FailureLists();
  const stream = checkStream(model, summary, input);
  let next = stream.next();
  for (; !next.done; next = stream.next()) lists.add(next.value);
  return collectedResult(next.value, input, lists);
}
