/**
 * Compiling a `--templates DIR` file: the only templates still compiled at
 * run time, with the full Handlebars compiler (loaded on the first one) and
 * the options the built-ins were precompiled with. Errors are InputErrors
 * naming the file: unreadable, invalid (parsed before any output) or failing
 * when rendered.
 */
import { readFileSync } from 'node:fs';
import type HandlebarsModule from 'handlebars';
import { InputError } from '../errors';
import { templateCompileOptions } from './template-sources';
import type { Template } from './builtin-templates';

let compiler: typeof HandlebarsModule | undefined;

/** Reads, checks and compiles the template in `file`; throws InputError naming it. */
export function compileUserTemplate(file: string): Template {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(
      file,
      `cannot read template: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
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
