/**
 * Loading and compiling the Handlebars templates (templates/*.hbs) in a
 * private environment (`Handlebars.create()`), with `noEscape` (paths such
 * as `/dev/...` must never be HTML-escaped) and `strict` (a missing field is
 * an error, not an empty string). `--templates DIR` replaces any template by
 * name: a file `DIR/NAME.hbs` wins over the built-in one. Templates only
 * print what the view-models (view-model.ts) prepared: no helpers.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type HandlebarsModule from 'handlebars';
import { InputError } from '../errors';

/** The template names, each a file `NAME.hbs`. */
export const TEMPLATE_NAMES = ['snippet', 'draft', 'report'] as const;

/** One template's name. */
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** A compiled template: view-model in, text out. */
export type Template = (view: object) => string;

/** The compiled templates by name. */
export type Templates = Record<TemplateName, Template>;

/** The built-in templates' directory (`templates/` at the package root). */
export const BUILTIN_TEMPLATE_DIR = path.resolve(__dirname, '..', '..', 'templates');

/** Compiles the templates, taking `overrideDir/NAME.hbs` where it exists; throws InputError for unreadable or invalid ones. */
export function loadTemplates(overrideDir?: string): Templates {
  if (overrideDir !== undefined) checkOverrideDir(overrideDir);
  // Loaded here, not at start-up: 30 ms that `--help` and commands printing no template skip.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load
  const handlebars = require('handlebars') as typeof HandlebarsModule;
  const hbs = handlebars.create();
  const out = {} as Templates;
  for (const name of TEMPLATE_NAMES) {
    const own = overrideDir ? path.join(overrideDir, `${name}.hbs`) : undefined;
    const file = own && existsSync(own) ? own : path.join(BUILTIN_TEMPLATE_DIR, `${name}.hbs`);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (error) {
      throw new InputError(
        file,
        `cannot read template: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    try {
      // Parse now, so a syntax error names the template before any output.
      hbs.parse(source);
    } catch (error) {
      throw new InputError(file, `invalid template: ${(error as Error).message.split('\n')[0]}`);
    }
    const compiled = hbs.compile(source, { noEscape: true, strict: true });
    out[name] = (view) => {
      try {
        return compiled(view);
      } catch (error) {
        throw new InputError(file, `template failed: ${(error as Error).message.split('\n')[0]}`);
      }
    };
  }
  return out;
}

/** `--templates DIR` must be a directory, and every `.hbs` in it a template name (a typo must not be ignored). */
function checkOverrideDir(dir: string): void {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new InputError(dir, 'not a directory of templates');
    entries = readdirSync(dir);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      dir,
      `cannot read templates: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const names = new Set<string>(TEMPLATE_NAMES);
  for (const entry of entries.sort()) {
    if (!entry.endsWith('.hbs')) continue;
    if (!names.has(entry.slice(0, -4))) {
      throw new InputError(
        path.join(dir, entry),
        `not a template name (expected one of ${TEMPLATE_NAMES.map((n) => `${n}.hbs`).join(', ')})`,
      );
    }
  }
}
