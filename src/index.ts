/**
 * secpol-learn's library API (docs/api.md): pure functions from one named
 * type to the next, in four groups that follow a user's jobs (policies,
 * traces, learning, review) plus the diagnostics they all report. No function
 * here reads or writes a file, a stream it did not get, the environment or
 * the terminal: the caller reads traces and policies and writes results. The
 * command-line tool is the package's `bin` (dist/bin.js), not part of this
 * API, and nothing here reaches its libraries (yargs) or their types.
 *
 * Every export is named here (no `export *`); `index.test.ts` pins the list,
 * so API changes are deliberate.
 */

// ── Diagnostics ───────────────────────────────────────────────────────────────
// Problems in the user's input are data: each names its file and line (and
// column for policies). The one input nothing can be read from, corrupt gzip
// data, throws an InputError naming the file.

export type { Diagnostic, Point, Severity, Span } from './diagnostics/diagnostic';
export { formatDiagnosticLine } from './diagnostics/diagnostic';
export { formatDiagnostic } from './diagnostics/code-frame';
export { InputError } from './errors';

// ── Policies ──────────────────────────────────────────────────────────────────
// secpol text ⇄ AST (`parsePolicies`, `printPolicy`), lint, and the grant model
// that answers "does this policy allow this access, and which rules do"
// (`buildModel`, then `allows` for an access or `evaluate` for a trace event).

export { parsePolicies, parsePolicy } from './policy/parse';
export type { ParseOptions, ParseResult } from './policy/parse';
export { printPolicy, printStatement } from './policy/print';
export type * as PolicyAst from './policy/ast';
export type { Policy, PolicyFile, Statement } from './policy/ast';
export { lintPolicy } from './policy/lint';
export type { LintOptions, LintResult } from './policy/lint';
export { buildModel } from './policy/model/build-model';
export type { BuildModelOptions } from './policy/model/build-model';
export { parseRangeFile } from './policy/model/range-file';
export type { RangeFileResult } from './policy/model/range-file';
export type { NamedRangeValues, PolicyModel } from './policy/model/types';
export { allows } from './policy/grants';
export type { Access, AbilityValue, GrantAnswer, GrantRule } from './policy/grants';
export { evaluate } from './policy/evaluate';
export type { ConsultedRule, DenialReason, Verdict } from './policy/evaluate';
export { DEFAULT_QNX_VERSION, QNX_VERSIONS } from './qnx/abilities';
export type { QnxVersion } from './qnx/abilities';
export { riskOf, risksOf } from './policy/risk';
export type { Risk, RiskContext, RiskRule, RiskSeverity, RiskTarget } from './policy/risk';

// What `query`, `tidy` and `migrate` do: questions answered from the grant
// model, a tidied policy proven by the semantic diff, a policy carried to
// another QNX release; each with the command's text, JSON, markdown and diff.

export {
  formatAnswer,
  formatAnswerJson,
  formatAnswerMarkdown,
  formatAnswerSummary,
  queryPolicy,
  readQuestion,
} from './api/query';
export type {
  AnswerGrant,
  AnswerRow,
  GrantPlace,
  QueryAnswer,
  Question,
  QuestionResult,
} from './review/query';
export {
  formatTidy,
  formatTidyJson,
  formatTidyMarkdown,
  formatTidyPatch,
  formatTidySummary,
  tidyPolicy,
} from './api/tidy';
export type { TidiedPolicy, TidyPolicyOptions } from './api/tidy';
export type { Proposal, ProposalKind, TextEdit, TidyPlan } from './review/tidy';
export type { TidyProof } from './review/tidy-proof';
export {
  formatMigration,
  formatMigrationJson,
  formatMigrationMarkdown,
  formatMigrationPatch,
  formatMigrationSummary,
  migratePolicyTexts,
  migrationNeedsReview,
} from './api/migrate';
export type { MigratedPolicy } from './api/migrate';
export type { Migration, MigrationAction, MigrationItem, ReviewReason } from './review/migrate';
export type { OtherReleaseWarning } from './review/migrate-traces';

// ── Traces ────────────────────────────────────────────────────────────────────
// secpolmonitor output (plain or gzip) → typed events and the diagnostics of
// the lines not understood: a whole trace in memory, or a stream of chunks.

export { parseTraceText } from './api/traces';
export type { ParsedTrace, TraceText } from './api/traces';
export { parseTrace } from './trace/parse-trace';
export type { ParseTraceOptions } from './trace/parse-trace';
export type { TraceSummary } from './trace/push-parser';
export type {
  AbilityArgument,
  AbilityDomain,
  AbilityEvent,
  AbilityName,
  AttachEvent,
  LinkEvent,
  ProcessEvent,
  TraceEvent,
  TracePosition,
  TraceSeverity,
  UnknownEvent,
} from './trace/event';

// ── Learning ──────────────────────────────────────────────────────────────────
// What `suggest` and `generate` do: traces or events → requirements
// (`learnFromTraces`, `learnFromEvents`) → the patch a policy lacks
// (`planPolicyPatch`) → its text: the rules, a unified diff, the patched
// policy texts, JSON, the summary. And what `types` does with the same
// learning: each launch line of the buildfiles with the type it should run as.

export {
  formatPatch,
  formatPlanJson,
  formatPlanSummary,
  formatRules,
  learnFromEvents,
  learnFromTraces,
  patchPolicyTexts,
  planPolicyPatch,
} from './api/learning';
export type {
  LearnFilter,
  Plan,
  PlanPolicyOptions,
  PolicySources,
  TraceLearning,
} from './api/learning';
export type { WaivedJson } from './render/json';
export type { WaivedRequirement } from './review/waivers';
export type { PolicyText } from './render/apply-patch';
export type { InferResult } from './infer/infer-requirements';
export type { Evidence, Requirement, RequirementSet } from './infer/requirement';
export type { LearnResult } from './plan/learn';
export {
  formatLaunchTypes,
  formatLaunchTypesJson,
  formatLaunchTypesMarkdown,
  formatLaunchTypesPatch,
  formatLaunchTypesSummary,
  launchTypesFail,
  launchTypesOf,
} from './api/launch-types';
export type { LaunchTypes, LaunchTypesOptions } from './api/launch-types';
export type {
  LaunchReport,
  LaunchStatus,
  LaunchVerdict,
  ProcessTypes,
} from './buildfile/launch-types';
export type { Buildfile, LaunchLine, LinePoint } from './buildfile/buildfile';
export type {
  AlreadyAllowed,
  LaunchHint,
  PlannedChange,
  PlannedItem,
  PolicyPatch,
  ReviewItem,
} from './plan/patch';

// ── Review ────────────────────────────────────────────────────────────────────
// What `check` and `explain` do: traces judged against a policy
// (`reviewTraces`), the CI gate's decision (`checkTraces`, with waivers read
// by `parseWaiverTexts`) and audit2why's explanation (`explainTraces`, with
// the same waivers, and `waiverWarnings`), each with its text and JSON.

export {
  checkTraces,
  explainTraces,
  formatCheck,
  formatCheckJson,
  formatExplanation,
  formatExplanationJson,
  reviewTraces,
  waiverWarnings,
} from './api/review';
export type { CheckOptions, ExplainOptions, ReviewedTraces, ReviewOptions } from './api/review';
export { parseWaiverTexts } from './api/waivers';
export type { WaiverTextOptions } from './api/waivers';
export type { ParsedWaivers, Waiver, WaiverSet } from './review/waivers';
export type { EventGroup, TraceReview } from './review/trace-review';
export type { CheckResult, UncoveredFailure } from './review/check-result';
export type { ExplainedFailure, ExplainSection, Explanation, PlacedRule } from './review/explain';
