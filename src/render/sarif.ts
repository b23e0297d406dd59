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
import { mapped } from '../arrays';
import { prettyJsonLines } from './pretty-json-lines';

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

/** The rules of a log: those given plus any other id in `used` (described by its id), sorted by id. */
export function sarifRules(rules: SarifRule[], used: Iterable<string>): SarifRule[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const id of used) if (!byId.has(id)) byId.set(id, { id, description: id });
  return [...byId.keys()].sort().map((id) => byId.get(id)!);
}

/** A log of the (sorted) `rules` with `results` (`sarifResult`s). */
function sarifLog(
  rules: SarifRule[],
  tool: { version: string; informationUri?: string },
  results: object[],
): object {
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
            rules: rules.map((r) => ({ id: r.id, shortDescription: { text: r.description } })),
          },
        },
        results,
      },
    ],
  };
}

/** One finding as a result of a log whose rule ids are `ids` (sorted). */
export function sarifResult(f: SarifFinding, ids: readonly string[]): object {
  return {
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
  };
}

/** Builds one SARIF 2.1.0 log. Rules are those given plus any id a finding uses, sorted by id. */
export function toSarif(
  findings: SarifFinding[],
  rules: SarifRule[],
  tool: { version: string; informationUri?: string },
): object {
  const all = sarifRules(
    rules,
    findings.map((f) => f.ruleId),
  );
  const ids = all.map((r) => r.id);
  return sarifLog(
    all,
    tool,
    findings.map((f) => sarifResult(f, ids)),
  );
}

/**
 * `formatSarif(toSarif(findings, rules, tool))` as lines (without their
 * newlines), each finding read and printed in its turn, none held: `used`
 * names every rule id of the findings (their log's rules come first).
 */
export function sarifLines(
  findings: Iterable<SarifFinding>,
  rules: SarifRule[],
  used: Iterable<string>,
  tool: { version: string; informationUri?: string },
): Generator<string, void, undefined> {
  const all = sarifRules(rules, used);
  const ids = all.map((r) => r.id);
  return prettyJsonLines(sarifLog(all, tool, []), [
    { key: 'results', depth: 3, items: mapped(findings, (f) => sarifResult(f, ids)) },
  ]);
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
