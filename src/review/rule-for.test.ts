/**
 * `ruleFor`: the rule that would allow one denied record is a statement node
 * that prints on one line and parses back as itself; records with fields the
 * policy would read as syntax get no rule. `ruleMemo` answers as `ruleFor`
 * does, sharing one statement among the records a rule naming no value allows.
 */
import { abilityEvent, pathEvent } from '../infer/test-events';
import { parsePolicy } from '../policy/parse';
import { printRuleLine } from '../policy/print';
import { ruleFor, ruleMemo } from './rule-for';
import { normaliseAbilityName } from '../qnx/abilities';
import * as validation from '../infer/validate-event';

function line(e: Parameters<typeof ruleFor>[0]): string | undefined {
  const s = ruleFor(e);
  if (!s) return undefined;
  const text = printRuleLine(s);
  const { ast, diagnostics } = parsePolicy(text, { file: 'x' });
  expect(diagnostics).toEqual([]);
  expect(ast.statements).toHaveLength(1);
  return text;
}

describe('ruleFor', () => {
  it('prints the forms explain shows', () => {
    expect(line(abilityEvent({ type: 'a_t', ability: 'IO' }))).toBe('allow a_t self:ability io;');
    expect(line(abilityEvent({ type: 'a_t', ability: 'IO', domain: 'non-root' }))).toBe(
      'allow a_t self:ability { nonroot io };',
    );
    expect(
      line(
        abilityEvent({
          type: 'a_t',
          ability: 'SETUID',
          argument: { kind: 'range', start: '30', end: '10' },
        }),
      ),
    ).toBe('allow a_t self:ability setuid:10-30;');
    expect(
      line(
        abilityEvent({
          type: 'a_t',
          ability: 'MEM_PHYS',
          argument: { kind: 'value', value: '4096' },
        }),
      ),
    ).toBe('allow a_t self:ability mem_phys:0x1000;');
    expect(
      line(
        abilityEvent({
          type: 'a_t',
          ability: 'CHANNEL_CONNECT',
          argument: { kind: 'type-id', value: '3', typeName: 'b_t' },
        }),
      ),
    ).toBe('allow a_t b_t:channel connect;');
    expect(line(pathEvent({ kind: 'attach', type: 'a_t', path: '/dev/x' }))).toBe(
      'allow_attach a_t /dev/x;',
    );
  });

  it('gives no rule for ability names that are flags or keywords', () => {
    for (const ability of ['DEFAULT_PRIV', 'NONROOT', 'ALLOW', 'TYPE', 'RANGE'])
      expect(ruleFor(abilityEvent({ type: 'a_t', ability }))).toBeUndefined();
  });
});

describe('ruleMemo', () => {
  const records = [
    abilityEvent({ type: 'a_t', ability: 'IO' }),
    abilityEvent({ type: 'a_t', ability: 'IO', process: 'bin/other', pid: '7' }),
    abilityEvent({ type: 'a_t', ability: 'IO', domain: 'non-root' }),
    abilityEvent({ type: 'b_t', ability: 'IO' }),
    abilityEvent({ type: 'a_t', ability: 'MAP_FIXED', argument: { kind: 'value', value: '4096' } }),
    abilityEvent({ type: 'a_t', ability: 'MAP_FIXED', argument: { kind: 'value', value: '8192' } }),
    abilityEvent({ type: 'a_t', ability: 'MAP_FIXED' }),
    abilityEvent({ type: 'a_t', ability: 'SETUID', argument: { kind: 'value', value: '5' } }),
    abilityEvent({ type: 'a_t', ability: 'SETUID', argument: { kind: 'value', value: '6' } }),
    abilityEvent({
      type: 'a_t',
      ability: 'SETUID',
      argument: { kind: 'range', start: '9', end: '2' },
    }),
    abilityEvent({
      type: 'a_t',
      ability: 'CHANNEL_CONNECT',
      argument: { kind: 'type-id', value: '3', typeName: 'b_t' },
    }),
    abilityEvent({
      type: 'a_t',
      ability: 'CHANNEL_CONNECT',
      argument: { kind: 'type-id', value: '4', typeName: 'c_t' },
    }),
    abilityEvent({
      type: 'a_t',
      ability: 'SETTYPEID',
      argument: { kind: 'type-id', value: '3', typeName: 'b_t' },
    }),
    abilityEvent({ type: '-', ability: 'IO' }),
    abilityEvent({ type: 'a_t', ability: 'IO', process: 'bin/a;b' }),
    abilityEvent({ type: 'a_t', ability: 'NONROOT' }),
    pathEvent({ kind: 'attach', type: 'a_t', path: '/dev/x' }),
    pathEvent({ kind: 'attach', type: 'a_t', path: '/dev/x', process: 'bin/y' }),
    pathEvent({ kind: 'attach', type: 'a_t', path: '/dev/x', code: 'conflict' }),
    pathEvent({ kind: 'link', type: 'a_t', path: '/dev/x' }),
    pathEvent({ kind: 'attach', type: 'a_t', path: '/dev/y' }),
    pathEvent({ kind: 'attach', type: 'a_t', path: '/dev/x', process: 'bin/a;b' }),
  ];

  it('answers every record as ruleFor does, in any order', () => {
    const expected = records.map((e) => {
      const s = ruleFor(e);
      return s && printRuleLine(s);
    });
    for (const order of [records, [...records].reverse()]) {
      const memo = ruleMemo();
      const got = new Map(
        order.map((e) => {
          const s = memo(e);
          return [e, s && printRuleLine(s)];
        }),
      );
      expect(records.map((e) => got.get(e))).toEqual(expected);
    }
    // Given the ability's normalised name (an atom's object), as without it.
    const memo = ruleMemo();
    const named = records.map((e) => {
      const s = memo(
        e,
        e.kind === 'ability' ? normaliseAbilityName(e.ability.policyName) : undefined,
      );
      return s && printRuleLine(s);
    });
    expect(named).toEqual(expected);
  });

  it('shares the statement of a rule that names no value, and makes one per value otherwise', () => {
    const memo = ruleMemo();
    const [io, ioOther, ioNonRoot] = records.slice(0, 3).map((e) => memo(e));
    expect(ioOther).toBe(io);
    expect(ioNonRoot).not.toBe(io);
    // A virtual address is not in the rule: one rule for every value.
    expect(memo(records[5]!)).toBe(memo(records[4]!));
    expect(memo(records[6]!)).toBe(memo(records[4]!));
    expect(memo(records[8]!)).not.toBe(memo(records[7]!));
    expect(memo(records[11]!)).not.toBe(memo(records[10]!));
    expect(memo(records[17]!)).toBe(memo(records[16]!));
    // A record with an unsafe field gets no rule, though a safe one of its kind got one.
    expect(memo(records[14]!)).toBeUndefined();
    expect(memo(records[21]!)).toBeUndefined();
  });

  it("checks an ability record's names once per process, type and ability name, its pid and value each time", () => {
    // Before: every field of every record checked again (validateEvent per record).
    const again = [
      abilityEvent({ type: 'a_t', ability: 'SETUID', argument: { kind: 'value', value: '5' } }),
      abilityEvent({ type: 'a_t', ability: 'SETUID', pid: '8' }),
      abilityEvent({ type: 'a_t', ability: 'SETUID', pid: 'x y' }),
      abilityEvent({ type: 'a_t', ability: 'SETUID', argument: { kind: 'value', value: '5x' } }),
      abilityEvent({
        type: 'a_t',
        ability: 'SETUID',
        argument: { kind: 'value', value: '18446744073709551616' },
      }),
      abilityEvent({
        type: 'a_t',
        ability: 'SETUID',
        argument: { kind: 'range', start: '3', end: '1' },
      }),
      abilityEvent({ type: 'a_t', ability: 'SETUID', argument: { kind: 'value', value: '6' } }),
    ];
    const expected = again.map((e) => {
      const s = ruleFor(e);
      return s && printRuleLine(s);
    });
    expect(expected.filter((t) => t === undefined)).toHaveLength(3);
    const whole = jest.spyOn(validation, 'validateEvent');
    try {
      const memo = ruleMemo();
      const got = again.map((e) => {
        const s = memo(e);
        return s && printRuleLine(s);
      });
      expect(got).toEqual(expected);
      expect(whole).toHaveBeenCalledTimes(1);
    } finally {
      whole.mockRestore();
    }
  });

  it('freezes a statement it shares, and no statement made per value', () => {
    // Before: none frozen (a printer could not tell a shared statement from one made per record).
    const memo = ruleMemo();
    expect(Object.isFrozen(memo(records[0]!))).toBe(true);
    expect(Object.isFrozen(memo(records[4]!))).toBe(true);
    expect(Object.isFrozen(memo(records[7]!))).toBe(false);
    expect(Object.isFrozen(memo(records[9]!))).toBe(false);
    expect(Object.isFrozen(memo(records[10]!))).toBe(true);
  });
});
