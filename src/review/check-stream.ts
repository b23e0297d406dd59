/**
 * `check` judging a review tally in the order its lines are printed: the
 * failing atoms ordered by their first failure place (failure-order.ts),
 * each judged once and handed on as it is judged, with the waiver that
 * covers it. The text of `check` writes each uncovered line as it comes and
 * holds no list of failures (`checkRows`); `checkSummaryResult` (JSON,
 * library callers) collects `checkStream` into a `CheckResult`.
 *
 * An atom of a family whose atoms share one verdict (family-verdicts.ts) is
 * judged without its event; for the text, without a waiver set, it is handed
 * on as its table's columns (`FamilyFailure`), not as an object of its own.
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
import { FamilyVerdicts, type FamilyVerdict } from './family-verdicts';
import { coveredAsLink } from './trace-review';
import type { PolicyModel } from '../policy/model/types';
import { evaluate } from '../policy/evaluate';
import {
  AtomRows,
  firstFailurePlace,
  linkingProcesses,
  type ReviewSummary,
} from '../infer/review-tally';
import { decimalText, ValueKind } from '../infer/atom-table';

/**
 * An uncovered failing atom of a family whose atoms share one verdict, as
 * its table holds it: one object, refilled for each such atom `checkRows`
 * yields (read it before the next `next`).
 */
export class FamilyFailure {
  /** The family's id in its table, and its verdict (not allowed). */
  familyId = 0;
  shared: FamilyVerdict | undefined = undefined;
  /** The first failure place. */
  file = '';
  line = 0;
  /**
   * The value as its table holds it (atom-table.ts): its kind, its numbers
   * (a range's end, not its length, in `b`) and, for a type id or a text,
   * the text (` (fs_t)`, the whole value); read as text by `value`.
   */
  kind = ValueKind.None;
  a = 0;
  b = 0;
  text = '';
  /** Denied records. */
  count = 0;

  /** The value as printed (`15`, `1-5`, `7 (fs_t)`), or `''`: `AtomTable.value` of the row. */
  get value(): string {
    switch (this.kind) {
      case ValueKind.None:
        return '';
      case ValueKind.Decimal:
        return decimalText(this.a);
      case ValueKind.Range:
        return `${decimalText(this.a)}-${decimalText(this.b)}`;
      case ValueKind.TypeId:
        return decimalText(this.a) + this.text;
      default:
        return this.text;
    }
  }
}

/**
 * Each failure of the tally that the policy does not allow, judged and
 * yielded in place order (the order of `checkResult`'s lists), waived or
 * not; returns the gate's verdict once the last is judged. Lazy: nothing is
 * read before the first `next`, and each failure is judged in its turn.
 * The summary is read, not changed.
 */
export function checkStream(
  model: PolicyModel,
  summary: ReviewSummary,
  input: CheckInput,
): Generator<JudgedFailure, CheckVerdict, undefined> {
  return judged(model, summary, input, false) as Generator<JudgedFailure, CheckVerdict, undefined>;
}

/**
 * `checkStream` for the text: the same failures in the same order, with one
 * `FamilyFailure` (refilled) for each uncovered atom of a family whose atoms
 * share their verdict when no waiver set is given.
 */
export function checkRows(
  model: PolicyModel,
  summary: ReviewSummary,
  input: CheckInput,
): Generator<JudgedFailure | FamilyFailure, CheckVerdict, undefined> {
  return judged(model, summary, input, true);
}

function* judged(
  model: PolicyModel,
  summary: ReviewSummary,
  input: CheckInput,
  rows: boolean,
): Generator<JudgedFailure | FamilyFailure, CheckVerdict, undefined> {
  const atoms = summary.atoms;
  const linking = linkingProcesses(atoms);
  const waivers = input.waivers?.set;
  const counts = new CheckCounts();
  const table = atoms instanceof AtomRows ? atoms : undefined;
  const families = table && new FamilyVerdicts(model, table.table);
  const row = new FamilyFailure();
  for (const i of failurePlaceOrder(atoms)) {
    const r = table === undefined ? i : table.row(i);
    const shared = families?.of(r);
    // An ability's verdict: never an attach covered as a link.
    if (shared?.verdict.allowed) continue;
    if (shared !== undefined && rows && waivers === undefined) {
      const t = table!.table;
      row.familyId = t.family.at(r);
      row.shared = shared;
      row.file = t.files[t.failFile.at(r)]!;
      row.line = t.failLine.at(r);
      const kind = t.kind.at(r) as ValueKind;
      row.kind = kind;
      row.a = t.a.at(r);
      row.b = t.end(r);
      row.text =
        kind === ValueKind.TypeId
          ? t.texts[row.b]!
          : kind === ValueKind.Text
            ? t.texts[row.a]!
            : '';
      row.count = t.failures.at(r);
      counts.addUncovered(row.count);
      yield row;
      continue;
    }
    // The atom judged as judgeAtom does, without its group: the gate reads its event, verdict,
    // object, count and first failure place only (the grants used are harden's concern).
    const a = atoms.at(i)!;
    const event = families === undefined ? a.event : families.event(r);
    const verdict = shared?.verdict ?? evaluate(model, event);
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
