/**
 * Every template the CLI prints through (templates/NAME.hbs: snippet, draft
 * and report for `suggest` and `generate`; explain, diff and harden for the
 * review commands' markdown), each either built in (precompiled:
 * builtin-templates.ts) or, with `--templates DIR`, a file `DIR/NAME.hbs`
 * that wins over the built-in one (compiled at run time: user-templates.ts;
 * the files are read by src/cli/load-templates.ts). Both with `noEscape`
 * (paths such as `/dev/...` must never be HTML-escaped) and `strict` (a
 * missing field is an error, not an empty string). Templates only print what
 * the view-models (view-model.ts, explain-markdown.ts, diff-format.ts,
 * harden-format.ts) prepared: no helpers. docs/templates.md lists each
 * template's data.
 */
import * as path from 'node:path';
import { builtinTemplate, type BuiltinTemplateName, type Template } from './builtin-templates';
import { BUILTIN_TEMPLATE_DIR } from './template-sources';
import { compileUserTemplate, templateFailure } from './user-templates';

export type { Template } from './builtin-templates';

/**
 * The template names, each a file `NAME.hbs`: every shipped template
 * (templates.test.ts checks this list against templates/).
 */
export const TEMPLATE_NAMES = [
  'snippet',
  'draft',
  'report',
  'explain',
  'diff',
  'harden',
] as const satisfies readonly BuiltinTemplateName[];

/** One template's name. */
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** The templates by name. */
export type Templates = Record<TemplateName, Template>;

/** A template's source as read from a file named `file`. */
export interface TemplateSource {
  file: string;
  source: string;
}

/**
 * The templates: for each name, `own(name)`'s source where it gives one (compiled now, so an
 * invalid one throws InputError naming FILE:LINE before any output), else the built-in one
 * (instantiated when first rendered). `own` is called in TEMPLATE_NAMES order. A template
 * failing when rendered throws InputError naming FILE:LINE.
 */
export function templatesFrom(own: (name: TemplateName) => TemplateSource | undefined): Templates {
  const out = {} as Templates;
  for (const name of TEMPLATE_NAMES) {
    const src = own(name);
    out[name] = src
      ? failuresNamed(src.file, compileUserTemplate(src.source, src.file))
      : failuresNamed(path.join(BUILTIN_TEMPLATE_DIR, `${name}.hbs`), (view) =>
          builtinTemplate(name)(view),
        );
  }
  return out;
}

/** The built-in templates. */
export function builtinTemplates(): Templates {
  return templatesFrom(() => undefined);
}

/** `template`, with a failure while rendering (a missing field: `strict`) reported as an InputError naming `file`. */
function failuresNamed(file: string, template: Template): Template {
  return (view) => {
    try {
      return template(view);
    } catch (error) {
      throw templateFailure(file, error);
    }
  };
}
