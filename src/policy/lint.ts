/**
 * The lint pass runner: builds the model once and runs each pass of the
 * ordered registry (passes/index.ts) over the policy, collecting diagnostics.
 * Each pass is a small function `(policy, model, session) => void` in its own
 * file; docs/lint.md describes every pass with an example.
 *
 * Does not parse (give it a parsed Policy) and does not print.
 */
import type { Diagnostic, Severity, Span } from '../diagnostics/diagnostic';
import type { Policy } from './ast';
import { buildModel } from './model/build-model';
import type { NamedRangeValues, Origin, PolicyModel } from './model/types';
import { DEFAULT_QNX_VERSION, type QnxVersion } from '../qnx/abilities';
import { LINT_PASSES } from './passes';

/** What a pass reports through. */
export interface LintSession {
  qnx: QnxVersion;
  diagnostics: Diagnostic[];
  /** Reports a finding at a model origin (or any place with file/line/column). */
  report(
    severity: Severity,
    ruleId: string,
    message: string,
    at: Pick<Origin, 'file' | 'line' | 'column'> & {
      item?: Origin['item'];
      statement?: Origin['statement'];
      /** The span to underline; else the item's or statement's, when it starts at the place. */
      span?: Span;
    },
    /** Related places, such as the first copy of a duplicate. */
    notes?: Diagnostic['notes'],
  ): void;
}

/** A lint pass: reads the policy and its model, reports through the session. */
export type LintPass = (policy: Policy, model: PolicyModel, session: LintSession) => void;

/** Options of `lintPolicy`. */
export interface LintOptions {
  qnx?: QnxVersion;
  ranges?: NamedRangeValues;
}

/** Runs every lint pass over `policy`; diagnostics come out sorted by file order, line and column. */
export function lintPolicy(
  policy: Policy,
  options: LintOptions = {},
): { model: PolicyModel; diagnostics: Diagnostic[] } {
  const qnx = options.qnx ?? DEFAULT_QNX_VERSION;
  const model = buildModel(policy, { qnx, ...(options.ranges ? { ranges: options.ranges } : {}) });
  const session: LintSession = {
    qnx,
    diagnostics: [],
    report(severity, ruleId, message, at, notes) {
      // Underline what was reported: a node that starts elsewhere (a statement reported at
      // one of its names) would draw carets from the place to the end of the other node.
      const starts = (p: Span | undefined): Span | undefined =>
        p && p.start.line === at.line && p.start.column === at.column ? p : undefined;
      const pos = at.span ?? starts(at.item?.position) ?? starts(at.statement?.position);
      const d: Diagnostic = {
        severity,
        message,
        file: at.file,
        line: at.line,
        column: at.column,
        ruleId,
      };
      if (pos) d.span = { start: pos.start, end: pos.end };
      if (notes && notes.length > 0) d.notes = notes;
      this.diagnostics.push(d);
    },
  };
  for (const pass of LINT_PASSES) pass(policy, model, session);
  const fileOrder = new Map(policy.files.map((f, i) => [f.file, i]));
  // Stable, deterministic order: by file (as given), place, then rule id.
  const diagnostics = session.diagnostics
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        (fileOrder.get(a.d.file) ?? 0) - (fileOrder.get(b.d.file) ?? 0) ||
        a.d.line - b.d.line ||
        (a.d.column ?? 0) - (b.d.column ?? 0) ||
        (a.d.ruleId ?? '').localeCompare(b.d.ruleId ?? '') ||
        a.i - b.i,
    )
    .map((x) => x.d);
  return { model, diagnostics };
}
