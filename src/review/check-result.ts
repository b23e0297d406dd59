/**
 * `check`'s decision as data: which recorded failures the policy does not
 * allow, which guard rules it breaks, which trace lines were not read, and
 * whether the gate passes. Printed as text, JSON (schema `secpol-learn/check`)
 * or SARIF by the command. Does no I/O.
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
import type { SarifFinding, SarifRule } from './sarif-finding';
import { byPlace } from '../diagnostics/first-by-place';

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
  strict: boolean;
  passed: boolean;
}

function uncoveredOf(g: EventGroup): UncoveredFailure {
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

/** Decides the gate: fails on uncovered failures, guard violations, and (strict) lines not read. */
export function checkResult(
  review: TraceReview,
  input: {
    traceFiles: string[];
    policyFiles: string[];
    notUnderstood: Diagnostic[];
    notUnderstoodCount: number;
    guardViolations: GuardViolation[];
    strict: boolean;
  },
): CheckResult {
  const uncovered = uncoveredGroups(review).map(uncoveredOf).sort(byPlace);
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
    strict: input.strict,
    passed:
      uncovered.length === 0 &&
      input.guardViolations.length === 0 &&
      !(input.strict && notUnderstood > 0),
  };
}

/** One line per uncovered failure: `FILE:LINE: uncovered: RECORD: WHY [reason]`. */
export function uncoveredLine(u: UncoveredFailure): string {
  const times = u.count > 1 ? ` (${u.count} records)` : '';
  return `${u.file}:${u.line}: uncovered: ${u.process} (${u.type}) ${u.access}: ${u.message} [${u.reason}]${times}`;
}

/** The one-line summary `check` writes on stderr. */
export function checkSummary(r: CheckResult): string {
  const s = r.summary;
  const parts = [
    `${s.failures} failure record(s), ${s.successes} success record(s)`,
    `${s.uncovered} uncovered (${s.uncoveredRecords} record(s))`,
    `${s.notUnderstood} line(s) not understood${r.strict ? ' (--strict: fail)' : ''}`,
  ];
  if (s.guardViolations > 0) parts.push(`${s.guardViolations} guard violation(s)`);
  return `secpol-learn check: ${r.passed ? 'PASS' : 'FAIL'}: ${parts.join('; ')}`;
}

/** The JSON document of `check --format json`. */
export function checkJson(r: CheckResult): string {
  const doc = {
    schema: 'secpol-learn/check',
    schemaVersion: CHECK_SCHEMA_VERSION,
    passed: r.passed,
    strict: r.strict,
    traceFiles: r.traceFiles,
    policyFiles: r.policyFiles,
    summary: r.summary,
    uncovered: r.uncovered,
    guardViolations: r.guardViolations.map((v) => ({
      type: v.type,
      grant: v.what,
      at: { file: v.grant.file, line: v.grant.line, column: v.grant.column },
      guard: { file: v.guard.file, line: v.guard.line },
    })),
    notUnderstood: r.notUnderstood.map((d) => ({
      file: d.file,
      line: d.line,
      message: d.message,
      ruleId: d.ruleId ?? '',
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The SARIF rules `check` may report. */
export const CHECK_RULES: SarifRule[] = [
  {
    id: 'uncovered-failure',
    description: 'A failure recorded by secpolmonitor that the policy does not allow',
  },
  { id: 'guard-rule', description: 'The policy grants something a guard rule (--deny) forbids' },
  { id: 'trace-unknown-line', description: 'A trace line that could not be read' },
];

/** `check`'s findings for SARIF: failures at the trace line (the consulted policy rules related), guard violations at the grant. */
export function checkSarifFindings(r: CheckResult, review: TraceReview): SarifFinding[] {
  const consulted = new Map(
    uncoveredGroups(review).map((g) => [
      `${(g.failurePlaces[0] ?? g.event.position).file}:${(g.failurePlaces[0] ?? g.event.position).line}`,
      g.verdict.allowed ? [] : g.verdict.consulted,
    ]),
  );
  const out: SarifFinding[] = r.uncovered.map((u) => ({
    ruleId: 'uncovered-failure',
    level: 'error',
    message: `${u.process} (${u.type}) ${u.access}: ${u.message} [${u.reason}]`,
    locations: [{ file: u.file, line: u.line }],
    related: (consulted.get(`${u.file}:${u.line}`) ?? []).map((c) => ({
      file: c.file,
      line: c.line,
      column: c.column,
      message: `consulted: ${c.summary}`,
    })),
  }));
  for (const v of r.guardViolations)
    out.push({
      ruleId: 'guard-rule',
      level: 'error',
      message: `${v.type} is granted ${v.what}, which guard rule ${v.guard.file}:${v.guard.line} forbids`,
      locations: [{ file: v.grant.file, line: v.grant.line, column: v.grant.column }],
      related: [
        { file: v.guard.file, line: v.guard.line, column: v.guard.column, message: 'guard rule' },
      ],
    });
  for (const d of r.notUnderstood)
    out.push({
      ruleId: 'trace-unknown-line',
      level: r.strict ? 'error' : 'warning',
      message: d.message,
      locations: [{ file: d.file, line: d.line }],
    });
  return out;
}
