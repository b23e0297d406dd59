/**
 * The real-world corpus (../shared/corpus/real-world beside the repository, see its INDEX.md):
 * every policy file written outside this project either parses with no error
 * or is rejected with its first error at the exact place below. A new policy
 * file in the corpus fails this test until it is added to the table.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { readPolicyFile } from '../cli/policy-file-io';
import { PolicyLexer } from './lex';
import { parsePolicy } from './parse';
import { printPolicy } from './print';
import { CORPUS_DIR } from '../test-utils/corpus';

const CORPUS = CORPUS_DIR;

/** `valid`, or `LINE:COL message` of the first error. */
const EXPECTED: Record<string, string> = {
  // Comma+space lists over several lines and undeclared named ranges: the
  // syntax is accepted (whitespace is free-form, §2.1); the ranges are lint's job.
  'blog_early_service_faster_booting__fix4_policy.secpol': 'valid',
  // The second block lacks `;` after `}`.
  'blog_security_policy_in_qnx__basic_syntax.secpol': '15:2 expected `;`, found `allow`',
  'bmw_configprovider_migration_guide__myapp_snippet.secpol': 'valid',
  'cn_notes_secpol_language__docs_quoted_snippets.secpol': 'valid',
  'cn_notes_secpol_language__teaching_skeleton.secpol': 'valid',
  // `type xxx_t` without `;`.
  'csdn_qq_41627833_qnx_quanxian__snippets.secpol': '2:11 expected `,` or `;`, found `allow`',
  'eclipse-score_baselibs__App1.secpol': 'valid',
  'eclipse-score_baselibs__mwlog_readme_datarouter_snippet.secpol': 'valid',
  'eclipse-score_communication__bigdata-virtual.secpol': 'valid',
  'eclipse-score_communication__bigdata.secpol': 'valid',
  'eclipse-score_inc_mw_com__bigdata.secpol': 'valid',
  'qnx_sdp80_secpol_h__doccomment_policy_snippets.secpol': 'valid',
  // Cut mid-statement: `allow user_1_t  io_pk`.
  'qnxdocs700_secpol_utility__example_policy_TRUNCATED.secpol':
    '42:22 expected `:`, found end of file',
  'qnxdocs700_secpolmonitor__example_policy.secpol': 'valid',
  'qnxdocs71_debugging__dev_secpolgenerate_errors_entry.txt': 'valid',
  'qnxdocs71_using_security_policies__policy_txt.secpol': 'valid',
  'qnxdocs80_named_range_file__policy.secpol': 'valid',
  // YAML-like invented syntax.
  'splywaczyk_qnx_image__ipc_policy_v1.sp': '14:1 expected a statement',
  'splywaczyk_qnx_image__ipc_policy_v2.sp': 'valid',
  'splywaczyk_qnx_image__receiver.secpol': 'valid',
  'splywaczyk_qnx_image__sender_a.secpol': 'valid',
  'splywaczyk_qnx_image__sender_b.secpol': 'valid',
  'voyah_h56ez_dumper_txt_snippet.secpol': 'valid',
};

const available = existsSync(CORPUS);
const policyFiles = available
  ? readdirSync(CORPUS)
      .filter(
        (f) =>
          /\.(secpol|sp)$/.test(f) ||
          f === 'qnxdocs71_debugging__dev_secpolgenerate_errors_entry.txt',
      )
      .sort()
  : [];

(available ? describe : describe.skip)('real-world corpus', () => {
  it('has an expectation for every policy file', () => {
    expect(policyFiles).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s → %s', async (file, expected) => {
    const src = await readPolicyFile(path.join(CORPUS, file), file);
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
    const src = await readPolicyFile(path.join(CORPUS, 'splywaczyk_qnx_image__sender_a.secpol'));
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
