/**
 * The properties over seeded generated traces (src/bench/generate-trace.ts)
 * read through the real trace parser, against the seed walkthrough's policy:
 * sufficiency, fixpoint, lint-clean patched policy and draft, and a draft
 * from `generate` that allows every recorded use and failure.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { traceEvents } from '../test-utils/generated-trace';
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { lintPolicy } from '../policy/lint';
import { inferRequirements } from '../infer/infer-requirements';
import { statementLines } from '../render/rule-text';
import { planPatch } from './plan-patch';
import type { PolicyInput } from './plan-types';
import { applyPatch } from '../render/apply-patch';
import { stillDenied } from './check-patch';
import { printPolicy } from '../policy/print';
import { expectPatchRoundTrips } from '../test-utils/planned-round-trip';

const SEED_POLICY = readFileSync(
  path.join(__dirname, '..', '..', 'samples', 'seed-walkthrough', 'policy.secpol'),
  'utf8',
);

function input(text: string): PolicyInput {
  const { policy, diagnostics } = parsePolicies([{ file: 'policy.secpol', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(lintPolicy(policy).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { policy, model: buildModel(policy) };
}

describe.each([1, 2, 3, 42, 1234])('generated trace, seed %i', (seed) => {
  it('suggest: sufficient, a fixpoint, and lint-clean', async () => {
    const events = await traceEvents(seed, 3000);
    const base = input(SEED_POLICY);
    const patch = planPatch(base, inferRequirements(events), { mode: 'suggest' });
    const [patched] = applyPatch(
      [{ file: 'policy.secpol', text: SEED_POLICY }],
      base.policy,
      patch,
      { explain: true },
    );
    const after = input(patched!.text);
    expectPatchRoundTrips(patch, true);
    // fmt of the patched policy is a fixpoint.
    const formatted = printPolicy(after.policy);
    expect(printPolicy(input(formatted).policy)).toBe(formatted);
    // The check can fail: before the patch, the policy denies some of these events.
    expect(patch.changes.length).toBeGreaterThan(0);
    expect(stillDenied(base.model, events, patch).length).toBeGreaterThan(0);
    expect(stillDenied(after.model, events, patch).map((e) => e.record)).toEqual([]);
    expect(planPatch(after, inferRequirements(events), { mode: 'suggest' }).changes).toEqual([]);
  });

  it('generate: a draft that lints clean and allows every recorded use and failure', async () => {
    const events = await traceEvents(seed, 3000);
    const patch = planPatch(undefined, inferRequirements(events), { mode: 'generate' });
    const text =
      patch.changes.map((c) => statementLines(c, { explain: false }).join('\n')).join('\n') + '\n';
    const draft = input(text);
    expect(expectPatchRoundTrips(patch, false)).toBe(text);
    expect(printPolicy(draft.policy)).toBe(text);
    expect(
      stillDenied(buildModel({ type: 'policy', files: [] }), events, patch).length,
    ).toBeGreaterThan(0);
    const successes = events.map((e) =>
      e.kind !== 'unknown' && e.severity === 'info' ? { ...e, severity: 'error' as const } : e,
    );
    expect(stillDenied(draft.model, successes, patch).map((e) => e.record)).toEqual([]);
  });
});
