/**
 * The fast lane's table of skeletons (fast-lane.ts): finds the skeleton a
 * record fits, reading the record once more, eight bytes at a time.
 *
 * A skeleton is a record's bytes with each digit run replaced by one mark
 * byte: DECIMAL_RUN (1 to SURE_VALUE_DIGITS decimal digits; MAX_PID_CHARS for
 * the first run, the pid) or HEX_RUN (1 to SURE_HEX_DIGITS hex digits): runs
 * the validator surely accepts (src/trace/grammar.ts). It is stored
 * compiled, in one shared arena: its index, its run count, then per literal
 * segment its length and bytes, each followed by the next run's kind. Look-ups
 * go through an open-addressed table of (hash, arena offset) pairs in an
 * Int32Array, which starts small and doubles, at most half full. All of this
 * is contiguous typed memory, and a look-up reads one slot and one stretch of
 * the arena: with thousands of skeletons, a look-up through objects and
 * strings, or through one array per field, spent more time waiting on memory
 * than comparing bytes.
 *
 * Never shrinks; holds at most `maxSkeletons` skeletons and at most `maxChain`
 * under one hash (`add` refuses more).
 */
import { MAX_PID_CHARS, SURE_HEX_DIGITS, SURE_VALUE_DIGITS } from '../trace/grammar';

/** Skeleton mark bytes: a run of decimal digits; a run of hex digits. */
export const DECIMAL_RUN = 0;
export const HEX_RUN = 1;

/** The digit runs of the record last fitted: [start, end) pairs, and which are hex (bit r). */
export class Runs {
  readonly bounds = new Int32Array(6);
  count = 0;
  hex = 0;
}

/** Slots the table starts with (it doubles when half full). */
const FIRST_SLOTS = 1024;
/** Arena bytes before a skeleton's first segment: its index (4 bytes) and run count (1). */
const HEADER = 5;

export class SkeletonTable<T> {
  /** Pairs (hash with bit 30 set, so never 0; arena offset), open addressing, linear probing. */
  private slots: Int32Array;
  private mask: number;
  private readonly values: T[] = [];
  private readonly texts: string[] = [];
  /** Per skeleton: where it starts in the arena, and the hash it was added under. */
  private readonly arenaAt: Int32Array;
  private readonly hashes: Int32Array;
  /** Every skeleton, one after another: index (int32), run count, then per segment its length (uint16), bytes and the next run's kind. */
  private arena = new Uint8Array(1 << 16);
  private arenaView = new DataView(this.arena.buffer);
  private arenaUsed = 0;
  /** The most slots: the least power of two at least twice `maxSkeletons`. */
  private readonly maxSlots: number;

  constructor(
    private readonly maxSkeletons: number,
    private readonly maxChain: number,
  ) {
    let slots = 1;
    while (slots < 2 * maxSkeletons) slots *= 2;
    this.maxSlots = slots;
    const first = Math.min(slots, FIRST_SLOTS);
    this.slots = new Int32Array(2 * first);
    this.mask = first - 1;
    this.arenaAt = new Int32Array(maxSkeletons);
    this.hashes = new Int32Array(maxSkeletons);
  }

  get size(): number {
    return this.values.length;
  }

  /** The value of skeleton `index`. */
  value(index: number): T {
    return this.values[index]!;
  }

  /** The hash skeleton `index` was added under. */
  hashOf(index: number): number {
    return this.hashes[index]!;
  }

  /** The text of skeleton `index` (as given to `add`). */
  text(index: number): string {
    return this.texts[index]!;
  }

  /**
   * The index of the skeleton `bytes[record, end)` fits among those of
   * `hash` (its runs in `runs`), or -1 - n when it fits none of the n there.
   * `view` is a DataView of `bytes` (the same offsets).
   */
  find(
    bytes: Uint8Array,
    view: DataView,
    record: number,
    end: number,
    hash: number,
    runs: Runs,
  ): number {
    const slots = this.slots;
    const tag = hash | 0x40000000;
    let depth = 0;
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const t = slots[2 * i]!;
      if (t === 0) return -1 - depth;
      if (t !== tag) continue;
      const at = slots[2 * i + 1]!;
      if (this.fitsAt(at, bytes, view, record, end, runs)) {
        return this.arenaView.getInt32(at, true);
      }
      depth++;
    }
  }

  /**
   * Adds `text` (a skeleton: bytes as characters, marks as DECIMAL_RUN and
   * HEX_RUN) under `hash`; its index, or -1 when it is there already, when
   * `hash` has `maxChain` skeletons, or when the table is full.
   */
  add(text: string, hash: number, value: T): number {
    const tag = hash | 0x40000000;
    let depth = 0;
    let i = hash & this.mask;
    for (; this.slots[2 * i] !== 0; i = (i + 1) & this.mask) {
      if (this.slots[2 * i] !== tag) continue;
      if (this.texts[this.arenaView.getInt32(this.slots[2 * i + 1]!, true)] === text) return -1;
      depth++;
    }
    if (depth >= this.maxChain || this.size >= this.maxSkeletons) return -1;
    const index = this.values.length;
    this.values.push(value);
    this.texts.push(text);
    this.hashes[index] = hash;
    this.arenaAt[index] = this.compile(index, text);
    if (2 * this.size > this.mask + 1 && this.mask + 1 < this.maxSlots) this.grow();
    else this.place(tag, this.arenaAt[index]!);
    return index;
  }

  /** Puts (tag, arena offset) in the first free slot of its probe sequence. */
  private place(tag: number, at: number): void {
    const slots = this.slots;
    let i = tag & this.mask;
    while (slots[2 * i] !== 0) i = (i + 1) & this.mask;
    slots[2 * i] = tag;
    slots[2 * i + 1] = at;
  }

  /** Doubles the slots and places every skeleton again, in the order they were added. */
  private grow(): void {
    const count = 2 * (this.mask + 1);
    this.slots = new Int32Array(2 * count);
    this.mask = count - 1;
    for (let index = 0; index < this.size; index++) {
      this.place(this.hashes[index]! | 0x40000000, this.arenaAt[index]!);
    }
  }

  /** Stores `text` in the arena; where it starts. */
  private compile(index: number, text: string): number {
    // At most: the header, and per character a byte (a mark: its kind and the next length, 3).
    this.reserve(HEADER + 3 * text.length + 2);
    const arena = this.arena;
    const at = this.arenaUsed;
    this.arenaView.setInt32(at, index, true);
    let lengthAt = at + HEADER;
    let n = lengthAt + 2;
    let runs = 0;
    for (let j = 0; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === DECIMAL_RUN || c === HEX_RUN) {
        this.arenaView.setUint16(lengthAt, n - lengthAt - 2, true);
        arena[n++] = c;
        lengthAt = n;
        n += 2;
        runs++;
      } else arena[n++] = c;
    }
    this.arenaView.setUint16(lengthAt, n - lengthAt - 2, true);
    arena[at + 4] = runs;
    this.arenaUsed = n;
    return at;
  }

  /** Room for `bytes` more arena bytes. */
  private reserve(bytes: number): void {
    if (this.arenaUsed + bytes > this.arena.length) {
      const grown = new Uint8Array(Math.max(2 * this.arena.length, this.arenaUsed + bytes));
      grown.set(this.arena);
      this.arena = grown;
      this.arenaView = new DataView(grown.buffer);
    }
  }

  /**
   * True when `bytes[record, end)` is skeleton `index` with each mark a run of
   * its digits; sets `runs` (and may change them when false). `view` is a
   * DataView of `bytes`.
   */
  fits(
    index: number,
    b: Uint8Array,
    view: DataView,
    record: number,
    end: number,
    runs: Runs,
  ): boolean {
    return this.fitsAt(this.arenaAt[index]!, b, view, record, end, runs);
  }

  /** `fits` for the skeleton at arena offset `at`. */
  private fitsAt(
    at: number,
    b: Uint8Array,
    view: DataView,
    record: number,
    end: number,
    runs: Runs,
  ): boolean {
    const arena = this.arena;
    const arenaView = this.arenaView;
    const bounds = runs.bounds;
    let k = record;
    const count = arena[at + 4]!;
    let p = at + HEADER;
    let hex = 0;
    for (let r = 0; ; r++) {
      const length = arena[p]! | (arena[p + 1]! << 8);
      p += 2;
      if (end - k < length) return false;
      // Eight bytes at a time, then four, then the last four (again some of those before);
      // a segment shorter than four byte by byte.
      if (length >= 4) {
        let j = 0;
        for (; j + 8 <= length; j += 8) {
          const x =
            (view.getInt32(k + j, true) ^ arenaView.getInt32(p + j, true)) |
            (view.getInt32(k + j + 4, true) ^ arenaView.getInt32(p + j + 4, true));
          if (x !== 0) return false;
        }
        if (j + 4 <= length) {
          if (view.getInt32(k + j, true) !== arenaView.getInt32(p + j, true)) return false;
        }
        const last = length - 4;
        if (view.getInt32(k + last, true) !== arenaView.getInt32(p + last, true)) return false;
      } else {
        for (let j = 0; j < length; j++) if (b[k + j] !== arena[p + j]) return false;
      }
      k += length;
      p += length;
      if (r === count) break;
      const from = k;
      let max: number;
      if (arena[p++] === DECIMAL_RUN) {
        k = digitsEnd(b, k, end);
        max = r === 0 ? MAX_PID_CHARS : SURE_VALUE_DIGITS;
      } else {
        k = hexDigitsEnd(b, k, end);
        max = SURE_HEX_DIGITS;
        hex |= 1 << r;
      }
      if (k === from || k - from > max) return false;
      bounds[2 * r] = from;
      bounds[2 * r + 1] = k;
    }
    runs.count = count;
    runs.hex = hex;
    return k === end;
  }
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isHexDigit(c: number): boolean {
  return isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 102);
}

/** Where the run of digits at `b[from]` ends (`from` when there is none). */
export function digitsEnd(b: Uint8Array, from: number, end: number): number {
  while (from < end && isDigit(b[from]!)) from++;
  return from;
}

/** Where the run of hex digits at `b[from]` ends (`from` when there is none). */
export function hexDigitsEnd(b: Uint8Array, from: number, end: number): number {
  while (from < end && isHexDigit(b[from]!)) from++;
  return from;
}
