/**
 * The channel connects of one type, with sets kept as sets.
 *
 * `allow {S…} {O…}:channel connect;` (and `channel_connect:{O…}`) names many
 * objects for many subjects; expanding it per (subject, object) costs
 * |S| × |O| (docs/performance.md, issue 15). A rule
 * with more than one object is a `ConnectSet`, built once and shared by
 * every subject of the rule; each subject holds one reference to it. A rule
 * with one object is a grant of its own, as before.
 *
 * Reads answer as the expanded map did, in the same order: `get(object)`
 * lists the grants of that object in policy order (one per occurrence), and
 * `keys()` / iteration give the objects in the order they were first
 * granted. Lookups cost O(sets of the type); only iteration expands sets,
 * so set-aware readers use `rules()` instead (one grant per rule and
 * subject). See docs/policy-model.md, "Cost".
 */
import { appendAll } from '../../arrays';

/**
 * What the index needs of a connect grant (types.ts `ConnectGrant`; generic so that types.ts,
 * which holds the index, is not imported here).
 */
export interface ConnectGrantLike {
  object: string;
  via: string;
  origin: { statement: unknown };
}

/** The objects of one rule with several, shared by all its subjects. */
export interface ConnectSet {
  /** Object types as expanded, in written order, repeats kept; `self` stands for the subject. */
  objects: readonly string[];
  /** Occurrences of each object (`self` included as written). */
  count: ReadonlyMap<string, number>;
}

/** Builds a shared set of objects. */
export function connectSet(objects: readonly string[]): ConnectSet {
  const count = new Map<string, number>();
  for (const o of objects) count.set(o, (count.get(o) ?? 0) + 1);
  return { objects, count };
}

/** A subject's share of a connect set: the grant, less its object. */
export type ConnectSetGrant<G extends ConnectGrantLike> = Omit<G, 'object'> & { set: ConnectSet };

type Entry<G extends ConnectGrantLike> =
  { seq: number; grant: G } | { seq: number; share: ConnectSetGrant<G> };

/**
 * The `channel_connect` items of one ability block of several subjects, in item order, built
 * once and shared: each subject holds one reference (`addBlock`), not one grant per item.
 */
export interface ConnectBlock<G extends ConnectGrantLike> {
  /** One per grant: an item's single object, or an item's set of several. */
  items: ReadonlyArray<{ grant: G } | { share: ConnectSetGrant<G> }>;
  /** Single-object items by object: their positions in `items`, ascending. */
  singles: ReadonlyMap<string, readonly number[]>;
  /** Positions of the set items. */
  sets: readonly number[];
}

/** Indexes a block's connect grants (`items` in policy order) for `addBlock`. */
export function connectBlock<G extends ConnectGrantLike>(
  items: ReadonlyArray<{ grant: G } | { share: ConnectSetGrant<G> }>,
): ConnectBlock<G> {
  const singles = new Map<string, number[]>();
  const sets: number[] = [];
  items.forEach((item, i) => {
    if ('share' in item) sets.push(i);
    else {
      const list = singles.get(item.grant.object);
      if (list) list.push(i);
      else singles.set(item.grant.object, [i]);
    }
  });
  return { items, singles, sets };
}

/** The connects of one type (`subject`). */
export class ConnectIndex<G extends ConnectGrantLike> {
  private seq = 0;
  private readonly singles = new Map<string, Array<{ seq: number; grant: G }>>();
  private readonly shares: Array<{ seq: number; share: ConnectSetGrant<G> }> = [];
  /** Shared blocks; a block's item i has the sequence number `seq + i`. */
  private readonly blocks: Array<{ seq: number; block: ConnectBlock<G> }> = [];

  constructor(private readonly subject: string) {}

  /** Adds this type's reference to a shared block's connect items. */
  addBlock(block: ConnectBlock<G>): void {
    if (block.items.length === 0) return;
    this.blocks.push({ seq: this.seq, block });
    this.seq += block.items.length;
  }

  /** Every single-object grant (own and the blocks'), in policy order. */
  private allSingles(): Array<{ seq: number; grant: G }> {
    const all: Array<{ seq: number; grant: G }> = [];
    for (const list of this.singles.values()) appendAll(all, list);
    for (const { seq, block } of this.blocks)
      block.items.forEach((item, i) => {
        if ('grant' in item) all.push({ seq: seq + i, grant: item.grant });
      });
    return this.blocks.length === 0 ? all : all.sort((a, b) => a.seq - b.seq);
  }

  /** Every share of a set (own and the blocks'), in policy order. */
  private allShares(): Array<{ seq: number; share: ConnectSetGrant<G> }> {
    if (this.blocks.length === 0) return this.shares;
    const all = [...this.shares];
    for (const { seq, block } of this.blocks)
      for (const i of block.sets) {
        const item = block.items[i]!;
        if ('share' in item) all.push({ seq: seq + i, share: item.share });
      }
    return all.sort((a, b) => a.seq - b.seq);
  }

  /** The single-object grants by object, objects in the order first granted. */
  private singlesByObject(): Map<string, Array<{ seq: number; grant: G }>> {
    if (this.blocks.length === 0) return this.singles;
    const out = new Map<string, Array<{ seq: number; grant: G }>>();
    for (const e of this.allSingles()) {
      const list = out.get(e.grant.object);
      if (list) list.push(e);
      else out.set(e.grant.object, [e]);
    }
    return out;
  }

  /** Adds a grant of one object. */
  add(grant: G): void {
    const list = this.singles.get(grant.object);
    const e = { seq: this.seq++, grant };
    if (list) list.push(e);
    else this.singles.set(grant.object, [e]);
  }

  /** Adds this type's share of a set. */
  addSet(share: ConnectSetGrant<G>): void {
    this.shares.push({ seq: this.seq++, share });
  }

  /** How often `share`'s set names `object` for this subject. */
  private occurrences(share: ConnectSetGrant<G>, object: string): number {
    const n = share.set.count.get(object) ?? 0;
    return object === this.subject ? n + (share.set.count.get('self') ?? 0) : n;
  }

  /** The grants of `object`, in policy order; undefined when none. */
  get(object: string): G[] | undefined {
    const found: Entry<G>[] = [...(this.singles.get(object) ?? [])];
    for (const s of this.shares)
      for (let n = this.occurrences(s.share, object); n > 0; n--) found.push(s);
    for (const { seq, block } of this.blocks) {
      for (const i of block.singles.get(object) ?? []) {
        const item = block.items[i]!;
        if ('grant' in item) found.push({ seq: seq + i, grant: item.grant });
      }
      for (const i of block.sets) {
        const item = block.items[i]!;
        if (!('share' in item)) continue;
        for (let n = this.occurrences(item.share, object); n > 0; n--)
          found.push({ seq: seq + i, share: item.share });
      }
    }
    if (found.length === 0) return undefined;
    found.sort((a, b) => a.seq - b.seq);
    return found.map((e) => ('grant' in e ? e.grant : this.grantOf(e.share, object)));
  }

  /** True when some rule grants `object`. */
  has(object: string): boolean {
    return (
      this.singles.has(object) ||
      this.shares.some((s) => this.occurrences(s.share, object) > 0) ||
      this.blocks.some(
        ({ block }) =>
          block.singles.has(object) ||
          block.sets.some((i) => {
            const item = block.items[i]!;
            return 'share' in item && this.occurrences(item.share, object) > 0;
          }),
      )
    );
  }

  /** The objects, in the order they were first granted (expands sets). */
  *keys(): IterableIterator<string> {
    const firsts: Entry<G>[] = [];
    for (const list of this.singlesByObject().values()) firsts.push(list[0]!);
    appendAll(firsts, this.allShares());
    firsts.sort((a, b) => a.seq - b.seq);
    const seen = new Set<string>();
    for (const e of firsts) {
      const objects = 'grant' in e ? [e.grant.object] : this.objectsOf(e.share);
      for (const o of objects) {
        if (seen.has(o)) continue;
        seen.add(o);
        yield o;
      }
    }
  }

  /** Every object with its grants, as the expanded map (expands sets). */
  *[Symbol.iterator](): IterableIterator<[string, G[]]> {
    for (const o of this.keys()) yield [o, this.get(o)!];
  }

  /**
   * One grant per rule, in policy order, without expanding sets: a set's
   * share is given with its first object (the subject for `self`) and the set.
   */
  rules(): Array<{ grant: G; set?: ConnectSet }> {
    const all: Entry<G>[] = [...this.allSingles(), ...this.allShares()];
    all.sort((a, b) => a.seq - b.seq);
    return all.map((e) =>
      'grant' in e
        ? { grant: e.grant }
        : { grant: this.grantOf(e.share, this.firstObject(e.share)), set: e.share.set },
    );
  }

  /** The shares of sets, in policy order. */
  sets(): readonly ConnectSetGrant<G>[] {
    return this.allShares().map((s) => s.share);
  }

  /** The single-object grants by object. */
  *singleObjects(): IterableIterator<[string, G[]]> {
    for (const [o, list] of this.singlesByObject()) yield [o, list.map((e) => e.grant)];
  }

  /** The first object of a share for this subject. */
  firstObject(share: ConnectSetGrant<G>): string {
    const o = share.set.objects[0]!;
    return o === 'self' ? this.subject : o;
  }

  /** The objects of a share for this subject (`self` is the subject). */
  objectsOf(share: ConnectSetGrant<G>): string[] {
    return share.set.objects.map((o) => (o === 'self' ? this.subject : o));
  }

  /**
   * True when two different rules (of `via`) may grant this type one object: a repeat that
   * lint reports. Sets are compared pairwise without expanding them per subject (the
   * intersection of two sets is found once, whatever the number of subjects sharing them).
   */
  mayRepeat(via: G['via']): boolean {
    const shares = this.allShares()
      .map((s) => s.share)
      .filter((s) => s.via === via);
    for (const [object, list] of this.singlesByObject()) {
      const rules = new Set(
        list.filter((e) => e.grant.via === via).map((e) => e.grant.origin.statement),
      );
      if (rules.size > 1) return true;
      if (rules.size === 1 && shares.some((s) => this.occurrences(s, object) > 0)) return true;
    }
    for (let i = 0; i < shares.length; i++)
      for (let j = i + 1; j < shares.length; j++) {
        const a = shares[i]!.set;
        const b = shares[j]!.set;
        if (shares[i]!.origin.statement === shares[j]!.origin.statement) continue;
        const selfA = a.count.has('self') || a.count.has(this.subject);
        const selfB = b.count.has('self') || b.count.has(this.subject);
        if ((selfA && selfB) || intersect(a, b)) return true;
      }
    return false;
  }

  private grantOf(share: ConnectSetGrant<G>, object: string): G {
    const { set: _set, ...grant } = share;
    return { object, ...grant } as unknown as G;
  }
}

const intersections = new WeakMap<ConnectSet, WeakMap<ConnectSet, boolean>>();

/** True when two sets share an object other than `self` (cached per pair). */
function intersect(a: ConnectSet, b: ConnectSet): boolean {
  const [small, large] = a.count.size <= b.count.size ? [a, b] : [b, a];
  let byLarge = intersections.get(small);
  if (!byLarge) intersections.set(small, (byLarge = new WeakMap()));
  let hit = byLarge.get(large);
  if (hit === undefined) {
    hit = false;
    for (const o of small.count.keys()) if (o !== 'self' && large.count.has(o)) hit = true;
    byLarge.set(large, hit);
  }
  return hit;
}
