/**
 * `check` judging a review tally in the order its lines are printed: the
 * failing atoms ordered by their first failure place (failure-order.ts),
 * each judged once and handed on as it is judged, with the waiver that
 * covers it. The text of `check` writes each uncovered line as it comes and
 * holds no list of failures (`checkRows`); JSON judges it through for the
 * verdict and again as it writes each failure (`checkLists`), SARIF the same
 * with the rules each failure's verdict consulted (`checkFindings`).
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
import { ValueKind } from '../infer/atom-table';
import { decimalText } from '../decimal-text';

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
  return readAgain(
    skipped(checkRows(model, summary, input)),
    input,
    function* (waived: boolean): Generator<JudgedFailure, void, undefined> {
      const stream = checkStream(model, summary, input);
      for (let next = stream.next(); !next.done; next = stream.next())
        if ((next.value.waiver !== undefined) === waived) yield next.value;
    },
    (j) => j.failure,
    (j) => waivedFailure(j.failure, j.waiver!),
  );
}

/**
 * `verdict`, a result with empty lists, and its two lists as readings of `judged`
 * (the tally judged again each time one is read; not at all for a list the verdict counts empty).
 */
function readAgain<J, U, W>(
  verdict: CheckVerdict,
  input: CheckInput,
  judged: (waived: boolean) => Iterable<J>,
  uncovered: (j: J) => U,
  waived: (j: J) => W,
): {
  verdict: CheckVerdict;
  result: CheckResult;
  lists: { uncovered: Iterable<U>; waived: Iterable<W> };
} {
  const again = (w: boolean): Iterable<J> => ({
    *[Symbol.iterator]() {
      if (!listEmpty(verdict, w)) yield* judged(w);
    },
  });
  return {
    verdict,
    result: collectedResult(verdict, input, new FailureLists()),
    lists: { uncovered: mapped(again(false), uncovered), waived: mapped(again(true), waived) },
  };
}

/** Whether the verdict counts no waived failure (`waived`) or no uncovered one: its list is not judged again. */
function listEmpty(verdict: CheckVerdict, waived: boolean): boolean {
  return (waived ? (verdict.waivers?.waived ?? 0) : verdict.summary.uncovered) === 0;
}

/** A listed failure with the rules SARIF relates to it. */
export interface ConsultedFailure<F extends UncoveredFailure> {
  failure: F;
  /**
   * The rules its verdict consulted, except that failures of one first
   * failure place (file, line) all relate the rules of the last of them,
   * uncovered or waived, in the tally's order (the whole judgement's
   * reading: a map by place, filled in atom order).
   */
  consulted: ConsultedRule[];
}

/** A check's failures with their consulted rules, judged again on each reading (`checkFindings`). */
export interface CheckFindingLists {
  uncovered: Iterable<ConsultedFailure<UncoveredFailure>>;
  waived: Iterable<ConsultedFailure<WaivedFailure>>;
}

/**
 * `checkLists` with each failure's consulted rules, for SARIF, whose log
 * names its rules (what the verdict's counts tell) before its results. The
 * failures of one place come one after another in place order, the tally's
 * order last: a reading holds the current place's failures of its list
 * until the place ends, when the last one's rules are known, and no other.
 */
export function checkFindings(
  model: PolicyModel,
  summary: ReviewSummary,
  input: CheckInput,
): { verdict: CheckVerdict; result: CheckResult; lists: CheckFindingLists } {
  return readAgain(
    skipped(checkRows(model, summary, input)),
    input,
    (waived: boolean) => consultedRuns(model, summary, input, waived),
    (c) => ({ failure: c.judged.failure, consulted: c.consulted }),
    (c) => ({ failure: waivedFailure(c.judged.failure, c.judged.waiver!), consulted: c.consulted }),
  );
}

/** A judged failure with the rules of its place's last failure. */
interface ConsultedJudged {
  judged: JudgedFailure;
  consulted: ConsultedRule[];
}

/** The tally judged in place order: its waived failures or its uncovered ones, each with its place's rules. */
function* consultedRuns(
  model: PolicyModel,
  summary: ReviewSummary,
  input: CheckInput,
  waived: boolean,
): Generator<ConsultedJudged, void, undefined> {
  // The current place's failures of the list asked for, and the rules of the place's last
  // failure so far (either list's): given to them all once the place ends.
  const run: JudgedFailure[] = [];
  let runRules: ConsultedRule[] = [];
  let file = '';
  let line = -1;
  let verdictRules: ConsultedRule[] = [];
  const stream = judged(model, summary, input, false, (v) => (verdictRules = v.consulted));
  for (let next = stream.next(); !next.done; next = stream.next()) {
    const j = next.value as JudgedFailure;
    const f = j.failure;
    if (f.file !== file || f.line !== line) {
      for (const r of run) yield { judged: r, consulted: runRules };
      run.length = 0;
      file = f.file;
      line = f.line;
    }
    runRules = verdictRules;
    if ((j.waiver !== undefined) === waived) run.push(j);
  }
  for (const r of run) yield { judged: r, consulted: runRules };
}

/** A generator run to its end: its value. */
function skipped<R>(g: Generator<unknown, R, undefined>): R {
  let next = g.next();
  while (!next.done) next = g.next();
  return next.value;
}
