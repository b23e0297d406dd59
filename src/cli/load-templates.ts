/**
 * Reading `--templates DIR` for `suggest` and `generate`: DIR must be a
 * directory whose `.hbs` files are all template names (a typo must not be
 * ignored); each `DIR/NAME.hbs` that exists wins over the built-in template
 * (src/render/templates.ts compiles it). Unreadable or invalid files are
 * InputErrors naming the file (exit 2).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';
import {
  TEMPLATE_NAMES,
  templatesFrom,
  type TemplateSource,
  type Templates,
} from '../render/templates';

/** The templates, taking `overrideDir/NAME.hbs` where it exists; throws InputError for unreadable or invalid ones. */
export function loadTemplates(overrideDir?: string): Templates {
  if (overrideDir === undefined) return templatesFrom(() => undefined);
  checkOverrideDir(overrideDir);
  return templatesFrom((name) => {
    const file = path.join(overrideDir, `${name}.hbs`);
    return existsSync(file) ? readTemplate(file) : undefined;
  });
}

/** A template file's source; throws InputError naming it when it cannot be read. */
function readTemplate(file: string): TemplateSource {
  try {
    return { file, source: readFileSync(file, 'utf8') };
  } catch (error) {
    throw new InputError(
      file,
      `cannot read template: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
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
