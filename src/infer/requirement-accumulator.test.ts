import fc from 'fast-check';
import type { TraceEvent } from '../trace/event';
import {
  emptyInferResult,
  inferRequirements,
  mergeInferResults,
  type InferResult,
} from './infer-requirements';
import { RequirementAccumulator } from './requirement-accumulator';
import { ADDRESS_VALUED } from './ability-values';
import {
  requirementKey,
  sortedRequirements,
  type Evidence,
  type Requirement,
  type ValueRange,
} from './requirement';
import { validateEvent } from './validate-event';
import { abilityEvent, pathEvent } from './test-events';

// The accumulator is the fast path of inference (nested-Map index, numeric
// values, validation once per atom). Its definition is the slow one: every
// event is its own result, and results merge with mergeInferResults. These
// must agree on every field, in the same field order, for any event order.
// The one-event results are written out in specResult, not taken from the
// accumulator, so a mistake in it cannot cancel out.

const typeArb = fc.constantFrom('a_t', 'b_t', '-', 'bad type');
const processArb = fc.constantFrom('sbin/a', 'usr/bin/b', '');
const pidArb = fc.oneof(fc.integer({ min: 1, max: 12 }).map(String), fc.constant('x;y'));
const placeArb = fc.record({
  file: fc.constantFrom('a.log', 'b.log'),
  line: fc.integer({ min: 1, max: 40 }),
});
const numberArb = fc.oneof(
  fc.integer({ min: 0, max: 20 }).map(String),
  fc.integer({ min: 0, max: 20 }).map((n) => String(18446744073709551000n + BigInt(n))),
  fc.constant('12x'),
);

const abilityArb = fc
  .record({
    info: fc.boolean(),
    process: processArb,
    pid: pidArb,
    type: typeArb,
    domain: fc.constantFrom('root' as const, 'non-root' as const),
    place: placeArb,
    shape: fc.oneof(
      fc.record({
        ability: fc.constantFrom('IO', 'iofunc/exec'),
        argument: fc.constant({ kind: 'none' as const }),
      }),
      fc.record({
        ability: fc.constantFrom('SETUID', 'MAP_FIXED', 'INTERRUPT'),
        argument: numberArb.map((value) => ({ kind: 'value' as const, value })),
      }),
      fc.record({
        ability: fc.constantFrom('SETUID', 'MEM_PHYS'),
        argument: fc
          .tuple(numberArb, numberArb)
          .map(([start, end]) => ({ kind: 'range' as const, start, end })),
      }),
      fc.record({
        ability: fc.constantFrom('CHANNEL_CONNECT', 'SETTYPEID', 'PRIORITY'),
        argument: fc
          .constantFrom('fs_t', 'init_t', 'x {')
          .map((typeName) => ({ kind: 'type-id' as const, value: '3', typeName })),
      }),
    ),
  })
  .map((f): TraceEvent =>
    abilityEvent({
      severity: f.info ? 'info' : 'error',
      process: f.process,
      pid: f.pid,
      type: f.type,
      domain: f.domain,
      ability: f.shape.ability,
      argument: f.shape.argument,
      ...f.place,
    }),
  );

const pathArb = fc
  .record({
    kind: fc.constantFrom('attach' as const, 'link' as const),
    info: fc.boolean(),
    process: processArb,
    pid: pidArb,
    type: typeArb,
    path: fc.constantFrom('/a', '/dev/x', '/dev/*'),
    reason: fc.constantFrom(
      { reason: 'no rule', code: 'no-rule' as const },
      { reason: 'type conflict', code: 'conflict' as const },
      { reason: 'bad op', code: 'bad-op' as const },
    ),
    place: placeArb,
  })
  .map((f): TraceEvent =>
    pathEvent({
      kind: f.kind,
      severity: f.info ? 'info' : 'error',
      process: f.process,
      pid: f.pid,
      type: f.type,
      path: f.path,
      ...f.reason,
      ...f.place,
    }),
  );

const eventArb: fc.Arbitrary<TraceEvent> = fc.oneof(
  { weight: 4, arbitrary: abilityArb },
  { weight: 2, arbitrary: pathArb },
  {
    weight: 1,
    arbitrary: placeArb.map((position): TraceEvent => ({
      kind: 'unknown',
      severity: 'error',
      record: 'error: new',
      position,
    })),
  },
);

/** Everything a result holds, with sets and maps in a fixed order. */
function canon(r: InferResult): string {
  return JSON.stringify({
    requirements: sortedRequirements(r.requirements),
    linkers: [...r.requirements.linkers].sort(),
    attachers: [...r.requirements.attachers].sort(),
    untyped: [...r.untyped].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    refused: r.refused.map((d) => `${d.file}:${d.line}`).sort(),
    refusedCount: r.refusedCount,
    unknownCount: r.unknownCount,
  });
}

/**
 * The specification: what one event stands for, written out plainly (as
 * reference §1.5 and the inference docs say), independent of the accumulator.
 */
function specResult(e: TraceEvent): InferResult {
  const out = emptyInferResult();
  if (e.kind === 'unknown') {
    out.unknownCount = 1;
    return out;
  }
  const refusal = validateEvent(e);
  if (refusal) {
    out.refused.push(refusal);
    out.refusedCount = 1;
    return out;
  }
  if (e.kind === 'link') out.requirements.linkers.add(e.process);
  if (e.kind === 'attach' && !e.failure) out.requirements.attachers.add(e.process);
  const failed = e.severity === 'error';
  const evidence: Evidence = {
    failures: failed ? 1 : 0,
    successes: failed ? 0 : 1,
    pids: [e.pid],
    morePids: false,
    first: e.position,
    last: e.position,
    sample: e.record,
    ...(failed ? { firstFailure: e.position } : {}),
  };
  if (e.securityType === '-') {
    out.untyped.set(e.process, evidence);
    return out;
  }
  const base = { type: e.securityType, process: e.process, evidence };
  let r: Requirement;
  if (e.kind === 'ability') {
    const a = e.argument;
    const n = e.ability.policyName;
    if (a.kind === 'type-id' && (n === 'settypeid' || n === 'channel_connect')) {
      const kind = n === 'settypeid' ? ('settypeid' as const) : ('connect' as const);
      const keyed = { ...base, kind, domain: e.domain, object: a.typeName };
      r = { ...keyed, key: requirementKey(keyed) };
    } else {
      const keyed = { ...base, kind: 'ability' as const, domain: e.domain, object: n };
      const whole = a.kind === 'none' || a.kind === 'type-id' || ADDRESS_VALUED.has(n);
      const [s, t] =
        a.kind === 'value'
          ? [a.value, a.value]
          : a.kind === 'range'
            ? [a.start, a.end]
            : ['0', '0'];
      const range: ValueRange = BigInt(s) <= BigInt(t) ? [s, t] : [t, s];
      const ranges = whole ? [] : [range];
      r = {
        ...keyed,
        key: requirementKey(keyed),
        whole,
        ranges,
        deniedWhole: failed && whole,
        deniedRanges: failed ? ranges : [],
      };
    }
  } else {
    const keyed = { ...base, kind: e.kind, object: e.path };
    r = { ...keyed, key: requirementKey(keyed) };
    if (e.failure && e.failure.code !== 'no-rule') r.unfixable = e.failure.reason;
    if (e.kind === 'attach' && e.failure) r.wordedAttach = true;
  }
  out.requirements.byKey.set(r.key, r);
  return out;
}

describe('RequirementAccumulator', () => {
  it('equals merging one result per event, in any order', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), (events) => {
        const streamed = canon(inferRequirements(events));
        expect(streamed).toBe(
          canon(mergeInferResults(emptyInferResult(), ...events.map(specResult))),
        );
        expect(canon(inferRequirements([...events].reverse()))).toBe(streamed);
      }),
      { numRuns: 400 },
    );
  });

  it('equals it on one busy atom: many pids, repeated places, mixed values', () => {
    const oneAtom = fc
      .record({
        info: fc.boolean(),
        pid: fc.integer({ min: 1, max: 30 }),
        line: fc.integer({ min: 1, max: 6 }),
        value: numberArb,
      })
      .map((f): TraceEvent =>
        abilityEvent({
          severity: f.info ? 'info' : 'error',
          pid: String(f.pid),
          type: 'a_t',
          ability: 'SETUID',
          argument: { kind: 'value', value: f.value },
          line: f.line,
        }),
      );
    fc.assert(
      fc.property(fc.array(oneAtom, { maxLength: 40 }), (events) => {
        expect(canon(inferRequirements(events))).toBe(
          canon(mergeInferResults(emptyInferResult(), ...events.map(specResult))),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('take() gives what result() gives, in the same order, and keeps no requirement', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), (events) => {
        const a = new RequirementAccumulator();
        for (const e of events) a.add(e);
        const snapshot = a.result();
        const taken = a.take();
        expect(JSON.stringify([...taken.requirements.byKey])).toBe(
          JSON.stringify([...snapshot.requirements.byKey]),
        );
        expect(canon(taken)).toBe(canon(snapshot));
        expect(a.result().requirements.byKey.size).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps one atom per (type, process, kind, domain, object) as a process gains atoms', () => {
    // The index holds a process's first atom alone, then slots, then a Map per slot.
    const a = new RequirementAccumulator();
    const events: TraceEvent[] = [];
    for (let round = 0; round < 2; round++)
      for (const value of ['1', '2'])
        for (const ability of ['SETUID', 'SETGID'])
          for (const root of [true, false])
            events.push(
              abilityEvent({
                type: 'a_t',
                ability,
                domain: root ? 'root' : 'non-root',
                argument: { kind: 'value', value },
              }),
            );
    for (const path of ['/a', '/b', '/a'])
      events.push(pathEvent({ kind: 'attach', type: 'a_t', path }));
    for (const e of events) a.add(e);
    const keys = sortedRequirements(a.result().requirements).map((r) => r.key.split('\0'));
    expect(keys.map((k) => k.slice(0, 4).join(' '))).toEqual([
      'a_t ability non-root setgid',
      'a_t ability non-root setuid',
      'a_t ability root setgid',
      'a_t ability root setuid',
      'a_t attach  /a',
      'a_t attach  /b',
    ]);
    expect(canon(a.result())).toBe(
      canon(mergeInferResults(emptyInferResult(), ...events.map(specResult))),
    );
  });

  it('returns snapshots: adding after result() does not change an earlier result', () => {
    const a = new RequirementAccumulator();
    a.add(
      abilityEvent({ type: 'a_t', ability: 'SETUID', argument: { kind: 'value', value: '1' } }),
    );
    const before = a.result();
    const text = canon(before);
    a.add(
      abilityEvent({ type: 'a_t', ability: 'SETUID', argument: { kind: 'value', value: '9' } }),
    );
    a.add(
      abilityEvent({
        type: 'a_t',
        ability: 'SETUID',
        pid: '7',
        argument: { kind: 'value', value: '5' },
      }),
    );
    expect(canon(before)).toBe(text);
    expect(sortedRequirements(a.result().requirements)[0]!.ranges).toEqual([
      ['1', '1'],
      ['5', '5'],
      ['9', '9'],
    ]);
  });

  it('validates every event of a known atom for its pid and values', () => {
    const events = [
      abilityEvent({
        type: 'a_t',
        ability: 'SETUID',
        argument: { kind: 'value', value: '1' },
        line: 1,
      }),
      abilityEvent({
        type: 'a_t',
        ability: 'SETUID',
        pid: '1;2',
        argument: { kind: 'value', value: '2' },
        line: 2,
      }),
      abilityEvent({
        type: 'a_t',
        ability: 'SETUID',
        argument: { kind: 'value', value: '3}' },
        line: 3,
      }),
    ];
    const r = inferRequirements(events);
    expect(r.refused.map((d) => d.line)).toEqual([2, 3]);
    expect(sortedRequirements(r.requirements)[0]!.ranges).toEqual([['1', '1']]);
  });
});

describe('RequirementAccumulator: the found counterexample', () => {
  it('refuses a hostile type id name on an ability keyed by its name, even when the atom exists', () => {
    // Found by the property above (seed 41094169): `PRIORITY(3) (T)` keys on `priority`,
    // so a later event's type name was not checked on the fast path.
    const at = (typeName: string, line: number): TraceEvent =>
      abilityEvent({
        type: 'a_t',
        ability: 'PRIORITY',
        argument: { kind: 'type-id', value: '3', typeName },
        line,
      });
    const r = inferRequirements([at('fs_t', 1), at('x {', 2)]);
    expect(r.refused.map((d) => d.line)).toEqual([2]);
    expect(sortedRequirements(r.requirements)[0]!.evidence.failures).toBe(1);
  });
});
