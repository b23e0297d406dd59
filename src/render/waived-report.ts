/**
 * What `suggest --waive` reports on stderr before its summary: each access a
 * waiver kept out of the patch (`FILE:LINE: waived by WFILE:WLINE, not
 * suggested: ...`), the waiver warnings (expired, matched no failure), then
 * the count of waived records. The one printer of these lines: `suggest`
 * writes them and the library's `formatPlanSummary` returns them (golden
 * samples/waivers/expected.suggest.stderr.txt; src/api/api.test.ts).
 */
import { formatDiagnosticLine } from '../diagnostics/diagnostic';
import type { WaivedJson } from './json';

/** The waiver lines of a learning run, newline-terminated. */
export function waivedReport(waived: WaivedJson): string {
  const records = waived.waived.reduce((n, w) => n + w.records, 0);
  return [
    ...waived.waived.map(
      (w) =>
        `${w.file}:${w.line}: waived by ${w.waiver.file}:${w.waiver.line}, not suggested: ${w.type} ${w.access} (${w.process}, ${w.records} record(s))`,
    ),
    ...waived.warnings.map((d) => formatDiagnosticLine(d)),
    `secpol-learn: ${records} failure record(s) waived (${waived.waived.length} access(es)), not suggested`,
  ]
    .map((l) => `${l}\n`)
    .join('');
}
