/**
 * The fields of a summary's records, one table per record shape: each field's
 * name, how it is checked when read and how it is written. A summary comes
 * from devices and is untrusted, so every field is checked with the
 * predicates the trace path uses (validate-event.ts, policy/lexical.ts) and
 * bounded in size; fields a table does not name are dropped, never carried.
 *
 * A new plain-data field of `Requirement` or `Evidence` is one line here: the
 * tables are typed by the interfaces, so a field missing from a table does not
 * compile, and src/infer/summary-codec.test.ts round-trips atoms learned from
 * generated traces with deep equality.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import { hasUnsafeCharacter } from '../diagnostics/safe-text';
import type { TracePosition } from '../trace/event';
import { MAX_LINE_BYTES } from '../trace/grammar';
import { isSafeTypeName } from '../policy/lexical';
import { MAX_LISTED, type Evidence, type Requirement, type ValueRange } from './requirement';
import { isAbilityValue, isSafePid, isSafeProcessName } from './validate-event';

/** A field that is not what it must be: the problem in words (never quoting the value). */
export class FieldProblem extends Error {}

/** One field: read (check and copy) and write (plain JSON data). */
export interface Field<T> {
  read(value: unknown): T;
  write(value: T): unknown;
  /** May be absent (then it is not written either). */
  optional?: boolean;
}

/** A table of fields for every field of T (optional ones marked `opt`). */
export type Fields<T> = { [K in keyof T]-?: Field<Exclude<T[K], undefined>> };

/** Longest file name a summary may carry. */
const MAX_FILE_NAME = 4096;
/** Longest free text (a diagnostic's message, a path failure's reason). */
const MAX_TEXT = 1024;
/** Longest value range list of one atom (a summary line is bounded too: summary-codec.ts). */
const MAX_RANGES = 100_000;

function fail(problem: string): never {
  throw new FieldProblem(problem);
}

const same = <T>(v: T): unknown => v;

/** A field that may be absent. */
export function opt<T>(f: Field<T>): Field<T> {
  return { ...f, optional: true };
}

/** A string that passes `test`. */
function text(what: string, test: (s: string) => boolean): Field<string> {
  return {
    read: (v) => (typeof v === 'string' && test(v) ? v : fail(`${what} is not valid`)),
    write: same,
  };
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(what: string, values: readonly T[]): Field<T> {
  return {
    read: (v) => (values.includes(v as T) ? (v as T) : fail(`${what} is not one of the known`)),
    write: same,
  };
}

/** A count: a non-negative safe integer. */
export const count: Field<number> = {
  read: (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail('a count is not valid'),
  write: same,
};

const lineNumber: Field<number> = {
  read: (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 1
      ? v
      : fail('a line number is not valid'),
  write: same,
};

const flag: Field<boolean> = {
  read: (v) => (typeof v === 'boolean' ? v : fail('a flag is not true or false')),
  write: same,
};

/** Printable text of bounded length: it reaches stderr, JSON, markdown and `#` comments. */
function safeText(what: string, max: number): Field<string> {
  return text(what, (s) => s.length <= max && !hasUnsafeCharacter(s));
}

/** A file name as the user named it (printed in `FILE:LINE` places and evidence comments). */
export const fileName = text(
  'a file name',
  (s) => s.length >= 1 && s.length <= MAX_FILE_NAME && !hasUnsafeCharacter(s),
);
export const processName = text('a process name', isSafeProcessName);
export const typeName = text('a type name', isSafeTypeName);

/** A list of at most `max` items, each read by `item`. */
export function listOf<T>(item: Field<T>, max: number, what: string): Field<T[]> {
  return {
    read: (v) =>
      Array.isArray(v) && v.length <= max
        ? v.map((x) => item.read(x))
        : fail(`${what} is not valid`),
    write: (v) => v.map((x) => item.write(x)),
  };
}

/** Reads a record of `fields` from a JSON object, in the table's order (the order the learner builds). */
export function readRecord<T>(fields: Fields<T>, value: unknown, what: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(`${what} is not an object`);
  const v = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields) as Array<[string, Field<unknown>]>) {
    if (!Object.hasOwn(v, name) || v[name] === undefined) {
      if (field.optional) continue;
      fail(`${what} has no ${name}`);
    }
    try {
      out[name] = field.read(v[name]);
    } catch (error) {
      if (error instanceof FieldProblem) fail(`${what}.${name}: ${error.message}`);
      throw error;
    }
  }
  return out as T;
}

/** Writes a record of `fields` as plain data, in the table's order; absent optional fields are left out. */
export function writeRecord<T>(fields: Fields<T>, value: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const v = value as Record<string, unknown>;
  for (const [name, field] of Object.entries(fields) as Array<[string, Field<unknown>]>) {
    if (v[name] === undefined) continue;
    out[name] = field.write(v[name]);
  }
  return out;
}

/** A record field (an object of its own table). */
export function record<T>(fields: Fields<T>, what: string): Field<T> {
  return { read: (v) => readRecord(fields, v, what), write: (v) => writeRecord(fields, v) };
}

export const POSITION_FIELDS: Fields<TracePosition> = {
  file: fileName,
  line: lineNumber,
};
export const position = record(POSITION_FIELDS, 'a position');

/** Pids as the learner keeps them: distinct, sorted as strings, at most MAX_LISTED. */
const pids: Field<string[]> = {
  read: (v) => {
    const list = listOf(text('a pid', isSafePid), MAX_LISTED, 'the pid list').read(v);
    for (let i = 1; i < list.length; i++)
      if (!(list[i - 1]! < list[i]!)) fail('the pid list is not sorted and distinct');
    return list;
  },
  write: same,
};

export const EVIDENCE_FIELDS: Fields<Evidence> = {
  failures: count,
  successes: count,
  pids,
  morePids: flag,
  first: position,
  last: position,
  // A record's text, as the trace stage keeps it (for JSON and markdown, never for policy text).
  sample: safeText('the sample record', MAX_LINE_BYTES),
  firstFailure: opt(position),
};
export const evidence = record(EVIDENCE_FIELDS, 'the evidence');

/** A value range: two canonical decimals, start ≤ end, at most 2^64-1. */
const valueRange: Field<ValueRange> = {
  read: (v) => {
    if (!Array.isArray(v) || v.length !== 2) fail('a value range is not a pair');
    const [s, e] = v as unknown[];
    const ok = (x: unknown): x is string =>
      typeof x === 'string' && isAbilityValue(x) && (x === '0' || !x.startsWith('0'));
    if (!ok(s) || !ok(e) || BigInt(s) > BigInt(e)) fail('a value range is not two values in order');
    return [s, e];
  },
  write: same,
};
const ranges = listOf(valueRange, MAX_RANGES, 'the value ranges');

/** A requirement atom's fields; `key` is not stored: it is made from the keyed fields. */
export const ATOM_FIELDS: Fields<Omit<Requirement, 'key'>> = {
  type: typeName,
  process: processName,
  evidence,
  kind: oneOf('the kind', ['ability', 'connect', 'settypeid', 'attach', 'link'] as const),
  domain: opt(oneOf('the domain', ['root', 'non-root'] as const)),
  // Checked for its kind in summary-codec.ts (an ability name, a type, a literal path).
  object: text('the object', (s) => s.length >= 1 && s.length <= MAX_LINE_BYTES),
  whole: opt(flag),
  ranges: opt(ranges),
  deniedWhole: opt(flag),
  deniedRanges: opt(ranges),
  unfixable: opt(safeText('the failure reason', MAX_TEXT)),
  wordedAttach: opt(flag),
};

/** The fields of a diagnostic a summary carries (trace diagnostics have no column or span). */
export type SummaryDiagnostic = Pick<
  Diagnostic,
  'severity' | 'message' | 'file' | 'line' | 'ruleId'
>;

export const DIAGNOSTIC_FIELDS: Fields<SummaryDiagnostic> = {
  severity: oneOf('the severity', ['error', 'warning', 'info'] as const),
  message: safeText('the message', MAX_TEXT),
  file: fileName,
  line: lineNumber,
  ruleId: opt(text('the rule id', (s) => /^[a-z][a-z0-9-]{0,63}$/.test(s))),
};
