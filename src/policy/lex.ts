/**
 * The secpol lexer: turns policy text into words, punctuation and comments,
 * each with its span. It knows nothing of statements: the parser decides what
 * a word means (type name, ability, number range, path).
 *
 * A word is a maximal run of characters that are not whitespace and not one of
 * `; { } : , #`. So `iofunc/exec`, `0x10-0x20`, `-mem_phys`, `/dev/fsF*` and
 * `/dev/socket/...` are single words, and `mount:/` is `mount` `:` `/` (the
 * parser glues adjacent tokens back together where a path may hold `:`).
 * `#` starts a comment anywhere; `//` starts one only where a token would
 * start (so `/dev//x` stays a path). U+FEFF (a byte-order mark) is whitespace.
 * Does not handle: quoting (secpol has none) or line continuations.
 */
import type { Point } from '../diagnostics/diagnostic';

/** Punctuation the grammar uses. */
export type Punct = ';' | '{' | '}' | ':' | ',';

/** One token of policy text. */
export interface Token {
  kind: 'word' | 'punct' | 'comment' | 'eof';
  /** The token as written (a comment without trailing whitespace). */
  text: string;
  start: Point;
  end: Point;
  /** True when whitespace or a comment separates it from the previous token. */
  spaced: boolean;
}

const PUNCT = new Set([';', '{', '}', ':', ',']);

function isSpace(c: string): boolean {
  return (
    c === ' ' ||
    c === '\t' ||
    c === '\n' ||
    c === '\r' ||
    c === '\f' ||
    c === '\v' ||
    c === '\uFEFF'
  );
}

/** Splits policy text into tokens (comments included, in order), ending with one `eof` token. */
export function lexPolicy(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let spaced = true;
  const point = (offset: number): Point => ({ line, column: offset - lineStart + 1, offset });
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (isSpace(c)) {
      // `\r\n` and lone `\n` end a line; a lone `\r` is treated as plain whitespace.
      if (c === '\n') {
        line++;
        lineStart = i + 1;
      }
      i++;
      spaced = true;
      continue;
    }
    const start = point(i);
    if (c === '#' || (c === '/' && text[i + 1] === '/' && spaced)) {
      let j = i;
      while (j < n && text[j] !== '\n') j++;
      let k = j;
      while (k > i && isSpace(text[k - 1])) k--;
      tokens.push({ kind: 'comment', text: text.slice(i, k), start, end: point(k), spaced });
      i = j;
      spaced = true;
      continue;
    }
    if (PUNCT.has(c)) {
      i++;
      tokens.push({ kind: 'punct', text: c, start, end: point(i), spaced });
      spaced = false;
      continue;
    }
    let j = i;
    while (j < n && !isSpace(text[j]) && !PUNCT.has(text[j]) && text[j] !== '#') j++;
    tokens.push({ kind: 'word', text: text.slice(i, j), start, end: point(j), spaced });
    i = j;
    spaced = false;
  }
  const end = point(n);
  tokens.push({ kind: 'eof', text: '', start: end, end, spaced: true });
  return tokens;
}
