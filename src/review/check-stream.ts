/**
 * `check` judging a review tally in the order its lines are printed: the
 * failing atoms ordered by their first failure place (failure-order.ts),
 * each judged once and handed on as it is judged, with the waiver that
 * covers it. The text of `check` writes each uncovered line as it comes and
 * holds no list of failures (`checkRows`); JSON judges it through for the
 * verdict and again as it writes each failure (`checkLists`), SARIF collects
 * the failures with the rules each consulted (`checkFindings`).
 *
 * An atom of a family whose atoms share one verdict (family-verdicts.ts) is
 * judged without its event; for the text, without a waiver set, it is handed
 * on as its table's columns (`FamilyFailure`), not as an object of its own.
 */
import { mapped } from '../arrays';
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
  type UncoveredFailure,
  type WaivedFailure,
  waivedFailure,
} from './check-result';
import { failurePlaceOrder } from './failure-order';
import { FamilyVerdicts, type FamilyVerdict } from './family-verdicts';
import { coveredAsLink } from './trace-review';
import type { PolicyModel } from '../policy/model/types';
import { evaluate, type ConsultedRule, type Verdict } from '../policy/evaluate';
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

/** A judged failure's verdict, told before it is yielded. */
type OnVerdict = (verdict: Verdict & { allowed: false }) => void;

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
  onVerdict?: OnVerdict,
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
    onVerdict?.(verdict);
    yield judged;
  }
  return decide(counts, summary, input);
}

/** The check result with the rules each listed failure's verdict consulted, for SARIF. */
export interface CheckFindings {
  result: CheckResult;
  /** By list and index: the rules consulted for `result.uncovered[i]` and `result.waivers.waived[i]`. */
  consulted: { uncovered: ConsultedRule[][]; waived: ConsultedRule[][] };
}

/**
 * The check result and the rules consulted for each failure listed:
 * its verdict's, except that failures of one first failure place (file,
 * line) all relate the rules of the last of them in the tally's order (the
 * whole judgement's reading: a map by place, filled in atom order). The
 * stream yields such failures one after the other, the tally's order last.
 */
export function checkFindings(
  model: PolicyModel,
  summary: ReviewSummary,
  input: CheckInput,
): CheckFindings {
  const lists = new FailureLists();
  const consulted: CheckFindings['consulted'] = { uncovered: [], waived: [] };
  // The failures of the current place, as the list and index each was put at, and the rules of
  // the last of them: given to all once the place ends.
  const run: { list: ConsultedRule[][]; at: number }[] = [];
  let rules: ConsultedRule[] = [];
  const endRun = (): void => {
    for (const r of run) r.list[r.at] = rules;
    run.length = 0;
  };
  let file = '';
  let line = -1;
  let verdictRules: ConsultedRule[] = [];
  const stream = judged(model, summary, input, false, (v) => (verdictRules = v.consulted));
  let next = stream.next();
  for (; !next.done; next = stream.next()) {
    const j = next.value as JudgedFailure;
    lists.add(j);
    const f = j.failure;
    if (f.file !== file || f.line !== line) {
      endRun();
      file = f.file;
      line = f.line;
    }
    rules = verdictRules;
    const list = j.waiver ? consulted.waived : consulted.uncovered;
    run.push({ list, at: list.length });
    list.push(rules);
  }
  endRun();
  return { result: collectedResult(next.value, input, lists), consulted };
}

/** A check's failures, listed or judged again on each reading (`checkLists`). */
export interface CheckLists {
  uncovered: Iterable<UncoveredFailure>;
  waived: Iterable<WaivedFailure>;
}

/**
 * The check result's verdict, with its lists left empty (not
 * to be read by `checkVerdict`), and the lists as
 * readings that judge the tally again, in place order, each time they are
 * read: the verdict (which a document prints before its failures) needs a
 * judgement through, and holding every failure until then cost more than
 * judging again (docs/performance.md, "check's and harden's judging"). The
 * summary is read, not changed, and must be kept while the lists are read.
 */
export function checkLists(
  model: PolicyModel,
  summary: ReviewSummary,
  input: CheckInput,
): { verdict: CheckVerdict; result: CheckResult; lists: CheckLists } {
  const verdict = skipped(checkRows(model, summary, input));
  const judgedAgain = (waived: boolean): Iterable<JudgedFailure> => ({
    *[Symbol.iterator]() {
      // Not judged again for a list that is empty.
      if ((waived ? (verdict.waivers?.waived ?? 0) : verdict.summary.uncovered) === 0) return;
      const stream = checkStream(model, summary, input);
      for (let next = stream.next(); !next.done; next = stream.next())
        if ((next.value.waiver !== undefined) === waived) yield next.value;
    },
  });
  return {
    verdict,
    result: collectedResult(verdict, input, new FailureLists()),
    lists: {
      uncovered: mapped(judgedAgain(false), (j) => j.failure),
      waived: mapped(judgedAgain(true), (j) => waivedFailure(j.failure, j.waiver!)),
    },
  };
}

/** A generator run to its end: its value. */
function skipped<R>(g: Generator<unknown, R, undefined>): R {
  let next = g.next();
  while (!next.done) next = g.next();
  return next.value;
}
