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

/**
 * Decides the gate: fails on uncovered failures a waiver does not cover, guard violations, and
 * (strict) lines not read and waiver warnings. `waivers.warnings` holds the expired ones
 * (parseWaivers); the stale ones are found here.
 */
export function checkResult(
  review: TraceReview,
  input: {
    traceFiles: string[];
    policyFiles: string[];
    notUnderstood: Diagnostic[];
    notUnderstoodCount: number;
    guardViolations: GuardViolation[];
    waivers?: { set: WaiverSet; warnings: Diagnostic[] };
    strict: boolean;
  },
): CheckResult {
  const uncovered: UncoveredFailure[] = [];
  const waived: WaivedFailure[] = [];
  const used: WaiverUse = new Map();
  for (const g of uncoveredGroups(review)) {
    const w = input.waivers && waiverForEvent(input.waivers.set, g.event);
    if (!w) uncovered.push(uncoveredOf(g));
    else {
      useWaiver(used, w, g.failures);
      waived.push({ ...uncoveredOf(g), waiver: waiverRef(w) });
    }
  }
  uncovered.sort(byPlace);
  waived.sort(byPlace);
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
      events: review.events,
      failures: review.failures,
      successes: review.successes,
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
