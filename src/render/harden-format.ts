/**
 * Printing `harden`'s findings: text (`FILE:LINE:COL: level: message
 * [code]`, the narrower rule on the next line), JSON (schema
 * `secpol-learn/harden`), SARIF rules and findings, and markdown (a table
 * per finding kind, the removal patch, a Mermaid diagram of the connects,
 * attaches and links it removes; templates/harden.hbs).
 */
import {
  HARDEN_SCHEMA_VERSION,
  type HardenCode,
  type HardenFinding,
  type HardenResult,
} from '../review/harden';
import type { SarifFinding, SarifLevel, SarifRule } from '../review/sarif-finding';
import { mermaidGraph, type GraphEdge } from './mermaid';
import { edgesOfRule } from './explain-markdown';
import { cell, markdownText } from './review-templates';
import { builtinTemplate, type Template } from './builtin-templates';
import { escapeJsonControls } from '../diagnostics/safe-text';

const LEVEL: Record<HardenCode, SarifLevel> = {
  'unused-grant': 'warning',
  'over-broad': 'warning',
  'multi-executable': 'warning',
  'type-not-seen': 'note',
};

/** The note printed when the traces hold no successes. */
export const NO_SUCCESS_NOTE =
  'the traces hold no successes (info: records): unused grants can only be found in traces taken with `secpolmonitor -s`; none reported';

/** Text: one line per finding, the narrower alternative indented below. */
export function hardenText(h: HardenResult): string {
  const out: string[] = [];
  for (const f of h.findings) {
    const level = LEVEL[f.code] === 'note' ? 'info' : LEVEL[f.code];
    out.push(`${f.file}:${f.line}:${f.column}: ${level}: ${f.message} [${f.code}]`);
    if (f.alternative) out.push(`  narrower: ${f.alternative}`);
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

/** The one-line summary. */
export function hardenSummary(h: HardenResult): string {
  const n = (c: HardenCode): number => h.findings.filter((f) => f.code === c).length;
  return `${n('unused-grant')} unused grant(s), ${n('over-broad')} over-broad, ${n('multi-executable')} shared type(s), ${n('type-not-seen')} type(s) not seen; ${h.successes} success and ${h.failures} failure record(s)`;
}

/** The JSON document of `harden --format json` (a finding's rule node is left out: `grant` prints it). */
export function hardenJson(h: HardenResult, patch: string): string {
  const { removals: _r, findings, ...rest } = h;
  void _r;
  const printed = findings.map((f) => {
    const { rule: _rule, ...printedFields } = f;
    void _rule;
    return printedFields;
  });
  return `${escapeJsonControls(JSON.stringify({ schema: 'secpol-learn/harden', schemaVersion: HARDEN_SCHEMA_VERSION, ...rest, findings: printed, ...(h.hasSuccesses ? {} : { note: NO_SUCCESS_NOTE }), patch }, null, 2))}\n`;
}

/** The SARIF rules `harden` may report. */
export const HARDEN_RULES: SarifRule[] = [
  {
    id: 'unused-grant',
    description: 'A grant no record of the traces used (traces taken with secpolmonitor -s)',
  },
  { id: 'over-broad', description: 'A grant much wider than what the traces show the type doing' },
  { id: 'multi-executable', description: 'A type shared by several different executables' },
  {
    id: 'type-not-seen',
    description: 'A type no process of the traces ran as: its grants are not judged',
  },
];

/** Findings for SARIF, at their policy places. */
export function hardenSarifFindings(h: HardenResult): SarifFinding[] {
  return h.findings.map((f: HardenFinding) => ({
    ruleId: f.code,
    level: LEVEL[f.code],
    message: f.alternative ? `${f.message}; narrower: ${f.alternative}` : f.message,
    locations: [{ file: f.file, line: f.line, column: f.column }],
  }));
}

/** Renders the findings as a pull-request comment. */
export function hardenMarkdown(
  h: HardenResult,
  patch: string,
  template: Template = builtinTemplate('harden'),
): string {
  const section = (
    code: HardenCode,
    title: string,
    lastHeader: string,
    last: (f: HardenFinding) => string,
  ): object | undefined => {
    const list = h.findings.filter((f) => f.code === code);
    if (list.length === 0) return undefined;
    return {
      title,
      count: list.length,
      lastHeader,
      rows: list.map((f) => ({
        cells: [cell(f.type, true), cell(f.grant, true), cell(`${f.file}:${f.line}`), last(f)],
      })),
    };
  };
  const edges: GraphEdge[] = h.findings
    .filter((f) => f.code === 'unused-grant')
    .flatMap((f) => (f.rule ? edgesOfRule(f.rule, '-') : []));
  const view = {
    title: 'secpol-learn harden',
    summary: [
      `traces: ${h.traceFiles.join(', ')}; policy: ${h.policyFiles.join(', ')}`,
      hardenSummary(h),
      ...(h.hasSuccesses ? [] : [NO_SUCCESS_NOTE]),
    ].map(markdownText),
    sections: [
      section('unused-grant', 'Unused grants', 'why', (f) => cell(f.message)),
      section('over-broad', 'Over-broad grants', 'narrower rule the traces support', (f) =>
        cell(f.alternative ?? 'none: ' + f.message, Boolean(f.alternative)),
      ),
      section('multi-executable', 'Types shared by several executables', 'why', (f) =>
        cell(f.message),
      ),
      section('type-not-seen', 'Types not seen in the traces', 'why', (f) => cell(f.message)),
    ].filter((s) => s !== undefined),
    patch,
    diagram: mermaidGraph(edges),
  };
  return template(view);
}
