/**
 * `secpol-learn explain --policy FILE... [TRACE...] [--format
 * text|json|markdown]` (audit2why for QNX): for each recorded failure,
 * grouped by reason, why this policy denies it, the rule that would allow it,
 * the rules consulted with their `file:line`, and the wrong-type hint.
 * A failure a waiver (`--waive`) covers is explained by its waiver; expired
 * and unused waivers are warned about on stderr.
 * A thin shell over src/review/explain.ts. Exit 0 when explained (whatever
 * was found); 2 for bad usage or unreadable input.
 */
import type { CommandImpl } from '../command';
import { ExitCode } from '../../errors';
import { loadReviewInput, reviewOptions, scanTraces } from '../review-inputs';
import { explainFailures, explainSteps, type ExplainedFailure } from '../../review/explain';
import { judgeSummary } from '../../review/trace-review';
import {
  ExplainFailureBytes,
  explainJson,
  explainJsonLines,
  explainText,
  explainTextRows,
} from '../../render/explain-output';
import { writeLines, writeRows } from '../write-lines';
import { textPieces } from '../text-pieces';
import { explainMarkdown, explainMarkdownSteps } from '../../render/explain-markdown';
import { templatesOption } from '../load-templates';
import { withTemplates } from '../shared-options';
import { withWaive } from '../load-waivers';
import { reviewWaiverWarnings } from '../../review/waivers';
import { formatDiagnosticLine } from '../../diagnostics/diagnostic';

export const explainCommand: CommandImpl = {
  builder: (y) =>
    withWaive(
      withTemplates(reviewOptions(y), ['explain']),
      'failures they cover are explained by their waiver',
    )
      .option('format', {
        type: 'string',
        choices: ['text', 'json', 'markdown'],
        default: 'text',
        describe: 'text; json; markdown (a pull-request comment with a Mermaid diagram)',
      })
      .example(
        '$0 explain --policy policy.secpol boot.log',
        'why each failure was denied, and the rule that would allow it',
      )
      .example(
        '$0 explain --policy policy.secpol boot.log --format markdown > why.md',
        'a review comment',
      ),
  run: async (args, io) => {
    const templates = templatesOption(args, io);
    const input = await loadReviewInput(args, io);
    if (!input) return ExitCode.USAGE;
    const scan = await scanTraces(args, input.model, io);
    const waivers = input.waivers;
    const format = String(args.format ?? 'text');
    const failures = scan.summary.failures;
    const head = {
      traceFiles: [...scan.traceFiles].sort(),
      policyFiles: input.loaded.sources.map((s) => s.file),
      failures,
    };
    let groups: number;
    if (!waivers) {
      // Streamed (src/review/explain.ts, explainSteps): a million distinct failures are never
      // held as verdicts or explanations. Text and JSON are written as they are made, in
      // batches of about 64 KiB, waiting when the reader is slow; markdown keeps each row's
      // cells until its template is filled, and its text is written in such batches too.
      const steps = explainSteps(input.model, scan.summary);
      if (format === 'markdown') {
        const md = explainMarkdownSteps(steps, head, templates.explain);
        const rest = await writeLines(io.stdout, textPieces(md.text));
        if (rest !== '') io.stdout.write(rest);
        groups = md.groups;
      } else if (format === 'json')
        groups = await writeLines(io.stdout, explainJsonLines(steps, head));
      else {
        // A failure's lines are written as bytes into the batch (no string made for them).
        const bytes = new ExplainFailureBytes();
        groups = await writeRows(io.stdout, explainTextRows(steps), (f: ExplainedFailure, batch) =>
          bytes.write(f, batch),
        );
      }
    } else {
      // Whole: waivers are judged against the whole review.
      const review = judgeSummary(input.model, scan.summary);
      const x = explainFailures(review, head, waivers.set);
      groups = x.sections.reduce((n, s) => n + s.failures.length, 0);
      io.stdout.write(
        format === 'json'
          ? explainJson(x)
          : format === 'markdown'
            ? explainMarkdown(x, templates.explain)
            : explainText(x),
      );
      // Expired waivers, and those that cover no failure.
      for (const d of reviewWaiverWarnings(waivers, review))
        io.stderr.write(`${formatDiagnosticLine(d)}\n`);
    }
    io.stderr.write(
      `secpol-learn explain: ${failures} failure record(s) in ${groups} group(s); ${scan.notUnderstoodCount} line(s) not understood\n`,
    );
    return ExitCode.OK;
  },
};
