/**
 * The ability grants (or negations, or `gain_priv` items) of one type, by
 * normalised ability name, with multi-subject blocks kept once.
 *
 * `allow {S…} self:ability {I…};` grants the same I items to every subject;
 * expanding it per subject costs |S| × |I| (docs/performance.md, issue 15).
 * The block's items are indexed once (`BlockItems`, built by build-model.ts)
 * and every subject holds one reference to that index (a share). Grants of
 * single-subject blocks are entries of the type's own map, as before.
 *
 * Reads answer as the expanded map did, in the same order: `get(ability)`
 * lists the entries of that ability in policy order, and `keys()` /
 * iteration give the abilities in the order they were first granted.
 * For a type named only by single-subject blocks `get` is one map lookup,
 * as before; with shares, the first `get` of an ability costs one lookup per
 * share and the answer is kept (at most MAX_ANSWERED per type), so asking
 * again is one lookup. `has` costs
 * one lookup per share. Only iteration visits every ability of every share,
 * so set-aware readers use `parts()` instead.
 * See docs/policy-model.md, "Cost".
 */

/**
 * How many `get` answers a type with shares keeps; past that they are dropped and kept anew
 * (a dropped answer costs one lookup per share again, never a wrong answer).
 */
const MAX_ANSWERED = 64;

/** The entries of one block by ability, in block order; shared by all its subjects. */
export type BlockItems<V> = ReadonlyMap<string, readonly V[]>;

/** What a type holds: its own entries, and the blocks it shares (in policy order). */
export interface AbilityIndexParts<V> {
  singles: ReadonlyMap<string, readonly V[]>;
  shares: ReadonlyArray<BlockItems<V>>;
}

/** A read-only view with the `Map` reads the readers use (a `Map` is one too). */
export interface AbilityLookup<V> {
  get(ability: string): readonly V[] | undefined;
  has(ability: string): boolean;
  keys(): IterableIterator<string>;
  values(): IterableIterator<readonly V[]>;
  [Symbol.iterator](): IterableIterator<[string, readonly V[]]>;
}

/** The entries of one type. */
export class AbilityIndex<V> implements AbilityLookup<V> {
  private seq = 0;
  private readonly singles = new Map<string, V[]>();
  /**
   * Sequence numbers of single entries added after the first share (per ability, for the
   * entries at the end of its list); entries before the first share precede every share.
   * Absent while the type has no share, so the common case keeps no numbers at all.
   */
  private singleSeqs: Map<string, number[]> | undefined;
  private readonly shares: Array<{ seq: number; items: BlockItems<V> }> = [];
  /**
   * What `get` answered for a type with shares (null: none), so a repeated query (the evaluator
   * asks the same few abilities of a type again and again) costs one lookup, not one per share.
   * Holds only what was asked; iteration does not fill it.
   */
  private answered: Map<string, readonly V[] | null> | undefined;

  /** Adds one entry of `ability`. */
  add(ability: string, value: V): void {
    this.answered = undefined;
    const list = this.singles.get(ability);
    if (list) list.push(value);
    else this.singles.set(ability, [value]);
    if (this.singleSeqs) {
      const seqs = this.singleSeqs.get(ability);
      if (seqs) seqs.push(this.seq++);
      else this.singleSeqs.set(ability, [this.seq++]);
    }
  }

  /** Adds this type's share of a block's items. */
  addShare(items: BlockItems<V>): void {
    this.answered = undefined;
    this.singleSeqs ??= new Map();
    this.shares.push({ seq: this.seq++, items });
  }

  /** The entries of `ability`, in policy order; undefined when none. */
  get(ability: string): readonly V[] | undefined {
    if (this.shares.length === 0) return this.singles.get(ability);
    let answered = (this.answered ??= new Map());
    const known = answered.get(ability);
    if (known !== undefined) return known ?? undefined;
    const list = this.collect(ability);
    // Bounded: a reader asking every ability of every subject of a shared block (diff) would
    // otherwise keep subjects × items answers; the evaluator's few hot abilities fit.
    if (answered.size >= MAX_ANSWERED) answered = this.answered = new Map();
    answered.set(ability, list ?? null);
    return list;
  }

  /** `get` without keeping the answer (iteration visits each ability once). */
  private collect(ability: string): readonly V[] | undefined {
    const own = this.singles.get(ability);
    if (this.shares.length === 0) return own;
    // One part holding the ability (the common case) answers with its own list.
    let only: readonly V[] | undefined = own;
    let parts = own ? 1 : 0;
    for (const s of this.shares) {
      const list = s.items.get(ability);
      if (list) {
        only = list;
        parts++;
      }
    }
    if (parts <= 1) return only;
    const hits: Array<{ seq: number; list: readonly V[] }> = [];
    for (const s of this.shares) {
      const list = s.items.get(ability);
      if (list) hits.push({ seq: s.seq, list });
    }
    // Merge by sequence: single entries before the first share have none (they come first).
    const seqs = this.singleSeqs?.get(ability) ?? [];
    const before = (own?.length ?? 0) - seqs.length;
    const out: V[] = [];
    for (let i = 0; i < before; i++) out.push(own![i]!);
    let i = 0;
    for (const h of hits) {
      for (; i < seqs.length && seqs[i]! < h.seq; i++) out.push(own![before + i]!);
      for (const v of h.list) out.push(v);
    }
    for (; i < seqs.length; i++) out.push(own![before + i]!);
    return out;
  }

  /** True when some entry names `ability`. */
  has(ability: string): boolean {
    return this.singles.has(ability) || this.shares.some((s) => s.items.has(ability));
  }

  /** The abilities, in the order they were first granted (visits every share's abilities). */
  *keys(): IterableIterator<string> {
    if (this.shares.length === 0) {
      yield* this.singles.keys();
      return;
    }
    // Single abilities first granted before the first share keep their map order (seq -1).
    const firsts: Array<{ seq: number; abilities: Iterable<string> }> = [];
    const early: string[] = [];
    for (const [ability, list] of this.singles) {
      const seqs = this.singleSeqs?.get(ability);
      if (seqs && seqs.length === list.length) firsts.push({ seq: seqs[0]!, abilities: [ability] });
      else early.push(ability);
    }
    for (const s of this.shares) firsts.push({ seq: s.seq, abilities: s.items.keys() });
    firsts.sort((a, b) => a.seq - b.seq);
    const seen = new Set<string>(early);
    yield* early;
    for (const f of firsts)
      for (const a of f.abilities) {
        if (seen.has(a)) continue;
        seen.add(a);
        yield a;
      }
  }

  /** The entries of every ability, in `keys()` order. */
  *values(): IterableIterator<readonly V[]> {
    for (const a of this.keys()) yield this.collect(a)!;
  }

  /** Every ability with its entries, as the expanded map. */
  *[Symbol.iterator](): IterableIterator<[string, readonly V[]]> {
    for (const a of this.keys()) yield [a, this.collect(a)!];
  }

  /** The type's own entries and its shares, without expanding anything. */
  parts(): AbilityIndexParts<V> {
    return { singles: this.singles, shares: this.shares.map((s) => s.items) };
  }
}
