/**
 * Review as library calls, the work of `check` and `explain` without files:
 * traces in memory judged against a policy (`reviewTraces`), then the gate's
 * decision (`checkTraces`) or audit2why's explanation (`explainTraces`), and
 * their text and JSON. Each step is the CLI's own code (the trace review,
 * `checkResult`, `explainFailures` and their printers), so the same inputs
 * give the CLI's bytes. Pure: the caller reads files and decides what a
 * failed check means (the CLI exits 1).
 */
import { formatDiagnosticLine, type Diagnostic } from '../diagnostics/diagnostic';
import { FirstByPlace } from '../diagnostics/first-by-place';
import { monitorFilter } from '../infer/trace-filter';
import type { Policy, PolicyFile } from '../policy/ast';
import { oneOrMany } from '../arrays';
import { buildModel } from '../policy/model/build-model';
import type { NamedRangeValues, PolicyModel } from '../policy/model/types';
import type { QnxVersion } from '../qnx/abilities';
import {
  checkJson,
  checkSummary,
  guardLine,
  uncoveredLine,
  waiverLines,
} from '../render/check-output';
import { reviewWaiverWarnings, type ParsedWaivers } from '../review/waivers';
import { buildGuardModel, guardViolations } from '../review/guards';
import { explainJson, explainText } from '../render/explain-output';
import { checkResult, checkVerdict, type CheckResult } from '../review/check-result';
import { explainFailures, type Explanation } from '../review/explain';
import { TraceReviewer, type TraceReview } from '../review/trace-review';
import type { LearnFilter } from './learning';
import { eachTraceEvent, type TraceText } from './traces';

/** Lines not understood that a review lists, as the CLI lists them; the rest are counted. */
const MAX_LISTED_LINES = 1000;

/** Options of `reviewTraces`. */
export interface ReviewOptions {
  /** The QNX release the policy targets (default 8.0). */
  qnx?: QnxVersion;
  /** Named range values (`parseRangeFile`) the policy's range names stand for. */
  ranges?: NamedRangeValues;
  /** Which records to judge (default: every record). */
  filter?: LearnFilter;
}

/** Traces judged against one policy: every distinct access with its verdict, and what was not read. */
export interface ReviewedTraces {
  review: TraceReview;
  /** The policy the events were judged against, and its model. */
  policy: Policy;
  model: PolicyModel;
  /** The traces' file names, sorted. */
  traceFiles: string[];
  /** The policy's file names, in order. */
  policyFiles: string[];
  /** The first lines not understood and records of unknown form (by place), each with `FILE:LINE`. */
  notUnderstood: Diagnostic[];
  /** All of them, listed or not. */
  notUnderstoodCount: number;
}

/** Judges every record of the traces against `policy`, as `check` and `explain` read them. */
export function reviewTraces(
  traces: TraceText[],
  policy: Policy,
  options: ReviewOptions = {},
): ReviewedTraces {
  const model = buildModel(policy, {
    ...(options.qnx ? { qnx: options.qnx } : {}),
    ...(options.ranges ? { ranges: options.ranges } : {}),
  });
  const filter = options.filter ?? {};
  const monitor = monitorFilter({
    names: filter.names ?? [],
    abilities: filter.abilities ?? false,
    paths: filter.paths ?? false,
  });
  const reviewer = new TraceReviewer(model);
  const kept = new FirstByPlace(MAX_LISTED_LINES);
  eachTraceEvent(
    traces,
    (e) => {
      if (!monitor.accept(e)) return;
      // A record of a form nobody knows cannot be judged: it is counted and named, never dropped.
      if (e.kind === 'unknown')
        kept.add({
          severity: 'warning',
          message: 'record of an unknown form: not judged',
          file: e.position.file,
          line: e.position.line,
          ruleId: 'trace-unknown-record',
        });
      reviewer.add(e);
    },
    (d) => kept.add(d),
  );
  return {
    review: reviewer.result(),
    policy,
    model,
    traceFiles: traces.map((t) => t.file).sort(),
    policyFiles: policy.files.map((f) => f.file),
    notUnderstood: kept.sorted(),
    notUnderstoodCount: kept.count,
  };
}

/** Options of `checkTraces`. */
export interface CheckOptions {
  /** Fail when some trace line was not read (`--strict`). */
  strict?: boolean;
  /** Guard rules (parsed guard files, `--deny`): fail when the policy grants what one forbids. */
  deny?: PolicyFile | readonly PolicyFile[];
  /**
   * Waivers (`parseWaiverTexts`, `--waive`): the failures they cover pass,
   * each waiver used is counted; expired and unused ones are warnings
   * (failing with `strict`).
   */
  waivers?: Pick<ParsedWaivers, 'set' | 'diagnostics'>;
}

/**
 * The CI gate's decision: passed when the policy allows every failure the
 * traces recorded, grants nothing a guard rule forbids and, with `strict`,
 * every line was read.
 */
export function checkTraces(reviewed: ReviewedTraces, options: CheckOptions = {}): CheckResult {
  const violations = options.deny
    ? guardViolations(
        reviewed.model,
        oneOrMany(options.deny).map((f) => buildGuardModel(f, reviewed.policy, reviewed.model.qnx)),
      )
    : [];
  return checkResult(reviewed.review, {
    traceFiles: reviewed.traceFiles,
    policyFiles: reviewed.policyFiles,
    notUnderstood: reviewed.notUnderstood,
    notUnderstoodCount: reviewed.notUnderstoodCount,
    guardViolations: violations,
    ...(options.waivers
      ? {
          waivers: {
            set: options.waivers.set,
            warnings: options.waivers.diagnostics.filter((d) => d.severity === 'warning'),
          },
        }
      : {}),
    strict: options.strict ?? false,
  });
}

/**
 * `check`'s text: one `FILE:LINE: uncovered: ...` line per uncovered
 * failure and one `FILE:LINE:COL: guard: ...` line per guard violation (the
 * CLI's standard output, uncoloured), then the lines not read, the waivers
 * used and their warnings, and the summary line (its standard error).
 */
export function formatCheck(result: CheckResult): string {
  const more = result.summary.notUnderstood - result.notUnderstood.length;
  const verdict = checkVerdict(result);
  return [
    ...result.uncovered.map(uncoveredLine),
    ...result.guardViolations.map(guardLine),
    ...result.notUnderstood.map(formatDiagnosticLine),
    ...(more > 0 ? [`secpol-learn: ${more} more line(s) not understood, not listed`] : []),
    ...waiverLines(verdict),
    checkSummary(verdict),
  ]
    .map((line) => `${line}\n`)
    .join('');
}

/** `check --format json` (schema `secpol-learn/check`). */
export function formatCheckJson(result: CheckResult): string {
  return checkJson(result);
}

/** Options of `explainTraces`. */
export interface ExplainOptions {
  /**
   * Waivers (`parseWaiverTexts`, `--waive`): a failure the policy denies and a
   * waiver covers is explained by its waiver (reason `waived`).
   */
  waivers?: Pick<ParsedWaivers, 'set'>;
}

/** Why each failure of the traces happened, grouped by reason, with the rule that would allow it (audit2why). */
export function explainTraces(reviewed: ReviewedTraces, options: ExplainOptions = {}): Explanation {
  return explainFailures(
    reviewed.review,
    { traceFiles: reviewed.traceFiles, policyFiles: reviewed.policyFiles },
    options.waivers?.set,
  );
}

/**
 * The waiver warnings `explain --waive` writes on standard error (and
 * `harden --waive`): the expired waivers and those that cover no failure the
 * policy denies, by place (`formatDiagnosticLine` prints each as the CLI).
 */
export function waiverWarnings(
  reviewed: ReviewedTraces,
  waivers: Pick<ParsedWaivers, 'set' | 'diagnostics'>,
): Diagnostic[] {
  return reviewWaiverWarnings(waivers, reviewed.review);
}

/** `explain`'s text: a heading per reason, then per failure its why, rule, consulted rules and hint. */
export function formatExplanation(explanation: Explanation): string {
  return explainText(explanation);
}

/** `explain --format json` (schema `secpol-learn/explain`). */
export function formatExplanationJson(explanation: Explanation): string {
  return explainJson(explanation);
}
