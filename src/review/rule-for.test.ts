/**
 * `ruleFor`: the rule that would allow one denied record is a statement node
 * that prints on one line and parses back as itself; records with fields the
 * policy would read as syntax get no rule.
 */
import { abilityEvent, pathEvent } from '../infer/test-events';
import { parsePolicy } from '../policy/parse';
import { printRuleLine } from '../policy/print';
import { ruleFor } from './rule-for';

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
