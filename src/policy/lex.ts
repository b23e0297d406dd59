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

/** Whitespace between tokens (a BOM included). */
export function isSpace(c: string): boolean {
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

/**
 * Reads policy text one token at a time (comments included, in order), then
 * `eof` forever. The parser pulls tokens as it needs them, so a large policy
 * never holds all its tokens at once (a 10,000-type policy has 300,000).
 */
export class PolicyLexer {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private spaced = true;

  constructor(private readonly text: string) {}

  /** The next token; `eof` once the text is consumed. */
  next(): Token {
    const text = this.text;
    const n = text.length;
    while (this.i < n) {
      const c = text[this.i]!;
      if (!isSpace(c)) break;
      // `\r\n` and lone `\n` end a line; a lone `\r` is treated as plain whitespace.
      if (c === '\n') {
        this.line++;
        this.lineStart = this.i + 1;
      }
      this.i++;
      this.spaced = true;
    }
    const i = this.i;
    const spaced = this.spaced;
    const start = this.point(i);
    if (i >= n) return { kind: 'eof', text: '', start, end: start, spaced: true };
    const c = text[i]!;
    if (c === '#' || (c === '/' && text[i + 1] === '/' && spaced)) {
      let j = i;
      while (j < n && text[j] !== '\n') j++;
      let k = j;
      while (k > i && isSpace(text[k - 1]!)) k--;
      this.i = j;
      this.spaced = true;
      return { kind: 'comment', text: text.slice(i, k), start, end: this.point(k), spaced };
    }
    this.spaced = false;
    if (PUNCT.has(c)) {
      this.i = i + 1;
      return { kind: 'punct', text: c, start, end: this.point(i + 1), spaced };
    }
    let j = i;
    while (j < n && !isSpace(text[j]!) && !PUNCT.has(text[j]!) && text[j] !== '#') j++;
    this.i = j;
    return { kind: 'word', text: text.slice(i, j), start, end: this.point(j), spaced };
  }

  private point(offset: number): Point {
    return { line: this.line, column: offset - this.lineStart + 1, offset };
  }
}
