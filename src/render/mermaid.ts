/**
 * Mermaid flowcharts for the markdown reports: types as rounded nodes, paths
 * as plain nodes, one edge per channel connection, attach or link that a
 * change adds (`+`) or removes (`-`). Code-review sites draw them. Node ids
 * are generated (`n0`, `n1`…), so no policy text ever lands in Mermaid
 * syntax; labels are quoted, with `"`, `<`, `>` and backticks as Mermaid entity codes
 * (no HTML, no markdown string), controls as `?`, line breaks as spaces. Deterministic:
 * edges are sorted, and at most MAX_EDGES are drawn. Empty string when there
 * is nothing to draw.
 */
import { visible } from '../diagnostics/safe-text';

/** One edge: a type connecting to a type, or attaching / linking a path. */
export interface GraphEdge {
  from: string;
  to: string;
  kind: 'connect' | 'attach' | 'link';
  change: '+' | '-';
}

const label = (s: string): string =>
  `"${visible(s)
    .replace(/[\r\n]/g, ' ')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')}"`;

/**
 * Edges drawn at most: Mermaid refuses larger graphs (its default `maxEdges` is 500 and
 * `maxTextSize` 50,000 characters), and a PR comment would show an error instead.
 */
export const MAX_EDGES = 200;

/** A fenced ```mermaid block (the first MAX_EDGES edges, with a note when there are more), or '' when `edges` is empty. */
export function mermaidGraph(edges: GraphEdge[]): string {
  if (edges.length === 0) return '';
  const all = [...edges].sort((a, b) =>
    a.from !== b.from
      ? a.from < b.from
        ? -1
        : 1
      : a.kind !== b.kind
        ? a.kind < b.kind
          ? -1
          : 1
        : a.to < b.to
          ? -1
          : a.to > b.to
            ? 1
            : a.change < b.change
              ? -1
              : 1,
  );
  const sorted = all.slice(0, MAX_EDGES);
  const ids = new Map<string, string>();
  const lines = ['```mermaid', 'flowchart LR'];
  const node = (name: string, isType: boolean): string => {
    const key = `${isType ? 't' : 'p'}:${name}`;
    let id = ids.get(key);
    if (!id) {
      id = `n${ids.size}`;
      ids.set(key, id);
      lines.push(isType ? `  ${id}(${label(name)})` : `  ${id}[${label(name)}]`);
    }
    return id;
  };
  const edgeLines: string[] = [];
  const styles: string[] = [];
  sorted.forEach((e, i) => {
    const a = node(e.from, true);
    const b = node(e.to, e.kind === 'connect');
    edgeLines.push(`  ${a} -->|${label(`${e.change} ${e.kind}`)}| ${b}`);
    // Added edges green, removed ones red and dashed: readable without the labels.
    styles.push(
      e.change === '+'
        ? `  linkStyle ${i} stroke:#2da44e`
        : `  linkStyle ${i} stroke:#cf222e,stroke-dasharray:4`,
    );
  });
  const note =
    all.length > sorted.length
      ? [
          `_The diagram draws the first ${sorted.length} of ${all.length} changes; the tables list every one._`,
          '',
        ]
      : [];
  return [...lines, ...edgeLines, ...styles, '```', '', ...note].join('\n');
}
