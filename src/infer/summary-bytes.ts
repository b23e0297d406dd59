/**
 * A summary's bytes as they are made: text, ASCII pieces and decimal
 * integers written straight into chunks of CHUNK_BYTES (summary-codec.ts,
 * `summaryChunks`), so its most numerous lines (the review atoms) are never
 * strings first. The bytes are the UTF-8 of the text each piece stands for:
 * `text` encodes a string as `Buffer.from` does, `ascii` copies bytes made
 * once from ASCII text, `uint` writes what `String(n)` writes. A chunk is
 * handed over once full (`full`) and never written again; the last with
 * `end`. A line may span two chunks.
 */

/** Bytes gathered before a chunk is handed over. */
export const CHUNK_BYTES = 1 << 20;
/** UTF-8 bytes one UTF-16 unit can take, at most (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;

export class SummaryBytes {
  private buffer: Buffer;
  private used = 0;
  /** Chunks filled and not yet handed over, oldest first. */
  private readonly filled: Buffer[] = [];

  /**
   * `allocate(n)`: a buffer of at least `n` bytes to fill (its contents need
   * not be zero), by default a new one.
   */
  constructor(
    private readonly chunkBytes = CHUNK_BYTES,
    private readonly allocate: (n: number) => Buffer = (n) => Buffer.allocUnsafe(n),
  ) {
    this.buffer = allocate(chunkBytes);
  }

  /** A chunk filled since last asked, if any (the caller's from now on). */
  full(): Buffer | undefined {
    return this.filled.length === 0 ? undefined : this.filled.shift();
  }

  /** The bytes written after the full chunks (none: an empty buffer), once they are taken; the writer is done. */
  end(): Buffer {
    const rest = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.alloc(0);
    this.used = 0;
    return rest;
  }

  /** `s` as UTF-8 (JSON text: no lone surrogate, so each piece encodes as the whole line would). */
  text(s: string): void {
    this.room(s.length * MAX_BYTES_PER_UNIT);
    this.used += this.buffer.write(s, this.used);
  }

  /** Bytes made once from ASCII text. */
  ascii(bytes: Uint8Array): void {
    const n = bytes.length;
    this.room(n);
    const b = this.buffer;
    const at = this.used;
    // A short piece (a quote, a comma, a run of a record) costs less as a loop than as a call
    // into `set`; a longer one (a line's head, a file's place) less as `set`.
    if (n <= 16) for (let k = 0; k < n; k++) b[at + k] = bytes[k]!;
    else b.set(bytes, at);
    this.used = at + n;
  }

  /** `String(n)`: the digits of a safe integer written one by one, any other number as its text. */
  uint(n: number): void {
    if (n >= 0 && n <= 0x7fffffff && (n | 0) === n) {
      // The common case, in 32-bit integer arithmetic.
      const digits = decimalDigits(n);
      this.room(digits);
      this.used += digits;
      writeDigits(this.buffer, this.used, n | 0);
      return;
    }
    if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER && Math.floor(n) === n)) {
      this.text(String(n));
      return;
    }
    // A safe integer past 2^31: its digits before the last nine, then the nine, each part in
    // 32-bit integer arithmetic (a float `%` per digit costs a call). The quotient is below
    // 2^24, where half a unit in the last place is under 1e-9, the least a quotient that is
    // not whole lies below the next integer: rounded, it never reaches it, so `hi` is the
    // floor and `lo` (exact: `hi * 1e9` is) in [0, 1e9).
    const hi = Math.floor(n / 1e9);
    const lo = n - hi * 1e9;
    const digits = decimalDigits(hi);
    this.room(digits + 9);
    const b = this.buffer;
    const end = this.used + digits + 9;
    this.used = end;
    writeDigits(b, end - 9, hi | 0);
    let m = lo | 0;
    for (let k = end - 1; k >= end - 9; k--) {
      const q = (m / 10) | 0;
      b[k] = 48 + m - q * 10;
      m = q;
    }
  }

  /**
   * Room for `n` more bytes in the chunk being filled: else it is full, and a new one begins.
   * A chunk holds at most `chunkBytes`, or one longer piece alone (in a buffer of its size).
   */
  private room(n: number): void {
    const end = this.used + n;
    if (end <= this.chunkBytes && end <= this.buffer.length) return;
    if (this.used > 0) this.filled.push(this.buffer.subarray(0, this.used));
    this.buffer = this.allocate(Math.max(this.chunkBytes, n));
    this.used = 0;
  }
}

/** Writes the digits of `m` (a 32-bit integer >= 0) to end just before `b[end]`. */
function writeDigits(b: Buffer, end: number, m: number): void {
  let k = end;
  while (m >= 10) {
    const q = (m / 10) | 0;
    b[--k] = 48 + m - q * 10;
    m = q;
  }
  b[--k] = 48 + m;
}

/** The digits of `String(n)` for a safe integer n >= 0 (powers of 10 up to 10^16 are exact). */
export function decimalDigits(n: number): number {
  let digits = 1;
  for (let p = 10; p <= n; p *= 10) digits++;
  return digits;
}

/** ASCII text as the bytes `SummaryBytes.ascii` copies. */
export function asciiBytes(s: string): Buffer {
  if (/[^\0-\x7f]/.test(s)) throw new Error('asciiBytes: not ASCII');
  return Buffer.from(s, 'latin1');
}
