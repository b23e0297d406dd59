/**
 * `secpol-learn types --buildfile FILE.. [--policy P..] [TRACES..]`: the launch
 * line of every process the traces show, in mkifs buildfiles and shell
 * startup scripts, with the type it runs as and the type it should run as
 * (docs/launch-types.md). The types come from one `-c` plan (`generate -c`
 * without --policy, `suggest -c` with it), so the policy those commands print
 * and the boot script this one patches agree. `--format patch` rewrites the
 * launch lines as a unified diff in each buildfile's own bytes; `--check`
 * exits 1 on a long-running launch that is untyped or of the wrong type.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { CommandImpl } from '../command';
import { ExitCode, FileError, UsageError } from '../../errors';
import { learn } from '../../plan/learn';
import { parseBuildfile } from '../../buildfile/parse-buildfile';
import { failsCheck, launchTypes } from '../../buildfile/launch-types';
import { rewriteLaunches } from '../../buildfile/rewrite-launches';
import { formatDiagnosticLine } from '../../diagnostics/diagnostic';
import { lineEditDiffParts } from '../../render/line-edit-diff';
import {
  launchTypesJson,
  launchTypesMarkdown,
  launchTypesSummary,
  launchTypesText,
} from '../../render/launch-types';
import { decodePolicyBytes } from '../policy-bytes';
import { diffBytes, type FileEncoding } from '../patch-bytes';
import { distinctFiles } from '../policy-file-io';
import {
  inferFromTraces,
  parsePolicyFiles,
  qnxFrom,
  refuseEmptyInputs,
  withModel,
} from '../learn-inputs';
import { traceFilterOptions } from '../read-traces';
import { withColor, qnxOption } from '../shared-options';
import { loadRangeOption } from '../load-ranges';

async function readBuildfile(file: string, cwd: string): Promise<FileEncoding> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path.resolve(cwd, file));
  } catch (error) {
    throw new FileError(file, 'read buildfile', error);
  }
  return { file, ...decodePolicyBytes(bytes) };
}

export const typesCommand: CommandImpl = {
  builder: (y) =>
    traceFilterOptions(
      withColor(y)
        .positional('traces', {
          describe: 'secpolmonitor output files (`-` or none: standard input)',
          type: 'string',
          array: true,
        })
        .option('buildfile', {
          alias: 'b',
          type: 'string',
          array: true,
          demandOption: true,
          describe: 'mkifs buildfile or shell startup script (repeatable)',
        })
        .option('policy', {
          type: 'string',
          array: true,
          describe:
            'the policy (repeatable): types planned as `suggest -c` would, not `generate -c`',
        })
        .option('format', {
          type: 'string',
          choices: ['text', 'json', 'markdown', 'patch'],
          default: 'text',
          describe: 'text, json, markdown: the report; patch: a unified diff of the buildfiles',
        })
        .option('check', {
          type: 'boolean',
          default: false,
          describe:
            'exit 1 when a long-running launch is untyped or of the wrong type (exit 2 when a trace held no record)',
        })
        .option('allow-empty', {
          type: 'boolean',
          default: false,
          describe: 'with --check: pass a trace from which no secpolmonitor record was read',
        })
        .option('qnx', qnxOption())
        .option('ranges', {
          type: 'string',
          describe: 'named range file (secpolpush -r format) the policy uses',
        }),
    )
      .example(
        '$0 types --buildfile board.build boot.log',
        'each launch line: the type it runs as, the type it should run as',
      )
      .example(
        '$0 types -b board.build -b start-system.sh boot.log --format patch > launch.patch',
        'a diff inserting or changing `on -T TYPE` (apply with git apply or patch -p1)',
      )
      .example(
        '$0 types -b board.build --policy policy.secpol boot.log --check',
        'CI: fail on an untyped or wrong-type launch of a long-running process',
      ),
  run: async (args, io) => {
    const files = (args.buildfile as string[] | undefined) ?? [];
    if (files.includes('-'))
      throw new UsageError('--buildfile must name a file (standard input is for traces)');
    const policyFiles = (args.policy as string[] | undefined) ?? [];
    if (policyFiles.includes('-'))
      throw new UsageError('--policy must name a file (standard input is for traces)');
    // A buildfile named twice (or by a second name) is one file: reported and patched once.
    const sources: FileEncoding[] = [];
    for (const f of await distinctFiles(files, io.cwd))
      sources.push(await readBuildfile(f, io.cwd));
    const parsed = policyFiles.length > 0 ? await parsePolicyFiles(policyFiles, io) : undefined;
    if (policyFiles.length > 0 && !parsed) return ExitCode.USAGE;
    const ranges = await loadRangeOption(args, io);
    if (ranges === undefined) return ExitCode.USAGE;
    const buildfiles = sources.map((s) => parseBuildfile(s.text, { file: s.file }));
    for (const b of buildfiles)
      for (const d of b.diagnostics) io.stderr.write(`${formatDiagnosticLine(d)}\n`);
    const read = await inferFromTraces((args.traces as string[] | undefined) ?? [], args, io);
    const { inferred, eventCount, traceFiles, notUnderstood } = read;
    // `--check` is a gate: a trace that held no record must not let every launch look "not in the traces".
    if (args.check && refuseEmptyInputs(read, args, io)) return ExitCode.USAGE;
    const loaded = parsed && withModel(parsed, qnxFrom(args), ranges);
    // The one -c plan: the types `generate -c` (or `suggest -c --policy`) gives.
    const learned = learn(inferred, loaded?.input, {
      mode: loaded ? 'suggest' : 'generate',
      combine: true,
      qnx: qnxFrom(args),
      traceFiles,
      eventCount,
      notUnderstood,
    });
    const report = launchTypes(buildfiles, learned, inferred);
    const changes = sources.map((s) => ({
      file: s.file,
      before: s.text,
      after: rewriteLaunches(
        s.text,
        report.verdicts.filter((v) => v.launch.file === s.file),
      ),
    }));
    const parts = lineEditDiffParts(changes, io.cwd);
    const format = args.format as string;
    if (format === 'patch') io.stdout.write(diffBytes(parts, sources));
    else if (format === 'json')
      io.stdout.write(launchTypesJson(report, diffBytes(parts, sources).toString('utf8')));
    else if (format === 'markdown') io.stdout.write(launchTypesMarkdown(report));
    else io.stdout.write(launchTypesText(report));
    io.stderr.write(launchTypesSummary(report));
    return args.check && report.verdicts.some(failsCheck) ? ExitCode.FINDING : ExitCode.OK;
  },
};
