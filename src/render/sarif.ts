/**
 * SARIF 2.1.0 output for `check`, `lint` and `harden`: one run of the tool
 * `secpol-learn`, the rules that fired (id and one-line description), and one
 * result per finding with its level, message and locations (policy source
 * with line and column; trace file with line for failures), so code-review
 * tools annotate the lines. Only the fields listed in docs/ci.md are emitted;
 * `validateSarif` checks their shape. Does not emit fixes or code flows.
 */
import type { SarifFinding, SarifPlace, SarifRule } from '../review/sarif-finding';
import { escapeJsonControls } from '../diagnostics/safe-text';

/** The schema URI SARIF 2.1.0 documents name. */
export const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** A path as a relative URI reference: forward slashes, each segment percent-encoded. */
export function toUri(file: string): string {
  return file
    .split(/[\\/]/)
    .map((s, i) => (i === 0 && /^[A-Za-z]:$/.test(s) ? s : encodeURIComponent(s)))
    .join('/');
}

function location(p: SarifPlace, id?: number): object {
  return {
    ...(id !== undefined ? { id } : {}),
    physicalLocation: {
      artifactLocation: { uri: toUri(p.file) },
      region: { startLine: Math.max(1, p.line), ...(p.column ? { startColumn: p.column } : {}) },
    },
    ...(p.message ? { message: { text: p.message } } : {}),
  };
}

/** Builds one SARIF 2.1.0 log. Rules are those given plus any id a finding uses, sorted by id. */
export function toSarif(
  findings: SarifFinding[],
  rules: SarifRule[],
  tool: { version: string; informationUri?: string },
): object {
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const f of findings)
    if (!byId.has(f.ruleId)) byId.set(f.ruleId, { id: f.ruleId, description: f.ruleId });
  const ids = [...byId.keys()].sort();
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'secpol-learn',
            version: tool.version,
            ...(tool.informationUri ? { informationUri: tool.informationUri } : {}),
            rules: ids.map((id) => ({ id, shortDescription: { text: byId.get(id)!.description } })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: ids.indexOf(f.ruleId),
          level: f.level,
          message: { text: f.message },
          locations: f.locations.map((p) => location(p)),
          ...(f.related && f.related.length > 0
            ? { relatedLocations: f.related.map((p, i) => location(p, i)) }
            : {}),
          ...(f.suppressions && f.suppressions.length > 0
            ? {
                suppressions: f.suppressions.map((x) => ({
                  kind: x.kind,
                  status: 'accepted',
                  justification: x.justification,
                })),
              }
            : {}),
        })),
      },
    ],
  };
}

/** The log as text: 2-space JSON and a newline. */
export function formatSarif(log: object): string {
  return `${escapeJsonControls(JSON.stringify(log, null, 2))}\n`;
}

/** Diagnostics (lint, guard rules) as SARIF findings: `info` becomes `note`; a diagnostic without rule id is `syntax`. */
export function lintSarifFindings(
  diagnostics: Array<{
    severity: 'error' | 'warning' | 'info';
    message: string;
    file: string;
    line: number;
    column?: number;
    ruleId?: string;
    notes?: Array<{ message: string; file: string; line: number; column?: number }>;
  }>,
): SarifFinding[] {
  return diagnostics.map((d) => ({
    ruleId: d.ruleId ?? 'syntax',
    level: d.severity === 'info' ? 'note' : d.severity,
    message: d.message,
    locations: [{ file: d.file, line: d.line, ...(d.column ? { column: d.column } : {}) }],
    related: (d.notes ?? []).map((n) => ({
      file: n.file,
      line: n.line,
      ...(n.column ? { column: n.column } : {}),
      message: n.message,
    })),
  }));
}
