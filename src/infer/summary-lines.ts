/**
 * Summary bytes → lines for a `SummaryDecoder`: a push reader (`feed` each
 * chunk, then `end`), so a summary is never held whole. Lines are bounded
 * (MAX_SUMMARY_LINE bytes: a longer one is skipped to its newline and warned
 * about) and must be UTF-8. Also `startsAsSummary`, the test every reader of
 * traces uses to tell a summary from a trace by its first bytes.
 */
import { SUMMARY_HEAD, type SummaryDecoder } from './summary-codec';

/** Longest summary line read (an atom with its sample record and value ranges). */
export const MAX_SUMMARY_LINE = 16 * 1024 * 1024;

const HEAD = Buffer.from(SUMMARY_HEAD);

/** How many bytes `startsAsSummary` needs to decide. */
export const SUMMARY_HEAD_BYTES = HEAD.length;

/** True when a file's first bytes (after gunzip) are a summary's. */
export function startsAsSummary(bytes: Uint8Array): boolean {
  return (
    bytes.length >= HEAD.length &&
    Buffer.from(bytes.buffer, bytes.byteOffset, HEAD.length).equals(HEAD)
  );
}

export class SummaryLineReader {
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** The current line is too long: skipping to its end. */
  private skipping = false;
  private lineNumber = 1;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly decoder: SummaryDecoder) {}

  feed(chunk: Buffer | string): void {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (;;) {
      const nl = bytes.indexOf(0x0a);
      if (nl < 0) {
        this.hold(bytes);
        return;
      }
      this.hold(bytes.subarray(0, nl));
      this.endLine();
      bytes = bytes.subarray(nl + 1);
    }
  }

  end(): void {
    if (this.heldBytes > 0 || this.skipping) this.endLine();
  }

  private hold(bytes: Buffer): void {
    if (this.skipping || bytes.length === 0) return;
    if (this.heldBytes + bytes.length > MAX_SUMMARY_LINE) {
      this.skipping = true;
      this.held = [];
      this.heldBytes = 0;
      return;
    }
    // Copied: a chunk's memory is reused by the reader once the next is asked for.
    this.held.push(Buffer.from(bytes));
    this.heldBytes += bytes.length;
  }

  private endLine(): void {
    const n = this.lineNumber++;
    if (this.skipping) {
      this.skipping = false;
      this.decoder.problem(n, `a line longer than ${MAX_SUMMARY_LINE} bytes`);
      return;
    }
    const bytes = Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    let text: string;
    try {
      text = this.utf8.decode(bytes);
    } catch {
      this.decoder.problem(n, 'not UTF-8');
      return;
    }
    this.decoder.line(text.endsWith('\r') ? text.slice(0, -1) : text, n);
  }
}
