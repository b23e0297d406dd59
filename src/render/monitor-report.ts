/**
 * What `secpol-learn monitor` reports on stderr after the events: one line
 * per trace read (lines, records by kind, lines not understood), then what
 * the monitor options did (shown, repeats removed, hidden, forgotten).
 */
import type { MonitorStats } from '../monitor/apply-options';
import type { TraceSummary } from '../trace/push-parser';

/** `FILE: N lines, R records (…), D lines not understood (first at …)`. */
export function traceSummaryLine(s: TraceSummary): string {
  const k = s.events;
  let line = `${s.file}: ${s.lines} lines, ${s.records} records (${k.ability} ability, ${k.attach} attach, ${k.link} link, ${k.unknown} unknown form)`;
  line += `, ${s.diagnostics} not understood`;
  if (s.truncatedRecords > 0) line += ` (${s.truncatedRecords} truncated records)`;
  if (s.firstDiagnosticPlaces.length > 0)
    line += `; first at ${s.firstDiagnosticPlaces.join(', ')}`;
  return line;
}

/** The whole report: each trace's summary line, then the monitor line (and the `-i` note when it applies). */
export function monitorReport(summaries: readonly TraceSummary[], st: MonitorStats): string {
  let out = summaries.map((s) => `${traceSummaryLine(s)}\n`).join('');
  out += `monitor: ${st.shown} of ${st.seen} events shown, ${st.repeats} repeats removed`;
  if (st.unknownHidden > 0)
    out += `, ${st.unknownHidden} unknown-form records hidden (show with -u, -q or -O)`;
  if (st.forgotten > 0)
    out += `, ${st.forgotten} old checks forgotten to bound memory (their later repeats are shown again)`;
  out += '\n';
  if (st.missingTimes)
    out += 'monitor: -i: the trace has no times; records without a time are never re-reported\n';
  return out;
}
