/**
 * Pins the public API (docs/api.md): the runtime exports are exactly this
 * list, so API changes are deliberate (mdast-util-from-markdown's "should
 * expose the public api"); every export, types included, carries TSDoc; and
 * the library's import graph never reaches the command-line shell (src/cli/,
 * bin.ts) or yargs. The packed type files are checked by
 * src/packaging.test.ts.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import * as api from './index';

const INDEX = path.join(__dirname, 'index.ts');

/** The program of src/index.ts and everything it imports, with the repository's compiler options. */
function program(): ts.Program {
  const config = ts.readConfigFile(path.join(__dirname, '..', 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, path.join(__dirname, '..'));
  return ts.createProgram([INDEX], { ...parsed.options, noEmit: true });
}

describe('public API', () => {
  it('exposes exactly these runtime exports, grouped as docs/api.md lists them', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        // diagnostics
        'formatDiagnostic',
        'formatDiagnosticLine',
        'InputError',
        // policies
        'parsePolicy',
        'parsePolicies',
        'printPolicy',
        'printStatement',
        'lintPolicy',
        'buildModel',
        'parseRangeFile',
        'allows',
        'evaluate',
        'QNX_VERSIONS',
        'DEFAULT_QNX_VERSION',
        'riskOf',
        'risksOf',
        // policy tools: query, tidy, migrate
        'readQuestion',
        'queryPolicy',
        'formatAnswer',
        'formatAnswerJson',
        'formatAnswerMarkdown',
        'formatAnswerSummary',
        'tidyPolicy',
        'formatTidy',
        'formatTidyJson',
        'formatTidyMarkdown',
        'formatTidyPatch',
        'formatTidySummary',
        'migratePolicyTexts',
        'migrationNeedsReview',
        'formatMigration',
        'formatMigrationJson',
        'formatMigrationMarkdown',
        'formatMigrationPatch',
        'formatMigrationSummary',
        // traces
        'parseTraceText',
        'parseTrace',
        // learning
        'learnFromTraces',
        'learnFromEvents',
        'planPolicyPatch',
        'formatRules',
        'formatPatch',
        'patchPolicyTexts',
        'formatPlanJson',
        'formatPlanSummary',
        'launchTypesOf',
        'launchTypesFail',
        'formatLaunchTypes',
        'formatLaunchTypesJson',
        'formatLaunchTypesMarkdown',
        'formatLaunchTypesPatch',
        'formatLaunchTypesSummary',
        // review
        'reviewTraces',
        'checkTraces',
        'formatCheck',
        'formatCheckJson',
        'explainTraces',
        'formatExplanation',
        'formatExplanationJson',
        'parseWaiverTexts',
        'waiverWarnings',
      ].sort(),
    );
  });

  it('is documented in docs/api.md: every runtime export, and the example as examples/api/example.ts holds it', () => {
    const doc = readFileSync(path.join(__dirname, '..', 'docs', 'api.md'), 'utf8');
    expect(Object.keys(api).filter((name) => !doc.includes(`\`${name}`))).toEqual([]);
    const example = readFileSync(
      path.join(__dirname, '..', 'examples', 'api', 'example.ts'),
      'utf8',
    );
    expect(doc).toContain(`\`\`\`ts\n${example}\`\`\`\n`);
  });

  describe('read by the TypeScript compiler', () => {
    const p = program();
    const checker = p.getTypeChecker();
    const index = p.getSourceFile(INDEX)!;
    const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(index)!);

    it('compiles without errors', () => {
      const errors = ts.getPreEmitDiagnostics(p, index);
      expect(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    });

    it('gives every export, types included, a TSDoc comment', () => {
      expect(exports.length).toBeGreaterThan(60);
      const documented = (s: ts.Symbol): boolean =>
        s.getDocumentationComment(checker).some((part) => part.text.trim() !== '');
      const undocumented: string[] = [];
      for (const e of exports) {
        const target = checker.getAliasedSymbol(e);
        if (target.flags & ts.SymbolFlags.ValueModule) {
          // `PolicyAst`: a namespace of the AST's types; each of them is documented.
          for (const member of checker.getExportsOfModule(target))
            if (!documented(member)) undocumented.push(`${e.name}.${member.name}`);
        } else if (!documented(target)) undocumented.push(e.name);
      }
      expect(undocumented).toEqual([]);
    });

    it('type-checks examples/api/example.ts against these sources, strict (the packed types: src/packaging.test.ts)', () => {
      const example = path.join(__dirname, '..', 'examples', 'api', 'example.ts');
      const q = ts.createProgram([example], {
        ...p.getCompilerOptions(),
        strict: true,
        noEmit: true,
        rootDir: undefined,
        types: ['node'],
        baseUrl: path.join(__dirname, '..'),
        paths: { 'secpol-learn': ['src/index.ts'] },
      });
      const errors = ts.getPreEmitDiagnostics(q, q.getSourceFile(example));
      expect(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    });

    it('never reaches the command-line shell or yargs, however deep', () => {
      const reached = p
        .getSourceFiles()
        .map((f) => path.relative(path.join(__dirname, '..'), f.fileName))
        .filter((f) => !f.startsWith('..'));
      expect(reached).toContain('src/api/learning.ts');
      expect(reached.filter((f) => /^src\/(cli\/|bin\.ts$)/.test(f))).toEqual([]);
      expect(reached.filter((f) => /node_modules\/(@types\/)?yargs/.test(f))).toEqual([]);
    });
  });
});
