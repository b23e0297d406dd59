/**
 * Test builders: a Policy from secpol text (through the real parser, failing
 * loudly on syntax errors), and trace events written the way secpolmonitor
 * prints them. For tests only.
 */
import { parsePolicies } from '../policy/parse';
import type { Policy } from '../policy/ast';
import type {
  AbilityArgument,
  AbilityEvent,
  AttachEvent,
  LinkEvent,
  PathFailureCode,
} from '../trace/event';

/** Parses `files` (name → text, or one text as `test.secpol`) as one policy; throws on a syntax error. */
export function policyFrom(files: string | Record<string, string>): Policy {
  const list =
    typeof files === 'string'
      ? [{ file: 'test.secpol', text: files }]
      : Object.entries(files).map(([file, text]) => ({ file, text }));
  const { policy, diagnostics } = parsePolicies(list);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    throw new Error(
      `test policy does not parse: ${errors.map((d) => `${d.line}:${d.column} ${d.message}`).join('; ')}`,
    );
  return policy;
}

const base = {
  process: 'sbin/test',
  pid: '1',
  record: '',
  position: { file: 'trace.log', line: 1 },
};

/**
 * An ability event: `ability('fs_t', 'IO')`, `ability('t', 'SETUID', {kind:'value', value:'15'}, 'non-root')`.
 * Static names are the upper-case monitor spelling; dynamic ones have `/`.
 */
export function abilityEvent(
  type: string,
  monitorName: string,
  argument: AbilityArgument = { kind: 'none' },
  domain: 'root' | 'non-root' = 'root',
  severity: 'info' | 'error' = 'error',
): AbilityEvent {
  const dynamic = monitorName !== monitorName.toUpperCase();
  return {
    ...base,
    kind: 'ability',
    severity,
    securityType: type,
    ability: {
      monitorName,
      policyName: dynamic ? monitorName : monitorName.toLowerCase(),
      dynamic,
    },
    argument,
    domain,
  };
}

/** An attach event; `failure` marks it as an `error:` record. */
export function attachEvent(type: string, path: string, failure?: PathFailureCode): AttachEvent {
  return {
    ...base,
    kind: 'attach',
    severity: failure ? 'error' : 'info',
    securityType: type,
    path,
    ...(failure ? { failure: { reason: failure.replace('-', ' '), code: failure } } : {}),
  };
}

/** A link event; `failure` marks it as an `error:` record. */
export function linkEvent(type: string, path: string, failure?: PathFailureCode): LinkEvent {
  return {
    ...base,
    kind: 'link',
    severity: failure ? 'error' : 'info',
    securityType: type,
    path,
    ...(failure ? { failure: { reason: failure.replace('-', ' '), code: failure } } : {}),
  };
}
