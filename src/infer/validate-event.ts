/**
 * Trace-field validation: the gate between trace text and policy text.
 *
 * Every field of an event that inference may print (type names, ability
 * names, paths, numbers, process names in comments and `on -T` lines) is
 * checked against the language's lexical rules (src/policy/lexical.ts). A
 * field that would break or extend a policy (spaces, `;`, `{`, `}`, `#`,
 * control characters, glob characters, a `/...` suffix, a type that is not an
 * identifier, an ability named like a block flag or keyword, a value above
 * 2^64-1) makes the whole record refused: a warning names the record's
 * file:line and describes the field without quoting it, so hostile text
 * never reaches any output. The predicates are the ones the node
 * constructors (src/policy/nodes.ts) check, so a record that passes here
 * always makes nodes that print and parse back as themselves. Does not judge
 * whether a rule is wise.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { ProcessEvent } from '../trace/event';
import {
  isAbilityName,
  isSafeAbilityName,
  isSafeLiteralPath,
  isSafeTypeName,
  MAX_ABILITY_NAME,
} from '../policy/lexical';
import { MAX_ABILITY_VALUE } from '../qnx/abilities';
import { MAX_PID_CHARS, MAX_VALUE_DIGITS, PROCESS_NAME_CHARS } from '../trace/grammar';

/** Process names as QNX prints them: an executable path without its leading `/` (empty: unnamed, `-n`). */
const SAFE_PROCESS = new RegExp(`^[${PROCESS_NAME_CHARS}]{0,256}$`);

const DECIMAL = new RegExp(`^[0-9]{1,${MAX_VALUE_DIGITS}}$`);

/** Pids are opaque (published traces redact them as `xxxx`) but are printed in evidence comments. */
const SAFE_PID = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_PID_CHARS}}$`);

/** True when a pid may be printed in an evidence comment (a summary's pids are checked by it too). */
export function isSafePid(s: string): boolean {
  return SAFE_PID.test(s);
}

/** True for an ability value a trace may carry: decimal digits, at most 2^64-1. */
export function isAbilityValue(s: string): boolean {
  return DECIMAL.test(s) && BigInt(s) <= MAX_ABILITY_VALUE;
}

/** True when a process name may be printed in a comment or derive a type name. */
export function isSafeProcessName(s: string): boolean {
  return SAFE_PROCESS.test(s);
}

/**
 * Checks the fields of one event; returns the refusal warning, or undefined
 * when every field is safe to print. `-` (unnamed type id 0) is accepted
 * here and handled by inference as a review item.
 */
export function validateEvent(e: ProcessEvent): Diagnostic | undefined {
  return refusal(e, findProblem(e));
}

/**
 * Checks only the fields that are not part of a requirement's key (pid,
 * ability values, the type name of a type-id argument): for an event whose
 * key matched an atom built from an event that passed `validateEvent`, the
 * other fields are the same strings.
 */
export function validateUnkeyedFields(e: ProcessEvent): Diagnostic | undefined {
  return refusal(e, findUnkeyedProblem(e));
}

function refusal(e: ProcessEvent, problem: string | undefined): Diagnostic | undefined {
  if (!problem) return undefined;
  // The message describes the field and never quotes it: hostile text must not reach any output.
  return {
    severity: 'warning',
    message: `refused trace record: ${problem}; nothing from it is printed into policy text`,
    file: e.position.file,
    line: e.position.line,
    ruleId: 'infer-refused-field',
  };
}

function findUnkeyedProblem(e: ProcessEvent): string | undefined {
  if (!SAFE_PID.test(e.pid)) return 'the pid has characters a pid cannot have';
  if (e.kind === 'ability') {
    const a = e.argument;
    if (a.kind === 'value' && !DECIMAL.test(a.value)) return 'the ability value is not a number';
    if (a.kind === 'range' && !(DECIMAL.test(a.start) && DECIMAL.test(a.end))) {
      return 'the ability range is not a pair of numbers';
    }
    if (
      a.kind === 'value'
        ? aboveMax(a.value)
        : a.kind === 'range' && (aboveMax(a.start) || aboveMax(a.end))
    )
      return 'the ability value is above 2^64-1';
    // The type name is the key only of connect/settypeid atoms; `PRIORITY(3) (T)` keys on the ability.
    if (a.kind === 'type-id' && !isSafeTypeName(a.typeName)) {
      return 'the target type is not an identifier';
    }
  }
  return undefined;
}

/**
 * Whether decimal digits `v` name a value above 2^64-1 (MAX_ABILITY_VALUE, 20 digits): 19
 * digits or fewer never do, and are not made a BigInt (a record's value, checked per record).
 */
function aboveMax(v: string): boolean {
  return v.length > 19 && BigInt(v) > MAX_ABILITY_VALUE;
}

function findProblem(e: ProcessEvent): string | undefined {
  if (!isSafeProcessName(e.process))
    return 'the process name has characters a process name cannot have';
  if (!SAFE_PID.test(e.pid)) return 'the pid has characters a pid cannot have';
  if (e.securityType !== '-' && !isSafeTypeName(e.securityType)) {
    return 'the security type is not an identifier (or is a keyword)';
  }
  if (e.kind === 'ability') {
    const name = e.ability.policyName;
    if (!isSafeAbilityName(name))
      return isAbilityName(name) && name.length <= MAX_ABILITY_NAME
        ? 'the ability name is a block flag, `gain_priv` or a statement keyword, which policy text reads as something else'
        : 'the ability name is not a valid ability name';
    // The argument's checks are the unkeyed ones (the pid, checked above, passes again).
    return findUnkeyedProblem(e);
  }
  // `//` after whitespace starts a comment for the policy lexer (src/policy/lex.ts), which
  // isSafeLiteralPath does not catch: printed, such a path would swallow the rest of the line.
  if (e.path.startsWith('//'))
    return 'the path starts with `//`, which policy text reads as a comment';
  const misleading = misleadingPathProblem(e.path);
  if (misleading !== undefined) return misleading;
  if (!isSafeLiteralPath(e.path)) {
    return 'the path is not a literal path (it has whitespace, a statement, block or comment character, a control, bidirectional or glob character, or a leading-directory suffix)';
  }
  return undefined;
}

/**
 * Scripts whose letters include look-alikes of Latin ones (Cyrillic `а`,
 * Greek `ο`): a path component mixing one of them with Latin letters reads as
 * another path to a reviewer (`/dev/sеr1`).
 */
const LATIN = /\p{Script=Latin}/u;
const LATIN_LOOKALIKE =
  /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}]/u;

/**
 * Characters that look like ASCII punctuation a path is read by (fullwidth
 * forms such as `／`, slash look-alikes, combining slash overlays), and U+FFFD,
 * which stands for bytes that were not UTF-8: the path printed would not be
 * the path the trace held.
 */
const LOOKALIKE_OR_LOST = /[\uff01-\uff5e\u2044\u2215\u2571\u29f8\u3033\ufffd]|\u0337|\u0338/;

/**
 * Why a path would mislead a reviewer, or undefined. Other non-ASCII paths are
 * accepted: QNX paths are bytes, and a name wholly in one script is legitimate.
 */
function misleadingPathProblem(path: string): string | undefined {
  if (LOOKALIKE_OR_LOST.test(path))
    return 'the path has a character that is not UTF-8 in the trace or looks like ASCII punctuation (a fullwidth form or a slash look-alike)';
  if (/^[\x00-\x7f]*$/.test(path)) return undefined;
  for (const part of path.split('/')) {
    if (LATIN.test(part) && LATIN_LOOKALIKE.test(part))
      return 'a path component mixes Latin letters with Cyrillic, Greek, Armenian or Cherokee ones, which look alike';
  }
  return undefined;
}
