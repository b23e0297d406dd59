/** `textPieces`: pieces cut at newlines, each ended by its newline when written, give back the text. */
import { textPieces } from './text-pieces';

/** The pieces as `writeLines` writes them, then the rest as the caller writes it. */
function rejoined(text: string, size: number): { text: string; pieces: number } {
  const it = textPieces(text, size);
  let out = '';
  let pieces = 0;
  let next = it.next();
  for (; !next.done; next = it.next(), pieces++) out += `${next.value}\n`;
  return { text: out + next.value, pieces };
}

describe('textPieces', () => {
  it.each([
    ['', 4],
    ['\n', 4],
    ['\n\n\n', 1],
    ['abc', 4],
    ['a\nbb\nccc\n', 4],
    ['a\nbb\nccc', 4],
    ['a very long line\nx\n', 4],
    ['ab\ncd\nef\ngh\n', 100],
  ])('gives back %j (pieces of about %d)', (text, size) => {
    expect(rejoined(text, size).text).toBe(text);
  });

  it('cuts at the last newline within the size, or past it for a longer line', () => {
    expect([...textPieces('ab\ncd\nef\n', 5)]).toEqual(['ab\ncd', 'ef']);
    expect([...textPieces('abcdefgh\nij\n', 3)]).toEqual(['abcdefgh', 'ij']);
    expect(rejoined('x\n'.repeat(1000), 100).pieces).toBe(20);
  });
});
