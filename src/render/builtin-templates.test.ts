/**
 * The precompiled built-in templates against their sources: every built-in
 * renders the real view-models of the samples to exactly what compiling its
 * templates/NAME.hbs with the full compiler (as before precompiling, and as
 * `--templates` still does) renders; and built-ins never load the compiler.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import * as builtin from './builtin-templates';
import type { BuiltinTemplateName } from './builtin-templates';
import { BUILTIN_TEMPLATE_DIR, templateCompileOptions } from './template-sources';
import { runCli } from '../test-utils/run-cli';

const samples = path.join(__dirname, '..', '..', 'samples');

/** Commands rendering every built-in template, over every sample with a trace and a policy. */
const RUNS: string[][] = [
  ...['seed-walkthrough', 'multi-process-boot', 'merge-into-blocks', 'review-harden'].flatMap(
    (s) => {
      const [trace, policy] = [`${s}/trace.log`, `${s}/policy.secpol`];
      return [
        ['suggest', trace, '--policy', policy, '--format', 'markdown', '--explain'],
        ['suggest', trace, '--format', 'markdown', '-c'],
        ['generate', trace, '--explain'],
        ['generate', trace, '--base', policy, '--collapse'],
        ['explain', '--policy', policy, trace, '--format', 'markdown'],
        ['harden', '--policy', policy, trace, '--format', 'markdown'],
      ];
    },
  ),
  ['diff', 'review-diff/old', 'review-diff/new', '--format', 'markdown'],
  ['diff', 'review-diff/new', 'review-diff/old', '--format', 'markdown'],
  [
    'diff',
    'seed-walkthrough/policy.secpol',
    'seed-walkthrough/policy.secpol',
    '--format',
    'markdown',
  ],
];

interface Rendering {
  name: BuiltinTemplateName;
  view: object;
  text: string;
}

/** Runs RUNS, recording each built-in template rendering with its view and text. */
async function renderingsOfSamples(): Promise<Rendering[]> {
  const renderings: Rendering[] = [];
  const precompiled = builtin.builtinTemplate;
  const spy = jest.spyOn(builtin, 'builtinTemplate').mockImplementation((name) => {
    const template = precompiled(name);
    return (view) => {
      const text = template(view);
      renderings.push({ name, view, text });
      return text;
    };
  });
  try {
    for (const argv of RUNS) {
      const r = await runCli(argv, { cwd: samples });
      expect(r.code === 0 || r.code === 1).toBe(true);
    }
  } finally {
    spy.mockRestore();
  }
  return renderings;
}

describe('built-in templates (precompiled)', () => {
  it('render the samples exactly as their sources compiled at run time do', async () => {
    const renderings = await renderingsOfSamples();
    expect(new Set(renderings.map((r) => r.name))).toEqual(
      new Set(['snippet', 'draft', 'report', 'explain', 'diff', 'harden']),
    );
    const hbs = Handlebars.create();
    const compiled = new Map<BuiltinTemplateName, HandlebarsTemplateDelegate>();
    for (const { name, view, text } of renderings) {
      let template = compiled.get(name);
      if (!template) {
        const source = readFileSync(path.join(BUILTIN_TEMPLATE_DIR, `${name}.hbs`), 'utf8');
        template = hbs.compile(source, templateCompileOptions());
        compiled.set(name, template);
      }
      expect(template(view)).toBe(text);
    }
    expect(new Set(renderings.filter((r) => r.text.length > 0).map((r) => r.name)).size).toBe(6);
  });

  it('are strict: a missing field is the same error as from the compiled source', () => {
    const view = { header: [], launches: [], sections: [{ statements: [] }] };
    const source = readFileSync(path.join(BUILTIN_TEMPLATE_DIR, 'snippet.hbs'), 'utf8');
    const compiled = Handlebars.create().compile(source, templateCompileOptions());
    expect(() => compiled(view)).toThrow('"heading" not defined in [object Object] - 9:2');
    expect(() => builtin.builtinTemplate('snippet')(view)).toThrow(
      '"heading" not defined in [object Object] - 9:2',
    );
  });

  it('never load the full compiler; --templates files do', async () => {
    const seed = path.join(samples, 'seed-walkthrough');
    const own = mkdtempSync(path.join(tmpdir(), 'secpol-tpl-'));
    writeFileSync(path.join(own, 'snippet.hbs'), '{{#each sections}}{{type}};{{/each}}\n');
    const args = ['trace.log', '--policy', 'policy.secpol', '--format', 'markdown'];
    await jest.isolateModulesAsync(async () => {
      jest.doMock('handlebars', () => {
        throw new Error('the full Handlebars compiler was loaded');
      });
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- after the mock, in isolation
        const cli = require('../test-utils/run-cli') as typeof import('../test-utils/run-cli');
        const suggest = await cli.runCli(['suggest', ...args], { cwd: seed });
        expect(suggest.stdout).toBe(readFileSync(path.join(seed, 'expected.md'), 'utf8'));
        const explain = await cli.runCli(['explain', ...args], { cwd: seed });
        expect(explain.stdout).toBe(readFileSync(path.join(seed, 'expected.explain.md'), 'utf8'));
        const overridden = await cli.runCli(['suggest', ...args, '--templates', own], {
          cwd: seed,
        });
        expect(overridden.stderr).toContain('the full Handlebars compiler was loaded');
      } finally {
        jest.dontMock('handlebars');
      }
    });
  });
});
