/**
 * secpol-learn's public API: every export is named here (no `export *`), and
 * `index.test.ts` pins the list so API changes are deliberate.
 */
export { ExitCode, InputError, UsageError } from './errors';
export { formatDiagnosticLine, formatPlace } from './diagnostics/diagnostic';
export { run } from './cli/run';

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
export type { CliIo } from './cli/io';
