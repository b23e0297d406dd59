/**
 * The built-in templates (templates/*.hbs), as precompiled at development
 * time into precompiled-templates.ts, instantiated with Handlebars'
 * runtime-only build: no parse or compile at run time, and the compiler is
 * never loaded (about 24 ms and half of Handlebars' load time for a small
 * `suggest`). Output is the same as compiling the sources with
 * templateCompileOptions() (builtin-templates.test.ts checks it); only
 * `--templates DIR` files still go through the compiler (user-templates.ts).
 */
import type HandlebarsModule from 'handlebars';
import { PRECOMPILED_TEMPLATES, type BuiltinTemplateName } from './precompiled-templates';

export type { BuiltinTemplateName } from './precompiled-templates';

/** A template: view-model in, text out. */
export type Template = (view: object) => string;

/** Handlebars' runtime-only build in one file (UMD, CommonJS under Node). */
const RUNTIME_BUNDLE = 'handlebars/dist/handlebars.runtime.js';

let runtime: typeof HandlebarsModule | undefined;
const instantiated = new Map<BuiltinTemplateName, Template>();

/** The built-in template `name`, ready to render; instantiated once per process. */
export function builtinTemplate(name: BuiltinTemplateName): Template {
  let template = instantiated.get(name);
  if (!template) {
    // Loaded here, not at start-up: commands that print no template skip it. The runtime as
    // Handlebars ships it bundled in one file: the same code as `handlebars/runtime`, which
    // requires 21 files and took about twice as long to load (16 ms against 7). A private
    // environment (`create()`), as for user templates: no helpers or partials registered.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load
    runtime ??= (require(RUNTIME_BUNDLE) as typeof HandlebarsModule).create();
    template = runtime.template(PRECOMPILED_TEMPLATES[name]);
    instantiated.set(name, template);
  }
  return template;
}
