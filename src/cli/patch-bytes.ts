/**
 * The bytes of output made from a user's policy files: a unified diff of them
 * (`suggest --format patch`, `harden --format patch`) and the draft built on
 * them (`generate --base`). Each file's lines are written in the file's own
 * encoding, so context lines are the file's own bytes and `git apply` or
 * `patch -p1` finds them; inserted lines are encoded the same way (their line
 * ends are the file's already: render/apply-patch.ts). A character the file's
 * encoding cannot hold is refused with FILE:LINE of the patched file, as
 * `--write` refuses it (policy-bytes.ts): never written as some other byte.
 * What is not a file's text (the `---`/`+++` paths, the draft's own header)
 * is UTF-8, as the command line and the templates are.
 */
import type { DiffPart } from '../render/unified-diff';
import { encodePolicyText, type PolicyEncoding } from './policy-bytes';
import { lineEndOf, toCrlf } from '../policy/line-ends';

/** A policy file as read: its name, decoded text and encoding. */
export interface FileEncoding {
  file: string;
  text: string;
  encoding: PolicyEncoding;
}

/** The diff's bytes: each file's hunks in its encoding (refused as `--write` refuses). */
export function diffBytes(parts: readonly DiffPart[], sources: readonly FileEncoding[]): Buffer {
  const sourceOf = new Map(sources.map((s) => [s.file, s]));
  const out: Buffer[] = [];
  for (const p of parts) {
    const source = sourceOf.get(p.file);
    const encoding = source?.encoding ?? 'utf8';
    // The check names the line of the patched file, as `--write` would; the body then encodes.
    encodePolicyText(p.after, encoding, p.file, 1, source?.text);
    out.push(Buffer.from(p.header, 'utf8'), Buffer.from(p.body, encoding));
  }
  return Buffer.concat(out);
}

/** A base policy after the patch, with the file it came from. */
export interface PatchedBase extends FileEncoding {
  /** The patched text (its added lines already end as the file's do). */
  after: string;
}

/** A string no rendered text holds (argv and validated trace text carry no NUL): where the bases go. */
const BASE_MARK = '\u0000secpol-learn-base\u0000';

/**
 * The draft's bytes when it is built on base policies: `render(base)` renders
 * the draft with `base` where the bases go. Each base is its own bytes, patched
 * (a base without a final line end gets one, in its line end); the bases are
 * separated by a blank line; the generated text around them takes the first
 * base's encoding and line ends, and a character that encoding cannot hold is
 * refused naming the draft's line.
 */
export function draftBytes(
  render: (base: string) => string,
  bases: readonly PatchedBase[],
): Buffer {
  const first = bases[0];
  if (!first) return Buffer.from(render(''), 'utf8');
  const eol = lineEndOf(first.text);
  const pieces = render(BASE_MARK).split(BASE_MARK);
  const generated = (text: string): string => (eol === '\r\n' ? toCrlf(text) : text);
  // The check names the line of the patched base, as `--write` would.
  const baseBytes = Buffer.concat(
    bases.flatMap((b, i) => [
      Buffer.from(i > 0 ? eol : ''),
      encodePolicyText(
        b.after.endsWith('\n') ? b.after : b.after + lineEndOf(b.text),
        b.encoding,
        b.file,
        1,
        b.text,
      ),
    ]),
  );
  // Line ends in the bases (each ends in one; one more between two): where the draft's lines are.
  const baseLines = bases.reduce(
    (n, b, i) => n + (i > 0 ? 1 : 0) + newlines(b.after) + (b.after.endsWith('\n') ? 0 : 1),
    0,
  );
  const out: Buffer[] = [];
  let line = 1;
  pieces.forEach((piece, i) => {
    if (i > 0) {
      out.push(baseBytes);
      line += baseLines;
    }
    out.push(
      // Every word of the generated text is the tool's or the trace's: none is the base's own.
      encodePolicyText(generated(piece), first.encoding, 'the draft (standard output)', line, ''),
    );
    line += newlines(piece);
  });
  return Buffer.concat(out);
}

/** How many line ends `text` holds. */
function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
