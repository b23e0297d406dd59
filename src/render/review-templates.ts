/**
 * The markdown templates of the review commands (templates/explain.hbs,
 * diff.hbs, harden.hbs): built in and precompiled like the learning
 * templates (builtin-templates.ts: `noEscape`, paths must never
 * become HTML entities; `strict`, a missing field is an error). Templates
 * only print what the view-models prepared. Does not take `--templates`
 * overrides.
 */
import { builtinTemplate } from './builtin-templates';

/** The review templates' names, each `templates/NAME.hbs`. */
export type ReviewTemplateName = 'explain' | 'diff' | 'harden';

/** Renders a review template with a prepared view. */
export function renderReview(name: ReviewTemplateName, view: object): string {
  return builtinTemplate(name)(view);
}

/** A markdown table cell: `|` escaped, newlines as spaces, code in backticks when asked. */
export function cell(s: string, code = false): string {
  const flat = s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  return code && flat ? `\`${flat.replace(/`/g, "'")}\`` : flat;
}
