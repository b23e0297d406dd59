/**
 * `migrate` as library calls: a policy's abilities carried to another QNX
 * release (renamed in place, or removed and listed for review), the traces'
 * ability checks recorded on another release, and the result printed as the
 * command prints it. Pure: the caller writes the new texts.
 */
import { formatDiagnosticLine, type Diagnostic } from '../diagnostics/diagnostic';
import { FirstByPlace } from '../diagnostics/first-by-place';
import type { QnxVersion } from '../qnx/abilities';
import {
  migrateJson,
  migrateMarkdown,
  migrateSummary,
  migrateText,
} from '../render/migrate-format';
import { migrationDiffParts } from '../render/migration-diff';
import { migratePolicy, type Migration } from '../review/migrate';
import { OtherReleaseCheck, type OtherReleaseWarning } from '../review/migrate-traces';
import type { PolicySources } from './learning';
import { eachTraceEvent, type TraceText } from './traces';

/** Lines not understood that a migration lists, as the CLI lists them; the rest are counted. */
const MAX_LISTED_LINES = 1000;

/** A policy migrated, with what the traces showed of the release they were taken on. */
export interface MigratedPolicy {
  migration: Migration;
  /** The policy's texts before, in order (`migration.after` holds them after). */
  before: PolicySources['texts'];
  /** Ability checks recorded on another release than the target, per trace file and ability. */
  warnings: OtherReleaseWarning[];
  /** The first trace lines not understood (by place), each with `FILE:LINE`. */
  notUnderstood: Diagnostic[];
  /** All of them, listed or not. */
  notUnderstoodCount: number;
}

/**
 * Migrates a policy (`parsePolicies` of `sources.texts`) from one QNX release
 * to another; `traces` (optional) are judged for checks of abilities the
 * target release does not define (`migrate --trace`).
 */
export function migratePolicyTexts(
  sources: PolicySources,
  from: QnxVersion,
  to: QnxVersion,
  traces: readonly TraceText[] = [],
): MigratedPolicy {
  const before = sources.texts.map((t) => ({ file: t.file, text: t.text }));
  const migration = migratePolicy(sources.policy, before, from, to);
  const check = new OtherReleaseCheck(to);
  const kept = new FirstByPlace(MAX_LISTED_LINES);
  eachTraceEvent(
    traces,
    (e) => check.add(e),
    (d) => kept.add(d),
  );
  return {
    migration,
    before,
    warnings: check.warnings(),
    notUnderstood: kept.sorted(),
    notUnderstoodCount: kept.count,
  };
}

/** True when a person must decide something (an ability removed for review): the command's exit 1. */
export function migrationNeedsReview(m: MigratedPolicy): boolean {
  return m.migration.items.some((i) => i.review);
}

/** `migrate`'s text: one line per change and per trace warning. */
export function formatMigration(m: MigratedPolicy): string {
  return migrateText(m.migration, m.warnings);
}

/**
 * The migration as a unified diff of the policy files (`migrate --format
 * patch`); `a/`/`b/` paths relative to `cwd` (default `/`).
 */
export function formatMigrationPatch(m: MigratedPolicy, options: { cwd?: string } = {}): string {
  return migrationDiffParts(m.before, m.migration, options.cwd ?? '/')
    .map((p) => p.header + p.body)
    .join('');
}

/** `migrate --format json` (schema `secpol-learn/migrate`), with the diff. */
export function formatMigrationJson(m: MigratedPolicy, options: { cwd?: string } = {}): string {
  return migrateJson(m.migration, m.warnings, formatMigrationPatch(m, options));
}

/** `migrate --format markdown`, with the diff. */
export function formatMigrationMarkdown(m: MigratedPolicy, options: { cwd?: string } = {}): string {
  return migrateMarkdown(m.migration, m.warnings, formatMigrationPatch(m, options));
}

/** What `migrate` writes on standard error: the trace lines not understood, then its summary. */
export function formatMigrationSummary(m: MigratedPolicy): string {
  const more = m.notUnderstoodCount - m.notUnderstood.length;
  return (
    m.notUnderstood.map((d) => `${formatDiagnosticLine(d)}\n`).join('') +
    (more > 0 ? `secpol-learn: ${more} more line(s) not understood, not listed\n` : '') +
    `secpol-learn migrate: ${migrateSummary(m.migration, m.warnings)}; ${m.notUnderstoodCount} trace line(s) not understood\n`
  );
}
