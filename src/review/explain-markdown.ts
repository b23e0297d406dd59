/**
 * The view-model of `explain --format markdown` (templates/explain.hbs): a
 * table per reason, the rules that would allow the failures in one fenced
 * block (deduplicated, sorted), and a Mermaid diagram of the channel
 * connections, attaches and links those rules add. Only prepares strings.
 */
import type { Explanation } from './explain';
import { mermaidGraph, type GraphEdge } from '../render/mermaid';
import { cell, renderReview } from './review-templates';

/** Parses the edge a one-line rule adds (connect / attach / link), if any. */
export function edgeOfRule(rule: string, change: '+' | '-'): GraphEdge | undefined {
  let m = /^allow (\S+) (\S+):channel connect;$/.exec(rule);
  if (m) return { from: m[1]!, to: m[2]!, kind: 'connect', change };
  m = /^allow_(attach|link) (\S+) (\S+);$/.exec(rule);
  if (m) return { from: m[2]!, to: m[3]!, kind: m[1] as 'attach' | 'link', change };
  return undefined;
}

/** Renders the explanation as a pull-request comment. */
export function explainMarkdown(x: Explanation): string {
  const rules = [
    ...new Set(x.sections.flatMap((s) => s.failures.map((f) => f.rule ?? '')).filter(Boolean)),
  ].sort();
  const edges = rules.map((r) => edgeOfRule(r, '+')).filter((e): e is GraphEdge => e !== undefined);
  const distinct = x.sections.reduce((n, s) => n + s.failures.length, 0);
  const view = {
    title: 'secpol-learn explain',
    summary: [
      `traces: ${x.traceFiles.join(', ')}; policy: ${x.policyFiles.join(', ')}`,
      `${x.failures} failure record(s), ${distinct} distinct`,
      ...x.sections.map((s) => `${s.title}: ${s.failures.length}`),
    ],
    sections: x.sections.map((s) => ({
      title: s.title,
      count: s.failures.length,
      rows: s.failures.map((f) => ({
        cells: [
          `${f.file}:${f.line}`,
          cell(f.process, true),
          cell(f.type, true),
          cell(f.access, true),
          String(f.count),
          cell(f.why),
          cell(
            [
              ...f.consulted.map((c) => `${c.file}:${c.line} \`${c.summary.replace(/`/g, "'")}\``),
              ...(f.moreConsulted ? [`and ${f.moreConsulted} more`] : []),
            ].join('<br>') || 'none',
          ),
        ],
      })),
      hints: s.failures.filter((f) => f.hint).map((f) => cell(f.hint!)),
    })),
    hasRules: rules.length > 0,
    rules: rules.map((r) => `${r}\n`).join(''),
    diagram: mermaidGraph(edges),
  };
  return renderReview('explain', view);
}
