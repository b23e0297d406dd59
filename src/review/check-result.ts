/**
 * `check`'s decision as data: which recorded failures the policy does not
 * allow, which guard rules it breaks, which trace lines were not read, and
 * whether the gate passes. Printed as text, JSON (schema `secpol-learn/check`)
 * or SARIF by src/render/check-output.ts. Does no I/O.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { GuardViolation } from './guards';
import {
  argumentText,
  coveredAsLink,
  describeAccess,
  judgeAtom,
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
  type WaiverRef,
  type WaiverSet,
  type WaiverUse,
} from './waivers';
import type { PolicyModel } from '../policy/model/types';
import { linkingProcesses, type ReviewSummary } from '../infer/review-tally';

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
  const e = g.event;
  const first = g.failurePlaces[0] ?? e.position;
  const v = g.verdict;
  return {
    file: first.file,
    line: first.line,
    count: g.failures,
    type: e.securityType,
    process: e.process,
    kind: e.kind,
    object: g.object,
    value: argumentText(e),
    ...(e.kind === 'ability' ? { domain: e.domain } : {}),
    reason: v.allowed ? 'allowed' : v.reason,
    message: v.allowed ? '' : v.message,
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
 * Decides the gate: fails on uncovered failures a waiver does not cover, guard violations, and
 * (strict) lines not read and waiver warnings. `waivers.warnings` holds the expired ones
 * (parseWaivers); the stale ones are found here.
 */
export function checkResult(review: TraceReview, input: CheckInput): CheckResult {
  const sorter = new UncoveredSorter(input.waivers?.set);
  for (const g of uncoveredGroups(review)) sorter.add(g);
  return decide(sorter, review, input);
}

/**
 * `checkResult` of the review tally judged against `model`, equal to
 * `checkResult(judgeSummary(model, summary), input)` at a fraction of the
 * memory: only atoms with failures are judged, one at a time, and only the
 * uncovered failures are kept. Consumes the summary (its atoms, columns
 * released whole, are gone afterwards).
 */
export function checkSummaryResult(
  model: PolicyModel,
  summary: ReviewSummary,
  input: CheckInput,
): CheckResult {
  const linking = linkingProcesses(summary.atoms);
  const used = new Set<string>();
  const sorter = new UncoveredSorter(input.waivers?.set);
  for (const a of summary.atoms) {
    if (a.failures === 0) continue;
    const g = judgeAtom(model, a, used);
    used.clear();
    if (!g.verdict.allowed && !coveredAsLink(g, linking)) sorter.add(g);
  }
  summary.atoms = [];
  return decide(sorter, summary, input);
}

/** Uncovered failures, split into those a waiver covers (counted per waiver) and the others. */
class UncoveredSorter {
  readonly uncovered: UncoveredFailure[] = [];
  readonly waived: WaivedFailure[] = [];
  readonly used: WaiverUse = new Map();
  constructor(private readonly set: WaiverSet | undefined) {}

  add(g: EventGroup): void {
    const w = this.set && waiverForEvent(this.set, g.event);
    if (!w) this.uncovered.push(uncoveredOf(g));
    else {
      useWaiver(this.used, w, g.failures);
      this.waived.push({ ...uncoveredOf(g), waiver: waiverRef(w) });
    }
  }
}

function decide(
  found: UncoveredSorter,
  totals: { events: number; failures: number; successes: number },
  input: CheckInput,
): CheckResult {
  const uncovered = found.uncovered.sort(byPlace);
  const waived = found.waived.sort(byPlace);
  const used = found.used;
  const waivers: CheckWaivers | undefined = input.waivers && {
    waived,
    counts: input.waivers.set.waivers.flatMap((w) =>
      used.has(w) ? [{ ...waiverRef(w), records: used.get(w)! }] : [],
    ),
    warnings: [...input.waivers.warnings, ...staleWaivers(input.waivers.set, used)].sort(byPlace),
  };
  const notUnderstood = input.notUnderstoodCount;
  return {
    traceFiles: [...input.traceFiles].sort(),
    policyFiles: input.policyFiles,
    summary: {
      events: totals.events,
      failures: totals.failures,
      successes: totals.successes,
      uncovered: uncovered.length,
      uncoveredRecords: uncovered.reduce((n, u) => n + u.count, 0),
      notUnderstood,
      guardViolations: input.guardViolations.length,
    },
    uncovered,
    notUnderstood: input.notUnderstood,
    guardViolations: input.guardViolations,
    ...(waivers ? { waivers } : {}),
    strict: input.strict,
    passed:
      uncovered.length === 0 &&
      input.guardViolations.length === 0 &&
      !(input.strict && (notUnderstood > 0 || (waivers?.warnings.length ?? 0) > 0)),
  };
}
