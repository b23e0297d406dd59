/**
 * Printing a semantic policy diff: text (one line per difference, `+`
 * added, `-` removed, `>` widened, `<` narrowed, `~` changed), JSON (schema
 * `secpol-learn/diff`) and markdown (a table per type, a Mermaid diagram of
 * the connects, attaches and links added or removed; templates/diff.hbs).
 */
import { DIFF_SCHEMA_VERSION, type DiffEntry, type PolicyDiff } from '../review/policy-diff';
import { mermaidGraph, type GraphEdge } from './mermaid';
import { cell, markdownText } from './review-templates';
import { builtinTemplate, type Template } from './builtin-templates';
import { escapeJsonControls } from '../diagnostics/safe-text';

const SIGN: Record<DiffEntry['change'], string> = {
  added: '+',
  removed: '-',
  widened: '>',
  narrowed: '<',
  changed: '~',
};

function where(e: DiffEntry): string {
  const at = e.newAt ?? e.oldAt;
  return at ? `${at.file}:${at.line}` : '';
}

function domainText(e: DiffEntry): string {
  return e.domain ? ` (${e.domain === 'both' ? 'root and non-root' : e.domain})` : '';
}

/** One line per difference, then nothing else (the summary goes to stderr). */
export function diffText(d: PolicyDiff): string {
  return d.entries
    .map((e) => {
      const what =
        e.change === 'added' ? e.new! : e.change === 'removed' ? e.old! : `${e.old} -> ${e.new}`;
      // A declaration has no subject type (its `type` is `-` in the JSON): none is printed.
      const subject = e.kind === 'declaration' ? '' : ` ${e.type}`;
      return `${SIGN[e.change]} ${e.change}${subject} ${e.kind}${domainText(e)}: ${what}  [${where(e)}]\n`;
    })
    .join('');
}

/** The one-line summary. */
export function diffSummary(d: PolicyDiff): string {
  const s = d.summary;
  return `${s.added} added, ${s.removed} removed, ${s.widened} widened, ${s.narrowed} narrowed, ${s.changed} changed`;
}

/** The JSON document of `diff --format json`. */
export function diffJson(d: PolicyDiff, files: { old: string[]; new: string[] }): string {
  return `${escapeJsonControls(JSON.stringify({ schema: 'secpol-learn/diff', schemaVersion: DIFF_SCHEMA_VERSION, old: files.old, new: files.new, summary: d.summary, entries: d.entries }, null, 2))}\n`;
}

/** The connect / attach / link edges a diff adds or removes (widened paths: old removed, new added). */
export function diffEdges(d: PolicyDiff): GraphEdge[] {
  const out: GraphEdge[] = [];
  for (const e of d.entries) {
    if (e.kind !== 'connect' && e.kind !== 'attach' && e.kind !== 'link') continue;
    const target = (text: string | undefined): string =>
      e.kind === 'connect' ? e.object : text!.split(' ').slice(2).join(' ');
    if (e.old && e.change !== 'added')
      out.push({ from: e.type, to: target(e.old), kind: e.kind, change: '-' });
    if (e.new && e.change !== 'removed')
      out.push({ from: e.type, to: target(e.new), kind: e.kind, change: '+' });
  }
  return out;
}

/** Renders the diff as a pull-request comment. */
export function diffMarkdown(
  d: PolicyDiff,
  files: { old: string[]; new: string[] },
  template: Template = builtinTemplate('diff'),
): string {
  // Entries by type, in the order the types first appear (one pass: a filter per type was quadratic).
  const byType = new Map<string, PolicyDiff['entries']>();
  for (const e of d.entries) {
    const list = byType.get(e.type);
    if (list) list.push(e);
    else byType.set(e.type, [e]);
  }
  const view = {
    title: 'secpol-learn diff',
    summary: [
      `old: ${files.old.join(', ')}; new: ${files.new.join(', ')}`,
      d.entries.length === 0 ? 'no difference in what the policies grant' : diffSummary(d),
    ].map(markdownText),
    types: [...byType].map(([t, entries]) => ({
      name: t,
      rows: entries.map((e) => ({
        cells: [
          `${SIGN[e.change]} ${e.change}`,
          e.kind,
          e.domain ?? '',
          cell(e.old ?? '', true),
          cell(e.new ?? '', true),
          cell(where(e)),
        ],
      })),
    })),
    diagram: mermaidGraph(diffEdges(d)),
  };
  return template(view);
}
