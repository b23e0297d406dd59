/**
 * Markdown text helpers of the views of templates/explain.hbs, diff.hbs,
 * harden.hbs and report.hbs: a table cell and one line of text, escaped so
 * that markdown prints them as they are. The views prepare every string with
 * them; templates only print (templates.ts).
 */
import { visible } from '../diagnostics/safe-text';
import { maxOf } from '../arrays';

/**
 * A markdown table cell. Text: one line, controls and invisible characters as
 * `?`, and what markdown would interpret as other than text escaped: `|`
 * (a cell break), `[` `]` (links), `<` before a tag or autolink, `&` before an
 * entity, `\\` before punctuation. Emphasis characters are left: they change
 * looks, not content. Code (`code` true): a code span fenced by more backticks
 * than the text holds, with `|` escaped (GFM splits cells before code spans).
 */
export function cell(s: string, code = false): string {
  const flat = visible(s.replace(/\r\n|[\r\n\v\f\u0085\u2028\u2029]/g, ' '));
  if (code) return flat ? codeSpan(flat.replace(/\|/g, '\\|')) : flat;
  return markdownText(flat);
}

/** Text markdown prints as itself (see `cell`), for one line outside code. */
export function markdownText(s: string): string {
  return visible(s)
    .replace(/\\(?=[!-/:-@[-`{-~])/g, '\\\\')
    .replace(/[|[\]]/g, '\\$&')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;');
}

/** A code span holding `s` as is: the fence is one backtick longer than the longest run inside. */
function codeSpan(s: string): string {
  const runs = s.match(/`+/g) ?? [];
  const fence = '`'.repeat(
    maxOf(
      runs.map((r) => r.length),
      0,
    ) + 1,
  );
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}
