/**
 * An atom table's failure places after the first (src/infer/atom-table.ts:
 * rows with two failures or more) in typed arrays from the start: a slot per
 * such row, each slot a count and room for MAX_PLACES - 1 (file id, line)
 * pairs, slots in fixed-size blocks (none copied as slots are added, but for
 * block 0, which grows from small). No
 * JavaScript array per row, so a thread's heap does not hold them, and a
 * table crosses threads with its slots' blocks transferred as they are
 * (src/infer/table-transfer.ts): nothing to pack.
 *
 * Held as `Uint32Array` blocks while every file id and line is an integer in
 * [0, 2^32-1], else `Float64Array` blocks for good: each reads back exactly.
 * Plain data (an array of typed arrays and numbers): a pool cloned across
 * threads gets its methods back (`revivedPool`).
 */

/** Most failure places a row holds (review-tally.ts's MAX_GROUP_PLACES). */
export const MAX_PLACES = 8;

/** Numbers per slot: the count of numbers held, then the pairs after the first place. */
const SLOT_NUMBERS = 1 + 2 * (MAX_PLACES - 1);
/** Slots per block (a power of two). */
const SLOT_SHIFT = 12;
const SLOTS_PER_BLOCK = 1 << SLOT_SHIFT;
const SLOT_MASK = SLOTS_PER_BLOCK - 1;
/**
 * Slots of block 0 at first: it grows by doubling up to SLOTS_PER_BLOCK, so a small table (one per
 * summary file read, all held until they are merged) holds a small pool.
 */
const FIRST_SLOTS = 16;

type PlaceBlock = Uint32Array | Float64Array;

export class PlacePool {
  blocks: PlaceBlock[] = [];
  /** Slots handed out. */
  slots = 0;
  /** Float64 blocks (for good). */
  wide = false;

  /** A new slot, holding no pair. */
  newSlot(): number {
    const s = this.slots++;
    const i = s >> SLOT_SHIFT;
    if (i === this.blocks.length)
      this.blocks.push(this.make(i === 0 ? FIRST_SLOTS : SLOTS_PER_BLOCK));
    else if (i === 0 && s * SLOT_NUMBERS === this.blocks[0]!.length) this.growFirst();
    this.blocks[i]![(s & SLOT_MASK) * SLOT_NUMBERS] = 0;
    return s;
  }

  /** The numbers slot `s` holds (two per pair). */
  count(s: number): number {
    return this.blocks[s >> SLOT_SHIFT]![(s & SLOT_MASK) * SLOT_NUMBERS]!;
  }

  /** Slot `s`'s `k`th number. */
  at(s: number, k: number): number {
    return this.blocks[s >> SLOT_SHIFT]![(s & SLOT_MASK) * SLOT_NUMBERS + 1 + k]!;
  }

  /** Appends a pair to slot `s` (which has room for it). */
  push(s: number, file: number, line: number): void {
    this.fit(file);
    this.fit(line);
    const b = this.blocks[s >> SLOT_SHIFT]!;
    const o = (s & SLOT_MASK) * SLOT_NUMBERS;
    const n = b[o]!;
    b[o + 1 + n] = file;
    b[o + 2 + n] = line;
    b[o] = n + 2;
  }

  /** Sets slot `s` to `pairs` from index `from` (at most MAX_PLACES - 1 pairs). */
  setPairs(s: number, pairs: readonly number[], from: number): void {
    for (let k = from; k < pairs.length; k++) this.fit(pairs[k]!);
    const b = this.blocks[s >> SLOT_SHIFT]!;
    const o = (s & SLOT_MASK) * SLOT_NUMBERS;
    b[o] = pairs.length - from;
    for (let k = from; k < pairs.length; k++) b[o + 1 + k - from] = pairs[k]!;
  }

  /** Slot `s` emptied (its pairs dropped; the slot stays its row's). */
  empty(s: number): void {
    this.blocks[s >> SLOT_SHIFT]![(s & SLOT_MASK) * SLOT_NUMBERS] = 0;
  }

  /** Appends slot `s`'s numbers to `out`. */
  appendTo(s: number, out: number[]): void {
    const b = this.blocks[s >> SLOT_SHIFT]!;
    const o = (s & SLOT_MASK) * SLOT_NUMBERS;
    const end = o + 1 + b[o]!;
    for (let k = o + 1; k < end; k++) out.push(b[k]!);
  }

  /** Adds `offset` to every line held. */
  shiftLines(offset: number): void {
    for (let s = 0; s < this.slots; s++) {
      const n = this.count(s);
      for (let k = 1; k < n; k += 2) {
        const line = this.at(s, k) + offset;
        this.fit(line);
        this.blocks[s >> SLOT_SHIFT]![(s & SLOT_MASK) * SLOT_NUMBERS + 1 + k] = line;
      }
    }
  }

  /** No slot (the blocks kept, for a scratch table used again). */
  clear(): void {
    this.slots = 0;
  }

  /** The blocks' buffers (each block owns its buffer whole): a message transfers them. */
  buffers(): ArrayBuffer[] {
    return this.blocks.map((b) => b.buffer as ArrayBuffer);
  }

  /** Bytes held (a test's and a measurement's). */
  bytes(): number {
    let n = 0;
    for (const b of this.blocks) n += b.byteLength;
    return n;
  }

  private make(slots: number): PlaceBlock {
    const n = slots * SLOT_NUMBERS;
    return this.wide ? new Float64Array(n) : new Uint32Array(n);
  }

  /** Block 0, full, with twice its slots (every block past it has SLOTS_PER_BLOCK). */
  private growFirst(): void {
    const old = this.blocks[0]!;
    const grown = this.make(Math.min(SLOTS_PER_BLOCK, (2 * old.length) / SLOT_NUMBERS));
    grown.set(old);
    this.blocks[0] = grown;
  }

  /** Makes the blocks wide for good before `v` is set, if it does not fit narrow. */
  private fit(v: number): void {
    // NaN, fractions, negatives and numbers past 2^32-1 do not survive `>>> 0`.
    if (v >>> 0 === v || this.wide) return;
    this.wide = true;
    // One block at a time: the old and the new of one block are held at once.
    for (let i = 0; i < this.blocks.length; i++)
      this.blocks[i] = Float64Array.from(this.blocks[i]!);
  }
}

/** A pool cloned across threads (its fields without its methods) given them back. */
export function revivedPool(p: PlacePool): PlacePool {
  return p instanceof PlacePool ? p : (Object.setPrototypeOf(p, PlacePool.prototype) as PlacePool);
}
