/**
 * SARIF 2.1.0 for `suggest --format sarif`: one result per suggested item
 * that carries a risk (src/policy/risk.ts), so code-review tools show what a
 * suggested patch would give away. Level from the risk's severity: high is
 * `error`, medium `warning`, low `note`. The result points at the trace line
 * of the item's first failure (where it comes from); the policy statement the
 * item joins or follows, when any, is a related location. Harmless items are
 * not results: the patch itself is in the other formats.
 */
import type { LearnResult } from '../plan/learn';
import type { RiskSeverity } from '../policy/risk';
import { printItemNode } from '../policy/print';
import type { SarifFinding, SarifLevel, SarifRule } from '../review/sarif-finding';

/** The SARIF rules `suggest` may report: the lint rules that judge risk. */
export const LEARN_RULES: SarifRule[] = [
  {
    id: 'report-risky-grant',
    description: 'A suggested grant gives away much more than a service usually needs',
  },
  {
    id: 'report-settypeid-gains-abilities',
    description: 'A suggested settypeid lets the type gain abilities it lacks',
  },
];

/** The SARIF level of a risk severity. */
export const RISK_LEVEL: Record<RiskSeverity, SarifLevel> = {
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/** The risky suggested items as SARIF findings, in the patch's order. */
export function learnSarifFindings(result: LearnResult): SarifFinding[] {
  const out: SarifFinding[] = [];
  for (const c of result.patch.changes)
    for (const item of c.items) {
      if (!item.risk) continue;
      const e = item.provenance.evidence;
      const at = e.firstFailure ?? e.first;
      out.push({
        ruleId: item.risk.rule,
        level: RISK_LEVEL[item.risk.severity],
        message: `suggested \`${printItemNode(item.node)}\` for ${c.type} (${item.risk.severity} risk): ${item.risk.reason}`,
        locations: [{ file: at.file, line: at.line }],
        related: c.anchor
          ? [
              {
                file: c.anchor.file,
                line: c.anchor.line,
                message:
                  c.op === 'add-to-block' ? 'the block it joins' : 'the statement it follows',
              },
            ]
          : [],
      });
    }
  return out;
}
