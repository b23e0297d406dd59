/**
 * What `harden` shares while it judges a tally's rows (row-verdicts.ts,
 * harden.ts `observeRows`): one evaluation per family the value cannot
 * change (other rows each their own), no event for a row of a judged
 * family, and one record kept per grant and
 * access for a narrower rule. The findings stay those of each atom judged
 * alone (`hardenPolicy` over `reviewEvents`).
 */
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import type { PolicyModel } from '../policy/model/types';
import { parseTraceText } from '../trace/push-parser';
import type { AbilityEvent, ProcessEvent } from '../trace/event';
import { TalliedAtom, tallyEvents } from '../infer/review-tally';
import { validateEvent } from '../infer/validate-event';
import { evaluate } from '../policy/evaluate';
import { hardenFromSummary, hardenPolicy } from './harden';
import { reviewEvents, type EventGroup } from './trace-review';
import { accessKey } from './row-verdicts';

jest.mock('../policy/evaluate', () => {
  const actual = jest.requireActual<typeof import('../policy/evaluate')>('../policy/evaluate');
  return { ...actual, evaluate: jest.fn(actual.evaluate) };
});
jest.mock('../infer/validate-event', () => {
  const actual =
    jest.requireActual<typeof import('../infer/validate-event')>('../infer/validate-event');
  return { ...actual, validateEvent: jest.fn(actual.validateEvent) };
});

const files = { traceFiles: ['trace.log'], policyFiles: ['policy.secpol'] };

function modelOf(text: string): PolicyModel {
  const { policy, diagnostics } = parsePolicies([{ file: 'policy.secpol', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return buildModel(policy);
}

function eventsOf(lines: string[]): ProcessEvent[] {
  return parseTraceText(lines.join('\n'), 'trace.log').events.filter(
    (e): e is ProcessEvent => e.kind !== 'unknown',
  );
}

/** `ability(value)` as root by each process, in turn, for each value. */
function uses(type: string, ability: string, values: string[], processes: string[]): string[] {
  return values.flatMap((v) =>
    processes.map(
      (p, i) => `info: ${p} (pid:${i + 2}) type ${type} uses ability ${ability}(${v}) as root`,
    ),
  );
}

const POLICY = [
  'type fs_t;',
  'type init_t;',
  // setuid's value decides (a subrange); priority is whole (any value, one verdict); setgid is
  // whole and over-broad (its records are kept for a narrower rule).
  'allow fs_t self:ability { setuid:1000-1009 priority };',
  'allow init_t self:ability { setgid };',
].join('\n');

const PROCESSES = ['bin/a', 'bin/b', 'bin/c'];
const TRACE = [
  ...uses('fs_t', 'SETUID', ['1005', '1010', '1005'], PROCESSES),
  ...uses('fs_t', 'PRIORITY', ['1', '2', '3', '4'], ['bin/a']),
  ...uses('init_t', 'SETGID', ['5', '6'], PROCESSES),
  'info: bin/a (pid:2) type init_t attached channel to path /dev/x',
];

describe('harden judges a tally sharing evaluations', () => {
  beforeEach(() => {
    jest.mocked(evaluate).mockClear();
    jest.mocked(validateEvent).mockClear();
  });

  it('gives the findings of each atom judged alone, with and without a group reader', () => {
    const model = modelOf(POLICY);
    const expected = hardenPolicy(model, reviewEvents(model, eventsOf(TRACE)), files);
    expect(expected.findings.some((f) => f.alternative?.includes('setgid:5-6'))).toBe(true);
    expect(hardenFromSummary(model, tallyEvents(eventsOf(TRACE)), files)).toEqual(expected);
    const groups: EventGroup[] = [];
    const withGroups = hardenFromSummary(model, tallyEvents(eventsOf(TRACE)), files, (g) =>
      groups.push(g),
    );
    expect(withGroups).toEqual(expected);
    // The groups, verdicts included, are each atom's own.
    expect(groups).toEqual(reviewEvents(model, eventsOf(TRACE)).groups);
  });

  // Fails before row-verdicts.ts: every atom was evaluated (2 × 3 + 4 + 2 × 3 + 1 = 17).
  it('evaluates once per value-free family, and each other row once', () => {
    const model = modelOf(POLICY);
    const summary = tallyEvents(eventsOf(TRACE));
    expect(summary.atoms.length).toBe(17);
    jest.mocked(evaluate).mockClear();
    hardenFromSummary(model, summary, files);
    // setuid (its value decides): each of its six atoms; priority: one family; setgid: one family
    // per process (whole: value-free); the attach.
    expect(jest.mocked(evaluate).mock.calls.length).toBe(6 + 1 + 3 + 1);
  });

  // Fails before: each atom's event was made (17).
  it("makes a value-free family's row's event only where it is read", () => {
    const model = modelOf(
      ['type fs_t;', 'type init_t;', 'allow fs_t self:ability { priority };'].join('\n'),
    );
    const summary = tallyEvents(eventsOf(TRACE));
    const made = jest.spyOn(TalliedAtom.prototype, 'event', 'get');
    try {
      hardenFromSummary(model, summary, files);
      // One per family (judged from its first row: setuid × 3, priority, setgid × 3), the attach.
      expect(made.mock.calls.length).toBe(3 + 1 + 3 + 1);
    } finally {
      made.mockRestore();
    }
  });

  // Fails before: each of the six setgid atoms was validated and kept.
  it('keeps one record per grant and access for a narrower rule', () => {
    const model = modelOf(POLICY);
    const expected = hardenPolicy(model, reviewEvents(model, eventsOf(TRACE)), files);
    jest.mocked(validateEvent).mockClear();
    expect(hardenFromSummary(model, tallyEvents(eventsOf(TRACE)), files)).toEqual(expected);
    const kept = jest
      .mocked(validateEvent)
      .mock.calls.map(([e]) => (e as AbilityEvent).argument)
      .map((a) => (a.kind === 'value' ? a.value : '?'));
    expect(kept).toEqual(['5', '6']);
  });

  it('keeps a later record of an access whose first record is refused', () => {
    const model = modelOf(POLICY);
    // The first process's name cannot be policy text: its record is refused, the next kept.
    const trace = uses('init_t', 'SETGID', ['7'], ['bin/a{b', 'bin/c']);
    const expected = hardenPolicy(model, reviewEvents(model, eventsOf(trace)), files);
    jest.mocked(validateEvent).mockClear();
    const h = hardenFromSummary(model, tallyEvents(eventsOf(trace)), files);
    expect(h).toEqual(expected);
    const setgid = h.findings.find((f) => f.code === 'over-broad' && f.grant === 'setgid');
    expect(setgid?.alternative).toContain('setgid:7');
    expect(jest.mocked(validateEvent).mock.results.map((r) => r.value !== undefined)).toEqual([
      true,
      false,
    ]);
  });
});

describe('accessKey', () => {
  function ability(record: string): AbilityEvent {
    return eventsOf([record])[0] as AbilityEvent;
  }

  it('is the same for records that differ by process or pid alone', () => {
    const a = ability('info: bin/a (pid:2) type fs_t uses ability SETUID(5) as root');
    const b = ability('info: bin/b (pid:9) type fs_t uses ability SETUID(5) as root');
    expect(accessKey(a)).toBe(accessKey(b));
  });

  it('tells apart what the evaluator reads', () => {
    const base = ability('info: bin/a (pid:2) type fs_t uses ability SETUID(5) as root');
    const others: AbilityEvent[] = [
      { ...base, securityType: 'init_t' },
      { ...base, domain: 'non-root' },
      { ...base, ability: { ...base.ability, policyName: 'setgid' } },
      { ...base, argument: { kind: 'none' } },
      { ...base, argument: { kind: 'value', value: '6' } },
      { ...base, argument: { kind: 'range', start: '5', end: '5' } },
      { ...base, argument: { kind: 'type-id', value: '5', typeName: 'fs_t' } },
      // A type name that reads like a type id's text is another access.
      { ...base, argument: { kind: 'type-id', typeName: '5 (fs_t)' } },
    ];
    const keys = new Set([base, ...others].map(accessKey));
    expect(keys.size).toBe(others.length + 1);
  });
});
