/**
 * What the review commands (`check`, `explain`, `harden`) read from traces,
 * as a mergeable summary: every record counted into its *review atom*, the
 * requirement atom's fields (type, process, kind, object, domain) refined by
 * the value the record checked, so one atom is one access the policy judges
 * the same way (its verdict is the verdict of each of its records). Unlike
 * the requirements, the tally keeps records inference refuses (hostile
 * fields) and processes of the unnamed type: a gate judges every record.
 *
 * The summary depends on no policy: it is built on any thread, per piece of
 * trace, and merged (`mergeReviewSummaries`, associative and commutative;
 * property-tested); the policy judges each atom once afterwards
 * (src/review/trace-review.ts). Memory grows with distinct atoms, never with
 * records: an atom keeps two counts, at most MAX_GROUP_PLACES places and its
 * first record's text (TalliedAtom).
 *
 * Plain data (for summaries written to files and results of worker threads):
 * strings, numbers, arrays and trace events; no Map inside an atom.
 */
import type {
  AbilityArgument,
  ProcessEvent,
  TraceEvent,
  TracePosition,
  UnknownEvent,
} from '../trace/event';
import { parseRecord } from '../trace/record';
import { argumentValueText } from '../trace/event-text';
import { normaliseAbilityName } from '../qnx/abilities';
import { byPlace } from '../diagnostics/first-by-place';
import { AtomIndex } from './atom-index';

/** How many denied places each atom lists (the first by place); the rest are counted. */
export const MAX_GROUP_PLACES = 8;

/** How many records of an unknown form are kept (the first by place); the rest are counted. */
export const MAX_UNKNOWN = 1000;

/**
 * All records asking for the same access. Fields:
 * - `key`: type, process, kind, object, value and domain joined by NUL;
 * - `event`: the earliest record (by file, then line; a tie by record text);
 * - `object`: `ability`: the policy name; `connect`/`settypeid` keep `ability`; paths: the path;
 * - `value`: the value an ability record checked as printed (`15`, `1-5`, `1 (fs_t)`), or `''`;
 * - `failures`, `successes`: denied and permitted records;
 * - `failurePlaces`: the first places of denied records, by place (at most MAX_GROUP_PLACES).
 *
 * The tally's atoms are `TalliedAtom`s, which derive `key`, `event` and
 * `object` on demand (see there); any object with these fields is an atom to
 * `mergeReviewSummaries` (summaries read back from files).
 */
export interface ReviewAtom {
  readonly key: string;
  readonly event: ProcessEvent;
  readonly object: string;
  readonly value: string;
  failures: number;
  successes: number;
  failurePlaces: TracePosition[];
}

/**
 * What every atom of one (type, process, kind, object, domain) has in
 * common. Atoms the review fast lane makes share their skeleton's family
 * object (a trace of random `MAP_FIXED` ranges has millions of atoms in a few
 * families); an atom the parser's event made has its own (no index of
 * families: a trace of a million distinct types would pay a map entry and a
 * key per family).
 */
export interface AtomFamily {
  readonly type: string;
  readonly process: string;
  readonly kind: ProcessEvent['kind'];
  readonly object: string;
  /** `root`/`non-root` for an ability, `''` for a path. */
  readonly domain: string;
}

/**
 * A review atom as the tally holds it: its family, its value, its first
 * record's text and place, the counts and the first failure places: about
 * two thirds of what holding the first record's event and a key cost. The
 * event is parsed again from the record text when asked for (`event`): the
 * tally keeps the text alone only when that parse gives the very event
 * counted (always for records the trace stage read; a made-up event is kept
 * whole). Every field is plain data, so an atom survives a structured clone
 * (worker threads) and `talliedAtom` (the merge) gives it its methods back.
 */
export class TalliedAtom implements ReviewAtom {
  constructor(
    readonly family: AtomFamily,
    readonly value: string,
    /**
     * The first record's text when parsing it gives its event, else that
     * event; or the shape of its text (the review lane's atoms: the text is
     * the shape's pieces around `firstPid` and the value's digits).
     */
    private first: string | ProcessEvent | RecordShape,
    /** The first record's place. */
    public position: TracePosition,
    public failures: number,
    public successes: number,
    public failurePlaces: TracePosition[],
    /** The first record's pid, when `first` is a shape. */
    private firstPid = -1,
  ) {}

  /** Type, process, kind, object, value and domain joined by NUL (never collide: NUL is in no record). */
  get key(): string {
    const f = this.family;
    return [f.type, f.process, f.kind, f.object, this.value, f.domain].join('\0');
  }

  get object(): string {
    return this.family.object;
  }

  /** The first record's canonical text. */
  get record(): string {
    const f = this.first;
    if (typeof f === 'string') return f;
    return isShape(f) ? shapedRecord(f, this.firstPid, this.value) : f.record;
  }

  /** The first record's event: parsed again from its text (a new object on each call). */
  get event(): ProcessEvent {
    const f = this.first;
    if (typeof f !== 'string' && !isShape(f)) return f;
    return parseRecord(this.record, this.position) as ProcessEvent;
  }

  /** Makes `e` this atom's first record. */
  setFirst(e: ProcessEvent): void {
    this.first = firstOf(e);
    this.firstPid = -1;
    this.position = e.position;
  }

  /** The first record as held (for a merge: the other atom's, unparsed), and its pid if a shape. */
  heldFirst(): [string | ProcessEvent | RecordShape, number] {
    return [this.first, this.firstPid];
  }
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

function isShape(f: ProcessEvent | RecordShape): f is RecordShape {
  return 'pieces' in f;
}

/** The record text of shape `shape` with pid `pid` and value text `value`. */
export function shapedRecord(shape: RecordShape, pid: number, value: string): string {
  const p = shape.pieces;
  switch (shape.runs) {
    case 'none':
      return [p[0], pid, p[1]].join('');
    case 'value':
      return [p[0], pid, p[1], value, p[2]].join('');
    case 'range': {
      const dash = value.indexOf('-');
      return [p[0], pid, p[1], value.slice(0, dash), p[2], value.slice(dash + 1), p[3]].join('');
    }
    case 'type-id':
      return [p[0], pid, p[1], value.slice(0, value.indexOf(' ')), p[2]].join('');
  }
}

/** The review summary of some records: atoms by the place of their first record, and counts. */
export interface ReviewSummary {
  /** Distinct accesses, ordered by their earliest record. */
  atoms: ReviewAtom[];
  /** Records of a known form. */
  events: number;
  failures: number;
  successes: number;
  /** Records of an unknown form (the first MAX_UNKNOWN by place). */
  unknown: UnknownEvent[];
  unknownCount: number;
}

/** The object of an event: the policy ability name or the path. */
export function eventObject(e: ProcessEvent): string {
  return e.kind === 'ability' ? normaliseAbilityName(e.ability.policyName) : e.path;
}

/** The value an ability event checked, as text (`15`, `1-5`, `1 (fs_t)`), or `''`. */
export function argumentText(e: ProcessEvent): string {
  return e.kind === 'ability' ? argumentValueText(e.argument) : '';
}

/** The family of an event: what its atom shares with the atoms of its other values. */
function familyOf(e: ProcessEvent, object: string): AtomFamily {
  return {
    type: e.securityType,
    process: e.process,
    kind: e.kind,
    object,
    domain: e.kind === 'ability' ? e.domain : '',
  };
}

/**
 * A family's key: type, process, kind, object and domain joined by NUL (NUL
 * cannot occur in a parsed record, so keys of different families never
 * collide): the first level of the tally's index (src/infer/atom-index.ts).
 */
export function familyKey(f: AtomFamily): string {
  // One flat string (join): a template's pieces would stay a tree of cons strings in the index.
  return [f.type, f.process, f.kind, f.object, f.domain].join('\0');
}

/** An event's family key (familyKey, without making the family). */
function eventFamilyKey(e: ProcessEvent, object: string): string {
  const domain = e.kind === 'ability' ? e.domain : '';
  return [e.securityType, e.process, e.kind, object, domain].join('\0');
}

/** How an atom holds its first record: the text alone when parsing it gives this very event. */
function firstOf(e: ProcessEvent): string | ProcessEvent {
  if (e.time !== undefined) return e;
  const again = parseRecord(e.record, e.position);
  return again !== undefined && sameEvent(again, e) ? e.record : e;
}

/** True when two events (of one position, neither with a time) are the same record, field by field. */
function sameEvent(a: TraceEvent, b: ProcessEvent): boolean {
  if (a.kind !== b.kind || a.time !== undefined) return false;
  if (
    a.severity !== b.severity ||
    a.process !== b.process ||
    a.pid !== b.pid ||
    a.securityType !== b.securityType ||
    a.record !== b.record
  )
    return false;
  if (a.kind === 'ability') {
    const e = b as typeof a;
    return (
      a.domain === e.domain &&
      a.ability.monitorName === e.ability.monitorName &&
      a.ability.policyName === e.ability.policyName &&
      a.ability.dynamic === e.ability.dynamic &&
      sameArgument(a.argument, e.argument) &&
      sameKeys(a, e)
    );
  }
  const e = b as typeof a;
  return (
    a.path === e.path &&
    a.failure?.reason === e.failure?.reason &&
    a.failure?.code === e.failure?.code &&
    sameKeys(a, e)
  );
}

function sameArgument(a: AbilityArgument, b: AbilityArgument): boolean {
  return (
    a.kind === b.kind &&
    (a as { value?: string }).value === (b as { value?: string }).value &&
    (a as { start?: string }).start === (b as { start?: string }).start &&
    (a as { end?: string }).end === (b as { end?: string }).end &&
    (a as { typeName?: string }).typeName === (b as { typeName?: string }).typeName &&
    Object.keys(a).length === Object.keys(b).length
  );
}

/** The same fields (an event with a field the parser never sets is kept whole). */
function sameKeys(a: object, b: object): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => k in b);
}

/** True when record `e` comes before atom `a`'s first (place, then text: the same whatever the merge order). */
function earlier(e: { position: TracePosition; record: string }, a: TalliedAtom): boolean {
  const c = byPlace(e.position, a.position);
  return c < 0 || (c === 0 && e.record < a.record);
}

/**
 * The order of atoms: by their first record's place (a tie, only possible for
 * made-up records, by record text, then key), so it is total.
 */
function atomOrder(a: TalliedAtom, b: TalliedAtom): number {
  const c = byPlace(a.position, b.position);
  if (c !== 0) return c;
  const ra = a.record;
  const rb = b.record;
  if (ra !== rb) return ra < rb ? -1 : 1;
  const ka = a.key;
  const kb = b.key;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The order of unknown records: by place, then text. */
function unknownOrder(a: UnknownEvent, b: UnknownEvent): number {
  return (
    byPlace(a.position, b.position) || (a.record < b.record ? -1 : a.record > b.record ? 1 : 0)
  );
}

/** Inserts `p` into the sorted `places`, keeping the first MAX_GROUP_PLACES (ties keep arrival order). */
function addPlace(places: TracePosition[], p: TracePosition): TracePosition[] {
  // The first place as a one-slot array: a first `push` into an empty array reserves 17.
  if (places.length === 0) return [p];
  const last = places[places.length - 1]!;
  if (byPlace(p, last) >= 0) {
    if (places.length < MAX_GROUP_PLACES) places.push(p);
    return places;
  }
  let i = places.length - 1;
  while (i > 0 && byPlace(p, places[i - 1]!) < 0) i--;
  places.splice(i, 0, p);
  if (places.length > MAX_GROUP_PLACES) places.length = MAX_GROUP_PLACES;
  return places;
}

/** Counts records into review atoms; `add` per record, `result` once. */
export class ReviewTally {
  /** The atom of the last record `add` counted (the review fast lane learns a skeleton's family from it). */
  lastAtom: TalliedAtom | undefined = undefined;
  /** Atoms by family key, then value (until `result`). */
  private readonly index = new AtomIndex<TalliedAtom>();
  private readonly summary: ReviewSummary = emptyReviewSummary();

  /** Counts one record; returns its atom (none for a record of unknown form). */
  add(e: TraceEvent): ReviewAtom | undefined {
    const s = this.summary;
    if (e.kind === 'unknown') {
      s.unknownCount++;
      if (s.unknown.length < MAX_UNKNOWN) s.unknown.push(e);
      return undefined;
    }
    const object = eventObject(e);
    const value = argumentText(e);
    const family = eventFamilyKey(e, object);
    let a = this.index.get(family, value);
    if (a === undefined) {
      a = new TalliedAtom(familyOf(e, object), value, firstOf(e), e.position, 0, 0, NO_PLACES);
      this.index.set(family, a);
      s.atoms.push(a);
    } else if (earlier(e, a)) a.setFirst(e); // pieces may arrive in any order
    this.count(a, e.severity === 'error', e.position);
    this.lastAtom = a;
    return a;
  }

  /**
   * Counts one more record of atom `a`, at `position`, a place after its
   * first record's (the review fast lane's records: src/infer/fast-lane.ts).
   */
  count(a: TalliedAtom, failed: boolean, position: TracePosition): void {
    const s = this.summary;
    s.events++;
    if (failed) {
      a.failures++;
      s.failures++;
      a.failurePlaces = addPlace(a.failurePlaces, position);
    } else {
      a.successes++;
      s.successes++;
    }
  }

  /** Records of a known form counted so far. */
  get events(): number {
    return this.summary.events;
  }

  /**
   * The atom of family key `family` (familyKey) and value text `value`, if
   * counted: the review fast lane finds a record's atom by them.
   */
  find(family: string, value: string): TalliedAtom | undefined {
    return this.index.get(family, value);
  }

  /**
   * Counts the first record of a new atom of `family` (family key `key`; the
   * review fast lane's: `record` is the text the parser would give, or its
   * shape with pid `pid`; its parse is the family's event with this `value`).
   */
  addFirst(
    family: AtomFamily,
    key: string,
    value: string,
    record: string | RecordShape,
    position: TracePosition,
    failed: boolean,
    pid = -1,
  ): void {
    const a = new TalliedAtom(family, value, record, position, 0, 0, NO_PLACES, pid);
    this.index.set(key, a);
    this.summary.atoms.push(a);
    this.count(a, failed, position);
  }

  /**
   * The summary, atoms ordered by their first record (the order one thread
   * reading the files in sorted order meets them). Hands the atoms over: the
   * tally is for a reader's last call.
   */
  result(): ReviewSummary {
    const s = this.summary;
    this.index.clear();
    this.lastAtom = undefined;
    (s.atoms as TalliedAtom[]).sort(atomOrder);
    s.unknown.sort(unknownOrder);
    return s;
  }
}

/**
 * The failure places of an atom with no failure: shared, never written
 * (addPlace returns a new array for a first place; merges build new arrays).
 */
const NO_PLACES: TracePosition[] = [];

/** Counts a finite list of records (tests, library callers). */
export function tallyEvents(events: Iterable<TraceEvent>): ReviewSummary {
  const t = new ReviewTally();
  for (const e of events) t.add(e);
  return t.result();
}

/** An empty summary (the identity of `mergeReviewSummaries`). */
export function emptyReviewSummary(): ReviewSummary {
  return { atoms: [], events: 0, failures: 0, successes: 0, unknown: [], unknownCount: 0 };
}

/** The fields a TalliedAtom holds, as a structured clone (a worker's result) leaves them. */
type HeldAtom = Pick<
  TalliedAtom,
  'family' | 'value' | 'position' | 'failures' | 'successes' | 'failurePlaces'
>;

/**
 * Any atom as a TalliedAtom: itself; one cloned across threads (its fields
 * without its methods) given them back; any other (read from a summary file)
 * made from its fields.
 */
export function talliedAtom(a: ReviewAtom | HeldAtom): TalliedAtom {
  if (a instanceof TalliedAtom) return a;
  if ('family' in a && typeof a.family === 'object') {
    return Object.setPrototypeOf(a, TalliedAtom.prototype) as TalliedAtom;
  }
  const r = a as ReviewAtom;
  const e = r.event;
  return new TalliedAtom(
    familyOf(e, r.object),
    r.value,
    firstOf(e),
    e.position,
    r.failures,
    r.successes,
    r.failurePlaces,
  );
}

/** The places an atom holds (its first record's, its failures'): what a shard's line shift moves. */
export function atomPlaces(a: ReviewAtom): TracePosition[] {
  const t = talliedAtom(a);
  return [t.position, ...t.failurePlaces];
}

/** The processes that created or tried to create links, read from the atoms' families. */
export function linkingProcesses(atoms: readonly ReviewAtom[]): Set<string> {
  const out = new Set<string>();
  for (const a of atoms) {
    const f = talliedAtom(a).family;
    if (f.kind === 'link') out.add(f.process);
  }
  return out;
}

/** Merges two atoms of one key into a new one (inputs unchanged). */
function mergeAtoms(a: TalliedAtom, b: TalliedAtom): TalliedAtom {
  const places = [...a.failurePlaces, ...b.failurePlaces].sort(byPlace);
  const first = earlier(b, a) ? b : a;
  const [held, pid] = first.heldFirst();
  return new TalliedAtom(
    a.family,
    a.value,
    held,
    first.position,
    a.failures + b.failures,
    a.successes + b.successes,
    places.length === 0 ? NO_PLACES : places.slice(0, MAX_GROUP_PLACES),
    pid,
  );
}

/**
 * Merges summaries (per piece, per thread, per machine): associative and
 * commutative; atoms and unknown records by place, as one reader of all the
 * records in place order would give them. Inputs are not modified (atoms
 * only in one input are shared; atoms cloned from a worker get their methods
 * back).
 */
export function mergeReviewSummaries(...summaries: ReviewSummary[]): ReviewSummary {
  const index = new AtomIndex<TalliedAtom>();
  const out = emptyReviewSummary();
  for (const s of summaries) {
    for (const held of s.atoms) {
      const a = talliedAtom(held);
      const key = familyKey(a.family);
      const had = index.get(key, a.value);
      index.set(key, had === undefined ? a : mergeAtoms(had, a));
    }
    out.events += s.events;
    out.failures += s.failures;
    out.successes += s.successes;
    out.unknownCount += s.unknownCount;
    for (const u of s.unknown) out.unknown.push(u);
  }
  out.atoms = [...index.values()].sort(atomOrder);
  out.unknown.sort(unknownOrder);
  if (out.unknown.length > MAX_UNKNOWN) out.unknown.length = MAX_UNKNOWN;
  return out;
}
