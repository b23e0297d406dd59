/**
 * The types inference hands on (`InferResult`) and takes (`InferOptions`),
 * apart from the functions that build them (infer-requirements.ts,
 * requirement-accumulator.ts), so both import them without importing each
 * other.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { Evidence, RequirementSet } from './requirement';

/** Options of `inferRequirements`. */
export interface InferOptions {
  /** How many refusal warnings to keep; further ones are only counted. Default 100. */
  maxDiagnostics?: number;
}

/** Processes that ran with the unnamed type id 0 (`-`), with their evidence. */
export type UntypedProcesses = Map<string, Evidence>;

/** What inference found in a stream of events. */
export interface InferResult {
  requirements: RequirementSet;
  untyped: UntypedProcesses;
  /** Warnings for refused records (first `maxDiagnostics`). */
  refused: Diagnostic[];
  /** How many records were refused in all. */
  refusedCount: number;
  /** How many events were of a form nobody understood. */
  unknownCount: number;
}
