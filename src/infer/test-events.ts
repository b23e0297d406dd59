/**
 * Test helpers: trace events as the trace stage builds them, from the fields
 * of a secpolmonitor record (the seed walkthrough's lines by default).
 * For tests only; not exported from the package.
 */
import type { AbilityArgument, AbilityEvent, AttachEvent, LinkEvent } from '../trace/event';

let line = 0;

/** Resets the line counter used when a test gives no line. */
export function resetLines(): void {
  line = 0;
}

/** An ability event: `SEV: PROC (pid:PID) type T uses|lacks ability NAME[(ARG)] as DOMAIN`. */
export function abilityEvent(f: {
  severity?: 'info' | 'error';
  process?: string;
  pid?: string;
  type: string;
  ability: string;
  argument?: AbilityArgument;
  domain?: 'root' | 'non-root';
  file?: string;
  line?: number;
}): AbilityEvent {
  const severity = f.severity ?? 'error';
  const monitorName = f.ability;
  const dynamic = monitorName !== monitorName.toUpperCase();
  const arg = f.argument ?? { kind: 'none' };
  const argText =
    arg.kind === 'none'
      ? ''
      : arg.kind === 'value'
        ? `(${arg.value})`
        : arg.kind === 'range'
          ? `(${arg.start} - ${arg.end})`
          : `(${arg.value}) (${arg.typeName})`;
  const process = f.process ?? 'sbin/devf-ram';
  const pid = f.pid ?? '2670618';
  const domain = f.domain ?? 'root';
  return {
    kind: 'ability',
    severity,
    process,
    pid,
    securityType: f.type,
    ability: {
      monitorName,
      policyName: dynamic ? monitorName : monitorName.toLowerCase(),
      dynamic,
    },
    argument: arg,
    domain,
    record: `${severity}: ${process} (pid:${pid}) type ${f.type} ${severity === 'error' ? 'lacks' : 'uses'} ability ${monitorName}${argText} as ${domain}`,
    position: { file: f.file ?? 'trace.log', line: f.line ?? ++line },
  };
}

/** A path event: attach or link, success or failure (`no rule` unless given). */
export function pathEvent(f: {
  kind: 'attach' | 'link';
  severity?: 'info' | 'error';
  process?: string;
  pid?: string;
  type: string;
  path: string;
  reason?: string;
  code?: 'no-rule' | 'conflict' | 'bad-op' | 'other';
  file?: string;
  line?: number;
}): AttachEvent | LinkEvent {
  const severity = f.severity ?? 'error';
  const process = f.process ?? 'sbin/devf-ram';
  const pid = f.pid ?? '2773018';
  const verb =
    f.kind === 'attach'
      ? severity === 'error'
        ? 'failed to attach to path'
        : 'attached channel to path'
      : severity === 'error'
        ? 'failed to link to path'
        : 'created link to path';
  const reason = f.reason ?? 'no rule';
  return {
    kind: f.kind,
    severity,
    process,
    pid,
    securityType: f.type,
    path: f.path,
    ...(severity === 'error' ? { failure: { reason, code: f.code ?? 'no-rule' } } : {}),
    record: `${severity}: ${process} (pid:${pid}) of type ${f.type} ${verb} ${f.path}${severity === 'error' ? `: ${reason}` : ''}`,
    position: { file: f.file ?? 'trace.log', line: f.line ?? ++line },
  };
}
