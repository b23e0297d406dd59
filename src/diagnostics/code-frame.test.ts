import type { Diagnostic } from './diagnostic';
import { formatDiagnostic } from './code-frame';

const base: Diagnostic = {
  severity: 'error',
  message: 'expected `;`, found `allow`',
  file: 'p.secpol',
  line: 2,
  column: 5,
};

describe('formatDiagnostic', () => {
  it('prints the place, the line with a gutter and carets under the span', () => {
    const d: Diagnostic = {
      ...base,
      span: { start: { line: 2, column: 5, offset: 14 }, end: { line: 2, column: 10, offset: 19 } },
    };
    expect(formatDiagnostic(d, 'type a_t;\ntype x-y_t;\n')).toBe(
      'p.secpol:2:5: error: expected `;`, found `allow`\n  |\n2 | type x-y_t;\n  |     ^^^^^\n',
    );
  });

  it('keeps tabs so carets align, widens the gutter and adds the rule id', () => {
    const text = `${'\n'.repeat(9)}\tsetuid:08\r\n`;
    const d: Diagnostic = {
      ...base,
      line: 10,
      column: 9,
      ruleId: 'x-rule',
      span: {
        start: { line: 10, column: 9, offset: 17 },
        end: { line: 10, column: 11, offset: 19 },
      },
    };
    expect(formatDiagnostic(d, text)).toBe(
      'p.secpol:10:9: error: expected `;`, found `allow` [x-rule]\n   |\n10 | \tsetuid:08\n   | \t       ^^\n',
    );
  });

  it('underlines a multi-line span to the end of its first line, and one caret without a span', () => {
    const d: Diagnostic = {
      ...base,
      line: 1,
      column: 3,
      span: { start: { line: 1, column: 3, offset: 2 }, end: { line: 2, column: 1, offset: 6 } },
    };
    expect(formatDiagnostic(d, 'abcde\nx')).toContain('1 | abcde\n  |   ^^^\n');
    expect(formatDiagnostic({ ...base, line: 1, column: 2 }, 'abc')).toContain('  |  ^\n');
  });

  it('finds the right line among many, for every diagnostic of one text and after switching texts', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i + 1};`).join('\r\n');
    const frame = (line: number, source = text): string =>
      formatDiagnostic({ ...base, line, column: 1 }, source);
    expect(frame(1)).toContain('1 | line 1;\n');
    expect(frame(4321)).toContain('4321 | line 4321;\n');
    expect(frame(5000)).toContain('5000 | line 5000;\n');
    expect(frame(5001)).toBe('p.secpol:5001:1: error: expected `;`, found `allow`\n');
    expect(frame(2, 'other\nsecond')).toContain('2 | second\n');
    expect(frame(2)).toContain('2 | line 2;\n');
    // Line 0 is no place at all: no frame, rather than line 1's text.
    expect(frame(0)).toBe('p.secpol:0:1: error: expected `;`, found `allow`\n');
  });

  it('frames each file from its own text when several files and equal copies interleave', () => {
    // `diff p.secpol copy.secpol`: equal texts in two objects, and files framed in turn.
    const text = Array.from({ length: 300 }, (_, i) => `line ${i + 1};`).join('\n');
    const copy = text.split('').join('');
    const other = Array.from({ length: 300 }, (_, i) => `other ${i + 1};`).join('\n');
    const frame = (file: string, source: string, line: number): string =>
      formatDiagnostic({ ...base, file, line, column: 1 }, source);
    for (let line = 1; line <= 300; line += 37) {
      expect(frame('a.secpol', text, line)).toContain(`${line} | line ${line};\n`);
      expect(frame('b.secpol', copy, line)).toContain(`${line} | line ${line};\n`);
      expect(frame('c.secpol', other, line)).toContain(`${line} | other ${line};\n`);
      // A name framed again with other text (a file rewritten between runs of the library).
      expect(frame('a.secpol', other, line)).toContain(`${line} | other ${line};\n`);
      expect(frame('a.secpol', text, line)).toContain(`${line} | line ${line};\n`);
    }
    // More files than the index keeps: still each file's own line.
    for (let f = 0; f < 20; f++)
      expect(frame(`f${f}.secpol`, `${f}a\n${f}b`, 2)).toContain(`2 | ${f}b\n`);
  });

  it('shows control characters of the message and the line as `?`, carets still aligned', () => {
    const d: Diagnostic = {
      ...base,
      line: 1,
      column: 6,
      message: 'expected a type name, found `b\x07_t`',
      span: { start: { line: 1, column: 6, offset: 5 }, end: { line: 1, column: 10, offset: 9 } },
    };
    expect(formatDiagnostic(d, 'type b\x07_t; # \x1b]0;x\x07\ttab\r\n')).toBe(
      'p.secpol:1:6: error: expected a type name, found `b?_t`\n  |\n1 | type b?_t; # ?]0;x?\ttab\n  |      ^^^^\n',
    );
  });

  it('prints only the line when the source line or column is missing', () => {
    expect(formatDiagnostic({ ...base, line: 5 }, 'one line')).toBe(
      'p.secpol:5:5: error: expected `;`, found `allow`\n',
    );
    expect(formatDiagnostic({ ...base, column: undefined }, 'a\nb')).toBe(
      'p.secpol:2: error: expected `;`, found `allow`\n',
    );
  });

  it('frames a column of a very long line with a window of bounded size, carets aligned', () => {
    const line = 'type ; '.repeat(20_000);
    const col = 70_001;
    const d: Diagnostic = {
      ...base,
      line: 1,
      column: col,
      span: {
        start: { line: 1, column: col, offset: col - 1 },
        end: { line: 1, column: col + 4, offset: col + 3 },
      },
    };
    const frame = formatDiagnostic(d, `${line}\n`);
    // The work per frame does not grow with the line: a window, not the line.
    expect(frame.length).toBeLessThan(500);
    const [, , shown, carets] = frame.split('\n');
    expect(shown).toMatch(/^1 \| …[^…]{160}…$/);
    // The carets sit under the text the span names.
    const at = carets!.indexOf('^');
    expect(shown!.slice(at, at + 4)).toBe(line.slice(col - 1, col + 3));
    expect(carets!.slice(at)).toBe('^^^^');
    // The line's end: no trailing mark, a caret one past the end still shown.
    const end = formatDiagnostic({ ...base, line: 1, column: line.length + 1 }, line);
    expect(end.split('\n')[2]).toMatch(/^1 \| ….*; ?$/);
    expect(end.split('\n')[3]).toMatch(/\^$/);
  });
});
