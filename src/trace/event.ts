/**
 * The event model of the monitor core: one typed event per secpolmonitor
 * record (an `info:` / `error:` message, possibly wrapped over several lines).
 *
 * Events are plain JSON data (they survive `JSON.parse(JSON.stringify(e))`),
 * discriminated by `kind`. Numbers from the trace (ability arguments) are kept
 * as canonical decimal strings: addresses exceed 2^53, and consumers that need
 * arithmetic use BigInt.
 *
 * Record forms (reference §1.4):
 *   error: sbin/devf-ram (pid:2670618) type fs_user_t lacks ability PATHSPACE as root
 *   info: usr/bin/touch (pid:1) type fs_user_t uses ability CHANNEL_CONNECT(1) (fs_t) as root
 *   info: sbin/devf-ram (pid:1) of type fs_t attached channel to path /dev/fsF
 *   error: sbin/devf-ram (pid:1) of type fs_nonuser_t failed to attach to path /: no rule
 *   info: proc/boot/ln (pid:1) of type fs_nonuser_t created link to path /tmp/
 */

/** Where a record starts: the file as the user named it and the 1-based line of its first line. */
export interface TracePosition {
  file: string;
  line: number;
}

/** `info` = the check succeeded (printed with `-s`), `error` = it was denied. */
export type TraceSeverity = 'info' | 'error';

/** The ability domain that was tested: root (euid 0) or non-root. */
export type AbilityDomain = 'root' | 'non-root';

/** Fields every process event carries. */
export interface ProcessEventBase {
  severity: TraceSeverity;
  /** Process name as printed: the executable path without its leading `/` (`sbin/devf-ram`). */
  process: string;
  /** Process id as printed; opaque (published traces redact it as `xxxx`). */
  pid: string;
  /** The security type name as printed (`fs_t`, `default`, `-` for an unnamed type id 0). */
  securityType: string;
  /** Seconds since an arbitrary origin, when the record carried a timestamp prefix. */
  time?: number;
  /** The record, unwrapped and stripped of prefixes: one canonical secpolmonitor line. */
  record: string;
  position: TracePosition;
  /** Set when a line of the record held characters the parser read as `?` (see AlteredMark). */
  altered?: true;
}

/** An ability name in both spellings. */
export interface AbilityName {
  /** As secpolmonitor printed it: `PATHSPACE`, `iofunc/exec`. */
  monitorName: string;
  /** As a policy spells it: static names lower-cased (`pathspace`), dynamic ones as printed. */
  policyName: string;
  /** True for a dynamic (custom) ability: any name that is not all upper case (`iofunc/exec`). */
  dynamic: boolean;
}

/** The argument of an ability check, as printed in parentheses after the name. */
export type AbilityArgument =
  /** `PATHSPACE`: no argument. */
  | { kind: 'none' }
  /** `SETUID(15)`: one value. */
  | { kind: 'value'; value: string }
  /** `MAP_FIXED(337416937472 - 337416992071)`: a range, start ≤ end as printed. */
  | { kind: 'range'; start: string; end: string }
  /**
   * `CHANNEL_CONNECT(1) (fs_t)` / `SETTYPEID(140) (ssh_privsep_t)`: a type id and its type name.
   * `value` is absent when the source names the type but not its id (secpolgenerate's errors
   * view: `allow sshd_t random_t:channel connect;`, `settypeid:T`).
   */
  | { kind: 'type-id'; value?: string; typeName: string };

/** A procmgr ability check (`uses ability` / `lacks ability`). */
export interface AbilityEvent extends ProcessEventBase {
  kind: 'ability';
  ability: AbilityName;
  argument: AbilityArgument;
  domain: AbilityDomain;
}

/**
 * Why a path event failed. `no-rule` is the only reason seen in real output
 * ("no rule"); `conflict` and `bad-op` mirror libsecpol's status enum
 * (a needed channel type change was not permitted; attach vs link mismatch)
 * and are recognised leniently from their text; anything else is `other`.
 */
export type PathFailureCode = 'no-rule' | 'conflict' | 'bad-op' | 'other';

/** A path-space attach (`attached channel to path` / `failed to attach to path`). */
export interface AttachEvent extends ProcessEventBase {
  kind: 'attach';
  path: string;
  /** Present on failures: the reason text as printed (`no rule`) and its class. */
  failure?: { reason: string; code: PathFailureCode };
}

/** A path-manager link (`created link to path` / `failed to link to path`). */
export interface LinkEvent extends ProcessEventBase {
  kind: 'link';
  path: string;
  failure?: { reason: string; code: PathFailureCode };
}

/**
 * A record that starts like a secpolmonitor message (`info:` / `error:`) but
 * matches no known form: QNET (`-q`), unregistered sigevents (`-u`), failed
 * opens (`-O`) and custom permission checks print forms nobody here has seen.
 * Kept whole, never dropped.
 */
export interface UnknownEvent {
  kind: 'unknown';
  severity: TraceSeverity;
  /** Process name and pid when the record starts with `NAME (pid:N)`. */
  process?: string;
  pid?: string;
  time?: number;
  record: string;
  position: TracePosition;
  /** As on ProcessEventBase: a line of the record held characters the parser read as `?`. */
  altered?: true;
}

/**
 * `altered`: a line of the record held control, bidirectional or invisible
 * characters, which the parser read as `?` and reported once, with FILE:LINE,
 * as a line not understood (`trace-control-character`). The event is still
 * judged (a gate never loses a failure to an escape sequence), but learning
 * neither learns it nor reports or counts it again: one line, one report.
 */
export type AlteredMark = Pick<ProcessEventBase, 'altered'>;

/** Every event of the monitor core. */
export type TraceEvent = AbilityEvent | AttachEvent | LinkEvent | UnknownEvent;

/** Events that name a process and its type. */
export type ProcessEvent = AbilityEvent | AttachEvent | LinkEvent;
