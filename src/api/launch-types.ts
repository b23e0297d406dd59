/**
 * `types` as library calls: the launch line of every traced process in mkifs
 * buildfiles and shell startup scripts, with the type it runs as and the
 * type it should run as (docs/launch-types.md), from the one `-c` plan
 * (`generate -c` without a policy, `suggest -c` with one), and the launch
 * lines rewritten with `on -T TYPE`. Pure: the caller reads the buildfiles
 * and writes the rewritten texts.
 */
import { formatDiagnosticLine, type Diagnostic } from '../diagnostics/diagnostic';
import type { Policy } from '../policy/ast';
import { buildModel } from '../policy/model/build-model';
import type { NamedRangeValues } from '../policy/model/types';
import { DEFAULT_QNX_VERSION, type QnxVersion } from '../qnx/abilities';
import { learn } from '../plan/learn';
import { failsCheck, launchTypes, type LaunchReport } from '../buildfile/launch-types';
import { parseBuildfile } from '../buildfile/parse-buildfile';
import { rewriteLaunches } from '../buildfile/rewrite-launches';
import type { PolicyText } from '../render/apply-patch';
import {
  launchTypesJson,
  launchTypesMarkdown,
  launchTypesSummary,
  launchTypesText,
} from '../render/launch-types';
import { lineEditDiffParts } from '../render/line-edit-diff';
import type { TraceLearning } from './learning';

/** Options of `launchTypesOf`. */
export interface LaunchTypesOptions {
  /** The policy: types planned as `suggest -c` plans them, not `generate -c`. */
  policy?: Policy;
  /** The QNX release the policy targets (default 8.0). */
  qnx?: QnxVersion;
  /** Named range values (`parseRangeFile`) the policy's range names stand for. */
  ranges?: NamedRangeValues;
}

/** Every launch line judged, and the buildfiles rewritten. */
export interface LaunchTypes {
  report: LaunchReport;
  /** Buildfile lines not understood (never rewritten), each with `FILE:LINE`, in file order. */
  diagnostics: Diagnostic[];
  /** The buildfiles' texts before, in order. */
  before: PolicyText[];
  /** Every buildfile's text with its launch lines rewritten (`on -T TYPE`), in the same order. */
  after: PolicyText[];
}

/**
 * Judges the launch lines of `buildfiles` (mkifs buildfiles or shell scripts,
 * told apart by their content) against what traces showed (`learnFromTraces`).
 */
export function launchTypesOf(
  buildfiles: readonly PolicyText[],
  learning: TraceLearning,
  options: LaunchTypesOptions = {},
): LaunchTypes {
  const qnx = options.qnx ?? DEFAULT_QNX_VERSION;
  const parsed = buildfiles.map((b) => parseBuildfile(b.text, { file: b.file }));
  const policy = options.policy;
  const learned = learn(
    learning.inferred,
    policy && {
      policy,
      model: buildModel(policy, { qnx, ...(options.ranges ? { ranges: options.ranges } : {}) }),
    },
    {
      mode: policy ? 'suggest' : 'generate',
      combine: true,
      qnx,
      traceFiles: learning.traceFiles,
      eventCount: learning.eventCount,
      notUnderstood: learning.notUnderstoodCount,
    },
  );
  const report = launchTypes(parsed, learned, learning.inferred);
  return {
    report,
    diagnostics: parsed.flatMap((b) => b.diagnostics),
    before: buildfiles.map((b) => ({ file: b.file, text: b.text })),
    after: buildfiles.map((b) => ({
      file: b.file,
      text: rewriteLaunches(
        b.text,
        report.verdicts.filter((v) => v.launch.file === b.file),
      ),
    })),
  };
}

/** True when a long-running launch is untyped or of the wrong type (`types --check` exits 1). */
export function launchTypesFail(t: LaunchTypes): boolean {
  return t.report.verdicts.some(failsCheck);
}

/**
 * The rewritten launch lines as a unified diff of the buildfiles (`types
 * --format patch`); `a/`/`b/` paths relative to `cwd` (default `/`).
 */
export function formatLaunchTypesPatch(t: LaunchTypes, options: { cwd?: string } = {}): string {
  return lineEditDiffParts(
    t.before.map((b, i) => ({ file: b.file, before: b.text, after: t.after[i]!.text })),
    options.cwd ?? '/',
  )
    .map((p) => p.header + p.body)
    .join('');
}

/** `types`' text: each launch line with its verdict. */
export function formatLaunchTypes(t: LaunchTypes): string {
  return launchTypesText(t.report);
}

/** `types --format json` (schema `secpol-learn/types`), with the diff. */
export function formatLaunchTypesJson(t: LaunchTypes, options: { cwd?: string } = {}): string {
  return launchTypesJson(t.report, formatLaunchTypesPatch(t, options));
}

/** `types --format markdown`. */
export function formatLaunchTypesMarkdown(t: LaunchTypes): string {
  return launchTypesMarkdown(t.report);
}

/** What `types` writes on standard error: the buildfile lines not understood, then its summary. */
export function formatLaunchTypesSummary(t: LaunchTypes): string {
  return (
    t.diagnostics.map((d) => `${formatDiagnosticLine(d)}\n`).join('') + launchTypesSummary(t.report)
  );
}
