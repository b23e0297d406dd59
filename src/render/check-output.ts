/**
 * Printing `check`'s decision (src/review/check-result.ts): the text line of
 * each uncovered failure, the one-line summary, the JSON document (schema
 * `secpol-learn/check`) and the SARIF rules and findings.
 */
import {
  CHECK_SCHEMA_VERSION,
  type CheckResult,
  type CheckVerdict,
  type JudgedFailure,
  type UncoveredFailure,
  type WaiverCount,
} from '../review/check-result';
import { FamilyFailure, type CheckFindingLists, type CheckLists } from '../review/check-stream';
import type { ConsultedRule } from '../policy/evaluate';
import { prettyJsonLines } from './pretty-json-lines';
import type { FamilyVerdict } from '../review/family-verdicts';
import { formatDiagnosticLine } from '../diagnostics/diagnostic';
import type { SarifFinding, SarifRule } from '../review/sarif-finding';
import type { GuardViolation } from '../review/guards';
import { guardPlace } from '../review/guards';
import { ValueKind } from '../infer/atom-table';

/** One line per uncovered failure: `FILE:LINE: uncovered: RECORD: WHY [reason]`. */
export function uncoveredLine(u: UncoveredFailure): string {
  return uncoveredText(
    u.file,
    u.line,
    `${u.process} (${u.type}) ${u.access}: ${u.message} [${u.reason}]`,
    u.count,
  );
}

/** `FILE:LINE: uncovered: WHAT`, then ` (N records)` when more than one. */
function uncoveredText(file: string, line: number, what: string, count: number): string {
  const times = count > 1 ? ` (${count} records)` : '';
  return `${file}:${line}: uncovered: ${what}${times}`;
}

/** One line per guard violation: `FILE:LINE:COL: guard: TYPE is granted WHAT, which guard rule FILE:LINE:COL forbids [guard-rule]`. */
export function guardLine(v: GuardViolation): string {
  return `${v.grant.file}:${v.grant.line}:${v.grant.column}: guard: ${v.type} is granted ${v.what}, which guard rule ${guardPlace(v.guard)} forbids [guard-rule]`;
}

/** One line per waiver that covered failures: `N failure record(s) waived (FILE:LINE): REASON`. */
export function waivedLine(w: WaiverCount): string {
  const until = w.until ? ` until ${w.until}` : '';
  return `${w.records} failure record(s) waived (${w.file}:${w.line}${until}): ${w.reason}`;
}

/**
 * `check`'s uncovered lines as it judges them (`checkStream`, `checkRows`):
 * one per failure no waiver covers, in place order; returns the verdict,
 * which the lines after them need (`waiverLines`, `checkSummary`). A
 * `FamilyFailure`'s line is its family's text around its value, each
 * family's made once: the `uncoveredLine` of its atom.
 */
export function* uncoveredLines(
  judged: Generator<JudgedFailure | FamilyFailure, CheckVerdict, undefined>,
): Generator<string, CheckVerdict, undefined> {
  const parts: (readonly [string, string] | undefined)[] = [];
  const rows = uncoveredRows(judged);
  let next = rows.next();
  for (; !next.done; next = rows.next()) {
    const j = next.value;
    if (j instanceof FamilyFailure) {
      const [before, after] = (parts[j.familyId] ??= familyLineParts(j.shared!));
      const value = j.kind === ValueKind.None ? '' : `(${j.value})`;
      yield uncoveredText(j.file, j.line, before + value + after, j.count);
    } else yield j;
  }
  return next.value;
}

/**
 * `uncoveredLines` with each `FamilyFailure` handed on as it is (refilled:
 * read it before the next `next`), for `UncoveredLineBytes` to write; every
 * other line as its text.
 */
export function* uncoveredRows(
  judged: Generator<JudgedFailure | FamilyFailure, CheckVerdict, undefined>,
): Generator<string | FamilyFailure, CheckVerdict, undefined> {
  let next = judged.next();
  for (; !next.done; next = judged.next()) {
    const j = next.value;
    if (j instanceof FamilyFailure) yield j;
    else if (!j.waiver) yield uncoveredLine(j.failure);
  }
  return next.value;
}

/** Where `UncoveredLineBytes` writes a line: UTF-8 bytes and decimal numbers, appended. */
export interface ByteSink {
  bytes(b: Uint8Array): void;
  /** An integer in [0, 2^53), as its decimal digits. */
  decimal(n: number): void;
}

const DASH = Buffer.from('-');
const TIMES_OPEN = Buffer.from(' (');
const TIMES_CLOSE = Buffer.from(' records)');

/**
 * A family's line as bytes around its file, line and value: `: uncovered:
 * BEFORE` then `AFTER` for an atom with no value, `: uncovered: BEFORE(`
 * then `)AFTER` for one with a value (`familyLineParts`' pieces joined to
 * the pieces that always stand beside them, so a line is a few copies).
 */
interface FamilyBytes {
  head: Buffer;
  tail: Buffer;
  valueHead: Buffer;
  valueTail: Buffer;
}

/**
 * A `FamilyFailure`'s line (`uncoveredLines`' text, without its newline)
 * written as bytes, with no string made per line: the family's text around
 * the value and the file name encoded once, the numbers written as digits.
 * The same bytes as the text's UTF-8: every piece meets the next at an ASCII
 * character, so encoding the pieces alone gives the whole's encoding.
 */
export class UncoveredLineBytes {
  private readonly parts: (FamilyBytes | undefined)[] = [];
  private text = '';
  private textBytesOf = Buffer.alloc(0);
  private file = '';
  /** `FILE:` of `file` (an empty file's too: `:`). */
  private fileBytes = Buffer.from(':');

  write(j: FamilyFailure, sink: ByteSink): void {
    if (j.file !== this.file) {
      this.file = j.file;
      this.fileBytes = Buffer.from(`${j.file}:`);
    }
    const parts = (this.parts[j.familyId] ??= familyLineBytes(j.shared!));
    sink.bytes(this.fileBytes);
    sink.decimal(j.line);
    if (j.kind === ValueKind.None) {
      sink.bytes(parts.head);
      sink.bytes(parts.tail);
    } else {
      sink.bytes(parts.valueHead);
      if (j.kind === ValueKind.Text) sink.bytes(this.textBytes(j.text));
      else {
        sink.decimal(j.a);
        if (j.kind === ValueKind.Range) {
          sink.bytes(DASH);
          sink.decimal(j.b);
        } else if (j.kind === ValueKind.TypeId) sink.bytes(this.textBytes(j.text));
      }
      sink.bytes(parts.valueTail);
    }
    if (j.count > 1) {
      sink.bytes(TIMES_OPEN);
      sink.decimal(j.count);
      sink.bytes(TIMES_CLOSE);
    }
  }

  /**
   * A value text's bytes (a type-id suffix, a text), the last one kept: rows of one value
   * often come together, and a trace decides how many values there are (none held for the run).
   */
  private textBytes(text: string): Buffer {
    if (text !== this.text) {
      this.text = text;
      this.textBytesOf = Buffer.from(text);
    }
    return this.textBytesOf;
  }
}

/** `familyLineParts` as UTF-8, with the pieces beside them (`FamilyBytes`). */
function familyLineBytes(shared: FamilyVerdict): FamilyBytes {
  const [before, after] = familyLineParts(shared);
  return {
    head: Buffer.from(`: uncovered: ${before}`),
    tail: Buffer.from(after),
    valueHead: Buffer.from(`: uncovered: ${before}(`),
    valueTail: Buffer.from(`)${after}`),
  };
}

/**
 * An ability family's `uncoveredLine` text before and after its value's
 * `(VALUE)`: `PROCESS (TYPE) ABILITY` and ` as DOMAIN: MESSAGE [REASON]`.
 */
function familyLineParts({ family: f, verdict: v }: FamilyVerdict): readonly [string, string] {
  const reason = v.allowed ? 'allowed' : v.reason;
  const message = v.allowed ? '' : v.message;
  return [`${f.process} (${f.type}) ${f.object}`, ` as ${f.domain}: ${message} [${reason}]`];
}

/** The lines `check` writes on stderr about `--waive`: each waiver used, then the warnings. */
export function waiverLines(r: CheckVerdict): string[] {
  if (!r.waivers) return [];
  return [
    ...r.waivers.counts.map(waivedLine),
    // Under --strict an expired or stale waiver fails the gate: it is printed as the error it is
    // (SARIF gives it level error too).
    ...r.waivers.warnings.map((d) =>
      formatDiagnosticLine(r.strict ? { ...d, severity: 'error' } : d),
    ),
  ];
}

/** The one-line summary `check` writes on stderr. */
export function checkSummary(r: CheckVerdict): string {
  const s = r.summary;
  const parts = [
    `${s.failures} failure record(s), ${s.successes} success record(s)`,
    `${s.uncovered} uncovered (${s.uncoveredRecords} record(s))`,
  ];
  const w = r.waivers;
  if (w) parts.push(`${w.waived} waived (${w.waivedRecords} record(s))`);
  parts.push(`${s.notUnderstood} line(s) not understood${r.strict ? ' (--strict: fail)' : ''}`);
  if (w && w.warnings.length > 0)
    parts.push(`${w.warnings.length} waiver warning(s)${r.strict ? ' (--strict: fail)' : ''}`);
  if (s.guardViolations > 0) parts.push(`${s.guardViolations} guard violation(s)`);
  return `secpol-learn check: ${r.passed ? 'PASS' : 'FAIL'}: ${parts.join('; ')}`;
}

/** The JSON document of `check --format json`. */
export function checkJson(r: CheckResult): string {
  return `${[...checkJsonLines(r)].join('\n')}\n`;
}

/**
 * `checkJson`'s lines (without their newlines), each failure's made as it
 * is read: the document is never one string. The failures are `lists`'
 * (`checkLists`: judged as they are written), by default `r`'s.
 */
export function checkJsonLines(
  r: CheckResult,
  lists: CheckLists = { uncovered: r.uncovered, waived: r.waivers?.waived ?? [] },
): Generator<string, void, undefined> {
  const doc = {
    schema: 'secpol-learn/check',
    schemaVersion: CHECK_SCHEMA_VERSION,
    passed: r.passed,
    strict: r.strict,
    traceFiles: r.traceFiles,
    policyFiles: r.policyFiles,
    summary: r.summary,
    uncovered: [],
    guardViolations: r.guardViolations.map((v) => ({
      type: v.type,
      grant: v.what,
      at: { file: v.grant.file, line: v.grant.line, column: v.grant.column },
      guard: { file: v.guard.file, line: v.guard.line, column: v.guard.column },
    })),
    notUnderstood: r.notUnderstood.map((d) => ({
      file: d.file,
      line: d.line,
      message: d.message,
      ruleId: d.ruleId ?? '',
    })),
    // Only with --waive: the documents of a check without waivers stay as they were.
    ...(r.waivers
      ? {
          waived: [],
          waivers: r.waivers.counts,
          waiverWarnings: r.waivers.warnings.map((d) => ({
            file: d.file,
            line: d.line,
            column: d.column ?? 1,
            message: d.message,
            ruleId: d.ruleId ?? '',
          })),
        }
      : {}),
  };
  return prettyJsonLines(doc, [
    { key: 'uncovered', depth: 1, items: lists.uncovered },
    ...(r.waivers ? [{ key: 'waived', depth: 1, items: lists.waived }] : []),
  ]);
}

/** The SARIF rules `check` may report. */
export const CHECK_RULES: SarifRule[] = [
  {
    id: 'uncovered-failure',
    description: 'A failure recorded by secpolmonitor that the policy does not allow',
  },
  { id: 'guard-rule', description: 'The policy grants something a guard rule (--deny) forbids' },
  { id: 'trace-unknown-line', description: 'A trace line that could not be read' },
];

/** The SARIF rules `check --waive` may report too. */
export const WAIVER_RULES: SarifRule[] = [
  { id: 'expired-waiver', description: 'A waiver (--waive) whose until date has passed' },
  { id: 'stale-waiver', description: 'A waiver (--waive) that matched no failure' },
];

/**
 * `check`'s findings for SARIF, made as they are read: failures at the trace line (from `lists`,
 * with the policy rules consulted for each related: `checkFindings`; `r`'s lists are not read),
 * then `r`'s guard violations at the grant, waiver warnings and lines not read.
 */
export function* checkSarifFindings(
  r: CheckResult,
  lists: CheckFindingLists,
): Generator<SarifFinding, void, undefined> {
  const finding = (u: UncoveredFailure, rules: ConsultedRule[]): SarifFinding => ({
    ruleId: 'uncovered-failure',
    level: 'error',
    message: `${u.process} (${u.type}) ${u.access}: ${u.message} [${u.reason}]`,
    locations: [{ file: u.file, line: u.line }],
    related: rules.map((c) => ({
      file: c.file,
      line: c.line,
      column: c.column,
      message: `consulted: ${c.summary}`,
    })),
  });
  for (const u of lists.uncovered) yield finding(u.failure, u.consulted);
  // A waived failure stays a result, suppressed with the waiver's reason (docs/review.md).
  for (const { failure: u, consulted } of lists.waived) {
    const f = finding(u, consulted);
    const w = u.waiver;
    yield {
      ...f,
      related: [
        ...(f.related ?? []),
        { file: w.file, line: w.line, column: w.column, message: 'waiver' },
      ],
      suppressions: [
        {
          kind: 'external',
          justification: `${w.reason} (${w.file}:${w.line}${w.until ? `, until ${w.until}` : ''})`,
        },
      ],
    };
  }
  for (const v of r.guardViolations)
    yield {
      ruleId: 'guard-rule',
      level: 'error',
      message: `${v.type} is granted ${v.what}, which guard rule ${guardPlace(v.guard)} forbids`,
      locations: [{ file: v.grant.file, line: v.grant.line, column: v.grant.column }],
      related: [
        { file: v.guard.file, line: v.guard.line, column: v.guard.column, message: 'guard rule' },
      ],
    };
  for (const d of r.waivers?.warnings ?? [])
    yield {
      ruleId: d.ruleId ?? 'stale-waiver',
      level: r.strict ? 'error' : 'warning',
      message: d.message,
      locations: [{ file: d.file, line: d.line, ...(d.column ? { column: d.column } : {}) }],
    };
  for (const d of r.notUnderstood)
    yield {
      ruleId: 'trace-unknown-line',
      level: r.strict ? 'error' : 'warning',
      message: d.message,
      locations: [{ file: d.file, line: d.line }],
    };
}

/**
 * Every rule id `checkSarifFindings` gives `r`'s findings (`sarifLines` lists their rules first):
 * whether it has failures told by `v`'s counts (`r`'s lists may be left empty), the rest by `r`.
 */
export function checkSarifRuleIds(r: CheckResult, v: CheckVerdict): string[] {
  const ids = v.summary.uncovered + (v.waivers?.waived ?? 0) > 0 ? ['uncovered-failure'] : [];
  if (r.guardViolations.length > 0) ids.push('guard-rule');
  for (const d of r.waivers?.warnings ?? []) ids.push(d.ruleId ?? 'stale-waiver');
  if (r.notUnderstood.length > 0) ids.push('trace-unknown-line');
  return ids;
}
