/**
 * Planning's consume contract (PlanOptions.consume): the patch and every
 * count are the same as when planning only reads the inference result; the
 * requirement set is empty afterwards, and everything else inference handed
 * on is left as it was. Without it, the inference result is not changed.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { traceEvents } from '../test-utils/generated-trace';
import type { TraceEvent } from '../trace/event';
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { inferRequirements } from '../infer/infer-requirements';
import { abilityEvent, pathEvent } from '../infer/test-events';
import { learn } from './learn';
import type { PolicyInput } from './plan-types';

const SEED_POLICY = readFileSync(
  path.join(__dirname, '..', '..', 'samples', 'seed-walkthrough', 'policy.secpol'),
  'utf8',
);

/** Trace types and connect targets named like the policy's attribute and range: renamed. */
const CLASHING_POLICY = `type a_t;
attribute grp;
range ports;
allow a_t self:ability { io };
`;

function input(text: string): PolicyInput {
  const { policy, diagnostics } = parsePolicies([{ file: 'policy.secpol', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { policy, model: buildModel(policy) };
}

const clashingEvents: TraceEvent[] = [
  abilityEvent({ type: 'grp', process: 'sbin/a', ability: 'IO' }),
  abilityEvent({ type: 'ports', process: 'sbin/b', ability: 'PATHSPACE', domain: 'non-root' }),
  abilityEvent({
    type: 'a_t',
    process: 'sbin/c',
    ability: 'CHANNEL_CONNECT',
    argument: { kind: 'type-id', value: '3', typeName: 'grp' },
  }),
  abilityEvent({
    type: 'a_t',
    process: 'sbin/c',
    ability: 'SETTYPEID',
    argument: { kind: 'type-id', value: '4', typeName: 'ports' },
  }),
  pathEvent({ kind: 'attach', type: 'a_t', process: 'sbin/c', path: '/dev/x' }),
  pathEvent({ kind: 'link', severity: 'info', type: 'a_t', process: 'sbin/c', path: '/tmp/l' }),
  abilityEvent({ type: 'a_t', process: 'sbin/d', ability: 'IO', severity: 'info' }),
];

describe('planning with consume', () => {
  const cases: Array<[string, () => Promise<TraceEvent[]>, string | undefined]> = [
    ['generated trace, seed 3, seed policy', () => traceEvents(3, 3000), SEED_POLICY],
    ['generated trace, seed 42, no policy', () => traceEvents(42, 3000), undefined],
    [
      'types named like an attribute and a range',
      () => Promise.resolve(clashingEvents),
      CLASHING_POLICY,
    ],
  ];
  describe.each(cases)('%s', (_name, events, policyText) => {
    it.each([
      ['suggest', false],
      ['suggest', true],
      ['generate', false],
      ['generate', true],
    ] as const)('%s (combine: %s): the same result, the set emptied', async (mode, combine) => {
      const all = await events();
      const base = policyText === undefined ? undefined : input(policyText);
      const options = { mode, combine, traceFiles: ['t.log'], eventCount: all.length };
      const read = inferRequirements(all);
      const before = structuredClone(read);
      const expected = learn(read, base, options);
      // Only reading: the inference result is as it was.
      expect(read).toEqual(before);
      const taken = inferRequirements(all);
      const got = learn(taken, base, { ...options, consume: true });
      expect(got).toEqual(expected);
      expect(got.requirementCount).toBeGreaterThan(0);
      expect(taken.requirements.byKey.size).toBe(0);
      // Everything else inference handed on is left for the caller.
      expect(taken.requirements.linkers).toEqual(before.requirements.linkers);
      expect(taken.requirements.attachers).toEqual(before.requirements.attachers);
      expect(taken.untyped).toEqual(before.untyped);
      expect(taken.refused).toEqual(before.refused);
    });
  });

  it('renames clashing types in the consumed plan as in the read one', () => {
    const base = input(CLASHING_POLICY);
    const options = { mode: 'suggest' as const, traceFiles: ['t.log'], eventCount: 7 };
    const got = learn(inferRequirements(clashingEvents), base, { ...options, consume: true });
    expect(got.patch.review.filter((r) => r.code === 'renamed-type').map((r) => r.type)).toEqual([
      'grp_t',
      'ports_t',
    ]);
  });
});
