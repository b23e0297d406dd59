/**
 * `secpol-learn query --policy FILE... QUESTION [--format text|json|markdown]`:
 * answers a question about a policy from the one grant model, with the
 * statements that grant it (src/review/query.ts has the grammar; docs/query.md).
 * Exit 0 when something answers the question, 1 when nothing does, 2 for a
 * question that cannot be read, bad usage, an unreadable file or a policy
 * that does not parse.
 */
import type { CommandImpl } from '../command';
import { qnxOption } from '../shared-options';
import { ExitCode, UsageError } from '../../errors';
import { loadReviewInput } from '../review-inputs';
import { QUESTION_FORMS, answerQuestion, parseQuestion } from '../../review/query';
import { queryJson, queryMarkdown, querySummary, queryText } from '../../render/query-output';
import { visible } from '../../diagnostics/safe-text';

export const queryCommand: CommandImpl = {
  builder: (y) =>
    y
      .positional('question', {
        type: 'string',
        array: true,
        describe: `the question, one of: ${QUESTION_FORMS.map(([f, what]) => `${f} (${what})`).join('; ')}`,
      })
      .option('policy', {
        type: 'string',
        array: true,
        describe: 'policy file (repeatable: several files are one policy, in order)',
      })
      .option('ranges', { type: 'string', describe: 'named range file (secpolpush -r format)' })
      .option('qnx', qnxOption('QNX release (what default_priv grants)'))
      .option('format', {
        type: 'string',
        choices: ['text', 'json', 'markdown'],
        default: 'text',
        describe: 'text (FILE:LINE:COL: TYPE: GRANT); json; markdown',
      })
      .example(
        '$0 query --policy policy.secpol who-connects random_t',
        'who may connect to random_t',
      )
      .example('$0 query --policy policy.secpol connects fs_t', 'what fs_t may connect to')
      .example(
        '$0 query --policy policy.secpol ability setuid:0',
        'who holds setuid with a subrange covering 0',
      )
      .example('$0 query --policy policy.secpol attach /dev/shmem', 'who may attach at /dev/shmem')
      .example(
        '$0 query --policy base.secpol --policy svc.secpol type fs_t --format json',
        'everything fs_t is granted, for a script',
      ),
  run: async (args, io) => {
    const words = ((args.question as unknown[] | undefined) ?? []).map(String);
    const parsed = parseQuestion(words);
    // A question is checked before any file is read: a typo costs nothing.
    if (!parsed.ok) throw new UsageError(`cannot read the question: ${visible(parsed.error)}`);
    const input = await loadReviewInput(args, io);
    if (!input) return ExitCode.USAGE;
    const answer = answerQuestion(input.model, parsed.question);
    const format = String(args.format ?? 'text');
    const files = input.loaded.sources.map((s) => s.file);
    io.stdout.write(
      format === 'json'
        ? queryJson(answer, files)
        : format === 'markdown'
          ? queryMarkdown(answer)
          : queryText(answer),
    );
    for (const n of answer.notes) io.stderr.write(`secpol-learn query: note: ${visible(n)}\n`);
    io.stderr.write(`secpol-learn query: ${querySummary(answer)}\n`);
    return answer.rows.length > 0 ? ExitCode.OK : ExitCode.FINDING;
  },
};
