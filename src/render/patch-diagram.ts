/**
 * The Mermaid diagram of a `suggest` patch, for its markdown report: the
 * channel connections, attaches and links the planned changes add. Built
 * from the planned changes (validated policy text), never from raw trace
 * text. Abilities are not drawn (they are not edges between types or paths).
 */
import type { PolicyPatch } from '../plan/patch';
import { printItemNode } from '../policy/print';
import { mermaidGraph, type GraphEdge } from './mermaid';

/** A markdown section with the diagram, or '' when the patch adds no connect, attach or link. */
export function patchDiagramSection(patch: PolicyPatch): string {
  const edges: GraphEdge[] = [];
  for (const c of patch.changes) {
    if (c.kind === 'connect' && c.object)
      edges.push({ from: c.type, to: c.object, kind: 'connect', change: '+' });
    else if (c.kind === 'attach' || c.kind === 'link')
      for (const item of c.items)
        edges.push({ from: c.type, to: printItemNode(item.node), kind: c.kind, change: '+' });
  }
  const graph = mermaidGraph(edges);
  return graph ? `\n## Channels and paths this change adds\n\n${graph}` : '';
}
