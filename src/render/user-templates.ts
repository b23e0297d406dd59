/**
 * Compiling a `--templates DIR` file: the only templates still compiled at
 * run time, with the full Handlebars compiler (loaded on the first one) and
 * the options the built-ins were precompiled with. Errors are InputErrors
 * naming the file: invalid (parsed before any output) or failing when
 * rendered. Reading the file is the CLI's (src/cli/load-templates.ts).
 */
import type HandlebarsModule from 'handlebars';
import { InputError } from '../errors';
import { templateCompileOptions } from './template-sources';
import type { Template } from './builtin-templates';

let compiler: typeof HandlebarsModule | undefined;

/** Checks and compiles `source`, the template read from `file`; throws InputError naming it. */
export function compileUserTemplate(source: string, file: string): Template {
  // A private environment (`create()`): no helpers or partials registered.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load
  compiler ??= (require('handlebars') as typeof HandlebarsModule).create();
  try {
    // Parse now, so a syntax error names the template before any output.
    compiler.parse(source);
  } catch (error) {
    throw new InputError(file, `invalid template: ${(error as Error).message.split('\n')[0]}`);
  }
  return compiler.compile(source, templateCompileOptions());
}
