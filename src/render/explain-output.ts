/**
 * Printing `explain`'s explanation (src/review/explain.ts): plain text (a
 * heading per reason, then per failure its why, the rule that would allow it,
 * the consulted rules and the hint) and the JSON document (schema
 * `secpol-learn/explain`). Rules are printed by the policy printer.
 */
import { printRuleLine } from '../policy/print';
import { EXPLAIN_SCHEMA_VERSION, type Explanation } from '../review/explain';
import { escapeJsonControls } from '../diagnostics/safe-text';

/** Plain-text explanation: a heading per reason, then per failure its why, rule, consulted rules and hint. */
export function explainText(x: Explanation): string {
  const out: string[] = [];
  for (const s of x.sections) {
    out.push(`== ${s.title} (${s.failures.length}) ==`);
    for (const f of s.failures) {
      const times = f.count > 1 ? ` (${f.count} records)` : '';
      out.push(`${f.file}:${f.line}: ${f.process} (${f.type}) ${f.access}${times}`);
      out.push(`  why: ${f.why}`);
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
    }
    out.push('');
  }
  if (x.sections.length === 0) out.push('no failures recorded in the traces', '');
  return out.join('\n');
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
