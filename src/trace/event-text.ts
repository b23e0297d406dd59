/**
 * The textual forms of an event that readers and printers share: an ability
 * argument as secpolmonitor prints it (the monitor core keys repeats on it,
 * src/monitor/apply-options.ts; the canonical line printer prints it,
 * src/render/trace-event.ts), and the schema marker of the JSON Lines form
 * (printed by src/render/trace-event.ts, recognised by push-parser.ts).
 */
import type { AbilityArgument } from './event';

/** Version marker of the JSON Lines schema (docs/trace-json.md, docs/json-schema.md). */
export const TRACE_EVENT_SCHEMA = 'secpol-learn/trace-event@1';

/**
 * An ability argument as secpolmonitor prints it after the name: `(15)`, `(1 - 5)`, `(1) (fs_t)`, or nothing;
 * a type without its id (read from secpolgenerate's errors view) as ` (fs_t)`, which the trace parser reads back.
 */
export function argumentText(a: AbilityArgument): string {
  switch (a.kind) {
    case 'none':
      return '';
    case 'value':
      return `(${a.value})`;
    case 'range':
      return `(${a.start} - ${a.end})`;
    case 'type-id':
      return a.value !== undefined ? `(${a.value}) (${a.typeName})` : ` (${a.typeName})`;
  }
}

/** The value a check carried, bare (`15`, `1-5`, `1 (fs_t)`), or `''`: for messages and grouping. */
export function argumentValueText(a: AbilityArgument): string {
  switch (a.kind) {
    case 'none':
      return '';
    case 'value':
      return a.value;
    case 'range':
      return `${a.start}-${a.end}`;
    case 'type-id':
      return a.value !== undefined ? `${a.value} (${a.typeName})` : a.typeName;
  }
}
