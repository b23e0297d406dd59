/**
 * `explain`'s wrong-type evidence (src/review/explain.ts): where the same
 * access (process, kind, object, domain and value: an atom's key without its
 * type) succeeded or is allowed, by type, with the first place per type.
 * One access has at most one atom per type (the type is part of the atom's
 * key), so the evidence of an access is the atoms noted for it, in the order
 * noted.
 *
 * Two ways to hold it, the same answers: by a key string per access (any
 * list of atoms or groups), and for the tally's rows (`AtomRows`) by numbers:
 * an id per family without its type (made once per family), and an
 * open-addressing hash over a typed array keyed by (that id, the row's value
 * kind and numbers) holding the first row noted per access, no string per
 * row. A trace of a million values that succeeded paid a key string each.
 */
import type { TracePosition } from '../trace/event';
import { argumentText, AtomRows, type AtomList } from '../infer/review-tally';
import { hashOf, type AtomFamily, type AtomTable } from '../infer/atom-table';
import type { EventGroup } from './trace-review';

/** What the key-string evidence reads of an atom or group (the row evidence reads its row). */
export type EvidenceSource = Pick<EventGroup, 'event' | 'object'>;

/** Where atoms' accesses succeeded or are allowed, by type. */
export interface WrongTypeEvidence {
  /** Notes atom `i` (`g`: its event and object), which succeeded or is allowed. */
  note(i: number, g: EvidenceSource): void;
  /** The types (each once) and first places of the atoms noted for atom `i`'s access, in the order noted: a new array, the caller's. */
  places(i: number, g: EvidenceSource): Array<[string, TracePosition]>;
}

/** Evidence for `atoms`: by numbers for the tally's rows, by key strings for any other list. */
export function wrongTypeEvidence(atoms: AtomList): WrongTypeEvidence {
  return atoms instanceof AtomRows ? new RowEvidence(atoms) : new KeyEvidence();
}

/** An access's key: process, kind, object, value and domain joined by NUL (no record holds a NUL). */
function accessKey(g: EvidenceSource): string {
  const e = g.event;
  return [e.process, e.kind, g.object, argumentText(e), e.kind === 'ability' ? e.domain : ''].join(
    '\0',
  );
}

/**
 * The first place per type, by a key string per access: one type's held
 * alone (most accesses are one type's), a Map from the second.
 */
export class KeyEvidence implements WrongTypeEvidence {
  private readonly byAccess = new Map<string, OkPlace | Map<string, TracePosition>>();

  note(_i: number, g: EvidenceSource): void {
    const k = accessKey(g);
    const type = g.event.securityType;
    const had = this.byAccess.get(k);
    if (had === undefined) this.byAccess.set(k, { type, position: g.event.position });
    else if (had instanceof Map) {
      if (!had.has(type)) had.set(type, g.event.position);
    } else if (had.type !== type) {
      this.byAccess.set(
        k,
        new Map([
          [had.type, had.position],
          [type, g.event.position],
        ]),
      );
    }
  }

  places(_i: number, g: EvidenceSource): Array<[string, TracePosition]> {
    const had = this.byAccess.get(accessKey(g));
    if (had === undefined) return [];
    return had instanceof Map ? [...had] : [[had.type, had.position]];
  }
}

interface OkPlace {
  readonly type: string;
  readonly position: TracePosition;
}

/** Fewest slots of the row evidence's hash (a power of two; doubled when three quarters full). */
const INITIAL_SLOTS = 1024;
/** `accessOf`: not yet computed; no access noted has this family's (until one is). */
const UNKNOWN = -1;
const NONE = -2;

/**
 * The evidence of a table's rows by numbers. The hash's seed is drawn at
 * random per run (values come from the traced processes, as in the atom
 * table's hash: src/infer/atom-table.ts); rows are answered in the order
 * noted, so the output does not depend on it.
 */
export class RowEvidence implements WrongTypeEvidence {
  private readonly table: AtomTable;
  /** Per family: its access family's id (the family without its type), UNKNOWN or NONE. */
  private readonly accessOf: Int32Array;
  /** Access family ids by key: only families of rows noted. */
  private readonly accessIds = new Map<string, number>();
  /** The first row noted per access, + 1 (0: empty). */
  private slots: Int32Array;
  private used = 0;
  /** The rows noted after the first (other types), by first row, in the order noted. */
  private readonly more = new Map<number, number[]>();
  private readonly seed = (Math.random() * 4294967296) >>> 0;

  constructor(private readonly rows: AtomRows) {
    const t = (this.table = rows.table);
    this.accessOf = new Int32Array(t.families.length).fill(UNKNOWN);
    // Every row that succeeded is noted (explain.ts): the hash is made as large as they need
    // at once, not doubled up to it (each outgrown array garbage while the notes go on).
    let succeeded = 0;
    for (let r = 0; r < t.size; r++) if (t.successes.at(r) > 0) succeeded++;
    let slots = INITIAL_SLOTS;
    while (succeeded * 4 > slots * 3) slots *= 2;
    this.slots = new Int32Array(slots);
  }

  note(i: number, _g?: EvidenceSource): void {
    const r = this.rows.row(i);
    const access = this.access(this.table.family.at(r), true);
    const s = this.slot(access, r);
    const first = this.slots[s]! - 1;
    if (first < 0) {
      this.slots[s] = r + 1;
      if (++this.used * 4 > this.slots.length * 3) this.grow();
      return;
    }
    const more = this.more.get(first);
    if (more === undefined) this.more.set(first, [r]);
    else more.push(r);
  }

  places(i: number, _g?: EvidenceSource): Array<[string, TracePosition]> {
    const t = this.table;
    const r = this.rows.row(i);
    const access = this.access(t.family.at(r), false);
    if (access < 0) return [];
    const first = this.slots[this.slot(access, r)]! - 1;
    if (first < 0) return [];
    const out: Array<[string, TracePosition]> = [this.place(first)];
    const more = this.more.get(first);
    if (more !== undefined) for (const n of more) out.push(this.place(n));
    return out;
  }

  /** Row `n`'s type and first place. */
  private place(n: number): [string, TracePosition] {
    const t = this.table;
    return [
      t.families[t.family.at(n)]!.type,
      { file: t.files[t.firstFile.at(n)]!, line: t.firstLine.at(n) },
    ];
  }

  /** Slots of the hash: tests. */
  slotCount(): number {
    return this.slots.length;
  }

  /** Access families held (one key string each): tests. */
  accessFamilies(): number {
    return this.accessIds.size;
  }

  /** Family `f`'s access id: made when `add`, else NONE when no row noted has it. */
  private access(f: number, add: boolean): number {
    const known = this.accessOf[f]!;
    if (known >= 0 || (known === NONE && !add)) return known;
    const key = familyAccessKey(this.table.families[f]!);
    let id = this.accessIds.get(key);
    if (id === undefined && add) this.accessIds.set(key, (id = this.accessIds.size));
    this.accessOf[f] = id ?? NONE;
    return id ?? NONE;
  }

  /** The slot of row `r`'s access (`access`: its family's id): the one holding it, or the empty one it would take. */
  private slot(access: number, r: number): number {
    const t = this.table;
    const kind = t.kind.at(r);
    const a = t.a.at(r);
    const b = t.b.at(r);
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let s = hashOf(this.seed, access, kind, a, b) & mask; ; s = (s + 1) & mask) {
      const n = slots[s]! - 1;
      if (n < 0) return s;
      if (
        this.accessOf[t.family.at(n)] === access &&
        t.kind.at(n) === kind &&
        t.a.at(n) === a &&
        t.b.at(n) === b
      )
        return s;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    for (const held of old) {
      if (held === 0) continue;
      const r = held - 1;
      this.slots[this.slot(this.accessOf[this.table.family.at(r)]!, r)] = held;
    }
  }
}

/** A family's access key: process, kind, object and domain joined by NUL (its type left out). */
function familyAccessKey(f: AtomFamily): string {
  return [f.process, f.kind, f.object, f.domain].join('\0');
}
