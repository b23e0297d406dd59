/**
 * `secpol-learn check --policy FILE... [TRACE...] [--deny FILE] [--strict]
 * [--format text|json|sarif]`: a CI gate. Exit 0 when the policy allows every
 * failure the traces recorded, 1 when some failure is not covered (each
 * listed with its trace `file:line`), when the policy grants what a guard
 * rule forbids, or (with `--strict`) when some trace line was not read or a
 * waiver expired or matched nothing; 2 for
 * bad usage or unreadable input, and for an input from which no record was
 * read (unless `--allow-empty`), and for a waiver file that is wrong. Lines not
 * read are always named on stderr. A failure a waiver (`--waive`) covers is not
 * uncovered: each waiver used is named on stderr with its count and reason.
 *
 * Inputs (policies, range file, guard file, the streamed review scan) are
 * read by `../review-inputs.ts`, which `explain` and `harden` share.
 *
 * `--follow` reads one input as it is written (`ssh target secpolmonitor -aps
 * | secpol-learn check --follow --policy p.secpol`): each uncovered failure is
 * printed (FILE:LINE) when its first denied record arrives; when the input
 * ends or on SIGINT/SIGTERM the summary follows and the status is the usual one.
 */
import type { CommandImpl } from '../command';
import { paint, useColor } from '../color';
import { ExitCode } from '../../errors';
import { guardViolations } from '../../review/guards';
import { uncoveredOf } from '../../review/check-result';
import {
  checkFindings,
  checkRows,
  checkLists,
  type FamilyFailure,
} from '../../review/check-stream';
import type { EventGroup } from '../../review/trace-review';
import { startFollow } from '../follow';
import {
  CHECK_RULES,
  checkJsonLines,
  checkSarifFindings,
  checkSarifRuleIds,
  checkSummary,
  guardLine,
  uncoveredLine,
  uncoveredLines,
  uncoveredRows,
  UncoveredLineBytes,
  WAIVER_RULES,
  waiverLines,
} from '../../render/check-output';
import { sarifLines } from '../../render/sarif';
import { loadReviewInput, reviewOptions, scanTraces, toolVersion } from '../review-inputs';
import { refuseEmptyInputs } from '../learn-inputs';
import { withWaive } from '../load-waivers';
import { waiverForEvent } from '../../review/waivers';
import { skipLines, writeLines, writeRows } from '../write-lines';
import { emptyReviewSummary } from '../../infer/review-tally';

export const checkCommand: CommandImpl = {
  builder: (y) =>
    withWaive(reviewOptions(y), 'failures they cover pass; expired and unused waivers are warnings')
      .option('deny', {
        type: 'string',
        array: true,
        describe:
          'guard rules (secpol) that must never be granted (repeatable): fail when the policy grants one',
      })
      .option('strict', {
        type: 'boolean',
        default: false,
        describe:
          'warnings fail (exit 1): a trace line not understood, a record of unknown form, an expired or unused waiver',
      })
      .option('allow-empty', {
        type: 'boolean',
        default: false,
        describe: 'pass an input from which no secpolmonitor record was read (else exit 2)',
      })
      .option('format', {
        type: 'string',
        choices: ['text', 'json', 'sarif'],
        default: 'text',
        describe: 'text: one line per uncovered failure; json; sarif (SARIF 2.1.0)',
      })
      .option('follow', {
        type: 'boolean',
        default: false,
        describe:
          'read one input as it is written (a growing file, a pipe): print each uncovered failure as it arrives; stop at its end or on Ctrl-C/SIGTERM',
      })
      .example(
        '$0 check --policy policy.secpol boot.log',
        'exit 1 and list failures the policy does not allow',
      )
      .example(
        '$0 check --policy base.secpol --policy svc.secpol --deny never.secpol --strict logs/*.log',
        'a strict gate with guard rules',
      )
      .example(
        '$0 check --policy policy.secpol boot.log --format sarif > check.sarif',
        'SARIF for code-review annotations',
      )
      .example(
        '$0 check --policy policy.secpol --waive waivers.secpol boot.log',
        'pass on failures documented as harmless, each waiver with its reason and expiry',
      )
      .example(
        'ssh target secpolmonitor -aps | $0 check --follow --policy policy.secpol',
        'watch a live system: each uncovered failure as it happens',
      ),
  run: async (args, io) => {
    const input = await loadReviewInput(args, io);
    if (!input) return ExitCode.USAGE;
    const format = String(args.format ?? 'text');
    const colour = useColor(io.stdout, io.env, io.color);
    const red = (s: string): string => paint(colour, 31, s);
    const traces = (args.traces as string[] | undefined) ?? [];
    const follow = startFollow(args, traces);
    const live = follow && {
      follow,
      // Text: each uncovered failure as it arrives (and not again at the end); JSON and SARIF
      // are one document, printed at the end.
      onUncovered: (g: EventGroup): void => {
        if (input.waivers && waiverForEvent(input.waivers.set, g.event)) return;
        if (format === 'text') io.stdout.write(`${red(uncoveredLine(uncoveredOf(g)))}\n`);
      },
    };
    let scan;
    try {
      scan = await scanTraces(args, input.model, io, live);
    } finally {
      follow?.dispose();
    }
    // A gate that read nothing judged nothing: an empty, binary or foreign input is not a pass.
    const read = {
      traceFiles: [...scan.records.keys()],
      records: Object.fromEntries(scan.records),
    };
    if (refuseEmptyInputs(read, args, io)) return ExitCode.USAGE;
    const checkInput = {
      traceFiles: scan.traceFiles,
      policyFiles: input.loaded.sources.map((s) => s.file),
      notUnderstood: scan.notUnderstood,
      notUnderstoodCount: scan.notUnderstoodCount,
      guardViolations: input.guards ? guardViolations(input.model, input.guards) : [],
      ...(input.waivers
        ? { waivers: { set: input.waivers.set, warnings: input.waivers.diagnostics } }
        : {}),
      strict: Boolean(args.strict),
    };
    let verdict;
    if (format === 'text') {
      // Streamed (src/review/check-stream.ts): each uncovered line written as it is judged, in
      // place order; no list of failures is held. --follow printed them as they arrived.
      const judged = checkRows(input.model, scan.summary, checkInput);
      if (follow) verdict = skipLines(uncoveredLines(judged));
      else if (colour) verdict = await writeLines(io.stdout, uncoveredLines(judged), red);
      else {
        // A family's line written as bytes, no string made for it (src/render/check-output.ts).
        const bytes = new UncoveredLineBytes();
        verdict = await writeRows(io.stdout, uncoveredRows(judged), (row: FamilyFailure, batch) =>
          bytes.write(row, batch),
        );
      }
      for (const v of checkInput.guardViolations) io.stdout.write(`${red(guardLine(v))}\n`);
    } else if (format === 'json') {
      // Judged through for the verdict, then again as each failure is written: no list of
      // failures is held, and the document is never one string.
      const judged = checkLists(input.model, scan.summary, checkInput);
      await writeLines(io.stdout, checkJsonLines(judged.result, judged.lists));
      scan.summary = emptyReviewSummary();
      verdict = judged.verdict;
    } else {
      // SARIF relates each finding to the rules its verdict consulted. Judged through for the
      // verdict (the log's rules), then again as each result is written, as JSON is.
      const judged = checkFindings(input.model, scan.summary, checkInput);
      await writeLines(
        io.stdout,
        sarifLines(
          checkSarifFindings(judged.result, judged.lists),
          judged.result.waivers ? [...CHECK_RULES, ...WAIVER_RULES] : CHECK_RULES,
          checkSarifRuleIds(judged.result, judged.verdict),
          { version: toolVersion() },
        ),
      );
      scan.summary = emptyReviewSummary();
      verdict = judged.verdict;
    }
    for (const line of waiverLines(verdict)) io.stderr.write(`${line}\n`);
    io.stderr.write(`${checkSummary(verdict)}\n`);
    return verdict.passed ? ExitCode.OK : ExitCode.FINDING;
  },
};
