/**
 * The templates of `suggest` and `generate` (snippet, draft, report), each
 * either built in (precompiled: builtin-templates.ts) or, with
 * `--templates DIR`, a file `DIR/NAME.hbs` that wins over the built-in one
 * (compiled at run time: user-templates.ts). Both with `noEscape` (paths such
 * as `/dev/...` must never be HTML-escaped) and `strict` (a missing field is
 * an error, not an empty string). Templates only print what the view-models
 * (view-model.ts) prepared: no helpers.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';
import { builtinTemplate, type Template } from './builtin-templates';
import { BUILTIN_TEMPLATE_DIR } from './template-sources';
import { compileUserTemplate } from './user-templates';

export type { Template } from './builtin-templates';

/** The template names, each a file `NAME.hbs`. */
export const TEMPLATE_NAMES = ['snippet', 'draft', 'report'] as const;

/** One template's name. */
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** The templates by name. */
export type Templates = Record<TemplateName, Template>;

/**
 * The templates, taking `overrideDir/NAME.hbs` where it exists; throws InputError for unreadable
 * or invalid ones, and a template failing when rendered throws InputError naming its file.
 */
export function loadTemplates(overrideDir?: string): Templates {
  if (overrideDir !== undefined) checkOverrideDir(overrideDir);
  const out = {} as Templates;
  for (const name of TEMPLATE_NAMES) {
    const own = overrideDir ? path.join(overrideDir, `${name}.hbs`) : undefined;
    out[name] =
      own && existsSync(own)
        ? failuresNamed(own, compileUserTemplate(own))
        : failuresNamed(path.join(BUILTIN_TEMPLATE_DIR, `${name}.hbs`), builtinTemplate(name));
  }
  return out;
}

/** `template`, with a failure while rendering (a missing field: `strict`) reported as an InputError naming `file`. */
function failuresNamed(file: string, template: Template): Template {
  return (view) => {
    try {
      return template(view);
    } catch (error) {
      throw new InputError(file, `template failed: ${(error as Error).message.split('\n')[0]}`);
    }
  };
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
