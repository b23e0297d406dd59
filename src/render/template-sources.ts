/**
 * Where the built-in templates' sources are, and how every template source
 * is compiled: in one place, so the build-time precompile of the built-ins
 * (precompile-templates.ts) and the run-time compile of `--templates DIR`
 * files (user-templates.ts) can never use different options.
 */
import * as path from 'node:path';

/** The built-in templates' directory (`templates/` at the package root); each is `NAME.hbs`. */
export const BUILTIN_TEMPLATE_DIR = path.resolve(__dirname, '..', '..', 'templates');

/**
 * The options of every compile and precompile: `noEscape`, paths such as
 * `/dev/...` must never be HTML-escaped; `strict`, a field that does not exist
 * is an error, not an empty string. A fresh object each call: Handlebars
 * writes its defaults (`data`, `knownHelpers`, ...) into the options it is given.
 */
export function templateCompileOptions(): { noEscape: true; strict: true } {
  return { noEscape: true, strict: true };
}
