/**
 * A policy file's line ends, so that text added to a file ends its lines as
 * the file does: a file whose every line ends in CRLF gets CRLF on the lines
 * inserted (by `suggest`'s patch, `generate --base`, `fmt`, `--write`); any
 * other file, LF. Pure text functions: the shell decodes and encodes bytes
 * (cli/policy-bytes.ts).
 */

/** True when the text has line ends and every one is CRLF. */
export function usesCrlf(text: string): boolean {
  return text.includes('\n') && !/(?:^|[^\r])\n/.test(text);
}

/** `text` with every bare LF made CRLF (lines already CRLF are left as they are). */
export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** The line end of lines added to `text`: CRLF when every line of it ends in CRLF, else LF. */
export function lineEndOf(text: string): '\r\n' | '\n' {
  return usesCrlf(text) ? '\r\n' : '\n';
}
