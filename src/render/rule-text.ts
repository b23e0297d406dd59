/**
 * Planned changes as policy text: the change's statement node
 * (plan/change-statement.ts) with its provenance turned into `#` comment
 * nodes, printed by the one printer (policy/print.ts), with each item's risk
 * as a `# risk: ...` comment above it. Here only the wording of provenance
 * is decided; every rule word comes from nodes built by the
 * validated constructors (policy/nodes.ts), every comment goes through
 * `comment()`, which refuses anything but one `#` line.
 */
import type { AbilityItem, Comment, PathSpec, Statement } from '../policy/ast';
import { comment } from '../policy/nodes';
import { printBlockItems, printStatement } from '../policy/print';
import { blockItems, changeStatement } from '../plan/change-statement';
import type { ChangeNote, ItemNote, PlannedChange, PlannedItem, Provenance } from '../plan/patch';
import { appendAll } from '../arrays';
import type { Risk } from '../policy/risk';

/** Options of the text builders. */
export interface RuleTextOptions {
  /** Print evidence comments (`--explain`). */
  explain: boolean;
}

/** An item note as the comment line printed above the item (always). */
export function noteText(note: ItemNote): string {
  switch (note.kind) {
    case 'hint':
      return `# hint: ${note.process} did this as ${note.to}; launch it with \`on -T ${note.to} ...\` rather than widen ${note.from}`;
    case 'link-from-attach':
      return `# review: reported as an attach; allow_link because ${note.because}`;
    case 'gain-priv':
      return `# gain_priv: ${note.target} holds ${note.ability} beyond what ${note.subject} holds; secpolcompile refuses settypeid:${note.target} without it`;
    case 'collapsed':
      return `# collapsed (--collapse): ${note.paths.join(' ')}`;
  }
}

/** A change note as its comment line. */
export function changeNoteText(note: ChangeNote, type: string): string {
  return `# own type for ${note.processes.join(', ')} (was ${note.from.join(', ')}); launch it with \`on -T ${type} ...\``;
}

/** Evidence comment lines for `--explain` (validated fields and numbers only). */
export function explainLines(p: Provenance): string[] {
  if (p.folded) return p.folded.flatMap(explainLines);
  if (p.derived) return [];
  const e = p.evidence;
  const shown = p.processes.map((x) => x || '(unnamed)');
  const more = p.moreProcesses > 0 ? ` and ${p.moreProcesses} more` : '';
  const pids = e.pids.join(', ') + (e.morePids ? ', ...' : '');
  const counts = [
    e.failures > 0 ? `${e.failures} denied` : '',
    e.successes > 0 ? `${e.successes} allowed` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const at = e.firstFailure ?? e.first;
  const lines = [`# needed by ${shown.join(', ')}${more} (pid ${pids}): ${counts}`];
  lines.push(
    `# first seen ${safePlace(at.file)}:${at.line}` +
      (e.last.file !== at.file || e.last.line !== at.line
        ? `, last ${safePlace(e.last.file)}:${e.last.line}`
        : ''),
  );
  return lines;
}

/** File names come from the user's command line, but a comment must stay one line. */
function safePlace(file: string): string {
  return file.replace(/[\x00-\x1f\x7f\u2028\u2029]/g, '?');
}

/** A risk in words, `high [report-risky-grant]: REASON` (the reason holds validated words only). */
export function riskWords(risk: Risk): string {
  return `${risk.severity} [${risk.rule}]: ${risk.reason}`;
}

/** The comment lines above an item, as text (risk and notes always, evidence with `--explain`). */
export function itemCommentLines(item: PlannedItem, options: RuleTextOptions): string[] {
  return [
    ...(item.risk ? [`# risk: ${riskWords(item.risk)}`] : []),
    ...item.provenance.notes.map(noteText),
    ...(options.explain ? explainLines(item.provenance) : []),
  ];
}

/** The comment nodes above an item. */
export function itemComments(item: PlannedItem, options: RuleTextOptions): Comment[] {
  return itemCommentLines(item, options).map(comment);
}

/** The items of a change as block items carrying their comments (new nodes; the plan's are not touched). */
function commentedItems(
  change: PlannedChange,
  options: RuleTextOptions,
): Array<AbilityItem | PathSpec> {
  const nodes = blockItems(change);
  return change.items.flatMap((item) => {
    if (item.node.type === 'name') return [];
    const node = nodes.find((n) => n === item.node)!;
    const leading = itemComments(item, options);
    return [leading.length > 0 ? { ...node, leadingComments: leading } : node];
  });
}

/**
 * The standalone statement of a change with its comments: change notes above
 * it; item comments above each item in a block, above the statement when the
 * statement has no block (a connect, a single path).
 */
export function commentedStatement(change: PlannedChange, options: RuleTextOptions): Statement {
  const bare = changeStatement(change);
  const above: Comment[] = change.notes.map((n) => comment(changeNoteText(n, change.type)));
  if (bare.type === 'allow-ability') {
    const items = commentedItems(change, options) as AbilityItem[];
    const flags = bare.items.filter((i) => i.type === 'ability-flag');
    return withLeading({ ...bare, items: [...flags, ...items] }, above);
  }
  if ((bare.type === 'allow-attach' || bare.type === 'allow-link') && bare.braced)
    return withLeading({ ...bare, paths: commentedItems(change, options) as PathSpec[] }, above);
  for (const item of change.items) appendAll(above, itemComments(item, options));
  return withLeading(bare, above);
}

function withLeading(s: Statement, leading: Comment[]): Statement {
  return leading.length > 0 ? { ...s, leadingComments: leading } : s;
}

/** The standalone statement of a change, one string per line. */
export function statementLines(change: PlannedChange, options: RuleTextOptions): string[] {
  return printStatement(commentedStatement(change, options)).slice(0, -1).split('\n');
}

/** The lines of a change's items joining an existing block, each with its comments, indented by `indent`. */
export function blockItemLines(
  change: PlannedChange,
  options: RuleTextOptions,
  indent: string,
): string[] {
  return printBlockItems(commentedItems(change, options), indent);
}
