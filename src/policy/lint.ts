/**
 * The lint pass runner: builds the model once and runs each pass of the
 * ordered registry (passes/index.ts) over the policy, collecting diagnostics.
 * Each pass is a small function `(policy, model, session) => void` in its own
 * file; docs/lint.md describes every pass with an example.
 *
 * Suppression comments in the policy take findings out (they are returned
 * apart, with their reasons). Does not parse (give it a parsed Policy) and
 * does not print.
 */
import type { Diagnostic, Span } from '../diagnostics/diagnostic';
import type { Policy } from './ast';
import { buildModel } from './model/build-model';
import { DEFAULT_QNX_VERSION } from '../qnx/abilities';
import { LINT_PASSES } from './passes';
import type { LintOptions, LintResult, LintSession } from './lint-types';
import { applySuppressions } from './suppressions';

export type { LintOptions, LintPass, LintResult, LintSession } from './lint-types';

/** Runs every lint pass over `policy`; diagnostics come out sorted by file order, line and column. */
export function lintPolicy(policy: Policy, options: LintOptions = {}): LintResult {
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
  // Inline suppressions (`# secpol-learn-disable-next-line RULE -- REASON`), see suppressions.ts.
  const { diagnostics: kept, suppressed } = applySuppressions(policy, session.diagnostics);
  const fileOrder = new Map(policy.files.map((f, i) => [f.file, i]));
  // Stable, deterministic order: by file (as given), place, then rule id.
  const diagnostics = kept
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
  return { model, diagnostics, suppressed };
}
