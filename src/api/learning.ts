/**
 * Learning as library calls, the work of `suggest` and `generate` without
 * files: traces in memory → what they need (`learnFromTraces`) → the patch
 * that grants what a policy lacks (`planPolicyPatch`) → its text as the
 * rules alone, a unified diff of the policy, the patched policy texts or
 * JSON. Each step is the CLI's own code (the one-thread learner, `learn`,
 * `applyPatch`, the built-in templates), so the same inputs give the CLI's
 * bytes. Pure: the caller reads and writes files.
 */
import { formatDiagnosticLine, type Diagnostic } from '../diagnostics/diagnostic';
import { FirstByPlace } from '../diagnostics/first-by-place';
import { inferRequirements, type InferResult } from '../infer/infer-requirements';
import { ShardLearner } from '../infer/shard-learner';
import { unknownRecordNote } from '../infer/trace-filter';
import type { TraceEvent } from '../trace/event';
import type { Policy, PolicyFile } from '../policy/ast';
import { oneOrMany } from '../arrays';
import { buildGuardModel, refuseGuarded } from '../review/guards';
import {
  staleWaivers,
  waiveRequirements,
  type ParsedWaivers,
  type WaiverUse,
} from '../review/waivers';
import { byPlace } from '../diagnostics/first-by-place';
import { buildModel } from '../policy/model/build-model';
import type { NamedRangeValues } from '../policy/model/types';
import { DEFAULT_QNX_VERSION, type QnxVersion } from '../qnx/abilities';
import { collapsePaths } from '../plan/collapse-paths';
import { learn, type LearnResult } from '../plan/learn';
import { applyPatch, type PolicyText } from '../render/apply-patch';
import { toJson, type WaivedJson } from '../render/json';
import { learnReport } from '../render/learn-report';
import { waivedReport } from '../render/waived-report';
import { templatesFrom, type Templates } from '../render/templates';
import { formatUnifiedDiff } from '../render/unified-diff';
import { toDraftView, toSnippetView } from '../render/view-model';
import { traceBytes, type TraceText } from './traces';

/** Lines not understood that a learning result lists, as the CLI lists them; the rest are counted. */
const MAX_LISTED_LINES = 1000;

/** Which records learning reads: secpolmonitor's `-f`, `-a` and `-p` (default: every record). */
export interface LearnFilter {
  /** Only these processes (the full name as printed, or its base name); empty: all. */
  names?: string[];
  /** Only ability records (`-a`). */
  abilities?: boolean;
  /** Only path records (`-p`). */
  paths?: boolean;
}

/** What traces showed: the requirements with their evidence, and the counts a summary needs. */
export interface TraceLearning {
  inferred: InferResult;
  /** The traces' file names, sorted. */
  traceFiles: string[];
  /** Process events learned from (after the filter). */
  eventCount: number;
  /** The first lines not understood (by place), each with `FILE:LINE`. */
  notUnderstood: Diagnostic[];
  /** All lines not understood, listed or not. */
  notUnderstoodCount: number;
}

/**
 * Learns what the traces need, as `suggest` reads them: every record kept
 * (successes and repeats too: they are evidence), unless `filter` narrows it.
 * Traces may be plain or gzip; the result does not depend on their order.
 */
export function learnFromTraces(traces: TraceText[], filter: LearnFilter = {}): TraceLearning {
  const learner = new ShardLearner(
    {
      names: filter.names ?? [],
      abilities: filter.abilities ?? false,
      paths: filter.paths ?? false,
    },
    MAX_LISTED_LINES,
  );
  const sorted = [...traces].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const trace of sorted) {
    const parser = learner.piece(trace.file);
    parser.feed(traceBytes(trace));
    learner.endPiece(parser);
  }
  const shard = learner.result();
  return {
    inferred: shard.inferred,
    traceFiles: sorted.map((t) => t.file),
    eventCount: shard.eventCount,
    notUnderstood: shard.notUnderstood,
    notUnderstoodCount: shard.notUnderstoodCount,
  };
}

/**
 * Learns what parsed events need (`parseTraceText`, `parseTrace`, or events
 * of the caller's own): the same requirements as `learnFromTraces` on the
 * traces they came from. Records of unknown form are counted as not
 * understood.
 */
export function learnFromEvents(events: Iterable<TraceEvent>): TraceLearning {
  const list = [...events];
  const notUnderstood = new FirstByPlace(MAX_LISTED_LINES);
  // An altered record's line is already among the parser's diagnostics (trace/event.ts AlteredMark).
  for (const e of list)
    if (e.kind === 'unknown' && !e.altered) notUnderstood.add(unknownRecordNote(e.position));
  return {
    inferred: inferRequirements(list),
    traceFiles: [...new Set(list.map((e) => e.position.file))].sort(),
    eventCount: list.filter((e) => e.kind !== 'unknown' && !e.altered).length,
    notUnderstood: notUnderstood.sorted(),
    notUnderstoodCount: notUnderstood.count,
  };
}

/** A planned patch, with what its printers need besides `learn`'s result. */
export interface Plan extends LearnResult {
  /** Numbered paths were folded into globs (`collapse`): the draft says so. */
  collapsed: boolean;
  /** The first lines the traces held that were not understood, each with `FILE:LINE` (the summary lists them). */
  notUnderstood: Diagnostic[];
  /**
   * With `waivers`: the failures they covered (not planned), by place, and the
   * waiver warnings (expired, matched no failure), by place.
   */
  waived?: WaivedJson;
}

/** Options of `planPolicyPatch`. */
export interface PlanPolicyOptions {
  /** The current policy (parsed by `parsePolicies`): only what it does not allow yet is planned. */
  policy?: Policy;
  /** `suggest` (default): only what failed; `generate`: everything the traces did, a whole draft. */
  mode?: 'suggest' | 'generate';
  /** Group by process name: an executable sharing a catch-all type gets a type of its own (`-c`). */
  combine?: boolean;
  /** Fold numbered paths (`/dev/ttyp0..7`) into globs, as `generate --collapse`. */
  collapse?: boolean;
  /** The QNX release the policy targets (default 8.0): abilities it lacks go to review. */
  qnx?: QnxVersion;
  /** Named range values (`parseRangeFile`) the policy's range names stand for. */
  ranges?: NamedRangeValues;
  /**
   * Guard rules (parsed guard files, `--deny`, one or several): what any of
   * them forbids is never planned; each failure that asked for it becomes a
   * refused record. Each file is judged on its own, as on the command line.
   */
  deny?: PolicyFile | readonly PolicyFile[];
  /**
   * Waivers (`parseWaiverTexts`, `--waive`): the failures they cover are not
   * planned (`suggest` mode only, as the CLI; guards are judged first). The
   * plan's `waived` names each with its waiver, and warns about the expired
   * waivers and those that matched no failure.
   */
  waivers?: Pick<ParsedWaivers, 'set' | 'diagnostics'>;
}

/** Plans the patch that grants what the traces need and the policy does not grant yet. */
export function planPolicyPatch(learning: TraceLearning, options: PlanPolicyOptions = {}): Plan {
  const mode = options.mode ?? 'suggest';
  const qnx = options.qnx ?? DEFAULT_QNX_VERSION;
  const policy = options.policy;
  const waivers = mode === 'suggest' ? options.waivers : undefined;
  // Guards and waivers remove requirements: from a copy, so one learning serves several plans.
  const inferred = options.deny || waivers ? copyInferred(learning.inferred) : learning.inferred;
  if (options.deny)
    refuseGuarded(
      inferred,
      oneOrMany(options.deny).map((f) => buildGuardModel(f, policy, qnx)),
    );
  let waived: WaivedJson | undefined;
  if (waivers) {
    const used: WaiverUse = new Map();
    const list = waiveRequirements(inferred, waivers.set, used);
    const warnings = [
      ...waivers.diagnostics.filter((d) => d.severity === 'warning'),
      ...staleWaivers(waivers.set, used),
    ];
    waived = { waived: list, warnings: warnings.sort(byPlace) };
  }
  const result = learn(
    inferred,
    policy && {
      policy,
      model: buildModel(policy, { qnx, ...(options.ranges ? { ranges: options.ranges } : {}) }),
    },
    {
      mode,
      combine: options.combine ?? false,
      qnx,
      traceFiles: learning.traceFiles,
      eventCount: learning.eventCount,
      notUnderstood: learning.notUnderstoodCount,
    },
  );
  if (options.collapse) result.patch = collapsePaths(result.patch);
  return {
    ...result,
    collapsed: options.collapse ?? false,
    notUnderstood: learning.notUnderstood,
    ...(waived ? { waived } : {}),
  };
}

/** A copy of `inferred` that `refuseGuarded` may change: own maps, sets, lists and requirements. */
function copyInferred(inferred: InferResult): InferResult {
  const set = inferred.requirements;
  return {
    ...inferred,
    requirements: {
      ...set,
      byKey: new Map([...set.byKey].map(([key, r]) => [key, { ...r }])),
      linkers: new Set(set.linkers),
      attachers: new Set(set.attachers),
    },
    untyped: new Map(inferred.untyped),
    refused: [...inferred.refused],
  };
}

/** The draft's note after `collapse` (as `generate --collapse` prints it). */
const COLLAPSE_NOTE =
  "# --collapse: numbered paths above were folded into globs (QNX's recommended folding); review them";

/** The built-in templates, made once. */
let builtin: Templates | undefined;
const templates = (): Templates => (builtin ??= templatesFrom(() => undefined));

/**
 * The planned rules as secpol text: `suggest`'s snippet (the rules alone),
 * or for a `generate` plan without a policy, the whole draft policy.
 * `explain` adds evidence comments above each rule (`--explain`).
 */
export function formatRules(plan: Plan, options: { explain?: boolean } = {}): string {
  const explain = options.explain ?? false;
  return plan.command === 'generate'
    ? templates().draft(
        toDraftView(plan, { explain, base: '', collapse: plan.collapsed ? [COLLAPSE_NOTE] : [] }),
      )
    : templates().snippet(toSnippetView(plan, { explain }));
}

/** The policy a plan applies to: its files' texts (in order) and their parse (`parsePolicies`). */
export interface PolicySources {
  texts: PolicyText[];
  policy: Policy;
}

/**
 * Every policy file's text after the patch (unchanged files too, same order):
 * only insertions, the layout kept, as `suggest --write` writes them.
 */
export function patchPolicyTexts(
  plan: Plan,
  sources: PolicySources,
  options: { explain?: boolean } = {},
): PolicyText[] {
  return applyPatch(sources.texts, sources.policy, plan.patch, {
    explain: options.explain ?? false,
  }).map(({ file, text }) => ({ file, text }));
}

/**
 * The patch as a unified diff of the policy files (`suggest --format patch`):
 * `a/`/`b/` paths are the file names relative to `cwd` (default `/`, which
 * keeps relative names as given); empty when nothing changes.
 */
export function formatPatch(
  plan: Plan,
  sources: PolicySources,
  options: { explain?: boolean; cwd?: string } = {},
): string {
  const patched = applyPatch(sources.texts, sources.policy, plan.patch, {
    explain: options.explain ?? false,
  });
  return formatUnifiedDiff(
    sources.texts.map((s, i) => ({
      file: s.file,
      before: s.text,
      after: patched[i]!.text,
      insertions: patched[i]!.insertions,
    })),
    options.cwd ?? '/',
  );
}

/**
 * The plan as `suggest --format json` prints it (schema `secpol-learn/patch`),
 * with the diff when given, and what waivers kept out when the plan had `waivers`.
 */
export function formatPlanJson(plan: Plan, options: { patch?: string } = {}): string {
  return toJson(plan, {
    ...(options.patch !== undefined ? { patch: options.patch } : {}),
    ...(plan.waived ? { waivers: plan.waived } : {}),
  });
}

/**
 * What `suggest` writes on standard error: the lines not understood, then
 * (with waivers) each waived access, the waiver warnings and their count,
 * then refused records, review items, what was already allowed and the counts.
 */
export function formatPlanSummary(plan: Plan): string {
  const more = plan.unknownCount - plan.notUnderstood.length;
  return (
    plan.notUnderstood.map((d) => `${formatDiagnosticLine(d)}\n`).join('') +
    (more > 0 ? `secpol-learn: ${more} more line(s) not understood, not listed\n` : '') +
    (plan.waived ? waivedReport(plan.waived) : '') +
    learnReport(plan)
  );
}
