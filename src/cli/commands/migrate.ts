/**
 * `secpol-learn migrate --from R1 --to R2 POLICY... [TRACES...] [--trace FILE...]
 * [--format text|json|patch|markdown] [--write]`: carries a policy's
 * abilities to another QNX release (docs/migrate.md). A thin shell over
 * src/review/migrate.ts (the plan and the new texts), migrate-traces.ts (ability
 * checks recorded on another release) and src/render/migrate-format.ts.
 * Exit 0 when nothing needs a person; 1 when a review item remains (or, with
 * `--strict`, a trace warning); 2 for bad usage or unreadable input.
 */
import type { CommandImpl } from '../command';
import { ExitCode, UsageError } from '../../errors';
import { QNX_VERSIONS, isQnxVersion, type QnxVersion } from '../../qnx/abilities';
import { parsePolicyFiles } from '../learn-inputs';
import { distinctFiles, writePolicies } from '../policy-file-io';
import { listOf } from '../review-inputs';
import { readTraceEvents } from '../read-traces';
import { sortMigrateInputs } from '../migrate-inputs';
import { migratePolicy } from '../../review/migrate';
import { OtherReleaseCheck } from '../../review/migrate-traces';
import { migrationDiffParts } from '../../render/migration-diff';
import type { DiffPart } from '../../render/unified-diff';
import { diffBytes } from '../patch-bytes';
import {
  migrateJson,
  migrateMarkdown,
  migrateSummary,
  migrateText,
} from '../../render/migrate-format';
import { formatDiagnosticLine, type Diagnostic } from '../../diagnostics/diagnostic';
import { FirstByPlace } from '../../diagnostics/first-by-place';

/** How many trace lines not understood are listed on stderr; the rest are counted. */
const MAX_LISTED_LINES = 1000;

function release(args: Record<string, unknown>, key: 'from' | 'to'): QnxVersion {
  const v = String(args[key]);
  if (!isQnxVersion(v))
    throw new UsageError(`--${key} must be one of ${QNX_VERSIONS.join(', ')} (got ${v})`);
  return v;
}

export const migrateCommand: CommandImpl = {
  builder: (y) =>
    y
      .positional('policies', {
        describe:
          'the policy files (several files are one policy, as secpolcompile reads them), then any traces: a file holding secpolmonitor records and not a policy is read as a trace',
        type: 'string',
        array: true,
      })
      .option('from', {
        type: 'string',
        choices: [...QNX_VERSIONS],
        demandOption: true,
        describe: 'the QNX release the policy was written for',
      })
      .option('to', {
        type: 'string',
        choices: [...QNX_VERSIONS],
        demandOption: true,
        describe: 'the QNX release to migrate it to',
      })
      .option('trace', {
        type: 'string',
        array: true,
        describe:
          'a secpolmonitor trace (repeatable): warn when it was taken on another release than --to',
      })
      .option('format', {
        type: 'string',
        choices: ['text', 'json', 'patch', 'markdown'],
        default: 'text',
        describe: 'text: one line per change; json; patch: a unified diff of the policy; markdown',
      })
      .option('write', {
        type: 'boolean',
        default: false,
        describe: 'rewrite the policy files in place (originals kept as FILE.orig)',
      })
      .option('strict', {
        type: 'boolean',
        default: false,
        describe: 'exit 1 on trace warnings too',
      })
      .example(
        '$0 migrate --from 7.1 --to 8.0 policy.secpol',
        'list the renamed abilities and those needing review',
      )
      .example(
        '$0 migrate --from 7.1 --to 8.0 policy.secpol --format patch | git apply',
        'apply the migration as a patch',
      )
      .example(
        '$0 migrate --from 7.1 --to 8.0 policy.secpol --trace boot.log',
        'also warn about ability checks recorded on a 7.x target',
      )
      .example(
        '$0 migrate --from 7.1 --to 8.0 policy.secpol boot.log',
        'the same: a file of secpolmonitor records is read as a trace',
      ),
  run: async (args, io) => {
    const from = release(args, 'from');
    const to = release(args, 'to');
    if (from === to) throw new UsageError(`--from and --to are both ${from}: nothing to migrate`);
    const files = listOf(args.policies);
    if (files.length === 0) throw new UsageError('a policy file is required');
    if (files.includes('-')) throw new UsageError('migrate reads policies from files, not `-`');
    const inputs = await sortMigrateInputs(files, io);
    if (inputs.policies.length === 0) throw new UsageError('a policy file is required');
    const parsed = await parsePolicyFiles(await distinctFiles(inputs.policies, io.cwd), io);
    if (!parsed) return ExitCode.USAGE;
    const sources = parsed.sources;
    const m = migratePolicy(
      parsed.policy,
      sources.map((s) => ({ file: s.file, text: s.text })),
      from,
      to,
    );

    const check = new OtherReleaseCheck(to);
    const kept = new FirstByPlace(MAX_LISTED_LINES);
    const traces = [...new Set([...listOf(args.trace), ...inputs.traces])];
    if (traces.length > 0)
      await readTraceEvents(traces, { names: [], abilities: false, paths: false }, io, {
        onEvent: (e) => check.add(e),
        onDiagnostic: (d: Diagnostic) => kept.add(d),
      });
    for (const d of kept.sorted()) io.stderr.write(`${formatDiagnosticLine(d)}\n`);
    if (kept.count > kept.sorted().length)
      io.stderr.write(
        `secpol-learn: ${kept.count - kept.sorted().length} more line(s) not understood, not listed\n`,
      );
    const warnings = check.warnings();

    const parts = (): DiffPart[] => migrationDiffParts(sources, m, io.cwd);
    const patchText = (): string =>
      parts()
        .map((p) => p.header + p.body)
        .join('');
    const format = String(args.format ?? 'text');
    if (format === 'json') io.stdout.write(migrateJson(m, warnings, patchText()));
    // The patch in each file's own bytes, so that it applies to the file (patch-bytes.ts).
    else if (format === 'patch') io.stdout.write(diffBytes(parts(), sources));
    else if (format === 'markdown') io.stdout.write(migrateMarkdown(m, warnings, patchText()));
    else io.stdout.write(migrateText(m, warnings));

    if (args.write) {
      // One transaction over every file that changes (docs/reliability.md).
      await writePolicies(
        sources,
        m.after.map((a) => a.text),
        io,
      );
    }
    io.stderr.write(
      `secpol-learn migrate: ${migrateSummary(m, warnings)}; ${kept.count} trace line(s) not understood\n`,
    );
    const review = m.items.some((i) => i.review);
    return review || (args.strict && warnings.length > 0) ? ExitCode.FINDING : ExitCode.OK;
  },
};
