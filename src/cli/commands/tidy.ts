/**
 * `secpol-learn tidy FILE... [--equivalent-only] [--format
 * text|json|markdown|patch] [--write]`: proposes merged rules, path globs and
 * attributes for a policy (src/review/tidy.ts) and proves the result with the
 * semantic diff of the one grant model (src/review/tidy-proof.ts): every
 * difference must be a widening a proposal states. `--equivalent-only`
 * refuses every widening, so the proof must find no difference at all.
 * `--format patch` prints the refactor as a unified diff in each file's own
 * bytes; `--write` rewrites the files in one transaction (FILE.orig kept).
 * Exit 0 proven (or nothing to tidy), 1 when the proof finds a difference no
 * proposal states (or any, with `--equivalent-only`; nothing is written), 2
 * for bad usage, an unreadable file or a policy that does not parse.
 */
import type { CommandImpl } from '../command';
import { qnxOption } from '../shared-options';
import { ExitCode, UsageError } from '../../errors';
import { parsePolicyFiles, qnxFrom } from '../learn-inputs';
import { buildModel } from '../../policy/model/build-model';
import { parsePolicies } from '../../policy/parse';
import { readAs } from '../policy-bytes';
import { formatDiagnosticLine } from '../../diagnostics/diagnostic';
import { applyEdits, planTidy } from '../../review/tidy';
import { proveTidy } from '../../review/tidy-proof';
import { unifiedDiffParts } from '../../render/unified-diff';
import { tidyJson, tidyMarkdown, tidySummary, tidyText } from '../../render/tidy-output';
import { diffBytes } from '../patch-bytes';
import { writePolicies } from '../policy-file-io';

export const tidyCommand: CommandImpl = {
  builder: (y) =>
    y
      .positional('files', {
        describe: 'policy files, one policy (concatenated in order, as secpolcompile does)',
        type: 'string',
        array: true,
      })
      .option('equivalent-only', {
        type: 'boolean',
        default: false,
        describe:
          'refuse every widening (globs, attributes); exit 1 if the proof finds any difference',
      })
      .option('format', {
        type: 'string',
        choices: ['text', 'json', 'markdown', 'patch'],
        default: 'text',
        describe: 'text; json; markdown; patch (the refactor as a unified diff)',
      })
      .option('write', {
        type: 'boolean',
        default: false,
        describe: 'rewrite the files in place when the proof holds (FILE.orig kept)',
      })
      .option('qnx', qnxOption('QNX release (what default_priv grants)'))
      .example('$0 tidy policy.secpol', 'list the proposals, what each widens, and the proof')
      .example(
        '$0 tidy --equivalent-only --format patch policy.secpol | git apply',
        'apply only the refactors that grant exactly the same',
      )
      .example('$0 tidy --write base.secpol svc.secpol', 'rewrite a split policy in place')
      .example('$0 tidy --format json policy.secpol', 'proposals and proof for a script'),
  run: async (args, io) => {
    const files = ((args.files as unknown[] | undefined) ?? []).map(String);
    if (files.length === 0) throw new UsageError('name at least one policy file');
    if (files.includes('-')) throw new UsageError('tidy reads policy files, not standard input');
    const format = String(args.format ?? 'text');
    const write = Boolean(args.write);
    if (write && format === 'patch')
      throw new UsageError('--write and --format patch cannot be used together');
    const qnx = qnxFrom(args);
    const parsed = await parsePolicyFiles(files, io);
    if (!parsed) return ExitCode.USAGE;
    const before = buildModel(parsed.policy, { qnx });
    const equivalentOnly = Boolean(args['equivalent-only']);
    const plan = planTidy(parsed.policy, before, { equivalentOnly });
    const sources = parsed.sources;
    const after = applyEdits(
      sources.map((s) => ({ file: s.file, text: s.text })),
      plan.edits,
    );
    const reparsed = parsePolicies(after);
    // The tidied text is judged as the original was: a latin1 file's paths by their bytes.
    reparsed.policy.files.forEach((f, i) => readAs(f, sources[i]!.encoding));
    const broken = reparsed.diagnostics.filter((d) => d.severity === 'error');
    if (broken.length > 0) {
      // The planner writes nodes the parser reads back; a failure here is a bug, and nothing is written.
      for (const d of broken)
        io.stderr.write(
          `secpol-learn tidy: the tidied text does not parse: ${formatDiagnosticLine(d)}\n`,
        );
      return ExitCode.FINDING;
    }
    const proof = proveTidy(before, buildModel(reparsed.policy, { qnx }), plan.proposals);
    const proven =
      proof.unexplained.length === 0 && (!equivalentOnly || proof.entries.length === 0);
    const parts = (): ReturnType<typeof unifiedDiffParts> =>
      unifiedDiffParts(
        sources.map((s, i) => ({ file: s.file, before: s.text, after: after[i]!.text })),
        io.cwd,
      );
    const patchText = (): string =>
      parts()
        .map((p) => p.header + p.body)
        .join('');
    if (format === 'patch') {
      // Only a proven refactor is printed as a patch someone may apply.
      if (proven) io.stdout.write(diffBytes(parts(), sources));
    } else if (format === 'json') io.stdout.write(tidyJson(plan, proof, files, patchText()));
    else if (format === 'markdown') io.stdout.write(tidyMarkdown(plan, proof, patchText()));
    else io.stdout.write(tidyText(plan, proof));
    io.stderr.write(`secpol-learn tidy: ${tidySummary(plan, proof)}\n`);
    if (!proven) return ExitCode.FINDING;
    if (write) {
      await writePolicies(
        sources,
        after.map((a) => a.text),
        io,
      );
    }
    return ExitCode.OK;
  },
};
