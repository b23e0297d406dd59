import { validateEvent } from './validate-event';
import { abilityEvent, pathEvent } from './test-events';

const at = (path: string): ReturnType<typeof validateEvent> =>
  validateEvent(pathEvent({ kind: 'attach', type: 'dev_t', path, file: 'p.log', line: 7 }));

describe('paths that would mislead a reviewer are refused at FILE:LINE', () => {
  test.each([
    ['Cyrillic а among Latin letters', '/dev/ser\u04301'],
    ['Greek ο among Latin letters', '/dev/c\u03bfnsole'],
    ['a fullwidth solidus', '/dev\uff0fser1'],
    ['a division slash', '/dev\u2215ser1'],
    ['a combining slash overlay', '/dev/s\u0338er1'],
    ['bytes that were not UTF-8 (U+FFFD)', '/dev/a\ufffdb'],
    ['a zero-width space', '/dev/a\u200bb'],
    ['a C1 control', '/dev/a\u0085b'],
    ['a soft hyphen', '/dev/a\u00adb'],
    ['a right-to-left override', '/dev/a\u202eb'],
  ])('%s', (_, path) => {
    expect(at(path)).toEqual(
      expect.objectContaining({ file: 'p.log', line: 7, ruleId: 'infer-refused-field' }),
    );
  });

  test.each([
    ['a name wholly in Cyrillic', '/data/\u0444\u0430\u0439\u043b'],
    ['Latin with accents', '/data/caf\u00e9'],
    ['CJK', '/data/\u6587\u4ef6'],
    ['markdown and HTML characters (escaped by each output, not refused)', '/a/<b>|x`'],
  ])('%s is accepted', (_, path) => {
    expect(at(path)).toBeUndefined();
  });

  test('the refusal does not quote the path', () => {
    expect(at('/dev/ser\u04301')!.message).not.toContain('ser');
  });
});

describe('ability values at 2^64-1', () => {
  const value = (v: string): ReturnType<typeof validateEvent> =>
    validateEvent(
      abilityEvent({ type: 'a_t', ability: 'SETUID', argument: { kind: 'value', value: v } }),
    );
  const range = (start: string, end: string): ReturnType<typeof validateEvent> =>
    validateEvent(
      abilityEvent({ type: 'a_t', ability: 'MEM_PHYS', argument: { kind: 'range', start, end } }),
    );

  test.each([
    ['19 nines', '9999999999999999999'],
    ['2^64-1', '18446744073709551615'],
    ['1 with 24 leading zeros', `${'0'.repeat(24)}1`],
  ])('%s is accepted', (_, v) => {
    expect(value(v)).toBeUndefined();
    expect(range('0', v)).toBeUndefined();
    expect(range(v, '0')).toBeUndefined();
  });

  test.each([
    ['2^64', '18446744073709551616'],
    ['20 nines', '99999999999999999999'],
  ])('%s is refused', (_, v) => {
    expect(value(v)?.message).toContain('above 2^64-1');
    expect(range('0', v)?.message).toContain('above 2^64-1');
    expect(range(v, '0')?.message).toContain('above 2^64-1');
  });
});
