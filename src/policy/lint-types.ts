/**
 * The types of lint: what a pass is, what it reports through, the options
 * and the result of `lintPolicy`. A type module of its own so the passes
 * (passes/*) and the runner (lint.ts) both import it and not each other.
 */
import type { Diagnostic, Severity, Span } from '../diagnostics/diagnostic';
import type { Policy } from './ast';
import type { NamedRangeValues, Origin, PolicyModel } from './model/types';
import type { QnxVersion } from '../qnx/abilities';
import type { SuppressedDiagnostic } from './suppressions';

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

/**
 * What `lintPolicy` returns: the model it built, the diagnostics in report order, and the
 * findings inline suppressions took out (policy/suppressions.ts).
 */
export interface LintResult {
  model: PolicyModel;
  diagnostics: Diagnostic[];
  suppressed: SuppressedDiagnostic[];
}
