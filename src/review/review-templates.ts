/**
 * The markdown templates of the review commands (templates/explain.hbs,
 * diff.hbs, harden.hbs), compiled like the learning templates: a private
 * Handlebars environment, `noEscape` (paths must never become HTML
 * entities) and `strict` (a missing field is an error). Templates only print
 * what the view-models prepared. Does not take `--templates` overrides.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import { BUILTIN_TEMPLATE_DIR } from '../render/templates';

/** The review templates' names, each `templates/NAME.hbs`. */
export type ReviewTemplateName = 'explain' | 'diff' | 'harden';

const cache = new Map<ReviewTemplateName, (view: object) => string>();

/** Renders a review template with a prepared view. */
export function renderReview(name: ReviewTemplateName, view: object): string {
  let t = cache.get(name);
  if (!t) {
    const source = readFileSync(path.join(BUILTIN_TEMPLATE_DIR, `${name}.hbs`), 'utf8');
    t = Handlebars.create().compile(source, { noEscape: true, strict: true });
    cache.set(name, t);
  }
  return t(view);
}

/** A markdown table cell: `|` escaped, newlines as spaces, code in backticks when asked. */
export function cell(s: string, code = false): string {
  const flat = s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  return code && flat ? `\`${flat.replace(/`/g, "'")}\`` : flat;
}
