/**
 * Printing a `query` answer (src/review/query.ts): text (one line per grant,
 * `FILE:LINE:COL: TYPE (DOMAINS): GRANT`, so editors jump to it), JSON
 * (schema `secpol-learn/query`, docs/query.md) and markdown (one table).
 */
import {
  QUERY_SCHEMA_VERSION,
  type AnswerRow,
  type Question,
  type QueryAnswer,
} from '../review/query';
import { cell } from './review-templates';
import { escapeJsonControls, visible } from '../diagnostics/safe-text';

/** The question in its canonical words (`who-connects random_t`). */
export function questionText(q: Question): string {
  switch (q.kind) {
    case 'who-connects':
      return `who-connects ${q.object}`;
    case 'connects':
      return `connects ${q.subject}`;
    case 'ability':
      return `ability ${q.ability}${q.value !== undefined ? `:${q.value}` : ''}`;
    case 'attach':
    case 'link':
      return `${q.kind} ${q.path}`;
    default:
      return `type ${q.type}`;
  }
}

/** What a row says the type may do, as the row's heading words. */
function rowLabel(r: AnswerRow): string {
  const domains = r.domains ? ` (${r.domains.join(', ')})` : '';
  const may = r.certainty === 'may' ? ' [may: file-type prefix]' : '';
  return `${r.type}${domains}${may}`;
}

/** One line per grant of each row; an answer without rows says so in one line. */
export function queryText(a: QueryAnswer): string {
  const out: string[] = [];
  for (const r of a.rows)
    for (const g of r.grants)
      out.push(`${g.at.file}:${g.at.line}:${g.at.column}: ${rowLabel(r)}: ${g.text}`);
  if (a.rows.length === 0) out.push(`nothing in the policy answers "${questionText(a.question)}"`);
  return out.map((l) => `${visible(l)}\n`).join('');
}

/** The one-line summary (stderr). */
export function querySummary(a: QueryAnswer): string {
  const types = new Set(a.rows.map((r) => r.type)).size;
  const grants = a.rows.reduce((n, r) => n + r.grants.length, 0);
  return `${questionText(a.question)}: ${a.rows.length} answer(s), ${types} type(s), ${grants} grant(s)`;
}

/** The JSON document of `query --format json`. */
export function queryJson(a: QueryAnswer, files: string[]): string {
  const doc = {
    schema: 'secpol-learn/query',
    schemaVersion: QUERY_SCHEMA_VERSION,
    policy: files,
    question: { text: questionText(a.question), ...a.question },
    answers: a.rows,
    notes: a.notes,
  };
  return `${escapeJsonControls(JSON.stringify(doc, null, 2))}\n`;
}

/** A markdown table: type, domains, what, grant, place. */
export function queryMarkdown(a: QueryAnswer): string {
  const lines = [`### ${cell(questionText(a.question))}`, ''];
  if (a.rows.length === 0) lines.push('Nothing in the policy answers it.');
  else {
    lines.push('| type | domains | what | grant | where |', '|---|---|---|---|---|');
    for (const r of a.rows)
      for (const g of r.grants)
        lines.push(
          `| ${cell(r.type, true)} | ${r.domains ? r.domains.join(', ') : r.certainty === 'may' ? 'may (file-type prefix)' : ''} | ${cell(r.object, true)} | ${cell(g.text, true)} | ${cell(`${g.at.file}:${g.at.line}:${g.at.column}`)} |`,
        );
  }
  for (const n of a.notes) lines.push('', `> ${cell(n)}`);
  return `${lines.join('\n')}\n`;
}
