/**
 * Output lines gathered as UTF-8 bytes, written once per batch: each line is
 * encoded straight into one buffer, with no array of strings to join and no
 * second encoding by the stream. `take` hands the bytes over and starts a new
 * buffer (a stream may still hold the old one until it is written), sized
 * as the largest batch so far (capacity only grows), so one batch per chunk
 * read allocates once.
 */
import { decimalDigits } from '../infer/summary-bytes';

/** Pieces of at most this many bytes are copied by a loop (`bytes`). */
const SHORT_BYTES = 32;

export class LineBatch {
  private buffer: Buffer;
  private used = 0;

  constructor(private capacity = 1 << 16) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  /** True when nothing was added since the last `take`. */
  get empty(): boolean {
    return this.used === 0;
  }

  /** Bytes added since the last `take`. */
  get length(): number {
    return this.used;
  }

  /** Appends `text` and a newline, encoded as the stream would encode the string (UTF-8). */
  addLine(text: string): void {
    this.text(text);
    this.endLine();
  }

  /**
   * Appends `text` encoded as UTF-8, no newline (a line's piece: `endLine` ends the line). A
   * piece is encoded alone: the same bytes as the line's encoding when it meets the next piece
   * at an ASCII character (a surrogate pair is never split between two pieces).
   */
  text(text: string): void {
    // A UTF-16 code unit is at most 3 UTF-8 bytes (a surrogate pair: 4 bytes for 2 units).
    const room = text.length * 3;
    if (this.used + room > this.buffer.length) this.grow(room);
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  /**
   * Appends `bytes` (a line's piece: `endLine` ends the line). A short piece (a separator, a
   * name) is copied byte by byte: `set`'s call costs more than the copy.
   */
  bytes(bytes: Uint8Array): void {
    const n = bytes.length;
    if (this.used + n > this.buffer.length) this.grow(n);
    if (n > SHORT_BYTES) this.buffer.set(bytes, this.used);
    else {
      const b = this.buffer;
      for (let i = 0, at = this.used; i < n; i++, at++) b[at] = bytes[i]!;
    }
    this.used += n;
  }

  /**
   * Appends `n` as the text `String(n)`: digit by digit for an integer in [0, 2^53), as its text
   * otherwise (a count merged from summaries can pass 2^53).
   */
  decimal(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) return this.text(String(n));
    if (this.used + 16 > this.buffer.length) this.grow(16);
    const b = this.buffer;
    let at = this.used + decimalDigits(n);
    this.used = at;
    // Exact: every quotient of an integer below 2^53 by 10, floored, is one.
    do {
      const q = Math.floor(n / 10);
      b[--at] = 48 + (n - q * 10);
      n = q;
    } while (n > 0);
  }

  /** Ends the line `bytes` and `decimal` wrote (a newline). */
  endLine(): void {
    if (this.used + 1 > this.buffer.length) this.grow(1);
    this.buffer[this.used++] = 10;
  }

  /** The bytes added since the last `take`; the batch starts empty again. */
  take(): Buffer {
    const bytes = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(this.capacity);
    this.used = 0;
    return bytes;
  }

  private grow(room: number): void {
    while (this.capacity < this.used + room) this.capacity *= 2;
    const larger = Buffer.allocUnsafe(this.capacity);
    this.buffer.copy(larger, 0, 0, this.used);
    this.buffer = larger;
  }
}
