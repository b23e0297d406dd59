/**
 * A policy file's bytes and its text, both ways, without damage.
 *
 * Real policies carry bytes that are not UTF-8 inside comments (CP1252 `’`,
 * 0x92, in the splywaczyk corpus files). A file that is valid UTF-8 is decoded
 * as UTF-8; any other file is decoded as latin1, which maps every byte to one
 * character and back, so encoding the text again restores every byte that was
 * not changed. A character the file's encoding cannot hold (anything above
 * U+00FF in a latin1 file, a lone surrogate in a UTF-8 one) is refused with
 * FILE:LINE, never written as some other byte: `Buffer.from(s, 'latin1')`
 * keeps the low byte, which turns `Ļ` into `;`.
 * A file whose every line ends in CRLF keeps CRLF on the lines inserted.
 * Does not handle: UTF-16 files.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors';
import type { PolicyFile } from '../policy/ast';

export { toCrlf, usesCrlf } from '../policy/line-ends';

/** How a policy file's bytes map to text: `utf8`, or `latin1` for bytes that are not valid UTF-8. */
export type PolicyEncoding = 'utf8' | 'latin1';

/** Decodes policy bytes: UTF-8 when valid, latin1 otherwise. */
export function decodePolicyBytes(bytes: Uint8Array): { text: string; encoding: PolicyEncoding } {
  try {
    // `ignoreBOM` keeps a byte-order mark in the text so it is not silently lost.
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return { text, encoding: 'utf8' };
  } catch {
    return { text: Buffer.from(bytes).toString('latin1'), encoding: 'latin1' };
  }
}

/**
 * `ast` (parsed from a file read in `encoding`), marked so the model judges a
 * latin1 file's paths by their bytes as the trace reads them (PolicyFile.encoding,
 * src/policy/model/path-bytes.ts). Every CLI path from policy bytes to a model
 * goes through here; the text and the AST keep the file's own characters.
 */
export function readAs<F extends PolicyFile>(ast: F, encoding: PolicyEncoding): F {
  if (encoding === 'latin1') ast.encoding = 'latin1';
  return ast;
}

/** The SHA-256 of a file's bytes: how a writer sees that the file changed since it was read. */
export function digestOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const NOT_LATIN1 = /[\u0100-\u{10ffff}]/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A word of policy text (between blanks and punctuation) holding a non-ASCII latin1 character. */
const NON_ASCII_WORD = /[^\s;{},]*[\u0080-\u00ff][^\s;{},]*/g;

/**
 * Encodes `text` in the file's encoding; throws InputError naming `file:LINE`
 * and the character when the encoding cannot hold it (`firstLine`: the line
 * number of the text's first line, when it is part of a larger output).
 *
 * `own`: the file's own text, when `text` adds to it. In a latin1 file a
 * non-ASCII word that `own` does not hold came from a trace, whose bytes
 * were UTF-8: written as one latin1 byte per character it would name another
 * path (`/dev/café` as `caf` 0xE9, not `caf` 0xC3 0xA9) than the trace
 * recorded, so it is refused too, and so is one more occurrence of a word the
 * file holds (the trace's `/dev/café` next to the file's own `caf` 0xE9, which
 * does not cover it: src/policy/model/path-bytes.ts). The file's own words (a
 * latin1 comment that `fmt` re-indents) are kept byte for byte.
 */
export function encodePolicyText(
  text: string,
  encoding: PolicyEncoding,
  file: string,
  firstLine = 1,
  own?: string,
): Buffer {
  const bad = (encoding === 'latin1' ? NOT_LATIN1 : LONE_SURROGATE).exec(text);
  if (bad) {
    const why =
      encoding === 'latin1'
        ? 'the file is not UTF-8, so it is kept byte for byte and can hold U+0000..U+00FF only'
        : 'a lone surrogate is not UTF-8';
    refuse(text, bad.index, file, firstLine, why);
  }
  if (encoding === 'latin1' && own !== undefined) {
    // Counted, not just known: a trace's `/dev/café` is the same characters as the file's own
    // latin1 `caf` 0xE9, so one more of a word the file holds is a trace's word too.
    const known = new Map<string, number>();
    for (const w of own.match(NON_ASCII_WORD) ?? []) known.set(w, (known.get(w) ?? 0) + 1);
    for (const m of text.matchAll(NON_ASCII_WORD)) {
      const left = known.get(m[0]) ?? 0;
      known.set(m[0], left - 1);
      if (left > 0) continue;
      const at = m.index + m[0].search(/[\u0080-\u00ff]/);
      refuse(
        text,
        at,
        file,
        firstLine,
        'the file is not UTF-8, and written as one byte it would not be the UTF-8 bytes the trace recorded',
      );
    }
  }
  return Buffer.from(text, encoding);
}

function refuse(text: string, index: number, file: string, firstLine: number, why: string): never {
  const line = firstLine - 1 + text.slice(0, index).split('\n').length;
  const code = text.codePointAt(index)!.toString(16).toUpperCase().padStart(4, '0');
  throw new InputError(
    `${file}:${line}`,
    `U+${code} cannot be written into this file (${why}); nothing written`,
  );
}
