/**
 * `secpol-learn harden --policy FILE... [TRACE...] [--format
 * text|json|patch|sarif|markdown]`: grants the traces never used (QNX's
 * "unused" view; needs traces taken with `secpolmonitor -s`), over-broad
 * grants with the narrower rule the traces support, and types shared by
 * several executables. `--format patch` prints the unified diff that removes
 * the unused grants. A thin shell over src/review/harden.ts. Exit 0 (a
 * report, whatever it found); 2 for bad usage or unreadable input. `--waive`
 * files are checked (exit 2 when wrong) and their expired or unused waivers
 * warned about; waivers are not grants, so they change no harden finding
 * (docs/review.md, "Waivers").
 */
import type { CommandImpl } from '../command';
import { ExitCode } from '../../errors';
import { loadReviewInput, reviewOptions, scanTraces, toolVersion } from '../review-inputs';
import { hardenFromSummary } from '../../review/harden';
import { WaiverUseTally } from '../../review/review-waiver-use';
import { removeGrants } from '../../review/remove-grants';
import { unifiedDiffParts } from '../../render/unified-diff';
import { diffBytes } from '../patch-bytes';
import {
  HARDEN_RULES,
  NO_SUCCESS_NOTE,
  hardenJson,
  hardenMarkdown,
  hardenSarifFindings,
  hardenSummary,
  hardenText,
} from '../../render/harden-format';
import { formatSarif, toSarif } from '../../render/sarif';
import { templatesOption } from '../load-templates';
import { withTemplates } from '../shared-options';
import { withWaive } from '../load-waivers';
import { formatDiagnosticLine } from '../../diagnostics/diagnostic';

export const hardenCommand: CommandImpl = {
  builder: (y) =>
    withWaive(
      withTemplates(reviewOptions(y), ['harden']),
      'checked, and expired or unused ones warned about; waivers are not grants, so no finding changes',
    )
      .option('format', {
        type: 'string',
        choices: ['text', 'json', 'patch', 'sarif', 'markdown'],
        default: 'text',
        describe: 'text; json; patch (a unified diff removing the unused grants); sarif; markdown',
      })
      .example(
        '$0 harden --policy policy.secpol boot-s.log',
        'report unused and over-broad grants (trace taken with secpolmonitor -s)',
      )
      .example(
        '$0 harden --policy policy.secpol boot-s.log --format patch | git apply',
        'remove the unused grants',
      )
      .example(
        '$0 harden --policy policy.secpol boot-s.log --format sarif > harden.sarif',
        'annotate the policy in code review',
      ),
  run: async (args, io) => {
    const templates = templatesOption(args, io);
    const input = await loadReviewInput(args, io);
    if (!input) return ExitCode.USAGE;
    // Harden lists no failure place: the tally keeps each atom's first only (less time and memory).
    const scan = await scanTraces(args, input.model, io, undefined, { places: false });
    const files = {
      traceFiles: scan.traceFiles,
      policyFiles: input.loaded.sources.map((s) => s.file),
    };
    // Waivers are not grants: harden judges the policy's grants, which they never change. Their
    // warnings (expired, covering no failure) read the same judgement, group by group, as harden
    // judges the tally atom by atom: the trace is judged once and the verdicts are never all held.
    const waiverUse = input.waivers ? new WaiverUseTally(input.waivers) : undefined;
    const h = hardenFromSummary(
      input.model,
      scan.summary,
      files,
      waiverUse && ((g) => waiverUse.add(g)),
    );
    const waiverWarnings = waiverUse?.warnings() ?? [];
    const sources = input.loaded.sources;
    // The removal diff, for the formats that print it only (its cost grows with the removals).
    const removalParts = (): ReturnType<typeof unifiedDiffParts> => {
      const after = removeGrants(
        sources.map((s) => ({ file: s.file, text: s.text })),
        h.removals,
      );
      return unifiedDiffParts(
        sources.map((s, i) => ({ file: s.file, before: s.text, after: after[i]!.text })),
        io.cwd,
      );
    };
    const removalPatch = (): string =>
      removalParts()
        .map((p) => p.header + p.body)
        .join('');
    const format = String(args.format ?? 'text');
    if (format === 'json') io.stdout.write(hardenJson(h, removalPatch()));
    // The patch in each file's own bytes, so that it applies to the file (patch-bytes.ts).
    else if (format === 'patch') io.stdout.write(diffBytes(removalParts(), sources));
    else if (format === 'sarif')
      io.stdout.write(
        formatSarif(toSarif(hardenSarifFindings(h), HARDEN_RULES, { version: toolVersion() })),
      );
    else if (format === 'markdown')
      io.stdout.write(hardenMarkdown(h, removalPatch(), templates.harden));
    else io.stdout.write(hardenText(h));
    for (const d of waiverWarnings) io.stderr.write(`${formatDiagnosticLine(d)}\n`);
    if (!h.hasSuccesses) io.stderr.write(`secpol-learn harden: note: ${NO_SUCCESS_NOTE}\n`);
    io.stderr.write(
      `secpol-learn harden: ${hardenSummary(h)}; ${scan.notUnderstoodCount} line(s) not understood\n`,
    );
    return ExitCode.OK;
  },
};
