/**
 * Parses one unwrapped, prefix-free secpolmonitor record (`info: …` /
 * `error: …`) into a TraceEvent (reference §1.4 forms A–E).
 *
 * Handles: ability checks (none / value / range / type-id arguments, hex
 * normalised to decimal), path attach/link successes and failures (with or
 * without the `:` before the reason). Does not handle line joining, prefixes
 * or diagnostics: see push-parser.ts. Uses indexOf splitting, no backtracking
 * regexes, so a hostile line costs linear time.
 */
import type {
  AbilityArgument,
  AbilityEvent,
  AbilityName,
  AttachEvent,
  LinkEvent,
  UnknownEvent,
  PathFailureCode,
  TracePosition,
  TraceEvent,
  TraceSeverity,
} from './event';
import {
  ABILITY_NAME_CHARS,
  AS_NON_ROOT,
  AS_ROOT,
  ERROR_KEY,
  INFO_KEY,
  LACKS_ABILITY,
  OF_TYPE,
  PATH_FORMS,
  PID_CLOSE,
  PID_OPEN,
  TYPE,
  TYPE_NAME_CHARS,
  USES_ABILITY,
} from './grammar';

const internTable = new Map<string, string>();
/** Interns short repeated strings (process and type names) so millions of events share them. */
function intern(s: string): string {
  const hit = internTable.get(s);
  if (hit !== undefined) return hit;
  if (internTable.size < 100_000) internTable.set(s, s);
  return s;
}

/** Reason texts recognised at the end of a path failure that lacks the `:` separator (the seed's `/tmp/ no rule`). */
const KNOWN_REASONS = ['no rule', 'conflict', 'type conflict', 'bad op', 'bad operation'];

/** Classifies a path failure reason leniently. */
export function classifyReason(reason: string): PathFailureCode {
  const r = reason.toLowerCase();
  if (r.includes('no rule')) return 'no-rule';
  if (r.includes('conflict')) return 'conflict';
  if (r.includes('bad op') || r.includes('bad_op') || r.includes('operation')) return 'bad-op';
  return 'other';
}

/** Canonical decimal string for a decimal or `0x` hex number; undefined if it is neither. */
export function normaliseNumber(text: string): string | undefined {
  const t = text.trim();
  // Canonical decimals (the common case) need no BigInt round trip.
  if (/^(?:0|[1-9][0-9]*)$/.test(t)) return t;
  if (/^[0-9]+$/.test(t)) return BigInt(t).toString();
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return BigInt(t).toString();
  return undefined;
}

function parseArgument(inner: string, typeName: string | undefined): AbilityArgument | undefined {
  const dash = inner.indexOf('-', inner.startsWith('-') ? 1 : 0);
  if (dash >= 0) {
    const start = normaliseNumber(inner.slice(0, dash));
    const end = normaliseNumber(inner.slice(dash + 1));
    if (start === undefined || end === undefined || typeName !== undefined) return undefined;
    return { kind: 'range', start, end };
  }
  const value = normaliseNumber(inner);
  if (value === undefined) return undefined;
  if (typeName !== undefined) return { kind: 'type-id', value, typeName: intern(typeName) };
  return { kind: 'value', value };
}

/** The argument of a check without one: shared, never modified. */
const NO_ARGUMENT: AbilityArgument = { kind: 'none' };

/** The one path form whose printed verb differs (`failed to link to path`). */
const CREATE_LINK_FAILED = 'failed to create link to path ';

const ABILITY_NAME = new RegExp(`^[${ABILITY_NAME_CHARS}]+$`);

/** Ability names already read: one shared, never-modified object per name (saves a regex test, two case maps and an object per event). */
const abilityTable = new Map<string, AbilityName>();
/** The AbilityName for a name as printed; undefined when the name has characters no ability has. */
function abilityName(name: string): AbilityName | undefined {
  const hit = abilityTable.get(name);
  if (hit !== undefined) return hit;
  if (!ABILITY_NAME.test(name)) return undefined;
  const dynamic = name !== name.toUpperCase() || name.includes('/');
  const ability: AbilityName = {
    monitorName: intern(name),
    policyName: intern(dynamic ? name : name.toLowerCase()),
    dynamic,
  };
  // Bounded like the intern table: hostile input cannot grow it without limit.
  if (abilityTable.size < 10_000) abilityTable.set(name, ability);
  return ability;
}
const TYPE_NAME = new RegExp(`^[${TYPE_NAME_CHARS}]+$`);

/** True for the characters `String.prototype.trim` removes (ECMAScript WhiteSpace and LineTerminator). */
function isBlank(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    (c > 127 &&
      (c === 0xa0 ||
        c === 0x1680 ||
        (c >= 0x2000 && c <= 0x200a) ||
        c === 0x2028 ||
        c === 0x2029 ||
        c === 0x202f ||
        c === 0x205f ||
        c === 0x3000 ||
        c === 0xfeff))
  );
}

/**
 * What parseRecord says of a record's form besides its event (the caller owns
 * it and passes it again for each record; parseRecord sets it only when it
 * returns an event).
 */
export interface RecordForm {
  /**
   * True when the record is its event's canonical line (src/render/trace-event.ts
   * `formatParsedEvent`): a printer may print the record as it is, not rebuild
   * it. False when unsure (a range argument, say): then it is rebuilt.
   */
  canonical: boolean;
}

/**
 * Parses a record such as `error: sbin/devf-ram (pid:1) type fs_t lacks ability IO as root`.
 * Returns an `unknown` event for a record of no known form; undefined when it is not a record at all.
 * With `form`, also says whether the record is the event's canonical line.
 *
 * Works on indices into `record` (`startsWith`/`indexOf` with a position) and
 * slices only the fields it returns: this runs once per record of a gigabyte trace.
 */
export function parseRecord(
  record: string,
  position: TracePosition,
  time?: number,
  form?: RecordForm,
): TraceEvent | undefined {
  let severity: TraceSeverity;
  let at: number;
  if (record.startsWith(INFO_KEY)) {
    severity = 'info';
    at = INFO_KEY.length;
  } else if (record.startsWith(ERROR_KEY)) {
    severity = 'error';
    at = ERROR_KEY.length;
  } else return undefined;
  // An unknown event's line is its record: canonical (set again below for a known form).
  if (form !== undefined) form.canonical = true;
  const keyEnd = at;
  while (at < record.length && isBlank(record.charCodeAt(at))) at++;
  // The canonical line has one space after the key, one before `(pid:` and a name ('' is `-`).
  let canonical = at === keyEnd + 1 && record.charCodeAt(keyEnd) === 32;
  // NAME (pid:PID) — the name has no spaces in every observed record.
  // An unnamed process (`-n`) is assumed to print no name or `-` before `(pid:`: both give process ''.
  const sp = record.indexOf(PID_OPEN, at);
  if (sp < 0) return unknownEvent(severity, record, position, time);
  let nameEnd = sp;
  while (nameEnd > at && isBlank(record.charCodeAt(nameEnd - 1))) nameEnd--;
  const space = record.indexOf(' ', at);
  if (space >= 0 && space < nameEnd) return unknownEvent(severity, record, position, time);
  const close = record.indexOf(PID_CLOSE, sp + PID_OPEN.length);
  if (close < 0) return unknownEvent(severity, record, position, time);
  canonical &&= sp === nameEnd + 1 && record.charCodeAt(nameEnd) === 32;
  const process =
    nameEnd - at === 1 && record.charCodeAt(at) === 45 ? '' : intern(record.slice(at, nameEnd));
  const pid = record.slice(sp + PID_OPEN.length, close);
  at = close + PID_CLOSE.length;
  // Ability checks print `type`, path events `of type`.
  let ofType = false;
  if (record.startsWith(OF_TYPE, at)) {
    at += OF_TYPE.length;
    ofType = true;
  } else if (record.startsWith(TYPE, at)) at += TYPE.length;
  else return unknownEvent(severity, record, position, time, process, pid);
  const typeEnd = record.indexOf(' ', at);
  if (typeEnd <= at) return unknownEvent(severity, record, position, time, process, pid);
  const securityType = intern(record.slice(at, typeEnd));
  at = typeEnd + 1;

  // A. ability check
  let verbLength = 0;
  if (record.startsWith(USES_ABILITY, at)) verbLength = USES_ABILITY.length;
  else if (record.startsWith(LACKS_ABILITY, at)) verbLength = LACKS_ABILITY.length;
  if (verbLength > 0) {
    at += verbLength;
    let end = record.length;
    let domain: 'root' | 'non-root';
    if (record.endsWith(AS_ROOT)) {
      domain = 'root';
      end -= AS_ROOT.length;
    } else if (record.endsWith(AS_NON_ROOT)) {
      domain = 'non-root';
      end -= AS_NON_ROOT.length;
    } else return unknownEvent(severity, record, position, time, process, pid);
    if (end < at) return unknownEvent(severity, record, position, time, process, pid);
    let typeName: string | undefined;
    // `CHANNEL_CONNECT(1) (fs_t)`: a trailing ` (TYPE)` names the type id.
    if (record.charCodeAt(end - 1) === 41) {
      const open = record.lastIndexOf(' (', end - 2);
      if (open > at) {
        const inner = record.slice(open + 2, end - 1);
        if (TYPE_NAME.test(inner)) {
          typeName = inner;
          end = open;
        }
      }
    }
    let argument: AbilityArgument = NO_ARGUMENT;
    const paren = record.indexOf('(', at);
    let nameEnd = end;
    if (paren >= 0 && paren < end) {
      if (record.charCodeAt(end - 1) !== 41)
        return unknownEvent(severity, record, position, time, process, pid);
      nameEnd = paren;
      const inner = record.slice(paren + 1, end - 1);
      const parsed = parseArgument(inner, typeName);
      if (parsed === undefined) return unknownEvent(severity, record, position, time, process, pid);
      argument = parsed;
      // Printed `(VALUE)`: canonical when the value is the text (a range is rebuilt).
      canonical &&=
        (parsed.kind === 'value' || parsed.kind === 'type-id') && parsed.value === inner;
    } else if (typeName !== undefined) {
      // `CHANNEL_CONNECT (fs_t)`: a type without its id, as a summary holds a check
      // read from secpolgenerate's errors view (src/trace/event-text.ts prints it).
      argument = { kind: 'type-id', typeName: intern(typeName) };
    }
    const ability = abilityName(record.slice(at, nameEnd));
    if (ability === undefined) return unknownEvent(severity, record, position, time, process, pid);
    if (form !== undefined)
      form.canonical =
        canonical &&
        !ofType &&
        verbLength === (severity === 'info' ? USES_ABILITY.length : LACKS_ABILITY.length);
    const e: AbilityEvent = {
      kind: 'ability',
      severity,
      process,
      pid,
      securityType,
      record,
      position,
      ability,
      argument,
      domain,
    };
    return withTime(e, time);
  }

  // B–E. path events
  for (const [prefix, kind, ok] of PATH_FORMS) {
    if (!record.startsWith(prefix, at)) continue;
    const tail = record.slice(at + prefix.length).trimEnd();
    if (tail.length === 0) return unknownEvent(severity, record, position, time, process, pid);
    const split = ok ? { path: tail, reason: undefined } : splitReason(tail);
    if (split === undefined) return unknownEvent(severity, record, position, time, process, pid);
    if (form !== undefined) {
      // Printed `of type`, the form's own verb (not `failed to create link`), the path
      // untrimmed and a failure as `PATH: REASON` (a reason found without `: ` is not).
      const path = split.path.length;
      form.canonical =
        canonical &&
        ofType &&
        prefix !== CREATE_LINK_FAILED &&
        tail.length === record.length - at - prefix.length &&
        (split.reason === undefined ||
          (path > 0 &&
            tail.charCodeAt(path) === 58 &&
            tail.charCodeAt(path + 1) === 32 &&
            split.reason.length === tail.length - path - 2));
    }
    const event: AttachEvent | LinkEvent = {
      kind,
      severity,
      process,
      pid,
      securityType,
      record,
      position,
      path: split.path,
    };
    if (split.reason !== undefined)
      event.failure = { reason: split.reason, code: classifyReason(split.reason) };
    return withTime(event, time);
  }
  return unknownEvent(severity, record, position, time, process, pid);
}

/**
 * The event of a record identical to `e`'s, at another place: built by the
 * same literals as parseRecord's (the same hidden classes), sharing the
 * sub-objects, with its own position and time.
 */
export function repeatEvent(e: TraceEvent, position: TracePosition, time?: number): TraceEvent {
  switch (e.kind) {
    case 'ability': {
      const a: AbilityEvent = {
        kind: 'ability',
        severity: e.severity,
        process: e.process,
        pid: e.pid,
        securityType: e.securityType,
        record: e.record,
        position,
        ability: e.ability,
        argument: e.argument,
        domain: e.domain,
      };
      return withTime(a, time);
    }
    case 'attach':
    case 'link': {
      const p: AttachEvent | LinkEvent = {
        kind: e.kind,
        severity: e.severity,
        process: e.process,
        pid: e.pid,
        securityType: e.securityType,
        record: e.record,
        position,
        path: e.path,
      };
      if (e.failure !== undefined) p.failure = e.failure;
      return withTime(p, time);
    }
    case 'unknown':
      return unknownEvent(e.severity, e.record, position, time, e.process, e.pid);
  }
}

/** Sets the time after construction (not by spread: object spreads dominated the parse profile). */
function withTime<T extends { time?: number }>(e: T, time: number | undefined): T {
  if (time !== undefined) e.time = time;
  return e;
}

/** The event for a record of no known form: kept whole, with process and pid when it had them. */
function unknownEvent(
  severity: TraceSeverity,
  record: string,
  position: TracePosition,
  time: number | undefined,
  process?: string,
  pid?: string,
): TraceEvent {
  const e: UnknownEvent =
    process !== undefined
      ? { kind: 'unknown', severity, process, pid: pid ?? '', record, position }
      : { kind: 'unknown', severity, record, position };
  return withTime(e, time);
}

/** Splits `PATH: REASON` (last `: `), or `PATH REASON` when REASON is a known text. */
function splitReason(tail: string): { path: string; reason: string } | undefined {
  const colon = tail.lastIndexOf(': ');
  if (colon > 0) return { path: tail.slice(0, colon), reason: tail.slice(colon + 2).trim() };
  const lower = tail.toLowerCase();
  for (const reason of KNOWN_REASONS) {
    if (lower.endsWith(' ' + reason)) {
      return { path: tail.slice(0, -reason.length - 1).trimEnd(), reason };
    }
  }
  return undefined;
}
