/**
 * A table's failure places after the first (AtomTable's `more`: rows with
 * two failures or more), packed into typed arrays to cross threads without
 * an array per row: rows ascending, each row's (file id, line) pairs one
 * after another in `pairs`, row `rows[k]`'s ending at `ends[k]`. Lines read
 * back with `shift` added (a shard's lines, shifted to its file's after the
 * crossing, without rewriting the pairs).
 */
export interface PackedPlaces {
  readonly rows: Int32Array;
  readonly ends: Uint32Array;
  /** Narrow while every file id and line is an integer in [0, 2^32-1]: each reads back exactly. */
  readonly pairs: Uint32Array | Float64Array;
  readonly shift: number;
}

/** `more` packed; undefined when it holds no row. */
export function packPlaces(more: ReadonlyMap<number, readonly number[]>): PackedPlaces | undefined {
  if (more.size === 0) return undefined;
  const rows = Int32Array.from(more.keys()).sort();
  const ends = new Uint32Array(rows.length);
  let n = 0;
  let narrow = true;
  for (let k = 0; k < rows.length; k++) {
    const pairs = more.get(rows[k]!)!;
    for (const v of pairs) if (v >>> 0 !== v) narrow = false;
    n += pairs.length;
    ends[k] = n;
  }
  const pairs = narrow ? new Uint32Array(n) : new Float64Array(n);
  for (let k = 0; k < rows.length; k++) pairs.set(more.get(rows[k]!)!, k === 0 ? 0 : ends[k - 1]);
  return { rows, ends, pairs, shift: 0 };
}

/** Row `r`'s pairs (a new array), or undefined when `p` holds none for it. */
export function packedPairs(p: PackedPlaces, r: number): number[] | undefined {
  const rows = p.rows;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = rows[mid]!;
    if (at < r) lo = mid + 1;
    else if (at > r) hi = mid - 1;
    else {
      const end = p.ends[mid]!;
      const out: number[] = [];
      for (let i = mid === 0 ? 0 : p.ends[mid - 1]!; i < end; i += 2)
        out.push(p.pairs[i]!, p.pairs[i + 1]! + p.shift);
      return out;
    }
  }
  return undefined;
}

/** `p` with every line `offset` later. */
export function shiftedPairs(p: PackedPlaces, offset: number): PackedPlaces {
  return { ...p, shift: p.shift + offset };
}

/** The buffers of `p`'s arrays (each owns its buffer whole): a message transfers them. */
export function placeBuffers(p: PackedPlaces | undefined): ArrayBuffer[] {
  return p === undefined ? [] : ([p.rows.buffer, p.ends.buffer, p.pairs.buffer] as ArrayBuffer[]);
}
