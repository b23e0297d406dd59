/**
 * A text cut at newlines into pieces of about `size` characters, for
 * `writeLines` (src/cli/write-lines.ts), which ends each piece with the
 * newline it was cut at: a document made whole as one string (a template's
 * output) is written in batches, not copied whole into one buffer for one
 * write. Returns what follows the last newline (`''` when the text ends with
 * one), for the caller to write as it is.
 */
export function* textPieces(text: string, size = 1 << 16): Generator<string, string, undefined> {
  const last = text.lastIndexOf('\n');
  let at = 0;
  while (at <= last) {
    // The last newline within `size` characters, or the first one past them (a longer line).
    let cut = text.lastIndexOf('\n', Math.min(at + size, last));
    if (cut < at) cut = text.indexOf('\n', at);
    yield text.slice(at, cut);
    at = cut + 1;
  }
  return text.slice(at);
}
