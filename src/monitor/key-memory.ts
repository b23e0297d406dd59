/**
 * The monitor filter's dedup memory (src/monitor/apply-options.ts): a set of
 * keys that remembers their insertion order, so the oldest can be forgotten
 * first. The same answers as a `Set` used that way (`has`, `add`, `size`,
 * forgetting the oldest, `clear`), but `add` says whether the key was new
 * (one probe for the filter's question and its answer).
 *
 * A key is a safe non-negative integer or a string. Integers, the form nearly
 * every key has, live in typed arrays: an open-addressing table (linear
 * probing, at most half full, backward-shift deletion) and a ring of
 * insertion order. So a key costs no object: a `Set` of keys above 2^31 held
 * a heap number per key, and its garbage collection and hashing were most of
 * the filter's time (docs/performance.md). Strings (a pid not in canonical
 * decimal) are held in a `Set`, their places in the ring marked, so the order
 * stays one order over both forms.
 *
 * The table's hash is seeded at random: keys come from trace text (pids),
 * and a fixed hash would let crafted pids pile up in one run of slots. The
 * seed changes where keys sit, never which keys are in the set.
 */

/** An empty slot of the table, and the ring's mark of a string key (keys are ≥ 0). */
const EMPTY = -1;
const STRING_KEY = -2;

export class KeyMemory {
  private slots = new Float64Array(64).fill(EMPTY);
  private mask = 63;
  /** Insertion order: keys (or STRING_KEY) from `head`, `count` of them, wrapping. */
  private ring = new Float64Array(32);
  private head = 0;
  private count = 0;
  /** String keys, and their own insertion order (the ring says where each one falls). */
  private readonly strings = new Set<string>();
  private stringOrder: string[] = [];
  private stringHead = 0;
  private readonly seed = (Math.random() * 4294967296) >>> 0;

  /** How many keys are remembered. */
  get size(): number {
    return this.count;
  }

  has(key: number | string): boolean {
    if (typeof key === 'string') return this.strings.has(key);
    const slots = this.slots;
    const mask = this.mask;
    for (let s = this.slotOf(key); ; s = (s + 1) & mask) {
      const k = slots[s]!;
      if (k === key) return true;
      if (k === EMPTY) return false;
    }
  }

  /** Remembers `key`, the newest, and returns true; false (and nothing changes) when it is remembered already. */
  add(key: number | string): boolean {
    if (typeof key === 'string') {
      if (this.strings.has(key)) return false;
      this.strings.add(key);
      this.stringOrder.push(key);
      this.push(STRING_KEY);
      return true;
    }
    const slots = this.slots;
    const mask = this.mask;
    let s = this.slotOf(key);
    for (let k = slots[s]!; k !== EMPTY; k = slots[s]!) {
      if (k === key) return false;
      s = (s + 1) & mask;
    }
    slots[s] = key;
    this.push(key);
    if (this.count * 2 > slots.length) this.growSlots();
    return true;
  }

  private push(entry: number): void {
    if (this.count === this.ring.length) this.growRing();
    this.ring[(this.head + this.count++) & (this.ring.length - 1)] = entry;
  }

  /** Forgets the `n` oldest keys (all of them when fewer). */
  forgetOldest(n: number): void {
    const ringMask = this.ring.length - 1;
    for (let i = Math.min(n, this.count); i > 0; i--) {
      const key = this.ring[this.head]!;
      this.head = (this.head + 1) & ringMask;
      this.count--;
      if (key === STRING_KEY) this.strings.delete(this.stringOrder[this.stringHead++]!);
      else this.remove(key);
    }
    // The string order's forgotten front is dropped once it is most of the array.
    if (this.stringHead > 1024 && this.stringHead * 2 > this.stringOrder.length) {
      this.stringOrder = this.stringOrder.slice(this.stringHead);
      this.stringHead = 0;
    }
  }

  /** Forgets every key. */
  clear(): void {
    this.slots.fill(EMPTY);
    this.head = 0;
    this.count = 0;
    this.strings.clear();
    this.stringOrder = [];
    this.stringHead = 0;
  }

  /** The first slot to look at for `key` (both 32-bit halves mixed with the seed, MurmurHash3's finaliser). */
  private slotOf(key: number): number {
    let h = Math.imul(this.seed ^ (key >>> 0), 0x9e3779b1) ^ ((key / 4294967296) >>> 0);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) & this.mask;
  }

  private place(key: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let s = this.slotOf(key);
    while (slots[s] !== EMPTY) s = (s + 1) & mask;
    slots[s] = key;
  }

  /** Deletes `key` from the table, moving back the keys after it that probed past its slot. */
  private remove(key: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let hole = this.slotOf(key);
    while (slots[hole] !== key) hole = (hole + 1) & mask;
    for (let s = (hole + 1) & mask; slots[s] !== EMPTY; s = (s + 1) & mask) {
      const home = this.slotOf(slots[s]!);
      // The key at `s` may fill the hole when its home is not in the run (hole, s].
      if (((s - home) & mask) >= ((s - hole) & mask)) {
        slots[hole] = slots[s]!;
        hole = s;
      }
    }
    slots[hole] = EMPTY;
  }

  private growSlots(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2).fill(EMPTY);
    this.mask = this.slots.length - 1;
    for (const key of old) if (key !== EMPTY) this.place(key);
  }

  private growRing(): void {
    const old = this.ring;
    const ring = new Float64Array(old.length * 2);
    for (let i = 0; i < this.count; i++) ring[i] = old[(this.head + i) & (old.length - 1)]!;
    this.ring = ring;
    this.head = 0;
  }
}
