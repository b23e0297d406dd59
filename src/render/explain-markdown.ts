/**
 * The view-model of `explain --format markdown` (templates/explain.hbs): a
 * table per reason, the rules that would allow the failures in one fenced
 * block (deduplicated, sorted), and a Mermaid diagram of the channel
 * connections, attaches and links those rules add. Only prepares strings.
 */
import type { Statement } from '../policy/ast';
import { printRuleLine } from '../policy/print';
import type { Explanation } from '../review/explain';
import { mermaidGraph, type GraphEdge } from './mermaid';
import { cell, markdownText } from './review-templates';
import { builtinTemplate, type Template } from './builtin-templates';

/** The edges a rule adds (connect / attach / link), read from its fields. */
export function edgesOfRule(rule: Statement, change: '+' | '-'): GraphEdge[] {
  if (rule.type === 'allow-connect')
    return rule.subjects.names.flatMap((s) =>
      rule.objects.names.map((o) => ({
        from: s.value,
        to: o.value,
        kind: 'connect' as const,
        change,
      })),
    );
  if (rule.type === 'allow-attach' || rule.type === 'allow-link') {
    const kind = rule.type === 'allow-attach' ? ('attach' as const) : ('link' as const);
    // The path as written, file-type prefix included (the monitor prints the plain path).
    return rule.paths.map((p) => ({
      from: rule.subject.value,
      to: p.fileType !== undefined ? `${p.fileType}:${p.path}` : p.path,
      kind,
      change,
    }));
  }
  return [];
}

/** Renders the explanation as a pull-request comment. */
export function explainMarkdown(
  x: Explanation,
  template: Template = builtinTemplate('explain'),
): string {
  // One rule per distinct text, sorted by it.
  const byText = new Map<string, Statement>();
  for (const s of x.sections)
    // A waived failure is accepted as it is (--waive): its rule is not proposed.
    for (const f of s.failures) if (f.rule && !f.waiver) byText.set(printRuleLine(f.rule), f.rule);
  const rules = [...byText.keys()].sort();
  const edges = rules.flatMap((r) => edgesOfRule(byText.get(r)!, '+'));
  const distinct = x.sections.reduce((n, s) => n + s.failures.length, 0);
  const view = {
    title: 'secpol-learn explain',
    summary: [
      `traces: ${x.traceFiles.join(', ')}; policy: ${x.policyFiles.join(', ')}`,
      `${x.failures} failure record(s), ${distinct} distinct`,
      ...x.sections.map((s) => `${s.title}: ${s.failures.length}`),
    ].map(markdownText),
    sections: x.sections.map((s) => ({
      title: s.title,
      count: s.failures.length,
      rows: s.failures.map((f) => ({
        cells: [
          cell(`${f.file}:${f.line}`),
          cell(f.process, true),
          cell(f.type, true),
          cell(f.access, true),
          String(f.count),
          cell(f.why),
          // Each piece escaped on its own: the `<br>` between them is the one HTML a cell holds.
          [
            ...f.consulted.map((c) => `${cell(`${c.file}:${c.line}`)} ${cell(c.summary, true)}`),
            ...(f.moreConsulted ? [`and ${f.moreConsulted} more`] : []),
          ].join('<br>') || 'none',
        ],
      })),
      hints: s.failures.filter((f) => f.hint).map((f) => cell(f.hint!)),
    })),
    hasRules: rules.length > 0,
    rules: rules.map((r) => `${r}\n`).join(''),
    diagram: mermaidGraph(edges),
  };
  return template(view);
}
