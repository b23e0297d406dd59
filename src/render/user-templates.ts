/**
 * Compiling a `--templates DIR` file: the only templates still compiled at
 * run time, with the full Handlebars compiler (loaded on the first one) and
 * the options the built-ins were precompiled with. Errors are InputErrors
 * naming FILE:LINE (FILE:LINE:COL when Handlebars knows the column): invalid
 * (parsed before any output: a syntax error, a partial or a decorator, which
 * a private environment cannot resolve) or failing when rendered
 * (`templateFailure`). Reading the file is the CLI's (src/cli/load-templates.ts).
 */
import type HandlebarsModule from 'handlebars';
import { InputError } from '../errors';
import { visible } from '../diagnostics/safe-text';
import { templateCompileOptions } from './template-sources';
import type { Template } from './builtin-templates';

let compiler: typeof HandlebarsModule | undefined;

/** Where in a template a Handlebars error is, and what it says, in one line. */
interface TemplateProblem {
  line?: number;
  /** 1-based. */
  column?: number;
  message: string;
}

/** Checks and compiles `source`, the template read from `file`; throws InputError naming FILE:LINE. */
export function compileUserTemplate(source: string, file: string): Template {
  // A private environment (`create()`): no helpers or partials registered.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load
  compiler ??= (require('handlebars') as typeof HandlebarsModule).create();
  let ast: hbs.AST.Program;
  try {
    // Parse now, so a syntax error names the template before any output.
    ast = compiler.parse(source);
  } catch (error) {
    throw located(file, 'invalid template', problemOf(error, source));
  }
  const unresolvable = firstUnresolvable(ast);
  if (unresolvable) throw located(file, 'invalid template', unresolvable);
  // The AST parsed above: compiled on first render without parsing again.
  return compiler.compile(ast, templateCompileOptions());
}

/** The InputError for `error`, thrown while rendering the template read from `file`. */
export function templateFailure(file: string, error: unknown): InputError {
  return located(file, 'template failed', problemOf(error));
}

function located(file: string, what: string, p: TemplateProblem): InputError {
  const where = p.line === undefined ? '' : `:${p.line}${p.column ? `:${p.column}` : ''}`;
  return new InputError(`${file}${where}`, `${what}: ${visible(p.message)}`);
}

/**
 * A Handlebars error in words: the parser's "Parse error on line N: ...
 * Expecting X, got Y" becomes line N and that line of `source`; an exception with a
 * location (`lineNumber`, 0-based `column`) loses its " - L:C" suffix; strict
 * mode's `"x" not defined in [object Object]` names the field.
 */
function problemOf(error: unknown, source?: string): TemplateProblem {
  const e = error as Error & { lineNumber?: number; column?: number };
  const text = String(e?.message ?? error);
  const syntax = /^(?:Parse|Lexical) error on line (\d+)/.exec(text);
  if (syntax) {
    // Jison's own excerpt joins lines and names grammar tokens: the source line says more.
    const line = Number(syntax[1]);
    const lines = source?.split('\n') ?? [];
    const shown = (lines[line - 1] ?? '').trim();
    const cut = shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
    if (cut) return { line, message: `syntax error in "${cut}"` };
    const atEnd = lines.slice(line - 1).every((l) => l.trim() === '');
    return {
      line,
      message: atEnd ? 'syntax error at the end (a block left open?)' : 'syntax error',
    };
  }
  const first = text.split('\n')[0]!.replace(/ - \d+:\d+$/, '');
  const missing = /^"(.*)" not defined in .*$/.exec(first);
  const message = missing
    ? `no field "${missing[1]}" here (docs/templates.md lists each template's data)`
    : first;
  return typeof e?.lineNumber === 'number'
    ? {
        line: e.lineNumber,
        ...(typeof e.column === 'number' ? { column: e.column + 1 } : {}),
        message,
      }
    : { message };
}

/** The first partial or decorator in the template: nothing registers them, so they cannot render. */
function firstUnresolvable(node: hbs.AST.Node): TemplateProblem | undefined {
  const what: Record<string, string> = {
    PartialStatement: 'a partial `{{> ...}}`',
    PartialBlockStatement: 'a partial block `{{#> ...}}`',
    Decorator: 'a decorator `{{* ...}}`',
    DecoratorBlock: 'a decorator block `{{#* ...}}`',
  };
  const stack: hbs.AST.Node[] = [node];
  let first: hbs.AST.Node | undefined;
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (what[n.type] && (!first || before(n, first))) first = n;
    for (const v of Object.values(n as unknown as Record<string, unknown>)) {
      for (const c of Array.isArray(v) ? v : [v])
        if (c && typeof c === 'object' && typeof (c as hbs.AST.Node).type === 'string')
          stack.push(c as hbs.AST.Node);
    }
  }
  if (!first) return undefined;
  return {
    line: first.loc.start.line,
    column: first.loc.start.column + 1,
    message: `${what[first.type]} cannot be used: no partials, decorators or helpers are registered (docs/templates.md)`,
  };
}

function before(a: hbs.AST.Node, b: hbs.AST.Node): boolean {
  const x = a.loc.start;
  const y = b.loc.start;
  return x.line < y.line || (x.line === y.line && x.column < y.column);
}
