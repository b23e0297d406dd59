/**
 * Reading `--templates DIR` for every command printing through a template
 * (suggest, generate, explain, diff, harden; docs/templates.md): DIR must be
 * a directory, and every `.hbs` file in it a template name (a typo must not
 * be ignored; other files, such as a README, are left alone), so a copy of
 * the shipped templates/ is accepted as it is. Each `DIR/NAME.hbs` that
 * exists wins over the built-in template; a name missing from DIR stays
 * built in. Every template in DIR is compiled (src/render/templates.ts),
 * whichever the command prints, so a broken one is found on the first run.
 * Unreadable or invalid files are InputErrors naming the file as the user
 * named it (FILE:LINE for an invalid template; exit 2).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { InputError, ioErrorWords } from '../errors';
import {
  TEMPLATE_NAMES,
  builtinTemplates,
  templatesFrom,
  type TemplateSource,
  type Templates,
} from '../render/templates';
import type { CliIo } from './io';

/**
 * The templates, taking `overrideDir/NAME.hbs` where it exists; throws InputError for
 * unreadable or invalid ones. `overrideDir` is named as the user named it and read from `cwd`.
 */
export function loadTemplates(overrideDir?: string, cwd: string = process.cwd()): Templates {
  if (overrideDir === undefined) return builtinTemplates();
  checkOverrideDir(overrideDir, cwd);
  return templatesFrom((name) => {
    const file = path.join(overrideDir, `${name}.hbs`);
    return existsSync(path.resolve(cwd, file)) ? readTemplate(file, cwd) : undefined;
  });
}

/** The templates a command's parsed `--templates` asks for (the built-in ones without it). */
export function templatesOption(args: Record<string, unknown>, io: Pick<CliIo, 'cwd'>): Templates {
  return loadTemplates(typeof args.templates === 'string' ? args.templates : undefined, io.cwd);
}

/** A template file's source; throws InputError naming it when it cannot be read. */
function readTemplate(file: string, cwd: string): TemplateSource {
  try {
    // A byte-order mark (a Windows editor's copy) starts the file, not the output.
    return { file, source: readFileSync(path.resolve(cwd, file), 'utf8').replace(/^\uFEFF/, '') };
  } catch (error) {
    throw new InputError(file, `cannot read template: ${ioErrorWords(error)}`, { cause: error });
  }
}

/** `--templates DIR` must be a directory, and every `.hbs` in it a template name (a typo must not be ignored). */
function checkOverrideDir(dir: string, cwd: string): void {
  let entries: string[];
  try {
    if (!statSync(path.resolve(cwd, dir)).isDirectory())
      throw new InputError(dir, 'not a directory of templates');
    entries = readdirSync(path.resolve(cwd, dir));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(dir, `cannot read templates: ${ioErrorWords(error)}`, { cause: error });
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
