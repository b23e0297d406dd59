/**
 * `check`'s decision as data: which recorded failures the policy does not
 * allow, which guard rules it breaks, which trace lines were not read, and
 * whether the gate passes. Printed as text, JSON (schema `secpol-learn/check`)
 * or SARIF by src/render/check-output.ts. Does no I/O. The failures are
 * judged from a review tally by src/review/check-stream.ts (text streamed,
 * or collected into a `CheckResult`), or here from a whole judgement
 * (`checkResult`); both count and decide with `CheckCounts` and `decide`.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { ProcessEvent, TracePosition } from '../trace/event';
import type { Verdict } from '../policy/evaluate';
import type { GuardViolation } from './guards';
import {
  argumentText,
  describeAccess,
  type EventGroup,
  type TraceReview,
  uncoveredGroups,
} from './trace-review';
import { byPlace } from '../diagnostics/first-by-place';
import {
  staleWaivers,
  useWaiver,
  waiverForEvent,
  waiverRef,
  type Waiver,
  type WaiverRef,
  type WaiverSet,
  type WaiverUse,
} from './waivers';

/** Version of the `check --format json` document. */
export const CHECK_SCHEMA_VERSION = 1;

/** One distinct uncovered failure. */
export interface UncoveredFailure {
  /** The first denied record. */
  file: string;
  line: number;
  /** Denied records of this access. */
  count: number;
  type: string;
  process: string;
  kind: 'ability' | 'attach' | 'link';
  object: string;
  /** `ability`: the value checked, as printed (`15`, `1 (fs_t)`); `''` when none. */
  value: string;
  domain?: 'root' | 'non-root';
  reason: string;
  message: string;
  record: string;
  /** The access in policy words (`interrupt(14) as root`). */
  access: string;
}

/** An uncovered failure a waiver covers: not uncovered, reported as waived. */
export interface WaivedFailure extends UncoveredFailure {
  waiver: WaiverRef;
}

/** How many failure records one waiver covered (waivers that covered some, in file order). */
export interface WaiverCount extends WaiverRef {
  records: number;
}

/** `check`'s view of `--waive`: what was waived, by which waiver, and the waiver warnings. */
export interface CheckWaivers {
  waived: WaivedFailure[];
  counts: WaiverCount[];
  /** Expired and stale waivers (warnings; `--strict` fails on them). */
  warnings: Diagnostic[];
}

/** The whole answer of `check`. */
export interface CheckResult {
  traceFiles: string[];
  policyFiles: string[];
  summary: {
    events: number;
    failures: number;
    successes: number;
    uncovered: number;
    uncoveredRecords: number;
    notUnderstood: number;
    guardViolations: number;
  };
  uncovered: UncoveredFailure[];
  /** Lines and records not read (the first ones; `summary.notUnderstood` counts all). */
  notUnderstood: Diagnostic[];
  guardViolations: GuardViolation[];
  /** Present when `--waive` was given. */
  waivers?: CheckWaivers;
  strict: boolean;
  passed: boolean;
}

/** A failure group as an uncovered failure (its first denied records so far). */
export function uncoveredOf(g: EventGroup): UncoveredFailure {
  return failureOf(g.event, g.object, g.failures, g.failurePlaces[0], g.verdict);
}

/**
 * An uncovered failure from what `uncoveredOf` reads of a group: its event,
 * object, failure count, first failure place and verdict (`checkStream`
 * judges an atom without making its group).
 */
export function failureOf(
  e: ProcessEvent,
  object: string,
  count: number,
  firstFailure: TracePosition | undefined,
  v: Verdict,
): UncoveredFailure {
  const first = firstFailure ?? e.position;
  const reason = v.allowed ? 'allowed' : v.reason;
  const message = v.allowed ? '' : v.message;
  // Two literals, not a spread: the key order of the JSON document, without a copy per failure.
  if (e.kind === 'ability')
    return {
      file: first.file,
      line: first.line,
      count,
      type: e.securityType,
      process: e.process,
      kind: e.kind,
      object,
      value: argumentText(e),
      domain: e.domain,
      reason,
      message,
      record: e.record,
      access: describeAccess(e),
    };
  return {
    file: first.file,
    line: first.line,
    count,
    type: e.securityType,
    process: e.process,
    kind: e.kind,
    object,
    value: '',
    reason,
    message,
    record: e.record,
    access: describeAccess(e),
  };
}

/** What the gate is told besides the traces. */
export interface CheckInput {
  traceFiles: string[];
  policyFiles: string[];
  notUnderstood: Diagnostic[];
  notUnderstoodCount: number;
  guardViolations: GuardViolation[];
  /** `--waive`: the waivers in force and the warnings of reading them (expired ones). */
  waivers?: { set: WaiverSet; warnings: Diagnostic[] };
  strict: boolean;
}

/**
 * Decides the gate from a whole judgement (SARIF, library callers): each
 * uncovered failure group, split by the waivers and sorted by place as
 * `checkStream` orders them, counted and decided as there.
 */
export function checkResult(review: TraceReview, input: CheckInput): CheckResult {
  const set = input.waivers?.set;
  const judged = uncoveredGroups(review)
    .map((g) => judgedFailure(g, set))
    .sort((a, b) => byPlace(a.failure, b.failure));
  const counts = new CheckCounts();
  const lists = new FailureLists();
  for (const j of judged) {
    counts.add(j);
    lists.add(j);
  }
  return collectedResult(decide(counts, review, input), input, lists);
}

/** A failure the policy does not allow, and the waiver that covers it (`undefined`: uncovered). */
export interface JudgedFailure {
  failure: UncoveredFailure;
  waiver: Waiver | undefined;
}

/** An uncovered failure group as the gate lists it, with the waiver in `set` that covers it. */
export function judgedFailure(g: EventGroup, set: WaiverSet | undefined): JudgedFailure {
  return judgedAs(uncoveredOf(g), g.event, set);
}

/** Failure `failure` (of event `e`) as the gate lists it, with the waiver in `set` that covers it. */
export function judgedAs(
  failure: UncoveredFailure,
  e: ProcessEvent,
  set: WaiverSet | undefined,
): JudgedFailure {
  return { failure, waiver: set && waiverForEvent(set, e) };
}

/**
 * `check`'s decision without its lists of failures: the counts, the waivers
 * used and their warnings, and the verdict (what the text prints after the
 * uncovered lines).
 */
export interface CheckVerdict {
  summary: CheckResult['summary'];
  /** Present when `--waive` was given. */
  waivers?: {
    /** Failures a waiver covered, and their records. */
    waived: number;
    waivedRecords: number;
    counts: WaiverCount[];
    warnings: Diagnostic[];
  };
  strict: boolean;
  passed: boolean;
}

/** What the gate counts of the judged failures: uncovered and waived ones, and records per waiver. */
export class CheckCounts {
  uncovered = 0;
  uncoveredRecords = 0;
  waived = 0;
  waivedRecords = 0;
  readonly used: WaiverUse = new Map();

  add(j: JudgedFailure): void {
    const n = j.failure.count;
    if (!j.waiver) this.addUncovered(n);
    else {
      useWaiver(this.used, j.waiver, n);
      this.waived++;
      this.waivedRecords += n;
    }
  }

  /** An uncovered failure of `records` denied records (no waiver covers it). */
  addUncovered(records: number): void {
    this.uncovered++;
    this.uncoveredRecords += records;
  }
}

/** The gate's verdict from the counts of every judged failure. */
export function decide(
  found: CheckCounts,
  totals: { events: number; failures: number; successes: number },
  input: CheckInput,
): CheckVerdict {
  const used = found.used;
  const waivers: CheckVerdict['waivers'] = input.waivers && {
    waived: found.waived,
    waivedRecords: found.waivedRecords,
    counts: input.waivers.set.waivers.flatMap((w) =>
      used.has(w) ? [{ ...waiverRef(w), records: used.get(w)! }] : [],
    ),
    warnings: [...input.waivers.warnings, ...staleWaivers(input.waivers.set, used)].sort(byPlace),
  };
  const notUnderstood = input.notUnderstoodCount;
  return {
    summary: {
      events: totals.events,
      failures: totals.failures,
      successes: totals.successes,
      uncovered: found.uncovered,
      uncoveredRecords: found.uncoveredRecords,
      notUnderstood,
      guardViolations: input.guardViolations.length,
    },
    ...(waivers ? { waivers } : {}),
    strict: input.strict,
    passed:
      found.uncovered === 0 &&
      input.guardViolations.length === 0 &&
      !(input.strict && (notUnderstood > 0 || (waivers?.warnings.length ?? 0) > 0)),
  };
}

/** The judged failures listed in the order added: the uncovered ones, and the waived ones with their waiver. */
export class FailureLists {
  readonly uncovered: UncoveredFailure[] = [];
  readonly waived: WaivedFailure[] = [];

  add(j: JudgedFailure): void {
    if (!j.waiver) this.uncovered.push(j.failure);
    else this.waived.push(waivedFailure(j.failure, j.waiver));
  }
}

/** A failure a waiver covers, as the lists hold it: with the waiver's reference. */
export function waivedFailure(failure: UncoveredFailure, waiver: Waiver): WaivedFailure {
  return { ...failure, waiver: waiverRef(waiver) };
}

/** The whole result: the verdict with the judged failures (added in place order) listed. */
export function collectedResult(
  verdict: CheckVerdict,
  input: CheckInput,
  lists: FailureLists,
): CheckResult {
  const w = verdict.waivers;
  return {
    traceFiles: [...input.traceFiles].sort(),
    policyFiles: input.policyFiles,
    summary: verdict.summary,
    uncovered: lists.uncovered,
    notUnderstood: input.notUnderstood,
    guardViolations: input.guardViolations,
    ...(w ? { waivers: { waived: lists.waived, counts: w.counts, warnings: w.warnings } } : {}),
    strict: verdict.strict,
    passed: verdict.passed,
  };
}

/** The verdict of a whole result (its text's last lines: `waiverLines`, `checkSummary`). */
export function checkVerdict(r: CheckResult): CheckVerdict {
  const w = r.waivers;
  return {
    summary: r.summary,
    ...(w
      ? {
          waivers: {
            waived: w.waived.length,
            waivedRecords: w.waived.reduce((n, x) => n + x.count, 0),
            counts: w.counts,
            warnings: w.warnings,
          },
        }
      : {}),
    strict: r.strict,
    passed: r.passed,
  };
}
