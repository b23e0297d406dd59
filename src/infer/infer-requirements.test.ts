import fc from 'fast-check';
import { inferRequirements, mergeInferResults } from './infer-requirements';
import {
  mergeRequirementSets,
  sortedRequirements,
  MAX_LISTED,
  type RequirementSet,
} from './requirement';
import { abilityEvent, pathEvent } from './test-events';
import type { TraceEvent } from '../trace/event';

const seed: TraceEvent[] = [
  abilityEvent({ type: 'fs_user_t', ability: 'PATHSPACE', line: 1 }),
  pathEvent({ kind: 'attach', type: 'fs_nonuser_t', path: '/', line: 2 }),
  abilityEvent({ severity: 'info', type: 'fs_t', ability: 'PATHSPACE', pid: '2809882', line: 3 }),
  abilityEvent({
    process: 'usr/bin/touch',
    type: 'fs_nonuser_t',
    ability: 'CHANNEL_CONNECT',
    argument: { kind: 'type-id', value: '1', typeName: 'fs_t' },
    line: 4,
  }),
];

function keys(set: RequirementSet): string[] {
  return sortedRequirements(set).map((r) => `${r.type} ${r.kind} ${r.domain ?? '-'} ${r.object}`);
}

describe('inferRequirements', () => {
  it('maps the seed records to ability, attach and connect requirements', () => {
    const r = inferRequirements(seed);
    expect(keys(r.requirements)).toEqual([
      'fs_nonuser_t attach - /',
      'fs_nonuser_t connect root fs_t',
      'fs_t ability root pathspace',
      'fs_user_t ability root pathspace',
    ]);
    const pathspace = sortedRequirements(r.requirements).find((x) => x.type === 'fs_user_t')!;
    expect(pathspace.evidence).toMatchObject({
      failures: 1,
      successes: 0,
      pids: ['2670618'],
      first: { line: 1 },
    });
    expect(pathspace.whole).toBe(true);
  });

  it('collects values of one ability (adjacent ones join only when planned), and keeps address-valued abilities whole', () => {
    const r = inferRequirements([
      abilityEvent({ type: 'a_t', ability: 'INTERRUPT', argument: { kind: 'value', value: '15' } }),
      abilityEvent({ type: 'a_t', ability: 'INTERRUPT', argument: { kind: 'value', value: '14' } }),
      abilityEvent({ type: 'a_t', ability: 'INTERRUPT', argument: { kind: 'value', value: '20' } }),
      abilityEvent({
        type: 'a_t',
        ability: 'MAP_FIXED',
        argument: { kind: 'range', start: '337416937472', end: '337416992071' },
      }),
    ]);
    const [interrupt, mapFixed] = sortedRequirements(r.requirements);
    expect(interrupt!.ranges).toEqual([
      ['14', '14'],
      ['15', '15'],
      ['20', '20'],
    ]);
    expect(mapFixed!.whole).toBe(true);
    expect(mapFixed!.ranges).toEqual([]);
  });

  it('keeps root and non-root apart', () => {
    const r = inferRequirements([
      abilityEvent({ type: 'init_t', ability: 'iofunc/exec', domain: 'non-root' }),
      abilityEvent({ type: 'init_t', ability: 'iofunc/exec', domain: 'root' }),
    ]);
    expect(keys(r.requirements)).toEqual([
      'init_t ability non-root iofunc/exec',
      'init_t ability root iofunc/exec',
    ]);
  });

  it('refuses hostile fields with a warning naming the record, and prints none of them', () => {
    const hostile = [
      pathEvent({
        kind: 'attach',
        type: 'x_t',
        path: '/dev/a; allow x_t self:ability { default_priv }',
        line: 7,
      }),
      pathEvent({ kind: 'attach', type: 'x_t', path: '/dev/*', line: 8 }),
      pathEvent({ kind: 'attach', type: 'x_t', path: '/dev/...', line: 9 }),
      // `//` after whitespace is a comment to the policy lexer: it would swallow the `;`.
      pathEvent({ kind: 'attach', type: 'x_t', path: '//dev/x', line: 9 }),
      abilityEvent({ type: 'x_t; allow', ability: 'IO', line: 10 }),
      abilityEvent({ type: 'x_t', ability: 'io}#', line: 11 }),
      abilityEvent({ process: 'bin/a\nallow', type: 'x_t', ability: 'IO', line: 12 }),
      abilityEvent({
        type: 'x_t',
        ability: 'SETTYPEID',
        argument: { kind: 'type-id', value: '3', typeName: 'a_t {' },
        line: 13,
      }),
    ];
    const r = inferRequirements(hostile);
    expect(r.requirements.byKey.size).toBe(0);
    expect(r.refusedCount).toBe(8);
    expect(r.refused.map((d) => d.line)).toEqual([7, 8, 9, 9, 10, 11, 12, 13]);
    for (const d of r.refused) {
      expect(d.message).not.toMatch(/allow|default_priv|x_t|a_t|\/dev|\n/);
      expect(d.ruleId).toBe('infer-refused-field');
    }
  });

  it('refuses ability names the policy reads as flags or keywords, types that cannot be subjects, values above 2^64-1', () => {
    const names = [
      'DEFAULT_PRIV',
      'NONROOT',
      'UNLOCK',
      'NOINHERIT',
      'ALLOW',
      'TYPE',
      'RANGE',
      'GAIN_PRIV',
    ];
    const hostile = [
      ...names.map((ability, i) => abilityEvent({ type: 'x_t', ability, line: i + 1 })),
      abilityEvent({ type: 'link', ability: 'IO', line: 20 }),
      abilityEvent({ type: 'attach', ability: 'IO', line: 21 }),
      abilityEvent({
        type: 'x_t',
        ability: 'SETUID',
        argument: { kind: 'value', value: (2n ** 64n).toString() },
        line: 22,
      }),
    ];
    const r = inferRequirements(hostile);
    expect(r.requirements.byKey.size).toBe(0);
    expect(r.refused.map((d) => d.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 20, 21, 22]);
    expect(r.refused[0]!.message).toMatch(/block flag, `gain_priv` or a statement keyword/);
    expect(r.refused[10]!.message).toMatch(/above 2\^64-1/);
    // The largest 64-bit value is still a value.
    const max = abilityEvent({
      type: 'x_t',
      ability: 'SETUID',
      argument: { kind: 'value', value: (2n ** 64n - 1n).toString() },
    });
    expect(inferRequirements([max]).refusedCount).toBe(0);
  });

  it('bounds the pids it keeps and counts the rest', () => {
    const events = Array.from({ length: 50 }, (_, i) =>
      abilityEvent({ type: 'a_t', ability: 'IO', pid: String(1000 + i) }),
    );
    const [r] = sortedRequirements(inferRequirements(events).requirements);
    expect(r!.evidence.pids).toHaveLength(MAX_LISTED);
    expect(r!.evidence.morePids).toBe(true);
    expect(r!.evidence.failures).toBe(50);
  });

  it('counts unknown events and keeps unnamed-type processes out of the rules', () => {
    const r = inferRequirements([
      {
        kind: 'unknown',
        severity: 'error',
        record: 'error: something new',
        position: { file: 't', line: 1 },
      },
      abilityEvent({ process: 'proc/boot/x', type: '-', ability: 'IO' }),
    ]);
    expect(r.unknownCount).toBe(1);
    expect(r.requirements.byKey.size).toBe(0);
    expect([...r.untyped.keys()]).toEqual(['proc/boot/x']);
  });

  it('marks path failures with another reason as unfixable', () => {
    const r = inferRequirements([
      pathEvent({
        kind: 'attach',
        type: 'a_t',
        path: '/x',
        reason: 'type conflict',
        code: 'conflict',
      }),
    ]);
    expect(sortedRequirements(r.requirements)[0]!.unfixable).toBe('type conflict');
  });
});

describe('merging requirement sets', () => {
  const eventArb = fc.oneof(
    fc
      .record({
        type: fc.constantFrom('a_t', 'b_t'),
        ability: fc.constantFrom('IO', 'INTERRUPT', 'MAP_FIXED'),
        value: fc.integer({ min: 0, max: 30 }),
        pid: fc.integer({ min: 1, max: 20 }),
        line: fc.integer({ min: 1, max: 500 }),
        info: fc.boolean(),
      })
      .map((f) =>
        abilityEvent({
          type: f.type,
          ability: f.ability,
          severity: f.info ? 'info' : 'error',
          pid: String(f.pid),
          line: f.line,
          argument:
            f.ability === 'IO' ? { kind: 'none' } : { kind: 'value', value: String(f.value) },
        }),
      ),
    fc
      .record({
        path: fc.constantFrom('/a', '/b', '/dev/x'),
        pid: fc.integer({ min: 1, max: 20 }),
        line: fc.integer({ min: 1, max: 500 }),
      })
      .map((f) =>
        pathEvent({ kind: 'attach', type: 'a_t', path: f.path, pid: String(f.pid), line: f.line }),
      ),
  );
  const canon = (s: RequirementSet): string => JSON.stringify(sortedRequirements(s));

  it('is commutative and associative, and equals inference over the concatenation', () => {
    fc.assert(
      fc.property(fc.array(eventArb), fc.array(eventArb), fc.array(eventArb), (a, b, c) => {
        const [ra, rb, rc] = [a, b, c].map((x) => inferRequirements(x).requirements) as [
          RequirementSet,
          RequirementSet,
          RequirementSet,
        ];
        const whole = canon(inferRequirements([...a, ...b, ...c]).requirements);
        expect(canon(mergeRequirementSets(ra, rb, rc))).toBe(whole);
        expect(canon(mergeRequirementSets(rc, ra, rb))).toBe(whole);
        expect(canon(mergeRequirementSets(mergeRequirementSets(ra, rb), rc))).toBe(
          canon(mergeRequirementSets(ra, mergeRequirementSets(rb, rc))),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('merges whole inference results', () => {
    const a = inferRequirements(seed.slice(0, 2));
    const b = inferRequirements(seed.slice(2));
    expect(canon(mergeInferResults(b, a).requirements)).toBe(
      canon(inferRequirements(seed).requirements),
    );
  });
});
