/**
 * secpol-learn's public API: every export is named here (no `export *`), and
 * `index.test.ts` pins the list so API changes are deliberate.
 */
export { ExitCode, InputError, UsageError } from './errors';
export { formatDiagnosticLine, formatPlace } from './diagnostics/diagnostic';
export { run } from './cli/run';
export { parsePolicies, parsePolicy } from './policy/parse';
export { printAbilityItem, printPathSpec, printPolicy, printStatement } from './policy/print';
export { decodePolicyBytes, readPolicyFile, writePolicyFileAtomic } from './cli/policy-file-io';
export { formatDiagnostic } from './diagnostics/code-frame';

export type { Diagnostic, Point, Severity, Span } from './diagnostics/diagnostic';
export type {
  AbilityArgument,
  AbilityDomain,
  AbilityEvent,
  AbilityName,
  AttachEvent,
  LinkEvent,
  PathFailureCode,
  ProcessEvent,
  TraceEvent,
  TracePosition,
  TraceSeverity,
  UnknownEvent,
} from './trace/event';
export type * as PolicyAst from './policy/ast';
export type { ParseOptions, ParseResult } from './policy/parse';
export type {
  AbilityItem,
  Comment,
  Name,
  PathSpec,
  Policy,
  PolicyFile,
  Position,
  RangeValue,
  Statement,
  TypeSet,
} from './policy/ast';
export type { PolicyEncoding, PolicySource } from './cli/policy-file-io';
export type { CliIo } from './cli/io';
export { buildModel } from './policy/model/build-model';
export { parseRangeFile } from './policy/model/range-file';
export { evaluate } from './policy/evaluate';
export { matchPath, compilePathPattern } from './policy/path-match';
export { lintPolicy } from './policy/lint';
export { LINT_PASSES } from './policy/passes';
export {
  abilityInfo,
  abilityById,
  staticAbilities,
  normaliseAbilityName,
  isQnxVersion,
  QNX_VERSIONS,
  DEFAULT_QNX_VERSION,
  VADDR_ABILITIES,
  ADDRESS_ABILITIES,
  TYPE_ID_ABILITIES,
  KNOWN_CUSTOM_ABILITIES,
} from './qnx/abilities';
export type {
  QnxVersion,
  AbilityInfo,
  StaticAbilityInfo,
  DynamicAbilityInfo,
} from './qnx/abilities';
export type { BuildModelOptions } from './policy/model/build-model';
export type { RangeFileResult } from './policy/model/range-file';
export type {
  PolicyModel,
  TypeGrants,
  AbilityGrantInfo,
  NegationInfo,
  ConnectGrant,
  PathRule,
  Origin,
  Domains,
  Subrange,
  NamedRange,
  NamedRangeValues,
  RangeFileValue,
} from './policy/model/types';
export type { Verdict, DenialReason, ConsultedRule } from './policy/evaluate';
export type { LintPass, LintSession, LintOptions } from './policy/lint';
export type { PathPattern } from './policy/path-match';
export { inferRequirements, emptyInferResult, mergeInferResults } from './infer/infer-requirements';
export { RequirementAccumulator } from './infer/requirement-accumulator';
export { mergeRequirementSets, emptyRequirementSet } from './infer/requirement';
export { validateEvent } from './infer/validate-event';
export { planPatch } from './plan/plan-patch';
export { applyPatch } from './render/apply-patch';
export { stillDenied } from './plan/check-patch';
export { collapsePaths } from './plan/collapse-paths';
export { learn } from './plan/learn';
export { PATCH_SCHEMA_VERSION, isEmptyPatch } from './plan/patch';
export { TEMPLATE_NAMES } from './render/templates';
export { loadTemplates } from './cli/load-templates';
export { toSnippetView, toDraftView, toReportView } from './render/view-model';
export { formatUnifiedDiff } from './render/unified-diff';
export { toJson } from './render/json';
export type { InferOptions, InferResult } from './infer/infer-requirements';
export type { Requirement, RequirementKind, RequirementSet, Evidence } from './infer/requirement';
export type { PlanOptions, PolicyInput } from './plan/plan-types';
export type {
  PolicyPatch,
  PlannedChange,
  PlannedItem,
  AlreadyAllowed,
  ReviewItem,
  LaunchHint,
} from './plan/patch';
export type { LearnResult } from './plan/learn';
export type { Templates, TemplateName } from './render/templates';
export type { SnippetView, DraftView, ReportView } from './render/view-model';
export { parseTrace } from './trace/parse-trace';
export { pushTrace } from './trace/parse-trace';
export type { PushTraceOptions } from './trace/parse-trace';
export type { ParseTraceOptions } from './trace/parse-trace';
export { TracePushParser, parseTraceText, MAX_LINE_BYTES } from './trace/push-parser';
export type { PushParserOptions, TraceSummary } from './trace/push-parser';
export { parseRecord, classifyReason } from './trace/record';
export { formatEvent, formatEventJson } from './render/trace-event';
export { TRACE_EVENT_SCHEMA } from './trace/event-text';
export { MonitorFilter, applyMonitorOptions } from './monitor/apply-options';
export type { MonitorOptions, MonitorStats } from './monitor/apply-options';
export { TraceReviewer, reviewEvents, uncoveredGroups } from './review/trace-review';
export type { TraceReview, EventGroup } from './review/trace-review';
export { checkResult, CHECK_SCHEMA_VERSION } from './review/check-result';
export type { CheckResult, UncoveredFailure } from './review/check-result';
export { explainFailures, EXPLAIN_SCHEMA_VERSION } from './review/explain';
export type { Explanation, ExplainedFailure, ExplainSection } from './review/explain';
export { diffPolicies, DIFF_SCHEMA_VERSION } from './review/policy-diff';
export type { PolicyDiff, DiffEntry, ChangeKind, FactKind } from './review/policy-diff';
export { hardenPolicy, HARDEN_SCHEMA_VERSION } from './review/harden';
export type { HardenResult, HardenFinding, HardenCode } from './review/harden';
export { removeGrants } from './review/remove-grants';
export { buildGuardModel, guardViolations, guardFor, refuseGuarded } from './review/guards';
export type { GuardViolation } from './review/guards';
export { ruleFor } from './review/rule-for';
export { mermaidGraph } from './render/mermaid';
export type { GraphEdge } from './render/mermaid';
export { toSarif, SARIF_SCHEMA } from './render/sarif';
export type { SarifFinding, SarifLevel, SarifRule, SarifPlace } from './review/sarif-finding';
export { validateSarif } from './render/validate-sarif';
