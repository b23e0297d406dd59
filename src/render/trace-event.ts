/**
 * Prints TraceEvents: the canonical one-line secpolmonitor form (unwrapped,
 * prefix-free) and the JSON Lines object (`secpol-learn/trace-event@1`,
 * docs/trace-json.md).
 *
 * Does not filter: see src/monitor/apply-options.ts.
 */
import { argumentText, TRACE_EVENT_SCHEMA } from '../trace/event-text';
import type { TraceEvent } from '../trace/event';
import { escapeJsonControls, visible } from '../diagnostics/safe-text';

/**
 * The canonical secpolmonitor line of an event (numbers in decimal), shown
 * safely on a terminal (controls, bidirectional and invisible characters as `?`;
 * the parser already reads them so, this holds for events built elsewhere too).
 */
export function formatEvent(e: TraceEvent): string {
  return visible(eventLine(e));
}

/**
 * The canonical line of an event the trace parser made (src/trace/push-parser.ts),
 * the same text as `formatEvent` without scanning it again: the parser reads
 * every line through `visible` (and refuses a JSON record that needs it), and
 * the line is made of that text's parts and ASCII. Events built elsewhere go
 * through `formatEvent`. `canonical`: the parser found the record to be this
 * line (PushParserOptions.onEvent), which is then returned as it is.
 */
export function formatParsedEvent(e: TraceEvent, canonical = false): string {
  return canonical ? e.record : eventLine(e);
}

function eventLine(e: TraceEvent): string {
  if (e.kind === 'unknown') return e.record;
  const who = `${e.severity}: ${e.process === '' ? '-' : e.process} (pid:${e.pid})`;
  if (e.kind === 'ability') {
    const verb = e.severity === 'info' ? 'uses' : 'lacks';
    return `${who} type ${e.securityType} ${verb} ability ${e.ability.monitorName}${argumentText(e.argument)} as ${e.domain}`;
  }
  const head = `${who} of type ${e.securityType}`;
  if (e.kind === 'attach') {
    return e.failure
      ? `${head} failed to attach to path ${e.path}: ${e.failure.reason}`
      : `${head} attached channel to path ${e.path}`;
  }
  return e.failure
    ? `${head} failed to link to path ${e.path}: ${e.failure.reason}`
    : `${head} created link to path ${e.path}`;
}

/** The JSON Lines object of an event: the schema marker, then the event's fields. */
export function formatEventJson(e: TraceEvent): string {
  return escapeJsonControls(JSON.stringify({ schema: TRACE_EVENT_SCHEMA, ...e }));
}

/** `{"schema":"…",` : the start of every JSON Lines object. */
const JSON_HEAD = `{"schema":${JSON.stringify(TRACE_EVENT_SCHEMA)},`;

/**
 * The JSON Lines object of an event the trace parser made, the same text as
 * `formatEventJson`: its strings went through `visible`, which replaces every
 * character `escapeJsonControls` escapes, and the event has no `schema` field
 * of its own, so the schema marker and the event's JSON are joined as text
 * (no copy of the event, no second scan).
 */
export function formatParsedEventJson(e: TraceEvent): string {
  return JSON_HEAD + JSON.stringify(e).slice(1);
}
