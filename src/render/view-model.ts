/**
 * View-models for the templates: every sort, group and sentence is decided
 * here, so templates/*.hbs only print. One view per template:
 * - `SnippetView` (snippet.hbs): the added rules alone, grouped per type;
 * - `DraftView` (draft.hbs): a complete policy, per type with a header comment;
 * - `ReportView` (report.hbs): the markdown review report.
 * Text in views comes from validated trace fields, counts and file names.
 */
import type { LearnResult } from '../plan/learn';
import type { PlannedChange } from '../plan/patch';
import { printItemNode, printRuleLine } from '../policy/print';
import { allowConnect } from '../policy/nodes';
import { changeStatement } from '../plan/change-statement';
import { riskWords, statementLines, type RuleTextOptions } from './rule-text';
import type { Risk } from '../policy/risk';
import { cell, markdownText } from './review-templates';

/** A group of statements about one type. */
export interface TypeSection {
  type: string;
  /** The `# type T` header comment line. */
  heading: string;
  /** Each statement as policy text, lines joined with `\n`, no final newline. */
  statements: string[];
}

/** The view of snippet.hbs. */
export interface SnippetView {
  /** Comment lines before the rules (empty when there is nothing to say). */
  header: string[];
  sections: TypeSection[];
  /** `# launch ...` comment lines (for `-c` types and wrong-type hints). */
  launches: string[];
  empty: boolean;
}

/** The view of draft.hbs. */
export interface DraftView {
  header: string[];
  /** The base policies' text, when `--base` was given (already ends with a newline). */
  base: string;
  sections: TypeSection[];
  launches: string[];
  /** Lines of the `--collapse` step, when asked for (a marked, separate section). */
  collapse: string[];
}

/** One row of the report's tables. */
export interface ReportRow {
  cells: string[];
}

/** A row of the rules to add: its cells (the last one the risk, escaped) and the risk as data. */
export interface AddedRow extends ReportRow {
  /** The item's risk (src/policy/risk.ts), `null` when harmless or a declaration. */
  risk: Risk | null;
}

/** The view of report.hbs. */
export interface ReportView {
  title: string;
  summary: string[];
  added: AddedRow[];
  alreadyAllowed: ReportRow[];
  review: ReportRow[];
  refused: ReportRow[];
  launches: string[];
  /** The rules as a secpol snippet (for a fenced code block). */
  snippet: string;
  hasAdded: boolean;
  hasAlreadyAllowed: boolean;
  hasReview: boolean;
  hasRefused: boolean;
  hasLaunches: boolean;
}

/**
 * Options of the snippet and draft views. `release`: the view is the last use
 * of the patch's changes, and each is dropped once printed (`changes` is empty
 * afterwards), so the changes and their text are not all alive at once
 * (docs/performance.md, "1M distinct failures").
 */
export type ViewOptions = RuleTextOptions & { release?: boolean };

/** Groups changes per type, each statement as text. */
export function typeSections(changes: PlannedChange[], options: ViewOptions): TypeSection[] {
  const byType = new Map<string, string[]>();
  const slots: Array<PlannedChange | undefined> = changes;
  for (let i = 0; i < slots.length; i++) {
    const c = slots[i]!;
    if (options.release) slots[i] = undefined;
    let list = byType.get(c.type);
    if (!list) byType.set(c.type, (list = []));
    list.push(statementLines(c, options).join('\n'));
  }
  if (options.release) changes.length = 0;
  // Changes come sorted by type already; Map keeps that order.
  return [...byType].map(([type, statements]) => ({ type, heading: `# type ${type}`, statements }));
}

/** True for a change that declares a name (a type, a custom ability) rather than adding items. */
function isDeclaration(c: PlannedChange): boolean {
  return c.kind === 'type' || c.kind === 'ability-decl';
}

/** The launch comments of a result. */
export function launchLines(result: LearnResult): string[] {
  return result.patch.launches.map((l) =>
    l.reason === 'new-type'
      ? `# launch ${l.process} with \`on -T ${l.to} ...\` (it ran as ${l.from}, shared with other executables)`
      : `# launch ${l.process} with \`on -T ${l.to} ...\` (it failed as ${l.from} and succeeded as ${l.to})`,
  );
}

/** The snippet view: rules alone. */
export function toSnippetView(result: LearnResult, options: ViewOptions): SnippetView {
  const count = countLabel(result.patch.changes);
  const sections = typeSections(result.patch.changes, options);
  const header = sections.length
    ? [`# secpol-learn ${result.command}: ${count} from ${result.traceFiles.length} trace file(s)`]
    : [];
  return { header, sections, launches: launchLines(result), empty: sections.length === 0 };
}

function countLabel(changes: PlannedChange[]): string {
  const items = changes.reduce((n, c) => n + (isDeclaration(c) ? 1 : c.items.length), 0);
  return `${items} rule item${items === 1 ? '' : 's'}`;
}

/** The draft view: a complete policy. */
export function toDraftView(
  result: LearnResult,
  options: ViewOptions & { base: string; collapse: string[] },
): DraftView {
  return {
    header: [
      `# Draft policy generated by secpol-learn from ${result.traceFiles.length} trace file(s).`,
      '# Review it before use: it allows everything the traces show, nothing more.',
    ],
    base: options.base,
    sections: typeSections(result.patch.changes, options),
    launches: launchLines(result),
    collapse: options.collapse,
  };
}

/**
 * A connect item's cell, `T O:channel connect`: the printed rule
 * `allow T O:channel connect;` without its keyword and `;` (the column names the
 * kind already).
 */
function connectCell(type: string, object: string): string {
  return printRuleLine(allowConnect(type, object))
    .replace(/^allow /, '')
    .replace(/;$/, '');
}

/** The markdown review report's view. */
export function toReportView(result: LearnResult, snippet: string): ReportView {
  const p = result.patch;
  const added: AddedRow[] = [];
  for (const c of p.changes) {
    if (isDeclaration(c)) {
      const kind = c.kind === 'type' ? 'type' : 'ability declaration';
      added.push({
        cells: [cell(c.type), kind, cell(printRuleLine(changeStatement(c)), true), '', '', ''],
        risk: null,
      });
      continue;
    }
    for (const i of c.items) {
      const at = i.provenance.evidence.firstFailure ?? i.provenance.evidence.first;
      const what = cell(
        c.kind === 'connect' ? connectCell(c.type, printItemNode(i.node)) : printItemNode(i.node),
        true,
      );
      const kind = c.kind === 'ability' && c.domain === 'non-root' ? 'ability (nonroot)' : c.kind;
      added.push({
        cells: [
          cell(c.type),
          kind,
          what,
          cell(i.provenance.processes.join(', ')),
          cell(`${at.file}:${at.line}`),
          i.risk ? cell(riskWords(i.risk)) : '',
        ],
        risk: i.risk ?? null,
      });
    }
  }
  const alreadyAllowed = p.alreadyAllowed.map((a) => ({
    cells: [cell(a.type), a.kind, cell(a.object, true), cell(`${a.by.file}:${a.by.line}`)],
  }));
  const review = p.review.map((r) => {
    const at = r.evidence.firstFailure ?? r.evidence.first;
    return { cells: [r.code, cell(r.message), cell(`${at.file}:${at.line}`)] };
  });
  const refused = result.refused.map((d) => ({
    cells: [cell(`${d.file ?? ''}:${d.line ?? ''}`), cell(d.message)],
  }));
  const summary = summaryLines(result);
  return {
    title: `secpol-learn ${result.command} report`,
    summary: summary.map(markdownText),
    added,
    alreadyAllowed,
    review,
    refused,
    launches: launchLines(result).map((l) => markdownText(l.replace(/^# /, ''))),
    snippet,
    hasAdded: added.length > 0,
    hasAlreadyAllowed: alreadyAllowed.length > 0,
    hasReview: review.length > 0,
    hasRefused: refused.length > 0,
    hasLaunches: p.launches.length > 0,
  };
}

/** The summary sentences (also printed on stderr by the commands). */
export function summaryLines(result: LearnResult): string[] {
  const p = result.patch;
  const items = p.changes.reduce((n, c) => n + c.items.length, 0);
  const types = p.changes.filter((c) => c.kind === 'type').length;
  const abilities = p.changes.filter((c) => c.kind === 'ability-decl').length;
  return [
    `${result.requirementCount} requirement(s) from ${result.eventCount} event(s) in ${result.traceFiles.length} trace file(s)`,
    `${items} rule item(s) added${types ? `, ${types} type(s) declared` : ''}${abilities ? `, ${abilities} custom abilit${abilities === 1 ? 'y' : 'ies'} declared` : ''}`,
    `${p.alreadyAllowed.length} already allowed by the policy`,
    `${result.refusedCount} trace record(s) refused (fields that are not safe policy text, or forbidden by a guard rule)`,
    `${p.review.length} item(s) for review`,
    `${result.unknownCount} trace line(s) not understood`,
  ];
}
