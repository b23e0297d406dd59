/** The bench's generated inputs are what they claim: valid policies, traces read without loss. */
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { inferRequirements } from '../infer/infer-requirements';
import { parseTraceText } from '../trace/push-parser';
import {
  bigPolicy,
  distinctFailures,
  sharedTypeProcesses,
  wideTypeFailures,
  wideTypePolicy,
} from './bench-inputs';

const policyOk = (text: string): void => {
  const { diagnostics } = parsePolicies([{ file: 'p.secpol', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
};

describe('bench inputs', () => {
  it('distinctFailures: one requirement per record, over types the big policy declares', () => {
    const { events, diagnostics } = parseTraceText(distinctFailures(400));
    expect(diagnostics).toEqual([]);
    expect(events).toHaveLength(400);
    expect(inferRequirements(events).requirements.byKey.size).toBe(400);
    const { policy } = parsePolicies([{ file: 'p.secpol', text: bigPolicy(100) }]);
    const types = buildModel(policy).types;
    expect(events.every((e) => e.kind !== 'unknown' && types.has(e.securityType))).toBe(true);
  });

  it('wideTypePolicy and its failures, sharedTypeProcesses: valid and read whole', () => {
    policyOk(wideTypePolicy(50));
    policyOk(wideTypePolicy(50, 'y'));
    const wide = parseTraceText(wideTypeFailures(50));
    expect(wide.diagnostics).toEqual([]);
    expect(new Set(wide.events.map((e) => (e.kind === 'attach' ? e.path : ''))).size).toBe(50);
    const shared = parseTraceText(sharedTypeProcesses(30));
    expect(shared.diagnostics).toEqual([]);
    expect(new Set(shared.events.map((e) => (e.kind === 'unknown' ? '' : e.process))).size).toBe(
      30,
    );
  });
});
