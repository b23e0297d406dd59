/**
 * How a rule path of a latin1-read policy file is judged: by its bytes, as
 * the target compares them, read the way the trace reader reads a path.
 *
 * The CLI decodes a policy file that is not valid UTF-8 as latin1, one
 * character per byte, so the file's bytes survive a write (src/cli/
 * policy-bytes.ts). A trace is read as UTF-8. So a latin1 file's `caf` 0xE9
 * is the character `é` in the AST, as is a trace's `caf` 0xC3 0xA9, although
 * the target, which compares bytes, sees two different paths. The model
 * therefore reads such a file's paths back as bytes and decodes them as the
 * trace would: valid UTF-8 gives the same characters a trace holding those
 * bytes gives (0xC3 0xA9 is `é`). Bytes that are not valid UTF-8 become a
 * trace's U+FFFD in the trace reader, which could stand for any bytes, so
 * such a path must never match a trace path: each of its non-ASCII bytes
 * becomes the lone surrogate U+DC00 + byte. A lone surrogate never occurs in
 * trace text (the trace reader decodes UTF-8; JSON Lines escapes are checked
 * there), a literal never matches it, and the mapping keeps distinct bytes
 * distinct, so two policies compare (diff, guards) by their bytes too.
 * Types, attributes, abilities, ranges and file-type prefixes are ASCII by
 * the grammar (lexical.ts), so paths are the only text this concerns.
 * Pure: the bytes are the characters' codes, no I/O.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** True when `text` holds a character above U+007F. */
function hasNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return true;
  return false;
}

/**
 * The path a trace would show for the bytes of `latin1` (text decoded one
 * character per byte, so every code is below U+0100): the UTF-8 reading when
 * the bytes are valid UTF-8, otherwise the path with each non-ASCII byte as
 * U+DC00 + byte, which no trace path holds.
 */
export function traceReadingOfLatin1(latin1: string): string {
  if (!hasNonAscii(latin1)) return latin1;
  const bytes = Uint8Array.from(latin1, (c) => c.charCodeAt(0) & 0xff);
  try {
    return utf8.decode(bytes);
  } catch {
    let out = '';
    for (const b of bytes)
      out += b < 0x80 ? String.fromCharCode(b) : String.fromCharCode(0xdc00 + b);
    return out;
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `path` holds a lone surrogate: a latin1 policy's bytes that are not UTF-8 (never a trace's path). */
export function holdsUnreadableBytes(path: string): boolean {
  return LONE_SURROGATE.test(path);
}

/**
 * How a path of the model is shown: the latin1 character of each byte that
 * `traceReadingOfLatin1` kept as U+DC00 + byte (so a rule quoted in a
 * message, JSON or a diff reads as the file's own latin1 text, never as a
 * lone surrogate); any other path unchanged. For display only: the model's
 * own form stays the key, so distinct bytes stay distinct.
 */
export function shownPath(path: string): string {
  return holdsUnreadableBytes(path)
    ? path.replace(/[\udc80-\udcff]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xdc00))
    : path;
}
