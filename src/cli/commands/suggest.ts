/**
 * `secpol-learn suggest [TRACE...] [--policy FILE]... [--ranges FILE]
 * [--collapse] [--follow]`: the minimal policy patch that would allow the
 * failures in the traces (audit2allow for QNX). `--follow` reads one input
 * as it is written and prints the patch when it ends or on SIGINT/SIGTERM.
 *
 * A thin shell: reads traces (through the trace stage, with the monitor
 * filters) and policies, runs `inferRequirements` → `planPatch`, prints the
 * result as a secpol snippet, a unified diff, JSON, a markdown report or
 * SARIF (the risky suggested items), and
 * with `--write` applies the patch to the policy files atomically (keeping a
 * `.orig` copy). The summary, refused records and lines not understood go to
 * stderr. Failures a waiver (`--waive`) covers are not suggested: each is
 * named on stderr with its waiver. Exit 0 on success; 2 for bad usage,
 * unreadable input, a policy that does not parse (code frames on stderr) or a
 * wrong waiver file. Inputs are read by
 * `../learn-inputs.ts`, which `generate` shares.
 */
import type { CommandImpl } from '../command';
import { ExitCode, UsageError } from '../../errors';
import { distinctFiles, writePolicies } from '../policy-file-io';
import { learn, type LearnResult } from '../../plan/learn';
import { applyPatch } from '../../render/apply-patch';
import { templatesOption } from '../load-templates';
import { withTemplates } from '../shared-options';
import { toReportView, toSnippetView, type SnippetView } from '../../render/view-model';
import { unifiedDiffParts } from '../../render/unified-diff';
import { diffBytes } from '../patch-bytes';
import { toJson } from '../../render/json';
import { LEARN_RULES, learnSarifFindings } from '../../render/learn-sarif';
import { formatSarif, toSarif } from '../../render/sarif';
import { toolVersion } from '../review-inputs';
import { denyFiles, loadGuardFiles } from '../load-guards';
import { refuseGuarded } from '../../review/guards';
import { patchDiagramSection } from '../../render/patch-diagram';
import { collapsePaths } from '../../plan/collapse-paths';
import { loadRangeOption } from '../load-ranges';
import { startFollow } from '../follow';
import { learnLive, newItemLines } from '../review-live';
import type { CliIo } from '../io';
import type { PolicyModel } from '../../policy/model/types';
import type { InferResult } from '../../infer/infer-requirements';
import { loadWaivers, withWaive } from '../load-waivers';
import {
  staleWaivers,
  waiveRequirements,
  type ParsedWaivers,
  type WaiverUse,
} from '../../review/waivers';
import { byPlace } from '../../diagnostics/first-by-place';
import type { WaivedJson } from '../../render/json';
import { waivedReport } from '../../render/waived-report';
import {
  inferFromTraces,
  learnOptions,
  parsePolicyFiles,
  withModel,
  type LoadedPolicies,
  qnxFrom,
} from '../learn-inputs';
import { learnReport } from '../../render/learn-report';
import type { Templates } from '../../render/templates';

export const suggestCommand: CommandImpl = {
  builder: (y) =>
    withWaive(
      withTemplates(learnOptions(y), ['snippet', 'report']),
      'failures they cover are not suggested (named on stderr)',
    )
      .option('policy', {
        type: 'string',
        array: true,
        describe: 'the current policy (repeatable; files are concatenated as secpolcompile does)',
      })
      .option('format', {
        type: 'string',
        choices: ['secpol', 'patch', 'json', 'markdown', 'sarif'],
        default: 'secpol',
        describe:
          'secpol: the rules alone; patch: a unified diff of --policy; json; markdown review report; sarif: the risky suggested items',
      })
      .option('explain', {
        type: 'boolean',
        default: false,
        describe: 'add evidence comments (processes, pids, trace lines) above each added rule',
      })
      .option('collapse', {
        type: 'boolean',
        default: false,
        describe:
          'fold numbered device paths (/dev/ttyp0../dev/ttyp7 → /dev/ttyp*), marked for review',
      })
      .option('write', {
        type: 'boolean',
        default: false,
        describe: 'apply the patch to the --policy files (atomically, keeping FILE.orig)',
      })
      .option('deny', {
        type: 'string',
        array: true,
        describe:
          'guard rules (secpol) never to suggest (repeatable): what they forbid is listed as refused',
      })
      .option('follow', {
        type: 'boolean',
        default: false,
        describe:
          'read one input as it is written (a growing file, a pipe); each new item is announced on stderr (`new: RULE`); the patch is printed when it ends or on Ctrl-C/SIGTERM',
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
      )
      .example(
        '$0 suggest reduced/*.jsonl --policy fleet.secpol',
        'learn from per-device `monitor --format json` reductions of a fleet',
      )
      .example(
        'ssh target cat /tmp/secpol.log.gz | $0 suggest --policy policy.secpol',
        'read a pipe (plain or gzip), on every core from 256 MiB on',
      )
      .example(
        'ssh target secpolmonitor -aps | $0 suggest --follow --policy policy.secpol',
        'learn from a live monitor; Ctrl-C prints the patch',
      )
      .example(
        '$0 suggest <(zcat old/*.log.gz) --collapse',
        'a process substitution, paths folded',
      ),
  run: async (args, io) => {
    // A file named twice (or by a second name) is one file, read, patched and written once.
    const policyFiles = await distinctFiles((args.policy as string[] | undefined) ?? [], io.cwd);
    const format = String(args.format ?? 'secpol');
    if (format === 'patch' && policyFiles.length === 0)
      throw new UsageError('--format patch needs --policy');
    if (args.write && policyFiles.length === 0) throw new UsageError('--write needs --policy');
    // Standard input carries the traces; a policy must be a file.
    if (policyFiles.includes('-')) {
      throw new UsageError('--policy must name a file (standard input is for traces)');
    }
    const templates = templatesOption(args, io);
    const qnx = qnxFrom(args);
    const parsed = policyFiles.length > 0 ? await parsePolicyFiles(policyFiles, io) : undefined;
    if (policyFiles.length > 0 && !parsed) return ExitCode.USAGE;
    const ranges = await loadRangeOption(args, io);
    if (ranges === undefined) return ExitCode.USAGE;
    // Waiver files are judged before any trace is read: a wrong one stops the command (exit 2).
    const waivers = await loadWaivers(args, parsed?.policy, qnx, io);
    if (waivers === 'failed') return ExitCode.USAGE;
    // Guard rules (--deny) are read before the traces too: a guard file that does not parse stops
    // the command before a gigabyte is read. What they forbid is refused, never emitted.
    const guards =
      denyFiles(args).length > 0
        ? await loadGuardFiles(denyFiles(args), parsed?.policy, qnx, io)
        : [];
    if (!guards) return ExitCode.USAGE;
    // Built once, when the first plan needs it (not while the traces are read).
    let loaded: LoadedPolicies | undefined;
    let built = false;
    // What is printed is made from the planned patch inside `printable`: the patch is
    // unreachable while the snippet (the default format) is rendered and written.
    const out = await readAndPlan(args, io, guards, waivers, () => {
      if (!built) loaded = parsed && withModel(parsed, qnx, ranges);
      built = true;
      return loaded;
    }).then(({ result, waived }) => printable(result, waived, loaded, args, templates, io.cwd));
    const { patched, waived } = out;
    io.stdout.write('snippet' in out ? templates.snippet(out.snippet) : out.text);
    if (args.write && loaded) {
      // One transaction over every file of the policy (docs/reliability.md).
      await writePolicies(loaded.sources, patched!, io);
    }
    if (waived) io.stderr.write(waivedReport(waived));
    io.stderr.write(out.report);
    return ExitCode.OK;
  },
};

/**
 * What suggest prints, made from the planned patch, which the caller then no
 * longer holds: the snippet's view (the default format, rendered by the
 * caller) or the whole output of another format; the patched policy texts
 * for `--write`; the waivers' findings and the summary for stderr.
 */
type Printable = {
  patched?: string[];
  waived?: WaivedJson;
  report: string;
} & ({ snippet: SnippetView } | { text: string | Buffer });

function printable(
  result: LearnResult,
  waived: WaivedJson | undefined,
  loaded: LoadedPolicies | undefined,
  args: Record<string, unknown>,
  templates: Templates,
  cwd: string,
): Printable {
  const format = String(args.format ?? 'secpol');
  const explain = Boolean(args.explain);
  if (args.collapse) result.patch = collapsePaths(result.patch);
  // Only the formats that print the diff, and --write, pay for the patched text.
  const diffed = format === 'patch' || format === 'json';
  const patched =
    loaded && (diffed || args.write)
      ? applyPatch(loaded.sources, loaded.input.policy, result.patch, { explain })
      : undefined;
  const common = {
    ...(patched ? { patched: patched.map((p) => p.text) } : {}),
    ...(waived ? { waived } : {}),
    report: learnReport(result),
  };
  // The snippet's view is the last use of the changes in the default format.
  const view = toSnippetView(result, { explain, release: format === 'secpol' });
  if (format === 'secpol') return { ...common, snippet: view };
  const diffParts =
    loaded && diffed
      ? unifiedDiffParts(
          loaded.sources.map((s, i) => ({
            file: s.file,
            before: s.text,
            after: patched![i]!.text,
            insertions: patched![i]!.insertions,
          })),
          cwd,
        )
      : undefined;
  const diff = diffParts?.map((p) => p.header + p.body).join('');
  const snippet = templates.snippet(view);
  // The patch in each file's own bytes, so that it applies to the file (patch-bytes.ts).
  if (format === 'patch') return { ...common, text: diffBytes(diffParts!, loaded!.sources) };
  if (format === 'json')
    return {
      ...common,
      text: toJson(result, {
        ...(diff !== undefined ? { patch: diff } : {}),
        ...(waived ? { waivers: waived } : {}),
      }),
    };
  if (format === 'sarif')
    return {
      ...common,
      text: formatSarif(
        toSarif(learnSarifFindings(result), LEARN_RULES, { version: toolVersion() }),
      ),
    };
  return {
    ...common,
    text: templates.report(toReportView(result, snippet)) + patchDiagramSection(result.patch),
  };
}

/**
 * Reads the traces and plans the patch: guard rules refuse, waivers accept
 * (what they cover is never suggested), then the planner. The inference
 * result is not returned: once planned, only the patch (with the evidence it
 * cites) is printed, and the requirements it came from must not stay
 * reachable while the output is built (docs/performance.md, "1M distinct
 * failures"). `--follow` plans as it reads, to print each new item
 * (announceNew).
 */
async function readAndPlan(
  args: Record<string, unknown>,
  io: CliIo,
  guards: PolicyModel[],
  waivers: ParsedWaivers | undefined,
  policy: () => LoadedPolicies | undefined,
): Promise<{ result: LearnResult; waived?: WaivedJson }> {
  const traces = (args.traces as string[] | undefined) ?? [];
  const follow = startFollow(args, traces);
  let read;
  try {
    read = follow
      ? await learnLive(traces, args, io, follow, announceNew(io, guards, waivers, policy, args))
      : await inferFromTraces(traces, args, io, follow);
  } finally {
    follow?.dispose();
  }
  const { inferred, eventCount, traceFiles, notUnderstood } = read;
  if (guards.length > 0) refuseGuarded(inferred, guards);
  let waived: WaivedJson | undefined;
  if (waivers) {
    const used: WaiverUse = new Map();
    const list = waiveRequirements(inferred, waivers.set, used);
    const warnings = [...waivers.diagnostics, ...staleWaivers(waivers.set, used)].sort(byPlace);
    waived = { waived: list, warnings };
  }
  const result = learn(inferred, policy()?.input, {
    mode: 'suggest',
    combine: Boolean(args.combine),
    consume: true,
    qnx: qnxFrom(args),
    traceFiles,
    eventCount,
    notUnderstood,
  });
  return { result, ...(waived ? { waived } : {}) };
}

/**
 * `--follow`'s live output: each plan of what was read so far (as the final
 * plan is made: guards, policy, `-c`) announces the items it has that the
 * earlier ones had not, on stderr. The model is built at the first plan.
 */
function announceNew(
  io: CliIo,
  guards: PolicyModel[],
  waivers: ParsedWaivers | undefined,
  policy: () => LoadedPolicies | undefined,
  args: Record<string, unknown>,
): (inferred: InferResult, counts: { eventCount: number; traceFiles: string[] }) => void {
  const seen = new Set<string>();
  return (inferred, counts) => {
    if (guards.length > 0) refuseGuarded(inferred, guards);
    if (waivers) waiveRequirements(inferred, waivers.set, new Map());
    const r = learn(inferred, policy()?.input, {
      mode: 'suggest',
      combine: Boolean(args.combine),
      qnx: qnxFrom(args),
      ...counts,
    });
    const patch = args.collapse ? collapsePaths(r.patch) : r.patch;
    for (const line of newItemLines(patch, seen)) io.stderr.write(line);
  };
}
