/**
 * The atom table's columns (src/infer/atom-table.ts) in fixed-size blocks:
 * row `r` is at `blocks[r >> BLOCK_SHIFT][r & BLOCK_MASK]`. A new block is
 * made as rows arrive, none is copied when the table grows (only the first
 * block grows by doubling up to BLOCK_ROWS, so a small table stays small),
 * and the slack is at most one block.
 *
 * Numbers that are nearly always small integers (counts, lines, pids, value
 * numbers) are held narrow (`Uint32Array`, `Int32Array` for a pid) until a
 * value that does not fit exactly is set: the column then becomes
 * `Float64Array` blocks for good, so every value reads back exactly. Counts
 * and the ids of files and families are held in a byte per row, a block at
 * a time made wide when a value does not fit (`ByteOrWideColumn`).
 *
 * One class per element type, so that each `at`/`set` sees one or two array
 * types only. Plain data (arrays of typed arrays and a flag): a column
 * crosses worker threads by structured clone and gets its methods back
 * (`revivedColumn`).
 */

/** Rows per block (a power of two). */
export const BLOCK_SHIFT = 14;
export const BLOCK_ROWS = 1 << BLOCK_SHIFT;
const BLOCK_MASK = BLOCK_ROWS - 1;

type Block = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array;

/** Blocks of one column; `sized` gives block `i` `rows` rows (a new block, or block 0 grown or cut). */
abstract class Column<B extends Block> {
  blocks: B[] = [];

  protected abstract make(rows: number): B;

  sized(i: number, rows: number): void {
    const old = this.blocks[i];
    const block = this.make(rows);
    if (old !== undefined) block.set(rows < old.length ? old.subarray(0, rows) : old);
    this.blocks[i] = block;
  }

  /** Bytes held (a test's and a measurement's). */
  bytes(): number {
    let n = 0;
    for (const b of this.blocks) n += b.byteLength;
    return n;
  }
}

/**
 * Ids of a first record held and of a place slot, in [-1, 2^31-1]: held as
 * `Uint16Array` while every one is in [0, 65535] (a table's first records
 * held as text and its rows of two failures or more are far fewer than its
 * rows), else `Int32Array` for good: 2 B a row where 4 were
 * (docs/performance.md).
 */
export class IdColumn extends Column<Uint16Array | Int32Array> {
  /** Int32 blocks (for good). */
  wide = false;

  protected make(rows: number): Uint16Array | Int32Array {
    return this.wide ? new Int32Array(rows) : new Uint16Array(rows);
  }

  at(r: number): number {
    return this.blocks[r >> BLOCK_SHIFT]![r & BLOCK_MASK]!;
  }

  set(r: number, v: number): void {
    // -1 and numbers past 65535 do not survive `& 0xffff`.
    if ((v & 0xffff) !== v && !this.wide) this.widen();
    this.blocks[r >> BLOCK_SHIFT]![r & BLOCK_MASK] = v;
  }

  private widen(): void {
    this.wide = true;
    for (let i = 0; i < this.blocks.length; i++) this.blocks[i] = Int32Array.from(this.blocks[i]!);
  }
}

/** Value kinds. */
export class ByteColumn extends Column<Uint8Array> {
  protected make(rows: number): Uint8Array {
    return new Uint8Array(rows);
  }

  at(r: number): number {
    return this.blocks[r >> BLOCK_SHIFT]![r & BLOCK_MASK]!;
  }

  set(r: number, v: number): void {
    this.blocks[r >> BLOCK_SHIFT]![r & BLOCK_MASK] = v;
  }
}

/** Numbers held as `Uint32Array` while every one is an integer in [0, 2^32-1], else `Float64Array`. */
export class UintColumn extends Column<Uint32Array | Float64Array> {
  /** Float64 blocks (for good). */
  wide = false;

  protected make(rows: number): Uint32Array | Float64Array {
    return this.wide ? new Float64Array(rows) : new Uint32Array(rows);
  }

  at(r: number): number {
    return this.blocks[r >> BLOCK_SHIFT]![r & BLOCK_MASK]!;
  }

  set(r: number, v: number): void {
    // NaN, fractions, negatives and numbers past 2^32-1 do not survive `>>> 0`.
    if (v >>> 0 !== v && !this.wide) this.widen();
    this.blocks[r >> BLOCK_SHIFT]![r & BLOCK_MASK] = v;
  }

  private widen(): void {
    this.wide = true;
    // One block at a time: the old and the new of one block are held at once.
    for (let i = 0; i < this.blocks.length; i++)
      this.blocks[i] = Float64Array.from(this.blocks[i]!);
  }
}

/** Numbers held as `Int32Array` while every one is an integer in [-2^31, 2^31-1], else `Float64Array`. */
export class IntColumn extends Column<Int32Array | Float64Array> {
  /** Float64 blocks (for good). */
  wide = false;

  protected make(rows: number): Int32Array | Float64Array {
    return this.wide ? new Float64Array(rows) : new Int32Array(rows);
  }

  at(r: number): number {
    return this.blocks[r >> BLOCK_SHIFT]![r & BLOCK_MASK]!;
  }

  set(r: number, v: number): void {
    if ((v | 0) !== v && !this.wide) this.widen();
    this.blocks[r >> BLOCK_SHIFT]![r & BLOCK_MASK] = v;
  }

  private widen(): void {
    this.wide = true;
    for (let i = 0; i < this.blocks.length; i++)
      this.blocks[i] = Float64Array.from(this.blocks[i]!);
  }
}

/**
 * Small non-negative integers (counts, ids of files and families): `Uint8Array`
 * blocks, each made wide (`Float64Array` or `Int32Array`, the subclass's) for
 * good when a value set in it is not an integer in [0, 255]. Block by block,
 * not the whole column: the rows counted often (counts past 255) and the
 * families met late (ids past 255) are a few blocks' rows, while most of a
 * large table's rows are values seen once, of a handful of files.
 */
abstract class ByteOrWideColumn<W extends Float64Array | Int32Array> extends Column<
  Uint8Array | W
> {
  protected abstract makeWide(rows: number): W;

  protected make(rows: number): Uint8Array {
    return new Uint8Array(rows);
  }

  /** Block `i` given `rows` rows, its type kept (a wide block stays wide). */
  override sized(i: number, rows: number): void {
    const old = this.blocks[i];
    const block =
      old === undefined || old instanceof Uint8Array ? this.make(rows) : this.makeWide(rows);
    if (old !== undefined) block.set(rows < old.length ? old.subarray(0, rows) : old);
    this.blocks[i] = block;
  }

  at(r: number): number {
    return this.blocks[r >> BLOCK_SHIFT]![r & BLOCK_MASK]!;
  }

  set(r: number, v: number): void {
    const i = r >> BLOCK_SHIFT;
    // NaN, fractions, negatives and numbers past 255 do not survive `& 255`.
    if ((v & 255) !== v && this.blocks[i] instanceof Uint8Array) this.widen(i);
    this.blocks[i]![r & BLOCK_MASK] = v;
  }

  /** Whether block `i` is wide (tests). */
  wideBlock(i: number): boolean {
    return !(this.blocks[i] instanceof Uint8Array);
  }

  private widen(i: number): void {
    const old = this.blocks[i]!;
    const wide = this.makeWide(old.length);
    wide.set(old);
    this.blocks[i] = wide;
  }
}

/** Counts: any number, exactly (a wide block is `Float64Array`). */
export class CountColumn extends ByteOrWideColumn<Float64Array> {
  protected makeWide(rows: number): Float64Array {
    return new Float64Array(rows);
  }
}

/** Ids of files and families: integers in [-2^31, 2^31-1] (a wide block is `Int32Array`). */
export class SmallIdColumn extends ByteOrWideColumn<Int32Array> {
  protected makeWide(rows: number): Int32Array {
    return new Int32Array(rows);
  }
}

export type AnyColumn =
  IdColumn | ByteColumn | UintColumn | IntColumn | CountColumn | SmallIdColumn;

/**
 * Lets go of `block`'s memory now, not at the next full collection: its
 * buffer is moved (detached: `block` reads as empty afterwards) into a new,
 * unreferenced buffer, which the next young-generation collection frees. A
 * table's blocks live long enough to be in the old generation, where a
 * buffer let go of stays allocated until a full collection, which a merge
 * may not meet before it is done (docs/performance.md). `block` must not
 * be read again, through any view of its buffer.
 */
export function freeNow(block: ArrayBufferView): void {
  const buffer = block.buffer;
  if (buffer.byteLength > 0) structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });
}

/** The block of row `r`. */
export function blockOf(r: number): number {
  return r >> BLOCK_SHIFT;
}

/** A column cloned across threads (its fields without its methods) given them back, as a `kind` one. */
export function revivedColumn<C extends AnyColumn>(c: C, kind: new () => C): C {
  return c instanceof kind ? c : (Object.setPrototypeOf(c, kind.prototype) as C);
}
