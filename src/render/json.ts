/**
 * The JSON output of `suggest` and `generate` (docs/json-schema.md, schema
 * version 1): produced in code, not through a template, with keys in a fixed
 * order so the same input gives the same bytes. Policy text in it (`text`,
 * `rules`) and risk reasons are built from validated fields only.
 */
import type { Evidence } from '../infer/requirement';
import type { LearnResult } from '../plan/learn';
import { PATCH_SCHEMA_VERSION } from '../plan/patch';
import { printItemNode, printStatement } from '../policy/print';
import { changeStatement } from '../plan/change-statement';
import { noteText } from './rule-text';
import { escapeJsonControls } from '../diagnostics/safe-text';
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { WaivedRequirement } from '../review/waivers';

function evidenceJson(e: Evidence): object {
  return {
    failures: e.failures,
    successes: e.successes,
    pids: e.pids,
    morePids: e.morePids,
    first: { file: e.first.file, line: e.first.line },
    last: { file: e.last.file, line: e.last.line },
    ...(e.firstFailure
      ? { firstFailure: { file: e.firstFailure.file, line: e.firstFailure.line } }
      : {}),
  };
}

/** What `--waive` kept out of the patch, and the waiver warnings (only when `--waive` is given). */
export interface WaivedJson {
  waived: WaivedRequirement[];
  warnings: Diagnostic[];
}

/** The JSON document for a run (ends with a newline). */
export function toJson(
  result: LearnResult,
  extra: { patch?: string; waivers?: WaivedJson } = {},
): string {
  const p = result.patch;
  const doc = {
    schema: 'secpol-learn/learn',
    schemaVersion: PATCH_SCHEMA_VERSION,
    command: result.command,
    traceFiles: result.traceFiles,
    summary: {
      events: result.eventCount,
      requirements: result.requirementCount,
      added: p.changes.reduce((n, c) => n + c.items.length, 0),
      declaredTypes: p.changes.filter((c) => c.kind === 'type').length,
      alreadyAllowed: p.alreadyAllowed.length,
      review: p.review.length,
      refused: result.refusedCount,
      notUnderstood: result.unknownCount,
    },
    changes: p.changes.map((c) => ({
      op: c.op,
      type: c.type,
      kind: c.kind,
      ...(c.domain ? { domain: c.domain } : {}),
      ...(c.object ? { object: c.object } : {}),
      ...(c.anchor ? { anchor: { file: c.anchor.file, line: c.anchor.line } } : {}),
      // The bare statement: comments (risk, notes) are in the items' fields.
      text: printStatement(changeStatement(c)).slice(0, -1),
      items: c.items.map((i) => ({
        text: printItemNode(i.node),
        processes: i.provenance.processes,
        notes: i.provenance.notes.map((n) => noteText(n).replace(/^# /, '')),
        ...(i.risk
          ? { risk: { severity: i.risk.severity, rule: i.risk.rule, reason: i.risk.reason } }
          : {}),
        evidence: evidenceJson(i.provenance.evidence),
      })),
    })),
    alreadyAllowed: p.alreadyAllowed.map((a) => ({
      type: a.type,
      kind: a.kind,
      object: a.object,
      ...(a.domain ? { domain: a.domain } : {}),
      by: a.by,
      evidence: evidenceJson(a.evidence),
    })),
    review: p.review.map((r) => ({
      code: r.code,
      message: r.message,
      evidence: evidenceJson(r.evidence),
    })),
    launches: p.launches,
    refused: result.refused.map((d) => ({ file: d.file, line: d.line, message: d.message })),
    ...(extra.waivers
      ? {
          waived: extra.waivers.waived.map((w) => ({
            file: w.file,
            line: w.line,
            records: w.records,
            type: w.type,
            process: w.process,
            access: w.access,
            waiver: {
              file: w.waiver.file,
              line: w.waiver.line,
              column: w.waiver.column,
              reason: w.waiver.reason,
              ...(w.waiver.until ? { until: w.waiver.until } : {}),
            },
          })),
          waiverWarnings: extra.waivers.warnings.map((d) => ({
            file: d.file,
            line: d.line,
            column: d.column ?? 1,
            message: d.message,
            ruleId: d.ruleId ?? '',
          })),
        }
      : {}),
    ...(extra.patch !== undefined ? { patch: extra.patch } : {}),
  };
  return `${escapeJsonControls(JSON.stringify(doc, null, 2))}\n`;
}
