/** Tests of the Mermaid flowcharts of the markdown reports. */
import { MAX_EDGES, mermaidGraph, type GraphEdge } from './mermaid';

describe('mermaidGraph', () => {
  it('draws sorted edges with generated ids and quoted labels, nothing for no edges', () => {
    const out = mermaidGraph([
      { from: 'b_t', to: '/dev/"x"', kind: 'attach', change: '-' },
      { from: 'a_t', to: 'b_t', kind: 'connect', change: '+' },
    ]);
    expect(out).toBe(
      [
        '```mermaid',
        'flowchart LR',
        '  n0("a_t")',
        '  n1("b_t")',
        '  n2["/dev/#quot;x#quot;"]',
        '  n0 -->|"+ connect"| n1',
        '  n1 -->|"- attach"| n2',
        '  linkStyle 0 stroke:#2da44e',
        '  linkStyle 1 stroke:#cf222e,stroke-dasharray:4',
        '```',
        '',
      ].join('\n'),
    );
    expect(mermaidGraph([])).toBe('');
  });

  it('draws at most MAX_EDGES edges and says how many there were', () => {
    const edges: GraphEdge[] = Array.from({ length: MAX_EDGES + 50 }, (_, i) => ({
      from: 'a_t',
      to: `/dev/x${String(i).padStart(4, '0')}`,
      kind: 'attach',
      change: '+',
    }));
    const out = mermaidGraph(edges);
    expect(out.match(/-->/g)).toHaveLength(MAX_EDGES);
    expect(out).toContain(`linkStyle ${MAX_EDGES - 1} `);
    expect(out).not.toContain(`linkStyle ${MAX_EDGES} `);
    expect(out).toContain('/dev/x0000');
    expect(out).not.toContain(`/dev/x${String(MAX_EDGES).padStart(4, '0')}`);
    expect(
      out.endsWith(
        `\`\`\`\n\n_The diagram draws the first ${MAX_EDGES} of ${MAX_EDGES + 50} changes; the tables list every one._\n`,
      ),
    ).toBe(true);
  });
});
