/**
 * What `suggest` and `generate` report on stderr: the refused records (the
 * first ones, then a count), each review item and each access already
 * allowed at the trace line that shows it, then the one-line summary.
 */
import { formatDiagnosticLine } from '../diagnostics/diagnostic';
import type { LearnResult } from '../plan/learn';
import { summaryLines } from './view-model';

/** The stderr report of a learning run, one line per item, newline-terminated. */
export function learnReport(result: LearnResult): string {
  const lines = result.refused.map((d) => formatDiagnosticLine(d));
  if (result.refusedCount > result.refused.length) {
    lines.push(
      `secpol-learn: ${result.refusedCount - result.refused.length} more refused record(s) not listed`,
    );
  }
  for (const r of result.patch.review) {
    const at = r.evidence.firstFailure ?? r.evidence.first;
    lines.push(`${at.file}:${at.line}: review: ${r.message} [${r.code}]`);
  }
  for (const a of result.patch.alreadyAllowed) {
    const at = a.evidence.firstFailure ?? a.evidence.first;
    lines.push(
      `${at.file}:${at.line}: info: ${a.type} ${a.kind} ${a.object} already allowed by ${a.by.file}:${a.by.line}`,
    );
  }
  lines.push(`secpol-learn ${result.command}: ${summaryLines(result).join('; ')}`);
  return lines.map((l) => `${l}\n`).join('');
}
