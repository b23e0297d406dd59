/**
 * What a review reports to code-review tools: findings (rule id, level,
 * message, places) and the rules that may fire. The review printers build them
 * (src/render/check-output.ts, harden-format.ts) and review/guards.ts;
 * src/render/sarif.ts prints them as SARIF 2.1.0.
 */

/** SARIF's result levels. */
export type SarifLevel = 'error' | 'warning' | 'note';

/** One place a finding points at. */
export interface SarifPlace {
  /** The file as the user named it (a relative path becomes a relative URI). */
  file: string;
  line: number;
  column?: number;
  /** Shown in related locations. */
  message?: string;
}

/** A finding to report. */
export interface SarifFinding {
  ruleId: string;
  level: SarifLevel;
  message: string;
  locations: SarifPlace[];
  related?: SarifPlace[];
  /**
   * Why the finding does not count: `external` for a waiver file (`--waive`), `inSource` for a
   * suppression comment in the policy; the justification is the reason written there.
   */
  suppressions?: SarifSuppression[];
}

/** A SARIF suppression: the result stays in the log, marked as accepted. */
export interface SarifSuppression {
  kind: 'external' | 'inSource';
  justification: string;
}

/** A rule (check) that may fire, listed in the tool's driver. */
export interface SarifRule {
  id: string;
  description: string;
}
