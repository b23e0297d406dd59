/**
 * `secpol-learn suggest [TRACE...] [--policy FILE]...`: the minimal policy
 * patch that would allow the failures in the traces (audit2allow for QNX).
 *
 * A thin shell: reads traces (through the trace stage, with the monitor
 * filters) and policies, runs `inferRequirements` → `planPatch`, prints the
 * result as a secpol snippet, a unified diff, JSON or a markdown report, and
 * with `--write` applies the patch to the policy files atomically (keeping a
 * `.orig` copy). The summary, refused records and lines not understood go to
 * stderr. Exit 0 on success; 2 for bad usage, unreadable input, or a policy
 * that does not parse (code frames on stderr). Also exports the I/O helpers
 * `generate` shares.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Argv } from 'yargs';
import type { CliCommand } from '../command';
import type { CliIo } from '../io';
import { ExitCode, UsageError } from '../../errors';
import { formatDiagnostic } from '../../diagnostics/code-frame';
import { formatDiagnosticLine, type Diagnostic } from '../../diagnostics/diagnostic';
import { parsePolicy } from '../../policy/parse';
import {
  readPolicyFile,
  writePolicyFileAtomic,
  type PolicySource,
} from '../../policy/policy-file-io';
import { buildModel } from '../../policy/model/build-model';
import { QNX_VERSIONS, DEFAULT_QNX_VERSION, type QnxVersion } from '../../qnx/abilities';
import { addEvent, emptyInferResult, type InferResult } from '../../infer/infer-requirements';
import { learn, type LearnResult } from '../../plan/learn';
import type { PolicyInput } from '../../plan/plan-patch';
import { applyPatch } from '../../plan/apply-patch';
import { loadTemplates } from '../../render/templates';
import { summaryLines, toReportView, toSnippetView } from '../../render/view-model';
import { formatUnifiedDiff } from '../../render/unified-diff';
import { toJson } from '../../render/json';
import {
  readTraceEvents,
  traceFilterOptions,
  traceFilterFrom,
  unknownRecordNote,
} from '../../infer/read-traces';
import { readTracesParallel } from '../../parallel/read-parallel';
import type { Policy, PolicyFile } from '../../policy/ast';
import { loadGuardFile } from '../../review/load-guards';
import { refuseGuarded } from '../../review/guards';
import { patchDiagramSection } from '../../review/patch-diagram';

/** How many lines not understood are listed on stderr; the rest are counted. */
const MAX_LISTED_LINES = 1000;

/** The policies given on the command line, parsed. */
export interface LoadedPolicies {
  sources: PolicySource[];
  input: PolicyInput;
}

/**
 * Reads and parses policy files. A policy that does not parse is input the
 * user must fix: code frames on stderr, then `undefined` (the command exits 2).
 */
export async function loadPolicies(
  files: string[],
  io: CliIo,
  qnx: QnxVersion,
): Promise<LoadedPolicies | undefined> {
  const sources: PolicySource[] = [];
  for (const file of files) sources.push(await readPolicyFile(path.resolve(io.cwd, file), file));
  const parsed: PolicyFile[] = [];
  let failed = false;
  for (const src of sources) {
    const { ast, diagnostics } = parsePolicy(src.text, { file: src.file });
    for (const d of diagnostics) io.stderr.write(formatDiagnostic(d, src.text));
    if (diagnostics.some((d) => d.severity === 'error')) failed = true;
    parsed.push(ast);
  }
  if (failed) return undefined;
  const policy: Policy = { type: 'policy', files: parsed };
  return { sources, input: { policy, model: buildModel(policy, { qnx }) } };
}

/** Reads every trace into one inference result; reports lines not understood on stderr. */
export async function inferFromTraces(
  traces: string[],
  args: Record<string, unknown>,
  io: CliIo,
): Promise<{
  inferred: InferResult;
  eventCount: number;
  traceFiles: string[];
  notUnderstood: number;
}> {
  const traceFiles = traces.length > 0 ? traces : ['-'];
  // Large files: every core, merged to the same result (src/parallel/); else one thread below.
  const parallel = await readTracesParallel(
    traceFiles,
    traceFilterFrom(args),
    io,
    MAX_LISTED_LINES,
  );
  const inferred = parallel?.inferred ?? emptyInferResult();
  let eventCount = parallel?.eventCount ?? 0;
  // Bounded: a gigabyte of garbage must not become a gigabyte of diagnostics.
  const notUnderstood: Diagnostic[] = parallel?.notUnderstood ?? [];
  let notUnderstoodCount = parallel?.notUnderstoodCount ?? 0;
  const note = (d: Diagnostic): void => {
    notUnderstoodCount++;
    if (notUnderstood.length < MAX_LISTED_LINES) notUnderstood.push(d);
  };
  if (!parallel)
    await readTraceEvents(traceFiles, traceFilterFrom(args), io, {
      onEvent: (e) => {
        if (e.kind !== 'unknown') eventCount++;
        else note(unknownRecordNote(e));
        addEvent(inferred, e);
      },
      onDiagnostic: note,
    });
  // Sorted by place: the same bytes whatever the order of the trace files.
  notUnderstood.sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line));
  for (const d of notUnderstood) io.stderr.write(`${formatDiagnosticLine(d)}\n`);
  if (notUnderstoodCount > notUnderstood.length) {
    io.stderr.write(
      `secpol-learn: ${notUnderstoodCount - notUnderstood.length} more line(s) not understood, not listed\n`,
    );
  }
  inferred.refused.sort((a, b) =>
    a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line,
  );
  return { inferred, eventCount, traceFiles, notUnderstood: notUnderstoodCount };
}

/** Writes refused records and the summary on stderr. */
export function reportToStderr(result: LearnResult, io: CliIo): void {
  for (const d of result.refused) io.stderr.write(`${formatDiagnosticLine(d)}\n`);
  if (result.refusedCount > result.refused.length) {
    io.stderr.write(
      `secpol-learn: ${result.refusedCount - result.refused.length} more refused record(s) not listed\n`,
    );
  }
  for (const r of result.patch.review) {
    const at = r.evidence.firstFailure ?? r.evidence.first;
    io.stderr.write(`${at.file}:${at.line}: review: ${r.message} [${r.code}]\n`);
  }
  for (const a of result.patch.alreadyAllowed) {
    const at = a.evidence.firstFailure ?? a.evidence.first;
    io.stderr.write(
      `${at.file}:${at.line}: info: ${a.type} ${a.kind} ${a.object} already allowed by ${a.by.file}:${a.by.line}\n`,
    );
  }
  io.stderr.write(`secpol-learn ${result.command}: ${summaryLines(result).join('; ')}\n`);
}

/** The `--qnx` option's value, checked. */
export function qnxFrom(args: Record<string, unknown>): QnxVersion {
  return (args.qnx as QnxVersion | undefined) ?? DEFAULT_QNX_VERSION;
}

/** Options both learning commands share. */
export function learnOptions(y: Argv): Argv {
  return traceFilterOptions(
    y
      .positional('traces', {
        describe: 'secpolmonitor output files (`-` or none: standard input)',
        type: 'string',
        array: true,
      })
      .option('combine', {
        alias: 'c',
        type: 'boolean',
        default: false,
        describe:
          'group by process name: an executable sharing a catch-all type gets a type of its own',
      })
      .option('qnx', {
        type: 'string',
        choices: [...QNX_VERSIONS],
        default: DEFAULT_QNX_VERSION,
        describe: 'QNX release whose abilities the policy uses',
      })
      .option('templates', {
        type: 'string',
        describe:
          'directory with templates (snippet.hbs, draft.hbs, report.hbs) replacing the built-in ones by name',
      }),
  );
}

export const suggestCommand: CliCommand = {
  command: 'suggest [traces..]',
  describe: 'Suggest the minimal policy patch that allows the failures in secpolmonitor traces',
  builder: (y) =>
    learnOptions(y)
      .option('policy', {
        type: 'string',
        array: true,
        describe: 'the current policy (repeatable; files are concatenated as secpolcompile does)',
      })
      .option('format', {
        type: 'string',
        choices: ['secpol', 'patch', 'json', 'markdown'],
        default: 'secpol',
        describe:
          'secpol: the rules alone; patch: a unified diff of --policy; json; markdown review report',
      })
      .option('explain', {
        type: 'boolean',
        default: false,
        describe: 'add evidence comments (processes, pids, trace lines) above each added rule',
      })
      .option('write', {
        type: 'boolean',
        default: false,
        describe: 'apply the patch to the --policy files (atomically, keeping FILE.orig)',
      })
      .option('deny', {
        type: 'string',
        describe: 'guard rules (secpol) never to suggest: what they forbid is listed as refused',
      })
      .example(
        '$0 suggest trace.log --policy policy.secpol --deny never.secpol',
        'never suggest a guarded grant',
      )
      .example('$0 suggest trace.log', 'print the rules that would allow the failures')
      .example(
        '$0 suggest trace.log --policy policy.secpol --explain',
        'only what the policy lacks, with evidence',
      )
      .example(
        '$0 suggest trace.log --policy policy.secpol --format patch | git apply',
        'apply as a diff',
      )
      .example(
        '$0 suggest boot.log -c --policy policy.secpol',
        'give executables in catch-all types their own type',
      )
      .example(
        '$0 suggest trace.log --policy policy.secpol --write',
        'patch the policy in place (keeps .orig)',
      ),
  run: async (args, io) => {
    const policyFiles = (args.policy as string[] | undefined) ?? [];
    const format = String(args.format ?? 'secpol');
    const explain = Boolean(args.explain);
    if (format === 'patch' && policyFiles.length === 0)
      throw new UsageError('--format patch needs --policy');
    if (args.write && policyFiles.length === 0) throw new UsageError('--write needs --policy');
    // Standard input carries the traces; a policy must be a file.
    if (policyFiles.includes('-')) {
      throw new UsageError('--policy must name a file (standard input is for traces)');
    }
    const templates = loadTemplates(
      args.templates ? path.resolve(io.cwd, String(args.templates)) : undefined,
    );
    const qnx = qnxFrom(args);
    const loaded = policyFiles.length > 0 ? await loadPolicies(policyFiles, io, qnx) : undefined;
    if (policyFiles.length > 0 && !loaded) return ExitCode.USAGE;
    const traces = (args.traces as string[] | undefined) ?? [];
    const { inferred, eventCount, traceFiles, notUnderstood } = await inferFromTraces(
      traces,
      args,
      io,
    );
    // Guard rules (--deny): what they forbid is refused (with the record that asked), never emitted.
    if (typeof args.deny === 'string') {
      const guards = await loadGuardFile(args.deny, loaded?.input.policy, qnx, io);
      if (!guards) return ExitCode.USAGE;
      refuseGuarded(inferred, guards);
    }
    const result = learn(inferred, loaded?.input, {
      mode: 'suggest',
      combine: Boolean(args.combine),
      traceFiles,
      eventCount,
      notUnderstood,
    });
    const patched = loaded
      ? applyPatch(loaded.sources, loaded.input.policy, result.patch, { explain })
      : undefined;
    const diff = loaded
      ? formatUnifiedDiff(
          loaded.sources.map((s, i) => ({
            file: s.file,
            before: s.text,
            after: patched![i]!.text,
          })),
          io.cwd,
        )
      : undefined;
    const snippet = templates.snippet(toSnippetView(result, { explain }));
    if (format === 'secpol') io.stdout.write(snippet);
    else if (format === 'patch') io.stdout.write(diff!);
    else if (format === 'json')
      io.stdout.write(toJson(result, diff !== undefined ? { patch: diff } : {}));
    else
      io.stdout.write(
        templates.report(toReportView(result, snippet)) + patchDiagramSection(result.patch),
      );
    if (args.write && loaded) {
      for (let i = 0; i < loaded.sources.length; i++) {
        const src = loaded.sources[i]!;
        const after = patched![i]!.text;
        if (after === src.text) continue;
        const file = path.resolve(io.cwd, src.file);
        await fs.copyFile(file, `${file}.orig`);
        await writePolicyFileAtomic(file, after, src.encoding);
        io.stderr.write(`secpol-learn: wrote ${src.file} (original kept as ${src.file}.orig)\n`);
      }
    }
    reportToStderr(result, io);
    return ExitCode.OK;
  },
};
