/**
 * The output of `secpol-learn lint`: diagnostics with code frames (text), one
 * JSON document (docs/lint.md, docs/json-schema.md) or a SARIF log. Only
 * prints: the command reads the files and runs the passes.
 */
import type { SuppressedDiagnostic } from '../policy/suppressions';
import type { Diagnostic } from '../diagnostics/diagnostic';
import { formatDiagnostic } from '../diagnostics/code-frame';
import { formatSarif, lintSarifFindings, toSarif } from './sarif';
import { escapeJsonControls } from '../diagnostics/safe-text';

/** Version of lint's JSON document (`schema: secpol-learn/lint`). */
export const LINT_SCHEMA_VERSION = 1;
/**
 * The marker lint's JSON carried before it followed the common convention
 * (`schema` + `schemaVersion`, docs/json-schema.md); kept, same value, for existing readers.
 */
export const LINT_JSON_VERSION = 'secpol-learn/lint@1';

/** How many diagnostics of each severity. */
export interface LintCounts {
  errors: number;
  warnings: number;
  infos: number;
}

/** Counts diagnostics by severity. */
export function lintCounts(diagnostics: readonly Diagnostic[]): LintCounts {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  return { errors, warnings, infos: diagnostics.length - errors - warnings };
}

/** Each diagnostic with its code frame, from the text of the file it names (`texts`). */
export function lintText(
  diagnostics: readonly Diagnostic[],
  texts: ReadonlyMap<string, string>,
): string {
  return diagnostics.map((d) => formatDiagnostic(d, texts.get(d.file) ?? '')).join('');
}

/** The count line shown on stderr after text output; empty when there is nothing to count. */
export function lintCountLine(diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return '';
  const { errors, warnings } = lintCounts(diagnostics);
  return `${errors} error(s), ${warnings} warning(s)\n`;
}

/** The JSON document (2-space indented, newline-terminated; BigInt values as decimal strings). */
export function lintJson(qnx: string, files: readonly string[], diagnostics: Diagnostic[]): string {
  const doc = {
    schema: 'secpol-learn/lint',
    schemaVersion: LINT_SCHEMA_VERSION,
    version: LINT_JSON_VERSION,
    qnx,
    files,
    summary: lintCounts(diagnostics),
    diagnostics,
  };
  return `${escapeJsonControls(JSON.stringify(doc, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2))}\n`;
}

/** The SARIF 2.1.0 log of the diagnostics. */
export function lintSarif(
  diagnostics: Diagnostic[],
  toolVersion: string,
  suppressed: SuppressedDiagnostic[] = [],
): string {
  // Findings an inline suppression took out stay in the log, suppressed with its reason.
  const kept = suppressed.map((s) => ({
    ...lintSarifFindings([s.diagnostic])[0]!,
    suppressions: [
      {
        kind: 'inSource' as const,
        justification: `${s.reason} (${s.file}:${s.line}:${s.column})`,
      },
    ],
  }));
  return formatSarif(
    toSarif([...lintSarifFindings(diagnostics), ...kept], [], { version: toolVersion }),
  );
}
