/**
 * Printing `explain`'s explanation (src/review/explain.ts): plain text (a
 * heading per reason, then per failure its why, the rule that would allow it,
 * the consulted rules and the hint) and the JSON document (schema
 * `secpol-learn/explain`). Rules are printed by the policy printer.
 */
import { printRuleLine } from '../policy/print';
import {
  EXPLAIN_SCHEMA_VERSION,
  type ExplainVisitor,
  type ExplainedFailure,
  type Explanation,
} from '../review/explain';
import { appendAll } from '../arrays';
import { escapeJsonControls } from '../diagnostics/safe-text';

/** Plain-text explanation: a heading per reason, then per failure its why, rule, consulted rules and hint. */
export function explainText(x: Explanation): string {
  const out: string[] = [];
  for (const s of x.sections) {
    out.push(explainHeading(s.title, s.failures.length));
    for (const f of s.failures) appendAll(out, explainFailureLines(f));
    out.push('');
  }
  if (x.sections.length === 0) out.push('no failures recorded in the traces', '');
  return out.join('\n');
}

/**
 * `explainText` streamed, for `explainSummary` (src/review/explain.ts): the
 * same bytes, handed to `write` in pieces of about 64 kB; `end()` writes the
 * rest.
 */
export function explainTextStream(write: (text: string) => void): ExplainVisitor & { end(): void } {
  let pending = '';
  let sections = 0;
  const put = (text: string): void => {
    pending += text;
    if (pending.length >= 65_536) {
      write(pending);
      pending = '';
    }
  };
  return {
    section: (_reason, title, count) =>
      put(`${sections++ > 0 ? '\n' : ''}${explainHeading(title, count)}\n`),
    failure: (f) => put(`${explainFailureLines(f).join('\n')}\n`),
    end: () => {
      if (sections === 0) put('no failures recorded in the traces\n');
      write(pending);
      pending = '';
    },
  };
}

/** A section's heading line in text (explainText; streamed by `explain`). */
export function explainHeading(title: string, count: number): string {
  return `== ${title} (${count}) ==`;
}

/** The text lines of one explained failure (explainText; streamed by `explain`). */
export function explainFailureLines(f: ExplainedFailure): string[] {
  const times = f.count > 1 ? ` (${f.count} records)` : '';
  const out = [
    `${f.file}:${f.line}: ${f.process} (${f.type}) ${f.access}${times}`,
    `  why: ${f.why}`,
  ];
  if (f.rule) out.push(`  rule that would allow it: ${printRuleLine(f.rule)}`);
  if (f.reason !== 'allowed-now') {
    if (f.consulted.length === 0)
      out.push(`  consulted: none (no rule of ${f.type} for this access)`);
    for (const c of f.consulted)
      out.push(`  consulted: ${c.file}:${c.line}:${c.column} ${c.summary}`);
    if (f.moreConsulted)
      out.push(`  consulted: ${f.moreConsulted} more rule(s) of ${f.type}, not listed`);
  }
  if (f.hint) out.push(`  hint: ${f.hint}`);
  return out;
}

/** The JSON document of `explain --format json`. */
export function explainJson(x: Explanation): string {
  // Rules are printed by the policy printer, on one line.
  const sections = x.sections.map((s) => ({
    ...s,
    failures: s.failures.map((f) => (f.rule ? { ...f, rule: printRuleLine(f.rule) } : f)),
  }));
  return `${escapeJsonControls(JSON.stringify({ schema: 'secpol-learn/explain', schemaVersion: EXPLAIN_SCHEMA_VERSION, ...x, sections }, null, 2))}\n`;
}
