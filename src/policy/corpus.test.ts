/**
 * The real-world corpus (SECPOL_CORPUS, see src/test-utils/corpus.ts and its INDEX.md):
 * every policy file written outside this project either parses with no error
 * or is rejected with its first error at the exact place CORPUS_POLICIES says.
 * A new policy file in the corpus fails this test until it is added to the table.
 */
import { readdirSync } from 'node:fs';
import { readPolicyFile } from '../cli/policy-file-io';
import { PolicyLexer } from './lex';
import { parsePolicy } from './parse';
import { printPolicy } from './print';
import { CORPUS_POLICIES, corpusPath, describeWithCorpus } from '../test-utils/corpus';

describeWithCorpus('real-world corpus', () => {
  it('has an expectation for every policy file', () => {
    const policyFiles = readdirSync(corpusPath('.'))
      .filter(
        (f) =>
          /\.(secpol|sp)$/.test(f) ||
          f === 'qnxdocs71_debugging__dev_secpolgenerate_errors_entry.txt',
      )
      .sort();
    expect(policyFiles).toEqual(Object.keys(CORPUS_POLICIES).sort());
  });

  it.each(Object.entries(CORPUS_POLICIES))('%s → %s', async (file, expected) => {
    const src = await readPolicyFile(corpusPath(file), file);
    const { ast, diagnostics } = parsePolicy(src.text, { file });
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (expected === 'valid') {
      expect(errors).toEqual([]);
      expect(ast.statements.length).toBeGreaterThan(0);
      // Formatting is a fixpoint and keeps every comment.
      const once = printPolicy(ast);
      const again = parsePolicy(once, { file });
      expect(printPolicy(again.ast)).toBe(once);
      expect(comments(once)).toEqual(comments(src.text));
    } else {
      expect(errors.length).toBeGreaterThan(0);
      expect(
        `${errors[0].line}:${errors[0].column} ${errors[0].message}`.startsWith(expected),
      ).toBe(true);
    }
  });

  it('decodes the non-UTF-8 byte 0x92 in sender_a as latin1', async () => {
    const src = await readPolicyFile(corpusPath('splywaczyk_qnx_image__sender_a.secpol'));
    expect(src.encoding).toBe('latin1');
    expect(src.text).toContain('\x92');
  });
});

/** Every comment of the text, as the lexer sees it, in order. */
function comments(text: string): string[] {
  const lexer = new PolicyLexer(text);
  const out: string[] = [];
  for (let t = lexer.next(); t.kind !== 'eof'; t = lexer.next())
    if (t.kind === 'comment') out.push(t.text);
  return out;
}
