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
 * first record.
 *
 * Plain data (for summaries written to files): strings, numbers, arrays and
 * trace events; no Map inside an atom.
 */
import type { ProcessEvent, TraceEvent, TracePosition, UnknownEvent } from '../trace/event';
import { argumentValueText } from '../trace/event-text';
import { normaliseAbilityName } from '../qnx/abilities';
import { byPlace } from '../diagnostics/first-by-place';

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
 */
export interface ReviewAtom {
  key: string;
  event: ProcessEvent;
  object: string;
  value: string;
  failures: number;
  successes: number;
  failurePlaces: TracePosition[];
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

function atomKey(e: ProcessEvent, object: string, value: string): string {
  const domain = e.kind === 'ability' ? e.domain : '';
  // NUL cannot occur in a parsed record, so keys of different accesses never collide.
  return [e.securityType, e.process, e.kind, object, value, domain].join('\0');
}

/** True when record `a` comes before record `b` (place, then text: the same whatever the merge order). */
function earlier(a: ProcessEvent, b: ProcessEvent): boolean {
  const c = byPlace(a.position, b.position);
  return c < 0 || (c === 0 && a.record < b.record);
}

/**
 * The order of atoms: by their first record's place (a tie, only possible for
 * made-up records, by record text, then key), so it is total.
 */
function atomOrder(a: ReviewAtom, b: ReviewAtom): number {
  return (
    byPlace(a.event.position, b.event.position) ||
    (a.event.record < b.event.record ? -1 : a.event.record > b.event.record ? 1 : 0) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
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
  private readonly byKey = new Map<string, ReviewAtom>();
  private readonly summary: ReviewSummary = {
    atoms: [],
    events: 0,
    failures: 0,
    successes: 0,
    unknown: [],
    unknownCount: 0,
  };

  /** Counts one record; returns its atom (none for a record of unknown form). */
  add(e: TraceEvent): ReviewAtom | undefined {
    const s = this.summary;
    if (e.kind === 'unknown') {
      s.unknownCount++;
      if (s.unknown.length < MAX_UNKNOWN) s.unknown.push(e);
      return undefined;
    }
    s.events++;
    const object = eventObject(e);
    const value = argumentText(e);
    const key = atomKey(e, object, value);
    let a = this.byKey.get(key);
    if (a === undefined) {
      a = { key, event: e, object, value, failures: 0, successes: 0, failurePlaces: [] };
      this.byKey.set(key, a);
      s.atoms.push(a);
    } else if (earlier(e, a.event)) a.event = e; // pieces may arrive in any order
    if (e.severity === 'error') {
      a.failures++;
      s.failures++;
      a.failurePlaces = addPlace(a.failurePlaces, e.position);
    } else {
      a.successes++;
      s.successes++;
    }
    return a;
  }

  /**
   * The summary, atoms ordered by their first record (the order one thread
   * reading the files in sorted order meets them). Hands the atoms over: the
   * tally is for a reader's last call.
   */
  result(): ReviewSummary {
    const s = this.summary;
    this.byKey.clear();
    s.atoms.sort(atomOrder);
    s.unknown.sort(unknownOrder);
    return s;
  }
}

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

/** Merges two atoms of one key into a new one (inputs unchanged). */
function mergeAtoms(a: ReviewAtom, b: ReviewAtom): ReviewAtom {
  const places = [...a.failurePlaces, ...b.failurePlaces].sort(byPlace);
  return {
    key: a.key,
    event: earlier(b.event, a.event) ? b.event : a.event,
    object: a.object,
    value: a.value,
    failures: a.failures + b.failures,
    successes: a.successes + b.successes,
    failurePlaces: places.slice(0, MAX_GROUP_PLACES),
  };
}

/**
 * Merges summaries (per piece, per thread, per machine): associative and
 * commutative; atoms and unknown records by place, as one reader of all the
 * records in place order would give them. Inputs are not modified (atoms
 * only in one input are shared).
 */
export function mergeReviewSummaries(...summaries: ReviewSummary[]): ReviewSummary {
  const byKey = new Map<string, ReviewAtom>();
  const out = emptyReviewSummary();
  for (const s of summaries) {
    for (const a of s.atoms) {
      const had = byKey.get(a.key);
      byKey.set(a.key, had ? mergeAtoms(had, a) : a);
    }
    out.events += s.events;
    out.failures += s.failures;
    out.successes += s.successes;
    out.unknownCount += s.unknownCount;
    for (const u of s.unknown) out.unknown.push(u);
  }
  out.atoms = [...byKey.values()].sort(atomOrder);
  out.unknown.sort(unknownOrder);
  if (out.unknown.length > MAX_UNKNOWN) out.unknown.length = MAX_UNKNOWN;
  return out;
}
