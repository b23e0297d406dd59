/**
 * The check result of a review tally collected whole: the test oracle that
 * `check`'s streamed outputs (text, JSON lines, SARIF lines) are compared with.
 */
import type { PolicyModel } from '../policy/model/types';
import type { ReviewSummary } from '../infer/review-tally';
import { checkStream } from '../review/check-stream';
import {
  collectedResult,
  FailureLists,
  type CheckInput,
  type CheckResult,
} from '../review/check-result';

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
