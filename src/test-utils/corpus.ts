/**
 * The real-world corpus for tests (policies and traces written outside this
 * project; see its INDEX.md). It is not part of the repository, so tests that
 * need it are optional:
 *
 * - `SECPOL_CORPUS=DIR` names it (its `real-world` folder); `.ci/run` always
 *   sets it, so CI runs every corpus test. Set but missing: the tests fail
 *   (`corpusPath` says why), they are never skipped.
 * - Unset: `../shared/corpus/real-world` beside the repository when it is
 *   there (developer machines), else the corpus tests are skipped, and
 *   `corpus-reporter.js` prints one line at the end naming how many and how
 *   to run them.
 *
 * Corpus tests live in `describeWithCorpus` blocks only and read the corpus
 * inside their tests or hooks, never while jest collects them: a missing
 * corpus then skips exactly those tests and hides no other.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Put in the title of every skipped corpus block; corpus-reporter.js counts skipped tests by it. */
export const CORPUS_MARK = '[needs SECPOL_CORPUS]';

const beside = resolve(__dirname, '../../../shared/corpus/real-world');

/** The corpus folder, or undefined when its tests are skipped. */
export const CORPUS_DIR: string | undefined = process.env.SECPOL_CORPUS
  ? resolve(process.env.SECPOL_CORPUS)
  : existsSync(beside)
    ? beside
    : undefined;

/**
 * The path of a corpus file. Only inside tests of a `describeWithCorpus`
 * block; throws (so the test fails) when the corpus named is missing.
 */
export function corpusPath(name: string): string {
  if (CORPUS_DIR === undefined || !existsSync(CORPUS_DIR))
    throw new Error(
      `the real-world corpus is not at ${CORPUS_DIR ?? beside}: set SECPOL_CORPUS to its real-world folder`,
    );
  return join(CORPUS_DIR, name);
}

/**
 * Every policy file of the corpus and what parsing it gives: `valid`, or
 * `LINE:COL message` of the first error. policy/corpus.test.ts checks this
 * table against the folder (a new file fails until it is added here); it is
 * fixed so the same tests are collected whether the corpus is there or not.
 */
export const CORPUS_POLICIES: Readonly<Record<string, string>> = {
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

/**
 * A `describe` block of tests that read the corpus: run when there is one
 * (or one is named), else skipped with CORPUS_MARK in its title, which is
 * what the reporter counts (so tests left out by `-t` are never counted).
 */
export function describeWithCorpus(title: string, fn: () => void): void {
  if (CORPUS_DIR !== undefined) describe(title, fn);
  else describe.skip(`${title} ${CORPUS_MARK}`, fn);
}
