/**
 * The fast lane's table of skeletons (fast-lane.ts): finds the skeleton a
 * record fits, reading the record once more, four bytes at a time.
 *
 * A skeleton is a record's bytes with each digit run replaced by one mark
 * byte: DECIMAL_RUN (1 to SURE_VALUE_DIGITS decimal digits; MAX_PID_CHARS for
 * the first run, the pid) or HEX_RUN (1 to SURE_HEX_DIGITS hex digits): runs
 * the validator surely accepts (src/trace/grammar.ts). It is stored
 * compiled: its literal bytes in one shared arena, and a plan of the literal
 * segments' lengths and the runs' kinds. Look-ups go through an open-addressed
 * table of (hash, index) pairs in an Int32Array. All of this is contiguous
 * typed memory: with thousands of skeletons, a look-up through objects and
 * strings spent more time waiting on memory than comparing bytes.
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

export class SkeletonTable<T> {
  /** Pairs (hash with bit 30 set, so never 0; index), open addressing, linear probing. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly values: T[] = [];
  private readonly texts: string[] = [];
  /** Per skeleton: where its literal bytes and its plan start. */
  private readonly litAt: Int32Array;
  private readonly planAt: Int32Array;
  /** Literal bytes of every skeleton, one after another. */
  private lits = new Uint8Array(1 << 16);
  private litsView = new DataView(this.lits.buffer);
  private litsUsed = 0;
  /** Per skeleton: [run count, segment length, (run kind, segment length) per run]. */
  private plans = new Int32Array(1 << 14);
  private plansUsed = 0;

  constructor(
    private readonly maxSkeletons: number,
    private readonly maxChain: number,
  ) {
    // At most half full.
    let slots = 1;
    while (slots < 2 * maxSkeletons) slots *= 2;
    this.slots = new Int32Array(2 * slots);
    this.mask = slots - 1;
    this.litAt = new Int32Array(maxSkeletons);
    this.planAt = new Int32Array(maxSkeletons);
  }

  get size(): number {
    return this.values.length;
  }

  /** The value of skeleton `index`. */
  value(index: number): T {
    return this.values[index]!;
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
      const index = slots[2 * i + 1]!;
      if (this.fits(index, bytes, view, record, end, runs)) return index;
      depth++;
    }
  }

  /**
   * Adds `text` (a skeleton: bytes as characters, marks as DECIMAL_RUN and
   * HEX_RUN) under `hash`; its index, or -1 when it is there already, when
   * `hash` has `maxChain` skeletons, or when the table is full.
   */
  add(text: string, hash: number, value: T): number {
    const slots = this.slots;
    const tag = hash | 0x40000000;
    let depth = 0;
    let i = hash & this.mask;
    for (; slots[2 * i] !== 0; i = (i + 1) & this.mask) {
      if (slots[2 * i] !== tag) continue;
      if (this.texts[slots[2 * i + 1]!] === text) return -1;
      depth++;
    }
    if (depth >= this.maxChain || this.size >= this.maxSkeletons) return -1;
    const index = this.values.length;
    this.values.push(value);
    this.texts.push(text);
    this.compile(index, text);
    slots[2 * i] = tag;
    slots[2 * i + 1] = index;
    return index;
  }

  /** Stores `text` as literal bytes and a plan. */
  private compile(index: number, text: string): void {
    this.reserve(text.length, text.length + 1);
    const lits = this.lits;
    const plans = this.plans;
    this.litAt[index] = this.litsUsed;
    const planAt = this.plansUsed;
    this.planAt[index] = planAt;
    let q = planAt + 2;
    let runs = 0;
    let segment = 0;
    for (let j = 0; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === DECIMAL_RUN || c === HEX_RUN) {
        plans[q - 1] = segment;
        plans[q] = c;
        q += 2;
        runs++;
        segment = 0;
      } else {
        lits[this.litsUsed++] = c;
        segment++;
      }
    }
    plans[q - 1] = segment;
    plans[planAt] = runs;
    this.plansUsed = q;
  }

  /** Room for `lits` more literal bytes and `plan` more plan entries. */
  private reserve(lits: number, plan: number): void {
    if (this.litsUsed + lits > this.lits.length) {
      const grown = new Uint8Array(Math.max(2 * this.lits.length, this.litsUsed + lits));
      grown.set(this.lits);
      this.lits = grown;
      this.litsView = new DataView(grown.buffer);
    }
    if (this.plansUsed + plan > this.plans.length) {
      const grown = new Int32Array(Math.max(2 * this.plans.length, this.plansUsed + plan));
      grown.set(this.plans);
      this.plans = grown;
    }
  }

  /** True when `bytes[record, end)` is skeleton `index` with each mark a run of its digits; sets `runs`. */
  private fits(
    index: number,
    b: Uint8Array,
    view: DataView,
    record: number,
    end: number,
    runs: Runs,
  ): boolean {
    const lits = this.lits;
    const litsView = this.litsView;
    const plans = this.plans;
    const bounds = runs.bounds;
    let k = record;
    let p = this.litAt[index]!;
    let q = this.planAt[index]!;
    const count = plans[q++]!;
    let hex = 0;
    for (let r = 0; ; r++) {
      const length = plans[q++]!;
      if (end - k < length) return false;
      // Four bytes at a time, then the rest.
      let j = 0;
      for (; j + 4 <= length; j += 4) {
        if (view.getInt32(k + j, true) !== litsView.getInt32(p + j, true)) return false;
      }
      for (; j < length; j++) if (b[k + j] !== lits[p + j]) return false;
      k += length;
      p += length;
      if (r === count) break;
      const from = k;
      let max: number;
      if (plans[q++] === DECIMAL_RUN) {
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
