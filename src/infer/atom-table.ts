/**
 * The review tally's atoms in typed columns (src/infer/review-tally.ts): one
 * row per atom, no JavaScript object per atom. A row holds its family's id
 * (families stay objects, shared: the review lane's skeletons give theirs),
 * its value as numbers where the value text is canonical (none, one
 * decimal, `START-END`, a type id's number with its ` (TYPE)` suffix as a
 * text id) or else as an interned text, the counts, its first record's place
 * and its first failure place as (file id, line), and its first record
 * through an index into a side array (a shape shared by the lane's atoms, a
 * text, or an event). Failure places after the first live in a pool of typed
 * slots (src/infer/packed-places.ts), a slot only for rows with more than one
 * failure.
 *
 * Rows are found by an open-addressing hash over a typed array, keyed by
 * (family id, value kind, value numbers): no string is made to look one up.
 * The value numbers are a function of the value text alone (`valueKey`), so
 * equal texts are equal keys in every table (a merge re-keys families, texts
 * and files by name).
 *
 * The columns are blocks of typed arrays, narrow where the values allow
 * (src/infer/atom-columns.ts). Plain data: typed arrays, arrays and maps,
 * so a table crosses worker threads by structured clone and gets its
 * methods back (`revivedTable`); the parallel readers move its buffers
 * instead (src/infer/table-transfer.ts).
 */
import { decimalText } from '../decimal-text';
import type { ProcessEvent, TracePosition } from '../trace/event';
import {
  BLOCK_ROWS,
  ByteColumn,
  CountColumn,
  IdColumn,
  IntColumn,
  SmallIdColumn,
  UintColumn,
  blockOf,
  freeNow,
  revivedColumn,
  type AnyColumn,
} from './atom-columns';
import { MAX_PLACES, PlacePool, revivedPool } from './packed-places';

export { MAX_PLACES };

/** What every atom of one (type, process, kind, object, domain) has in common. */
export interface AtomFamily {
  readonly type: string;
  readonly process: string;
  readonly kind: ProcessEvent['kind'];
  readonly object: string;
  /** `root`/`non-root` for an ability, `''` for a path. */
  readonly domain: string;
}

/**
 * A record's text without its digit runs (the review lane's skeleton: one
 * shared by every atom the lane makes for it): the literal pieces around the
 * runs, and how the runs after the pid are read from an atom's value text.
 * The runs are canonical decimals (no hex, no leading zero; the lane leaves
 * other records to the parser), so the text rebuilt is the record's own.
 */
export interface RecordShape {
  /** One more than the runs: the text before the pid, between runs, after the last. */
  readonly pieces: readonly string[];
  /** The runs after the pid: none; the value; `START-END`; the number before ` (TYPE)`. */
  readonly runs: 'none' | 'value' | 'range' | 'type-id';
}

/** How a first record is held: its text, its event (kept whole), or a shape (with the row's pid). */
export type HeldFirst = string | ProcessEvent | RecordShape;

export function isShape(f: HeldFirst): f is RecordShape {
  return typeof f !== 'string' && 'pieces' in f;
}

/** How a row's value is held (`a`, `b`: the value numbers). */
export const enum ValueKind {
  /** `''`. */
  None = 0,
  /** One canonical decimal: `a`. */
  Decimal = 1,
  /** `a-b`, both canonical decimals. */
  Range = 2,
  /** A canonical decimal `a` and the text `b` after it (` (fs_t)`). */
  TypeId = 3,
  /** Any other text: text id `a`. */
  Text = 4,
}

/** Digits of a canonical decimal held as a Number: 15, always exact (below 2^53). */
export const MAX_VALUE_DIGITS = 15;

/** A value key: kind and numbers (text ids for texts and type-id suffixes). */
export interface ValueKey {
  kind: ValueKind;
  a: number;
  b: number;
}

/** The canonical decimal in `s[from, to)` as a Number, or -1 (a leading zero, a non-digit, too long). */
function decimalAt(s: string, from: number, to: number): number {
  const n = to - from;
  if (n < 1 || n > MAX_VALUE_DIGITS || (n > 1 && s.charCodeAt(from) === 48)) return -1;
  let v = 0;
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Initial rows (the slots: twice as many); the first block doubles up to a
 * whole block, slots double. Small: a summary file's atom line is read
 * through a table of its own.
 */
const INITIAL_ROWS = 4;

/** Appends `value` to `list` as the id of `key` in `ids` (a key not yet there); returns its id. */
function interned<K, V>(ids: Map<K, number>, list: V[], key: K, value: V): number {
  const id = list.length;
  list.push(value);
  ids.set(key, id);
  return id;
}

/** Re-keyings of one table's ids into another's, filled as met (-1: not yet). */
interface Remap {
  families: Int32Array;
  texts: Int32Array;
  files: Int32Array;
}

export class AtomTable {
  /** Families by id. */
  readonly families: AtomFamily[] = [];
  /** Value texts and type-id suffixes by id. */
  readonly texts: string[] = [];
  /** File names by id. */
  readonly files: string[] = [];
  /** First records as held (a shape once for all its rows). */
  readonly held: HeldFirst[] = [];
  /** Rows. */
  size = 0;
  /** Rows the hash is to have room for when made (`reserve`). */
  private plannedRows = 0;

  /** Rows the columns have room for (their blocks' rows). */
  private room = 0;

  readonly family = new SmallIdColumn();
  readonly kind = new ByteColumn();
  readonly a = new UintColumn();
  /** `b`, a range's end held as its length (`heldB`). */
  readonly b = new UintColumn();
  readonly failures = new CountColumn();
  readonly successes = new CountColumn();
  readonly firstFile = new SmallIdColumn();
  readonly firstLine = new UintColumn();
  /** The first failure place (when `failures` > 0). */
  readonly failFile = new SmallIdColumn();
  readonly failLine = new UintColumn();
  /** Index into `held`. */
  readonly first = new IdColumn();
  /** The first record's pid, when it is held as a shape. */
  readonly pid = new IntColumn();
  /** Slot + 1 in `places` of a row with two failures or more (0: none). */
  readonly moreAt = new IdColumn();
  /** Failure places 2..MAX_PLACES by place, as (file id, line) pairs, a slot per row (`moreAt`). */
  places = new PlacePool();
  /**
   * Whether every failure place held came from `count`, in place order
   * (none set by `setPlacePairs`, no count set by `setFailures`, no line
   * shifted): then a row holds min(failures, MAX_PLACES) places, none after
   * the last counted (`lastFile`, `lastLine`), and a failure at or after it
   * whose row holds MAX_PLACES would be dropped by `addPlace`: `count` drops
   * it without reading the row's places.
   */
  private inOrder = true;
  private lastFile = -1;
  private lastLine = 0;
  /**
   * False: `count` keeps a row's first failure place only (a reader that lists
   * no places: `harden`); places merged from other tables are still merged.
   */
  keepPlaces = true;

  /**
   * Row + 1 per slot (0: empty); a power of two, at most three quarters
   * full (linear probing: `fits`).
   * This and the maps by name are made when first asked for, dropped by
   * `seal` and made again if asked for.
   */
  private slots: Int32Array | undefined = new Int32Array(INITIAL_ROWS * 2);
  /**
   * The hash's seed: random per table, and drawn again when an insert walks
   * past MAX_PROBE slots (hashOf). Values come from the traced processes,
   * which choose them (`setuid(N)`, `mmap(MAP_FIXED)`): with a fixed hash, a
   * process could log values that all land in one cluster and make every
   * look-up walk it (quadratic time for the CI gate). Rows are ordered by
   * arrival, never by hash, so the output does not depend on the seed.
   */
  private seed: number;
  /** Times the seed was drawn again (at most MAX_RESEEDS). */
  reseeds = 0;
  /** Inserts that walked past MAX_PROBE slots since the last seed. */
  private longWalks = 0;

  /** `seed`: the hash's first seed (tests; random otherwise). */
  constructor(seed: number = newSeed()) {
    this.seed = seed;
  }
  private familyIds: Map<string, number> | undefined = undefined;
  private textIds: Map<string, number> | undefined = undefined;
  private fileIds: Map<string, number> | undefined = undefined;
  private shapeIds: Map<RecordShape, number> | undefined = undefined;
  private lastFileName: string | undefined = undefined;
  private lastFileId = -1;

  private get hash(): Int32Array {
    if (this.slots === undefined) this.rehash(slotsFor(Math.max(this.size, this.plannedRows)));
    return this.slots!;
  }

  private get familyMap(): Map<string, number> {
    return (this.familyIds ??= new Map(this.families.map((f, i) => [familyKey(f), i])));
  }

  private get textMap(): Map<string, number> {
    return (this.textIds ??= new Map(this.texts.map((t, i) => [t, i])));
  }

  private get fileMap(): Map<string, number> {
    return (this.fileIds ??= new Map(this.files.map((f, i) => [f, i])));
  }

  private get shapeMap(): Map<RecordShape, number> {
    if (this.shapeIds === undefined) {
      this.shapeIds = new Map();
      this.held.forEach((h, i) => {
        if (isShape(h)) this.shapeIds!.set(h, i);
      });
    }
    return this.shapeIds;
  }

  /** The id of the family of key `key` (made by `make` when new). */
  familyId(key: string, make: () => AtomFamily): number {
    const id = this.familyMap.get(key);
    return id ?? interned(this.familyMap, this.families, key, make());
  }

  textId(text: string): number {
    return this.textMap.get(text) ?? interned(this.textMap, this.texts, text, text);
  }

  /** A file's id (the last one asked for is remembered: records come file by file). */
  fileId(name: string): number {
    if (name === this.lastFileName) return this.lastFileId;
    const id = this.fileMap.get(name) ?? interned(this.fileMap, this.files, name, name);
    this.lastFileName = name;
    this.lastFileId = id;
    return id;
  }

  /** The key of value text `v`: numbers when canonical, else its text id. */
  valueKey(v: string): ValueKey {
    if (v === '') return { kind: ValueKind.None, a: 0, b: 0 };
    const n = decimalAt(v, 0, v.length);
    if (n >= 0) return { kind: ValueKind.Decimal, a: n, b: 0 };
    const dash = v.indexOf('-');
    if (dash > 0) {
      const s = decimalAt(v, 0, dash);
      const e = s < 0 ? -1 : decimalAt(v, dash + 1, v.length);
      if (e >= 0) return { kind: ValueKind.Range, a: s, b: e };
    }
    const space = v.indexOf(' ');
    if (space > 0) {
      const t = decimalAt(v, 0, space);
      if (t >= 0) return { kind: ValueKind.TypeId, a: t, b: this.textId(v.slice(space)) };
    }
    return { kind: ValueKind.Text, a: this.textId(v), b: 0 };
  }

  /** Row `i`'s second value number as `add` took it: a range's end (`b` holds its length). */
  end(i: number): number {
    const b = this.b.at(i);
    return this.kind.at(i) === ValueKind.Range ? this.a.at(i) + b : b;
  }

  /** Row `i`'s value text. */
  value(i: number): string {
    switch (this.kind.at(i) as ValueKind) {
      case ValueKind.None:
        return '';
      case ValueKind.Decimal:
        return decimalText(this.a.at(i));
      case ValueKind.Range:
        return `${decimalText(this.a.at(i))}-${decimalText(this.end(i))}`;
      case ValueKind.TypeId:
        return decimalText(this.a.at(i)) + this.texts[this.b.at(i)]!;
      default:
        return this.texts[this.a.at(i)]!;
    }
  }

  /** The row of (family, value key), or -1. */
  find(family: number, kind: ValueKind, a: number, b: number): number {
    const slots = this.hash;
    const mask = slots.length - 1;
    b = heldB(kind, a, b);
    for (let s = hashOf(this.seed, family, kind, a, b) & mask; ; s = (s + 1) & mask) {
      const r = slots[s]! - 1;
      if (r < 0) return -1;
      if (
        this.family.at(r) === family &&
        this.kind.at(r) === kind &&
        this.a.at(r) === a &&
        this.b.at(r) === b
      ) {
        return r;
      }
    }
  }

  /**
   * A new row (not yet in the table: `find` gave -1), with no record
   * counted, its first record `held` (with `pid` for a shape) at `file:line`.
   */
  add(
    family: number,
    kind: ValueKind,
    a: number,
    b: number,
    held: HeldFirst,
    pid: number,
    file: number,
    line: number,
  ): number {
    const r = this.size;
    if (r === this.room) this.growRows();
    this.family.set(r, family);
    this.kind.set(r, kind);
    this.a.set(r, a);
    this.b.set(r, heldB(kind, a, b));
    this.firstFile.set(r, file);
    this.firstLine.set(r, line);
    this.first.set(r, this.hold(held));
    this.pid.set(r, pid);
    this.moreAt.set(r, 0);
    const slots = this.hash;
    this.size = r + 1;
    if (!fits(this.size, slots.length)) this.rehash(slots.length * 2);
    else if (this.slot(r) > MAX_PROBE && ++this.longWalks > 16 + (this.size >> 8)) {
      this.longWalks = 0;
      if (this.reseeds < MAX_RESEEDS) {
        this.reseeds++;
        this.seed = newSeed();
        this.rehash(slots.length);
      }
    }
    return r;
  }

  /** Makes `held` at `file:line` row `r`'s first record. */
  setFirst(r: number, held: HeldFirst, pid: number, file: number, line: number): void {
    const old = this.held[this.first.at(r)]!;
    // A text or an event is the row's own: replaced in place; a shape is shared.
    if (!isShape(old) && !isShape(held)) this.held[this.first.at(r)] = held;
    else this.first.set(r, this.hold(held));
    this.pid.set(r, pid);
    this.firstFile.set(r, file);
    this.firstLine.set(r, line);
  }

  /** Counts a record of row `r` at `file:line`. */
  count(r: number, failed: boolean, file: number, line: number): void {
    if (!failed) {
      this.successes.set(r, this.successes.at(r) + 1);
      return;
    }
    const before = this.failures.at(r);
    this.failures.set(r, before + 1);
    if (this.inOrder) {
      const last = this.lastFile;
      if (
        last < 0 ||
        (file === last
          ? line >= this.lastLine
          : this.comparePlaces(file, line, last, this.lastLine) > 0)
      ) {
        this.lastFile = file;
        this.lastLine = line;
      } else this.inOrder = false;
    }
    if (before === 0) {
      this.failFile.set(r, file);
      this.failLine.set(r, line);
    } else if (this.keepPlaces && (!this.inOrder || before < MAX_PLACES))
      this.addPlace(r, file, line);
  }

  /** Sets row `r`'s failure count (its places are the caller's: `setPlacePairs`). */
  setFailures(r: number, n: number): void {
    this.inOrder = false;
    this.failures.set(r, n);
  }

  /** Negative, 0, positive as place (file id `fa`, `la`) is before, at, after (`fb`, `lb`): by file name, then line. */
  comparePlaces(fa: number, la: number, fb: number, lb: number): number {
    if (fa === fb) return la - lb;
    return this.files[fa]! < this.files[fb]! ? -1 : 1;
  }

  /** Row `r`'s failure places by place, as (file id, line) pairs. */
  placePairs(r: number): number[] {
    if (this.failures.at(r) === 0) return [];
    const out = [this.failFile.at(r), this.failLine.at(r)];
    const s = this.moreAt.at(r) - 1;
    if (s >= 0) this.places.appendTo(s, out);
    return out;
  }

  /**
   * Sets row `r`'s failure places (pairs, by place; none only with no
   * failure). At most MAX_PLACES are held: any after are dropped (a list
   * past the contract, which no reader of the trace or of a summary makes).
   */
  setPlacePairs(r: number, pairs: readonly number[]): void {
    this.inOrder = false;
    const s = this.moreAt.at(r) - 1;
    if (pairs.length > 0) {
      this.failFile.set(r, pairs[0]!);
      this.failLine.set(r, pairs[1]!);
    }
    if (pairs.length > 2) {
      const kept = pairs.length > 2 * MAX_PLACES ? pairs.slice(0, 2 * MAX_PLACES) : pairs;
      this.places.setPairs(s < 0 ? this.newSlot(r) : s, kept, 2);
    } else if (s >= 0) this.places.empty(s);
  }

  /**
   * `setPlacePairs(r, [file, line])`, or `setPlacePairs(r, [])` when `file`
   * is -1, for a row with no slot of `places` (`moreAt` 0): no array made.
   */
  private setOnePlace(r: number, file: number, line: number): void {
    this.inOrder = false;
    if (file < 0) return;
    this.failFile.set(r, file);
    this.failLine.set(r, line);
  }

  /** A new slot of `places`, row `r`'s. */
  private newSlot(r: number): number {
    const s = this.places.newSlot();
    this.moreAt.set(r, s + 1);
    return s;
  }

  /** Row `r`'s failure places as positions. */
  failurePlaces(r: number): TracePosition[] {
    const pairs = this.placePairs(r);
    const out: TracePosition[] = [];
    for (let k = 0; k < pairs.length; k += 2) {
      out.push({ file: this.files[pairs[k]!]!, line: pairs[k + 1]! });
    }
    return out;
  }

  /** Adds `offset` to every line the table holds (a shard's lines, shifted to the file's). */
  shiftLines(offset: number): void {
    this.inOrder = false;
    for (let r = 0; r < this.size; r++) {
      this.firstLine.set(r, this.firstLine.at(r) + offset);
      if (this.failures.at(r) > 0) this.failLine.set(r, this.failLine.at(r) + offset);
      // An event held whole carries the first place too (assigned: idempotent).
      const f = this.held[this.first.at(r)]!;
      if (typeof f !== 'string' && !isShape(f)) f.position.line = this.firstLine.at(r);
    }
    this.places.shiftLines(offset);
  }

  /**
   * Takes `size` rows (a sealed table's, from another thread: the columns'
   * blocks are set by the caller, `held`, `families`, `texts` and `files`
   * filled) and the pool of their failure places after the first. The hash
   * and the maps by name are made when first asked for.
   * src/infer/table-transfer.ts.
   */
  receiveRows(size: number, places: PlacePool, keepPlaces: boolean): void {
    this.size = size;
    this.room = size;
    this.slots = undefined;
    this.inOrder = false;
    this.keepPlaces = keepPlaces;
    this.places = places;
    this.dropMaps();
  }

  /**
   * Block `i`'s rows of a table merged away (its rows counted into another
   * table, the table not read again) given back: the blocks are cut to no
   * rows, so their memory goes while the merge goes on.
   */
  releaseBlock(i: number): void {
    for (const c of this.columns()) {
      const block = c.blocks[i];
      c.sized(i, 0);
      if (block !== undefined) freeNow(block);
    }
  }

  /**
   * Lets go of all a table merged away holds (its blocks, places and first
   * records, which may be another thread's memory: docs/performance.md);
   * empty afterwards.
   */
  release(): void {
    for (const c of this.columns()) {
      for (const block of c.blocks) freeNow(block);
      c.blocks = [];
    }
    for (const block of this.places.blocks) freeNow(block);
    this.places.blocks = [];
    if (this.slots !== undefined) freeNow(this.slots);
    this.room = 0;
    this.slots = undefined;
    this.clear();
  }

  /**
   * Cuts the columns to the rows and drops what only adding rows needs (the
   * hash and the maps by name) from a table handed over, which is mostly
   * read; they are made again if asked for.
   */
  seal(): void {
    // The last block cut to the rows (a structured clone copies a block's whole buffer).
    if (this.room > this.size) {
      const last = this.size === 0 ? 0 : blockOf(this.size - 1);
      this.sizeBlock(last, this.size - last * BLOCK_ROWS);
    }
    if (this.slots !== undefined) freeNow(this.slots);
    this.slots = undefined;
    this.dropMaps();
  }

  /** Drops the maps by name (made again from the arrays when next asked for). */
  private dropMaps(): void {
    this.familyIds = undefined;
    this.textIds = undefined;
    this.fileIds = undefined;
    this.shapeIds = undefined;
    this.lastFileName = undefined;
  }

  /** Re-keyings of `from`'s ids into this table, to copy its rows (`copyRow`). */
  remapFrom(from: AtomTable): Remap {
    return {
      families: new Int32Array(from.families.length).fill(-1),
      texts: new Int32Array(from.texts.length).fill(-1),
      files: new Int32Array(from.files.length).fill(-1),
    };
  }

  /**
   * Counts row `r` of table `from` into this table (`m`: `remapFrom(from)`):
   * a new row, or merged into the row of its key; `record(...)` gives a
   * row's record text for a tie of first places.
   */
  copyRow(from: AtomTable, r: number, m: Remap, record: (t: AtomTable, r: number) => string): void {
    const f = from.family.at(r);
    let family = m.families[f]!;
    if (family < 0) {
      const fam = from.families[f]!;
      family = m.families[f] = this.familyId(familyKey(fam), () => fam);
    }
    const kind = from.kind.at(r) as ValueKind;
    let a = from.a.at(r);
    let b = kind === ValueKind.Range ? a + from.b.at(r) : from.b.at(r);
    if (kind === ValueKind.Text) a = this.remapText(from, m, a);
    else if (kind === ValueKind.TypeId) b = this.remapText(from, m, b);
    const file = this.remapFile(from, m, from.firstFile.at(r));
    const line = from.firstLine.at(r);
    const failures = from.failures.at(r);
    // A row of one failure place at most (most rows) has it in its columns: read from them, with
    // no array of pairs (`placePairs`); the same as setting the pairs it would give.
    const pairs = failures !== 0 && from.moreAt.at(r) !== 0 ? from.placePairs(r) : undefined;
    let failFile = -1;
    if (pairs !== undefined) {
      for (let k = 0; k < pairs.length; k += 2) pairs[k] = this.remapFile(from, m, pairs[k]!);
    } else if (failures !== 0) failFile = this.remapFile(from, m, from.failFile.at(r));
    const failLine = from.failLine.at(r);
    const held = from.held[from.first.at(r)]!;
    const at = this.find(family, kind, a, b);
    if (at < 0) {
      const n = this.add(family, kind, a, b, held, from.pid.at(r), file, line);
      this.failures.set(n, failures);
      this.successes.set(n, from.successes.at(r));
      if (pairs !== undefined) this.setPlacePairs(n, pairs);
      else this.setOnePlace(n, failFile, failLine);
      return;
    }
    // Merged as two atoms of one key merge: the earlier first record (place, then text).
    const c = this.comparePlaces(file, line, this.firstFile.at(at), this.firstLine.at(at));
    if (c < 0 || (c === 0 && record(from, r) < record(this, at))) {
      this.setFirst(at, held, from.pid.at(r), file, line);
    }
    if (pairs !== undefined) this.setPlacePairs(at, this.mergedPlaces(this.placePairs(at), pairs));
    else if (failures !== 0) {
      if (this.failures.at(at) === 0 && this.moreAt.at(at) === 0)
        this.setOnePlace(at, failFile, failLine);
      else this.setPlacePairs(at, this.mergedPlaces(this.placePairs(at), [failFile, failLine]));
    }
    this.failures.set(at, this.failures.at(at) + failures);
    this.successes.set(at, this.successes.at(at) + from.successes.at(r));
  }

  /** The first MAX_PLACES of two place lists (pairs), by place; a tie keeps `x`'s first. */
  private mergedPlaces(x: number[], y: number[]): number[] {
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (out.length < 2 * MAX_PLACES && (i < x.length || j < y.length)) {
      const takeY =
        i >= x.length ||
        (j < y.length && this.comparePlaces(y[j]!, y[j + 1]!, x[i]!, x[i + 1]!) < 0);
      if (takeY) {
        out.push(y[j]!, y[j + 1]!);
        j += 2;
      } else {
        out.push(x[i]!, x[i + 1]!);
        i += 2;
      }
    }
    return out;
  }

  /** Inserts a second or later failure place into row `r`'s, by place, ties after (review-tally.ts's addPlace). */
  private addPlace(r: number, file: number, line: number): void {
    const pool = this.places;
    const s = this.moreAt.at(r) - 1;
    const n = s < 0 ? 0 : pool.count(s);
    if (n === 0) {
      const to = s < 0 ? this.newSlot(r) : s;
      if (this.comparePlaces(file, line, this.failFile.at(r), this.failLine.at(r)) >= 0) {
        pool.push(to, file, line);
      } else {
        pool.push(to, this.failFile.at(r), this.failLine.at(r));
        this.failFile.set(r, file);
        this.failLine.set(r, line);
      }
      return;
    }
    if (this.comparePlaces(file, line, pool.at(s, n - 2), pool.at(s, n - 1)) >= 0) {
      if (n < 2 * (MAX_PLACES - 1)) pool.push(s, file, line);
      return;
    }
    const pairs = this.placePairs(r);
    let k = pairs.length - 2;
    while (k > 0 && this.comparePlaces(file, line, pairs[k - 2]!, pairs[k - 1]!) < 0) k -= 2;
    pairs.splice(k, 0, file, line);
    if (pairs.length > 2 * MAX_PLACES) pairs.length = 2 * MAX_PLACES;
    this.setPlacePairs(r, pairs);
  }

  private remapText(from: AtomTable, m: Remap, id: number): number {
    let to = m.texts[id]!;
    if (to < 0) to = m.texts[id] = this.textId(from.texts[id]!);
    return to;
  }

  private remapFile(from: AtomTable, m: Remap, id: number): number {
    let to = m.files[id]!;
    if (to < 0) to = m.files[id] = this.fileId(from.files[id]!);
    return to;
  }

  /** The index of `held` in `held` (a shape once). */
  private hold(held: HeldFirst): number {
    if (isShape(held))
      return this.shapeMap.get(held) ?? interned(this.shapeMap, this.held, held, held);
    this.held.push(held);
    return this.held.length - 1;
  }

  /** Empties the table (a scratch table used again; its columns are kept). */
  clear(): void {
    this.size = 0;
    this.families.length = 0;
    this.texts.length = 0;
    this.files.length = 0;
    this.held.length = 0;
    this.places.clear();
    this.inOrder = true;
    this.lastFile = -1;
    this.slots?.fill(0);
    this.dropMaps();
  }

  /**
   * Makes room for `rows` rows in all, within the first block (a merge
   * knows an upper bound; later blocks come as rows arrive, never copied),
   * and in the hash: made (or made again) once at its final size, not
   * doubled on the way with the smaller one's memory held until a
   * collection.
   */
  reserve(rows: number): void {
    if (rows > this.room && this.room < BLOCK_ROWS) this.sizeBlock(0, Math.min(rows, BLOCK_ROWS));
    this.plannedRows = Math.max(this.plannedRows, rows);
    if (this.slots !== undefined && !fits(rows, this.slots.length)) this.rehash(slotsFor(rows));
  }

  /** Room for row `size`: the first block doubled (up to a whole block), or a new block. */
  private growRows(): void {
    const i = blockOf(this.size);
    const current = this.room - i * BLOCK_ROWS;
    this.sizeBlock(
      i,
      i > 0 ? BLOCK_ROWS : Math.max(INITIAL_ROWS, Math.min(BLOCK_ROWS, current * 2)),
    );
  }

  /** Block `i` of every column made `rows` rows long (new, grown or cut: the last block). */
  private sizeBlock(i: number, rows: number): void {
    for (const c of this.columns()) c.sized(i, rows);
    this.room = i * BLOCK_ROWS + rows;
  }

  /** The columns' blocks' buffers (each block owns its buffer whole). */
  buffers(): ArrayBuffer[] {
    return this.columns().flatMap((c) => c.blocks.map((b) => b.buffer as ArrayBuffer));
  }

  /** Every column. */
  columns(): AnyColumn[] {
    return [
      this.family,
      this.kind,
      this.a,
      this.b,
      this.failures,
      this.successes,
      this.firstFile,
      this.firstLine,
      this.failFile,
      this.failLine,
      this.first,
      this.pid,
      this.moreAt,
    ];
  }

  private rehash(slots: number): void {
    if (this.slots !== undefined) freeNow(this.slots);
    this.slots = new Int32Array(slots);
    for (let r = 0; r < this.size; r++) this.slot(r);
  }

  /** Puts row `r` in the first free slot from its hash; returns how many slots it walked past. */
  private slot(r: number): number {
    const slots = this.slots!;
    const mask = slots.length - 1;
    let s =
      hashOf(this.seed, this.family.at(r), this.kind.at(r), this.a.at(r), this.b.at(r)) & mask;
    let walked = 0;
    for (; slots[s] !== 0; walked++) s = (s + 1) & mask;
    slots[s] = r + 1;
    return walked;
  }

  /** The longest walk from a row's hash to its slot (tests: what a look-up can cost). */
  longestProbe(): number {
    const slots = this.hash;
    const mask = slots.length - 1;
    let longest = 0;
    for (let s = 0; s < slots.length; s++) {
      const r = slots[s]! - 1;
      if (r < 0) continue;
      const h = hashOf(this.seed, this.family.at(r), this.kind.at(r), this.a.at(r), this.b.at(r));
      longest = Math.max(longest, (s - (h & mask) + slots.length) & mask);
    }
    return longest;
  }
}

/**
 * A long walk from a row's hash to its slot. Linear probing at up to three
 * quarters full walks this far now and then with any good hash (the rate is
 * in docs/safe-output.md), while values made to collide under the seed walk
 * that far on nearly every insert. So the seed is drawn again only when long
 * walks outnumber 16 + one in 256 of the rows: never for ordinary values
 * (tested), after a few hundred inserts for crafted ones.
 */
const MAX_PROBE = 64;
/** Seeds drawn again at most (each costs a rehash of the table). */
const MAX_RESEEDS = 16;

/**
 * How `b` is held: a range's end as its length from `a` (exact: both are
 * integers below 2^53), which fits the narrow column where the end itself,
 * an address past 2^32, would make the whole column `Float64Array`.
 */
function heldB(kind: ValueKind, a: number, b: number): number {
  return kind === ValueKind.Range ? b - a : b;
}

/** Slots for `rows` rows: the fewest that fit them, a power of two, at least INITIAL_ROWS * 2. */
function slotsFor(rows: number): number {
  let n = INITIAL_ROWS * 2;
  while (!fits(rows, n)) n *= 2;
  return n;
}

function newSeed(): number {
  return (Math.random() * 4294967296) >>> 0;
}

/**
 * Whether `rows` rows fit `slots` slots: at most three quarters full (at
 * most half, the slots would cost 8-16 B per row instead of 5.3-10.7).
 */
function fits(rows: number, slots: number): boolean {
  return rows * 4 <= slots * 3;
}

/**
 * A hash of a row's key under `seed`: each number mixed in, then MurmurHash3's
 * finaliser (fmix32), so that every bit of the key and the seed reaches the
 * low bits the slots are chosen by.
 */
export function hashOf(seed: number, family: number, kind: number, a: number, b: number): number {
  let h = Math.imul(seed ^ family ^ (kind << 28), 0x9e3779b1);
  h = Math.imul(h ^ (a | 0), 0x85ebca6b);
  h = Math.imul(h ^ ((a / 4294967296) | 0), 0xc2b2ae35);
  h = Math.imul(h ^ (b | 0), 0x27d4eb2f);
  h = Math.imul(h ^ ((b / 4294967296) | 0), 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A family's key: type, process, kind, object and domain joined by NUL (NUL
 * cannot occur in a parsed record, so keys of different families never
 * collide).
 */
export function familyKey(f: AtomFamily): string {
  // One flat string (join): a template's pieces would stay a tree of cons strings in a map.
  return [f.type, f.process, f.kind, f.object, f.domain].join('\0');
}

/** A table cloned across threads (its fields without its methods) given them back. */
export function revivedTable(t: AtomTable): AtomTable {
  const c: AtomTable = t;
  if (t instanceof AtomTable) return t;
  for (const id of [c.first, c.moreAt]) revivedColumn(id, IdColumn);
  revivedPool(c.places);
  for (const id of [c.family, c.firstFile, c.failFile]) revivedColumn(id, SmallIdColumn);
  revivedColumn(c.kind, ByteColumn);
  for (const n of [c.a, c.b, c.firstLine, c.failLine]) revivedColumn(n, UintColumn);
  for (const n of [c.failures, c.successes]) revivedColumn(n, CountColumn);
  revivedColumn(c.pid, IntColumn);
  return Object.setPrototypeOf(c, AtomTable.prototype) as AtomTable;
}
