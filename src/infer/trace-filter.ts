/**
 * What learning reads from a trace: the monitor filter it applies (`-f`,
 * `-a`, `-p`, as secpolmonitor names them), the sink that receives events,
 * lines not understood and the fast lane's records, and the note for a
 * record of an unknown form. The reading itself is the CLI's
 * (src/cli/read-traces.ts, src/cli/parallel/).
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import { MonitorFilter } from '../monitor/apply-options';
import type { TracePosition, TraceEvent } from '../trace/event';
import type { RecordLane, TraceSummary } from '../trace/push-parser';

/** The monitor filters that apply to learning (`-f`, `-a`, `-p`, `-s`), as secpolmonitor names them. */
export interface TraceFilter {
  /** `-f NAME`: only these processes (full name as printed, or its base name). */
  names: string[];
  /** `-a` / `-p`: only ability / only path events; neither = both. */
  abilities: boolean;
  paths: boolean;
}

/** Callbacks of `readTraceEvents`. */
export interface TraceSink {
  onEvent(e: TraceEvent): void;
  onDiagnostic(d: Diagnostic): void;
  /** Learning's fast lane (src/infer/fast-lane.ts): records it takes reach neither callback. */
  lane?: RecordLane;
  /** Told each input's reading once it ends (its lines and records counted). */
  onRead?(read: TraceSummary): void;
}

/**
 * The monitor core's filter with the options learning needs: every repeat
 * kept (counts are evidence), successes, unnamed processes and records of
 * unknown form kept (they are counted and reported, never dropped silently).
 */
export function monitorFilter(f: TraceFilter): MonitorFilter {
  return new MonitorFilter({
    names: f.names,
    abilities: f.abilities,
    paths: f.paths,
    successes: true,
    repeats: true,
    unnamed: true,
    unregistered: true,
    qnet: true,
    opens: true,
  });
}

/**
 * The warning for a record of a form nobody knows: it is kept, counted and
 * shown, never dropped silently, but no rule is learned from it.
 */
export function unknownRecordNote(position: TracePosition): Diagnostic {
  return {
    severity: 'warning',
    message: 'record of an unknown form: no rule learned from it',
    file: position.file,
    line: position.line,
    ruleId: 'trace-unknown-record',
  };
}
