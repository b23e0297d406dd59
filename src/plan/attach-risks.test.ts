import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { printItemNode } from '../policy/print';
import { inferRequirements } from '../infer/infer-requirements';
import { abilityEvent, pathEvent } from '../infer/test-events';
import { learn as learnTrace } from '../test-utils/learn-both-ways';
import { planPatch } from './plan-patch';
import type { PlanOptions } from './plan-types';
import type { PolicyPatch } from './patch';
import { statementLines } from '../render/rule-text';

const samples = path.join(__dirname, '..', '..', 'samples');

/** Plans a sample's trace against its policy (suggest) or alone (generate). */
function planSample(name: string, mode: PlanOptions['mode']): PolicyPatch {
  const dir = path.join(samples, name);
  const inferred = learnTrace(
    [{ file: 'trace.log', text: readFileSync(path.join(dir, 'trace.log')) }],
    false,
  ).result;
  if (mode === 'generate') return planPatch(undefined, inferred, { mode });
  const policy = parsePolicies([
    { file: 'policy.secpol', text: readFileSync(path.join(dir, 'policy.secpol'), 'utf8') },
  ]).policy;
  return planPatch({ policy, model: buildModel(policy) }, inferred, { mode });
}

/** `TYPE ITEM: SEVERITY RULE` for every planned item that carries a risk. */
const risky = (p: PolicyPatch): string[] =>
  p.changes.flatMap((c) =>
    c.items.flatMap((i) =>
      i.risk ? [`${c.type} ${printItemNode(i.node)}: ${i.risk.severity} ${i.risk.rule}`] : [],
    ),
  );

describe('the planner attaches the risk lint judges to each planned item', () => {
  it('multi-process-boot (suggest): io is high, a settypeid that gains abilities medium', () => {
    const patch = planSample('multi-process-boot', 'suggest');
    expect(risky(patch)).toEqual([
      'devc_t io: high report-risky-grant',
      'init_t settypeid:ssh_privsep_t: medium report-settypeid-gains-abilities',
    ]);
    const settypeid = patch.changes
      .flatMap((c) => c.items)
      .find((i) => printItemNode(i.node) === 'settypeid:ssh_privsep_t')!;
    expect(settypeid.risk!.reason).toBe(
      '`settypeid:ssh_privsep_t` lets init_t gain abilities it lacks: channel_connect, setgid, setuid',
    );
  });

  it('seed walkthrough: nothing risky to suggest; the draft (generate) marks fs_t io high', () => {
    expect(risky(planSample('seed-walkthrough', 'suggest'))).toEqual([]);
    expect(risky(planSample('seed-walkthrough', 'generate'))).toEqual([
      'fs_t io: high report-risky-grant',
    ]);
  });

  it('judges setuid to root and unbounded mem_phys; a traced /... is a literal path, never the glob', () => {
    const patch = planPatch(
      undefined,
      inferRequirements([
        abilityEvent({ type: 'app_t', ability: 'SETUID', argument: { kind: 'value', value: '0' } }),
        abilityEvent({ type: 'app_t', ability: 'MEM_PHYS' }),
        pathEvent({ kind: 'attach', type: 'app_t', path: '/...' }),
        abilityEvent({ type: 'app_t', ability: 'PATHSPACE' }),
      ]),
      { mode: 'suggest' },
    );
    expect(risky(patch)).toEqual([
      'app_t mem_phys: high report-risky-grant',
      'app_t setuid:0: high report-risky-grant',
    ]);
    // Inference refuses a path the constructors would read as a glob (docs/inference.md).
    expect(patch.changes.some((c) => c.kind === 'attach')).toBe(false);
  });

  it('trace text shaped like a comment or a risk never becomes a comment line', () => {
    const inferred = inferRequirements([
      pathEvent({ kind: 'attach', type: 'a_t', path: '/dev/#risk:high' }),
      abilityEvent({ type: 'a_t', ability: 'x/#risk' }),
      pathEvent({ kind: 'attach', type: 'risk', path: '/x/risk:' }),
    ]);
    // The comment character is refused, with the record that asked (never printed).
    expect(inferred.refused).toHaveLength(2);
    const patch = planPatch(undefined, inferred, { mode: 'suggest' });
    expect(risky(patch)).toEqual([]);
    expect(patch.changes.flatMap((c) => statementLines(c, { explain: true }))).toEqual([
      '# needed by sbin/devf-ram (pid 2773018): 1 denied',
      '# first seen trace.log:7',
      'allow_attach risk /x/risk:;',
    ]);
  });
});
