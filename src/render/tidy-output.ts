/**
 * Printing a `tidy` run (src/review/tidy.ts, tidy-proof.ts): text (one line
 * per proposal, `FILE:LINE:COL: KIND: WHAT`, its widening under it, then the
 * proof), JSON (schema `secpol-learn/tidy`, docs/tidy.md) and markdown.
 */
import type { Proposal, TidyPlan } from '../review/tidy';
import type { TidyProof } from '../review/tidy-proof';
import { diffText } from './diff-format';
import { cell } from './review-templates';
import { maxOf } from '../arrays';
import { escapeJsonControls, visible } from '../diagnostics/safe-text';

/** Version of the `tidy --format json` document. */
export const TIDY_SCHEMA_VERSION = 1;

const where = (p: Proposal): string => `${p.at.file}:${p.at.line}:${p.at.column}`;

/** The proof's verdict in one line. */
export function proofLine(proof: TidyProof): string {
  if (proof.entries.length === 0)
    return 'proof: the tidied policy grants exactly what the policy grants';
  if (proof.unexplained.length === 0)
    return `proof: the tidied policy differs only by the ${proof.entries.length} widening(s) stated above`;
  return `proof FAILED: ${proof.unexplained.length} difference(s) no proposal states (the refactor must not be applied)`;
}

/** Proposals, refusals and the proof, as text. */
export function tidyText(plan: TidyPlan, proof: TidyProof): string {
  const out: string[] = [];
  for (const p of plan.proposals) {
    out.push(`${where(p)}: ${p.kind}: ${p.does}`);
    if (p.widens) out.push(`  widens: ${p.widens}`);
  }
  for (const p of plan.refused) out.push(`${where(p)}: refused (widens): ${p.does}`);
  if (plan.proposals.length === 0 && plan.refused.length === 0) out.push('nothing to tidy');
  out.push(proofLine(proof));
  const text = out.map((l) => `${visible(l)}\n`).join('');
  return proof.unexplained.length > 0
    ? text +
        diffText({
          entries: proof.unexplained,
          summary: { added: 0, removed: 0, widened: 0, narrowed: 0, changed: 0 },
        })
    : text;
}

/** The one-line summary (stderr). */
export function tidySummary(plan: TidyPlan, proof: TidyProof): string {
  const widening = plan.proposals.filter((p) => p.widens).length;
  return `${plan.proposals.length} proposal(s) (${widening} widening), ${plan.refused.length} refused, ${proof.entries.length} difference(s) in the proof, ${proof.unexplained.length} unexplained`;
}

/** The JSON document of `tidy --format json`. */
export function tidyJson(plan: TidyPlan, proof: TidyProof, files: string[], patch: string): string {
  const doc = {
    schema: 'secpol-learn/tidy',
    schemaVersion: TIDY_SCHEMA_VERSION,
    files,
    proposals: plan.proposals,
    refused: plan.refused,
    proof: {
      equivalent: proof.entries.length === 0,
      proven: proof.unexplained.length === 0,
      entries: proof.entries,
      unexplained: proof.unexplained,
    },
    patch,
  };
  return `${escapeJsonControls(JSON.stringify(doc, null, 2))}\n`;
}

/** A markdown review: a table of proposals, the proof, and the patch. */
export function tidyMarkdown(plan: TidyPlan, proof: TidyProof, patch: string): string {
  const lines = ['### secpol-learn tidy', ''];
  if (plan.proposals.length + plan.refused.length === 0) lines.push('Nothing to tidy.');
  else {
    lines.push('| where | kind | what | widens |', '|---|---|---|---|');
    for (const p of plan.proposals)
      lines.push(
        `| ${cell(where(p))} | ${p.kind} | ${cell(p.does)} | ${p.widens ? cell(p.widens) : 'nothing'} |`,
      );
    for (const p of plan.refused)
      lines.push(
        `| ${cell(where(p))} | ${p.kind} (refused) | ${cell(p.does)} | ${cell(p.widens ?? '')} |`,
      );
  }
  lines.push('', `**${cell(proofLine(proof))}**`);
  for (const e of proof.unexplained)
    lines.push(`- ${cell(`${e.change} ${e.type} ${e.kind}: ${e.new ?? e.old ?? ''}`)}`);
  // The fence is longer than any run of backticks in the patch (a policy comment may hold some).
  const fence = '`'.repeat(
    Math.max(
      3,
      maxOf(
        (patch.match(/`+/g) ?? []).map((r) => r.length + 1),
        0,
      ),
    ),
  );
  if (patch !== '') lines.push('', `${fence}diff`, patch.replace(/\n$/, ''), fence);
  return `${lines.join('\n')}\n`;
}
