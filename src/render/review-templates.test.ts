import { cell, markdownText } from './review-templates';
import { escapeJsonControls, visible } from '../diagnostics/safe-text';

describe('markdown cells', () => {
  test.each([
    ['<script>alert(1)</script>', '&lt;script>alert(1)&lt;/script>'],
    ['[x](javascript:alert(1))', '\\[x\\](javascript:alert(1))'],
    ['a|b', 'a\\|b'],
    ['&lt;', '&amp;lt;'],
    ['a\\|b', 'a\\\\\\|b'],
    ['one\r\ntwo\nthree\u2028four', 'one two three four'],
    ['a\x1b[2Jb\u202ec\u200bd', 'a?\\[2Jb?c?d'],
    // Left as they are: no tag, no entity, no link (the diff table's `< narrowed`).
    ['< narrowed', '< narrowed'],
    ['a & b', 'a & b'],
  ])('text %j', (input, expected) => {
    expect(cell(input)).toBe(expected);
  });

  test.each([
    ['/dev/ser1', '`/dev/ser1`'],
    ['/a/`b`', '`` /a/`b` ``'],
    ['`x', '`` `x ``'],
    ['/a|b', '`/a\\|b`'],
    ['/a/<b>', '`/a/<b>`'],
    ['', ''],
  ])('code %j', (input, expected) => {
    expect(cell(input, true)).toBe(expected);
  });

  test('summary text escapes like a cell', () => {
    expect(markdownText('traces: t|<b>.log')).toBe('traces: t\\|&lt;b>.log');
  });
});

describe('terminal and JSON text', () => {
  test('visible replaces controls, bidirectional and invisible characters, keeps tab and letters', () => {
    expect(visible('a\tb\x07c\u009bd\u202ee\ufefff\u00e9\u0444')).toBe('a\tb?c?d?e?f\u00e9\u0444');
  });

  test('JSON escapes C1, bidirectional and invisible characters and still parses to the same text', () => {
    const text = 'a\u009bb\u0085c\u202ed\u200be\u2028f';
    const json = escapeJsonControls(JSON.stringify({ text }));
    expect(json).toBe('{"text":"a\\u009bb\\u0085c\\u202ed\\u200be\\u2028f"}');
    expect((JSON.parse(json) as { text: string }).text).toBe(text);
  });
});
