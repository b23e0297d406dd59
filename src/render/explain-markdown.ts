/**
 * The view-model of `explain --format markdown` (templates/explain.hbs): a
 * table per reason, the rules that would allow the failures in one fenced
 * block (deduplicated, sorted), and a Mermaid diagram of the channel
 * connections, attaches and links those rules add. Only prepares strings.
 */
import type { Statement } from '../policy/ast';
import type { ExplainedFailure, ExplainStep, Explanation } from '../review/explain';
import { ruleLine, type ExplainHead } from './explain-output';
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
  const view = new ExplainMarkdownView();
  for (const s of x.sections) {
    view.section(s.title, s.failures.length);
    for (const f of s.failures) view.failure(f);
  }
  return view.render(x, template);
}

/**
 * `explainMarkdown` as `explainSteps` (src/review/explain.ts) yields the
 * explanation: the same text, with each failure's row kept as its cells'
 * strings, not as the failure. Returns the text and the number of failure
 * groups.
 */
export function explainMarkdownSteps(
  steps: Generator<ExplainStep, number, undefined>,
  head: ExplainHead,
  template: Template = builtinTemplate('explain'),
): { text: string; groups: number } {
  const view = new ExplainMarkdownView();
  let step = steps.next();
  for (; !step.done; step = steps.next()) {
    const x = step.value;
    if (x.kind === 'section') view.section(x.title, x.count);
    else view.failure(x.failure);
  }
  return { text: view.render(head, template), groups: step.value };
}

/** A section of the view: its table's rows and its hints. */
interface SectionView {
  title: string;
  count: number;
  rows: Array<{ cells: string[] }>;
  hints: string[];
}

/** The view-model, built a section heading and a failure at a time. */
class ExplainMarkdownView {
  private readonly sections: SectionView[] = [];
  /** The edges of each rule proposed, by its text. */
  private readonly edgesByRule = new Map<string, GraphEdge[]>();
  /** Cells of a type or a process (code) and of a why (text), by their text: rows share them (most repeat). */
  private readonly codeCells = new Map<string, string>();
  private readonly textCells = new Map<string, string>();

  private sharedCell(text: string, code: boolean): string {
    const cells = code ? this.codeCells : this.textCells;
    let made = cells.get(text);
    if (made === undefined) cells.set(text, (made = cell(text, code)));
    return made;
  }

  section(title: string, count: number): void {
    this.sections.push({ title, count, rows: [], hints: [] });
  }

  failure(f: ExplainedFailure): void {
    const s = this.sections[this.sections.length - 1]!;
    // A waived failure is accepted as it is (--waive): its rule is not proposed.
    if (f.rule && !f.waiver) {
      const text = ruleLine(f.rule);
      if (!this.edgesByRule.has(text)) this.edgesByRule.set(text, edgesOfRule(f.rule, '+'));
    }
    s.rows.push({
      cells: [
        cell(`${f.file}:${f.line}`),
        this.sharedCell(f.process, true),
        this.sharedCell(f.type, true),
        cell(f.access, true),
        String(f.count),
        this.sharedCell(f.why, false),
        // Each piece escaped on its own: the `<br>` between them is the one HTML a cell holds.
        [
          ...f.consulted.map((c) => `${cell(`${c.file}:${c.line}`)} ${cell(c.summary, true)}`),
          ...(f.moreConsulted ? [`and ${f.moreConsulted} more`] : []),
        ].join('<br>') || 'none',
      ],
    });
    if (f.hint) s.hints.push(cell(f.hint));
  }

  render(head: ExplainHead, template: Template): string {
    // One rule per distinct text, sorted by it.
    const rules = [...this.edgesByRule.keys()].sort();
    const edges = rules.flatMap((r) => this.edgesByRule.get(r)!);
    const distinct = this.sections.reduce((n, s) => n + s.rows.length, 0);
    return template({
      title: 'secpol-learn explain',
      summary: [
        `traces: ${head.traceFiles.join(', ')}; policy: ${head.policyFiles.join(', ')}`,
        `${head.failures} failure record(s), ${distinct} distinct`,
        ...this.sections.map((s) => `${s.title}: ${s.count}`),
      ].map(markdownText),
      sections: this.sections,
      hasRules: rules.length > 0,
      rules: rules.map((r) => `${r}\n`).join(''),
      diagram: mermaidGraph(edges),
    });
  }
}
