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
 * records: the tally's atoms are rows of typed columns (src/infer/atom-table.ts:
 * two counts, at most MAX_GROUP_PLACES places and the first record), read
 * through `AtomList` as `ReviewAtom` views (TalliedAtom).
 *
 * Plain data (for summaries written to files and results of worker threads):
 * typed arrays, strings, numbers, arrays and trace events.
 */
import { uncachedDecimalText } from '../decimal-text';
import type {
  AbilityArgument,
  AbilityEvent,
  AttachEvent,
  LinkEvent,
  ProcessEvent,
  TraceEvent,
  TracePosition,
  UnknownEvent,
} from '../trace/event';
import { parseRecord } from '../trace/record';
import { argumentValueText } from '../trace/event-text';
import { normaliseAbilityName } from '../qnx/abilities';
import { byPlace, fileRanks } from '../diagnostics/first-by-place';
import { BLOCK_ROWS, blockOf } from './atom-columns';
import { sortedByKey, sortedIndices, sortedRuns } from './sorted-indices';
import {
  AtomTable,
  MAX_PLACES,
  isShape,
  revivedTable,
  type AtomFamily,
  type HeldFirst,
  type RecordShape,
  ValueKind,
} from './atom-table';

export { familyKey, type AtomFamily, type RecordShape } from './atom-table';

/** How many denied places each atom lists (the first by place); the rest are counted. */
export const MAX_GROUP_PLACES = MAX_PLACES;

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
 * The tally's atoms are `TalliedAtom` views of table rows, which derive
 * every field on demand (see there); any object with these fields is an atom
 * to `mergeReviewSummaries` (tests, library callers).
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
 * The atoms of a summary, read-only, in first-record order: a plain array
 * is one (tests, summaries built by hand); the tally's are rows of a table
 * (`AtomRows`). Get an array with `[...atoms]`.
 */
export interface AtomList extends Iterable<ReviewAtom> {
  readonly length: number;
  at(i: number): ReviewAtom | undefined;
  map<U>(f: (a: ReviewAtom, i: number) => U): U[];
}

/**
 * A review atom as the tally holds it: row `row` of `table`, read on each
 * ask (a view: made per use, holding nothing of its own). The event is made
 * when asked for (`event`): the table keeps the text alone only when its
 * parse gives the very event counted (always for records the trace stage
 * read; a made-up event is kept whole), and a text is parsed again; or it
 * keeps the shape of the text (the review lane's atoms), whose event is
 * built from the shape's without a parse.
 */
export class TalliedAtom implements ReviewAtom {
  constructor(
    readonly table: AtomTable,
    readonly row: number,
  ) {}

  get family(): AtomFamily {
    return this.table.families[this.table.family.at(this.row)]!;
  }

  get value(): string {
    return this.table.value(this.row);
  }

  /** Type, process, kind, object, value and domain joined by NUL (never collide: NUL is in no record). */
  get key(): string {
    return rowKey(this.table, this.row);
  }

  get object(): string {
    return this.family.object;
  }

  /** The first record's place. */
  get position(): TracePosition {
    return rowPosition(this.table, this.row);
  }

  /** The first record's canonical text. */
  get record(): string {
    return rowRecord(this.table, this.row);
  }

  /** The first record's event: built from its shape, or parsed again from its text (a new object on each call). */
  get event(): ProcessEvent {
    return rowEvent(this.table, this.row);
  }

  get failures(): number {
    return this.table.failures.at(this.row);
  }

  set failures(n: number) {
    this.table.setFailures(this.row, n);
  }

  get successes(): number {
    return this.table.successes.at(this.row);
  }

  set successes(n: number) {
    this.table.successes.set(this.row, n);
  }

  get failurePlaces(): TracePosition[] {
    return this.table.failurePlaces(this.row);
  }

  /** The first failure place (`failurePlaces[0]`, the others not read). */
  get firstFailurePlace(): TracePosition | undefined {
    const t = this.table;
    const r = this.row;
    // A row with failures holds its first place in these columns (AtomTable.placePairs).
    if (t.failures.at(r) === 0) return undefined;
    return { file: t.files[t.failFile.at(r)]!, line: t.failLine.at(r) };
  }

  set failurePlaces(places: TracePosition[]) {
    const t = this.table;
    t.setPlacePairs(
      this.row,
      places.flatMap((p) => [t.fileId(p.file), p.line]),
    );
  }

  /** The first record as held (a shape, a text or an event), and its pid if a shape. */
  heldFirst(): [HeldFirst, number] {
    const t = this.table;
    return [t.held[t.first.at(this.row)]!, t.pid.at(this.row)];
  }
}

/** A table's rows as an AtomList, in `order` (none: row order). Crosses threads as plain data (`atomList`). */
export class AtomRows implements AtomList {
  constructor(
    readonly table: AtomTable,
    readonly order: Int32Array | undefined,
  ) {}

  get length(): number {
    return this.table.size;
  }

  /** The row of the `i`th atom. */
  row(i: number): number {
    return this.order === undefined ? i : this.order[i]!;
  }

  at(i: number): TalliedAtom | undefined {
    const n = this.table.size;
    const k = i < 0 ? i + n : i;
    return k >= 0 && k < n ? new TalliedAtom(this.table, this.row(k)) : undefined;
  }

  map<U>(f: (a: ReviewAtom, i: number) => U): U[] {
    const out: U[] = [];
    for (let i = 0; i < this.table.size; i++)
      out.push(f(new TalliedAtom(this.table, this.row(i)), i));
    return out;
  }

  *[Symbol.iterator](): IterableIterator<TalliedAtom> {
    for (let i = 0; i < this.table.size; i++) yield new TalliedAtom(this.table, this.row(i));
  }
}

/** The buffers of a list's columns (none for a plain array): a worker's result transfers them, not copies. */
export function atomBuffers(atoms: AtomList): ArrayBuffer[] {
  if (!(atoms instanceof AtomRows)) return [];
  const out = atoms.table.buffers();
  if (atoms.order !== undefined) out.push(atoms.order.buffer as ArrayBuffer);
  return out;
}

/** A list as given, or rows cloned across threads (fields without methods) given their methods back. */
export function atomList(atoms: AtomList): AtomList {
  if (Array.isArray(atoms) || atoms instanceof AtomRows) return atoms;
  const rows = atoms as Partial<AtomRows>;
  // Any other list (a library caller's) is taken as it is.
  if (typeof rows.table !== 'object' || !Array.isArray(rows.table.families)) return atoms;
  revivedTable(rows.table);
  return Object.setPrototypeOf(rows, AtomRows.prototype) as AtomRows;
}

/** Row `r`'s key (TalliedAtom.key). */
function rowKey(t: AtomTable, r: number): string {
  const f = t.families[t.family.at(r)]!;
  return [f.type, f.process, f.kind, f.object, t.value(r), f.domain].join('\0');
}

function rowPosition(t: AtomTable, r: number): TracePosition {
  return { file: t.files[t.firstFile.at(r)]!, line: t.firstLine.at(r) };
}

/** Row `r`'s first record's text. */
function rowRecord(t: AtomTable, r: number): string {
  const f = t.held[t.first.at(r)]!;
  if (typeof f === 'string') return f;
  return isShape(f) ? shapedRecord(f, t.pid.at(r), t.value(r)) : f.record;
}

/**
 * Row `r`'s first record's event: the one held; built from its shape's
 * event (`shapeEvent`) with the row's pid, value and place; else parsed
 * again from its text. Each call makes a new object.
 */
function rowEvent(t: AtomTable, r: number): ProcessEvent {
  const held = t.first.at(r);
  const f = t.held[held]!;
  if (typeof f !== 'string' && !isShape(f)) return f;
  if (typeof f !== 'string') {
    const model = heldModel(t, held, f);
    const runs = model === undefined ? undefined : rowRuns(t, r, f.runs);
    if (runs !== undefined)
      return shapedEvent(
        model!,
        f,
        uncachedDecimalText(t.pid.at(r)),
        runs[0],
        runs[1],
        rowPosition(t, r),
      );
  }
  return parseRecord(rowRecord(t, r), rowPosition(t, r)) as ProcessEvent;
}

/** The runs of a shape with none after the pid. */
const NO_RUNS: readonly [string, string] = ['', ''];

/**
 * Row `r`'s runs after the pid as the parser prints them (the value; a
 * range's start and end; a type id's number), from its value numbers (a
 * Number's text is its canonical decimal); undefined when the row's value
 * is not held as its shape's runs (then its text is parsed).
 */
export function rowRuns(
  t: AtomTable,
  r: number,
  runs: RecordShape['runs'],
): readonly [string, string] | undefined {
  const k = t.kind.at(r) as ValueKind;
  switch (runs) {
    case 'none':
      return k === ValueKind.None ? NO_RUNS : undefined;
    case 'value':
      return k === ValueKind.Decimal ? [uncachedDecimalText(t.a.at(r)), ''] : undefined;
    case 'range':
      return k === ValueKind.Range
        ? [uncachedDecimalText(t.a.at(r)), uncachedDecimalText(t.end(r))]
        : undefined;
    case 'type-id':
      return k === ValueKind.TypeId ? [uncachedDecimalText(t.a.at(r)), ''] : undefined;
  }
}

/**
 * The event of each shape met: parsed once from the shape with sample runs,
 * or null when the shape's event cannot be built (`shapeEvent`). Weak: a
 * shape lives as long as a table holds it.
 */
const shapeEvents = new WeakMap<RecordShape, ProcessEvent | null>();

/**
 * The last table asked (weakly held) and its shapes' events by index into
 * its `held`, with the shape each was made for (an index is checked, not
 * trusted: a cleared table holds others): a row's shape's event without a
 * look-up by shape.
 */
let lastTable: WeakRef<AtomTable> | undefined = undefined;
let lastShapes: (RecordShape | undefined)[] = [];
let lastModels: (ProcessEvent | null)[] = [];

/** The event of shape `shape`, held at index `held` of table `t` (`shapeEvent`). */
function heldModel(t: AtomTable, held: number, shape: RecordShape): ProcessEvent | undefined {
  if (lastTable?.deref() !== t) {
    lastTable = new WeakRef(t);
    lastShapes = [];
    lastModels = [];
  }
  if (lastShapes[held] !== shape) {
    lastShapes[held] = shape;
    lastModels[held] = shapeEvent(shape) ?? null;
  }
  return lastModels[held] ?? undefined;
}

/** Sample runs of a shape (pid, value numbers): short ones and long ones. */
const SHAPE_SAMPLES: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [2 ** 31 - 1, 123456789012345, 999999999999999],
];

/** A shape's value text with value numbers `a`, `b` (as the table prints it; a type id's suffix aside). */
function sampleValue(runs: RecordShape['runs'], a: number, b: number): string {
  return runs === 'none'
    ? ''
    : runs === 'range'
      ? `${a}-${b}`
      : runs === 'value'
        ? `${a}`
        : `${a} `;
}

/**
 * The event of `shape`'s record with sample runs, which `shapedEvent` gives
 * any row's pid and value: what the parser reads from the literal pieces
 * (severity, process, type, kind, ability, domain, path) does not depend on
 * the runs. Checked, not assumed: for each sample the built event must be
 * the parse itself, field by field and in the parser's key order; a shape
 * that fails (or reads as no event) is undefined, and its rows are parsed.
 */
function shapeEvent(shape: RecordShape): ProcessEvent | undefined {
  let model = shapeEvents.get(shape);
  if (model === undefined) {
    const at: TracePosition = { file: '', line: 1 };
    const [pid, a, b] = SHAPE_SAMPLES[0]!;
    const parsed = parseRecord(shapedRecord(shape, pid, sampleValue(shape.runs, a, b)), at);
    model = parsed === undefined || parsed.kind === 'unknown' ? null : parsed;
    for (const [p, x, y] of SHAPE_SAMPLES) {
      if (model === null) break;
      const runs =
        shape.runs === 'none' ? NO_RUNS : [String(x), shape.runs === 'range' ? String(y) : ''];
      const built = shapedEvent(model, shape, String(p), runs[0]!, runs[1]!, at);
      const again = parseRecord(shapedRecord(shape, p, sampleValue(shape.runs, x, y)), at);
      if (JSON.stringify(built) !== JSON.stringify(again)) model = null;
    }
    shapeEvents.set(shape, model);
  }
  return model ?? undefined;
}

/**
 * The event of a row of `shape` (pid `pid`, runs after it `x`, `y` as
 * `rowRuns` gives them, first place `position`), built from the shape's
 * event `model`: equal, field by field and in key order, to the parse of
 * its record text (the literals are the parser's, src/trace/record.ts).
 * The record text is concatenated, not joined: a rope, made flat only if
 * it is read.
 */
function shapedEvent(
  model: ProcessEvent,
  shape: RecordShape,
  pid: string,
  x: string,
  y: string,
  position: TracePosition,
): ProcessEvent {
  const p = shape.pieces;
  const record =
    shape.runs === 'none'
      ? p[0]! + pid + p[1]!
      : shape.runs === 'range'
        ? p[0]! + pid + p[1]! + x + p[2]! + y + p[3]!
        : p[0]! + pid + p[1]! + x + p[2]!;
  if (model.kind === 'ability') {
    const e: AbilityEvent = {
      kind: 'ability',
      severity: model.severity,
      process: model.process,
      pid,
      securityType: model.securityType,
      record,
      position,
      ability: model.ability,
      argument: shapedArgument(model.argument, shape.runs, x, y),
      domain: model.domain,
    };
    return e;
  }
  const e: AttachEvent | LinkEvent = {
    kind: model.kind,
    severity: model.severity,
    process: model.process,
    pid,
    securityType: model.securityType,
    record,
    position,
    path: model.path,
  };
  if (model.failure !== undefined)
    e.failure = { reason: model.failure.reason, code: model.failure.code };
  return e;
}

/** The argument of a shaped row: `model`'s (a shape's event) with the row's runs `x`, `y`. */
function shapedArgument(
  model: AbilityArgument,
  runs: RecordShape['runs'],
  x: string,
  y: string,
): AbilityArgument {
  switch (runs) {
    case 'none':
      return model;
    case 'value':
      return { kind: 'value', value: x };
    case 'range':
      return { kind: 'range', start: x, end: y };
    case 'type-id':
      return { kind: 'type-id', value: x, typeName: (model as { typeName: string }).typeName };
  }
}

/** The record text of shape `shape` with pid `pid` and value text `value`. */
function shapedRecord(shape: RecordShape, pid: number, value: string): string {
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
  atoms: AtomList;
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

/**
 * The order of a table's rows: by their first record's place (a tie, only
 * possible for made-up records, by record text, then key), so it is total.
 */
function rowOrder(t: AtomTable, x: number, y: number): number {
  const c = t.comparePlaces(
    t.firstFile.at(x),
    t.firstLine.at(x),
    t.firstFile.at(y),
    t.firstLine.at(y),
  );
  if (c !== 0) return c;
  const rx = rowRecord(t, x);
  const ry = rowRecord(t, y);
  if (rx !== ry) return rx < ry ? -1 : 1;
  const kx = rowKey(t, x);
  const ky = rowKey(t, y);
  return kx < ky ? -1 : kx > ky ? 1 : 0;
}

/**
 * A table's rows in atom order, the table sealed (handed over): no order
 * array when already in it. A merge's table is in runs of that order (the
 * rows of one shard, then those the others brought, with the rows whose
 * first record another shard gave out of place: many runs), sorted by
 * merging its runs in typed arrays (`sortedIndices`), not by
 * `Int32Array.sort`, whose heap copies of the order were most of the main
 * thread's growth at the merge (docs/performance.md).
 */
function orderedRows(t: AtomTable): AtomRows {
  t.seal();
  let r = 1;
  while (r < t.size && rowOrder(t, r - 1, r) <= 0) r++;
  // In order already (one reader's table): nothing allocated.
  if (r >= t.size) return new AtomRows(t, undefined);
  const rows = new Int32Array(t.size);
  for (let i = 0; i < t.size; i++) rows[i] = i;
  return new AtomRows(
    t,
    byFirstPlace(t, rows) ?? sortedIndices(rows, (x, y) => rowOrder(t, x, y), r),
  );
}

/**
 * `rows` in `rowOrder` by a radix sort (`sortedByKey`): by first line, then
 * by the rank of the first file's name when there are several files, then
 * each run of one first place (made-up records only) by `rowOrder` itself,
 * which is a total order: so the order is the one any sort by it gives.
 * Undefined (`rows` untouched) when a first line is not a Uint32 or there
 * are more files than a pass's digit holds.
 */
function byFirstPlace(t: AtomTable, rows: Int32Array): Int32Array | undefined {
  const n = rows.length;
  const files = t.files.length;
  if (files > 1 << 16) return undefined;
  let max = 0;
  for (let r = 0; r < n; r++) {
    const line = t.firstLine.at(r);
    if (line >>> 0 !== line) return undefined;
    if (line > max) max = line;
  }
  let order = sortedByKey(rows, (r) => t.firstLine.at(r), max);
  if (files > 1) {
    const rank = fileRanks(t.files);
    order = sortedByKey(order, (r) => rank[t.firstFile.at(r)]!, files - 1);
  }
  // Rows of one first place (made-up records only), in row order: put in `rowOrder`.
  sortedRuns(
    order,
    (x, y) => t.firstLine.at(x) === t.firstLine.at(y) && t.firstFile.at(x) === t.firstFile.at(y),
    (x, y) => rowOrder(t, x, y),
  );
  return order;
}

/** The order of unknown records: by place, then text. */
function unknownOrder(a: UnknownEvent, b: UnknownEvent): number {
  return (
    byPlace(a.position, b.position) || (a.record < b.record ? -1 : a.record > b.record ? 1 : 0)
  );
}

/** Counts records into review atoms; `add` per record, `result` once. */
export class ReviewTally {
  /** The row of the last record `add` counted, or -1 (the review fast lane learns a skeleton's family from it). */
  lastAtom = -1;
  /** The atoms (until `result`). */
  readonly table = new AtomTable();
  private readonly summary: ReviewSummary = emptyReviewSummary();

  /** `places` false: each atom keeps its first failure place only (`AtomTable.keepPlaces`). */
  constructor(places = true) {
    this.table.keepPlaces = places;
  }

  /** Counts one record; returns its atom (none for a record of unknown form). */
  add(e: TraceEvent): ReviewAtom | undefined {
    const s = this.summary;
    if (e.kind === 'unknown') {
      s.unknownCount++;
      if (s.unknown.length < MAX_UNKNOWN) s.unknown.push(e);
      return undefined;
    }
    const t = this.table;
    const object = eventObject(e);
    const family = t.familyId(eventFamilyKey(e, object), () => familyOf(e, object));
    const v = t.valueKey(argumentText(e));
    const file = t.fileId(e.position.file);
    const line = e.position.line;
    let r = t.find(family, v.kind, v.a, v.b);
    if (r < 0) r = t.add(family, v.kind, v.a, v.b, firstOf(e), -1, file, line);
    else {
      // Pieces may arrive in any order: an earlier record (place, then text) becomes the first.
      const c = t.comparePlaces(file, line, t.firstFile.at(r), t.firstLine.at(r));
      if (c < 0 || (c === 0 && e.record < rowRecord(t, r))) {
        t.setFirst(r, firstOf(e), -1, file, line);
      }
    }
    this.count(r, e.severity === 'error', file, line);
    this.lastAtom = r;
    return new TalliedAtom(t, r);
  }

  /**
   * Counts one more record of row `r`, at `file:line` (a file id), a place
   * after its first record's (the review fast lane's records: src/infer/fast-lane.ts).
   */
  count(r: number, failed: boolean, file: number, line: number): void {
    const s = this.summary;
    s.events++;
    if (failed) s.failures++;
    else s.successes++;
    this.table.count(r, failed, file, line);
  }

  /** Records of a known form counted so far. */
  get events(): number {
    return this.summary.events;
  }

  /** Records of unknown form counted so far. */
  get unknownCount(): number {
    return this.summary.unknownCount;
  }

  /** True when the tally keeps no more records of unknown form: a later one is only counted. */
  get unknownFull(): boolean {
    return this.summary.unknown.length >= MAX_UNKNOWN;
  }

  /** Counts one more record of unknown form once `unknownFull` (the review fast lane's). */
  countUnknown(): void {
    this.summary.unknownCount++;
  }

  /**
   * Counts the first record of a new atom of family id `family` and value
   * key (`kind`, `a`, `b`) (the review fast lane's: `record` is the text the
   * parser would give, or its shape with pid `pid`; its parse is the
   * family's event with this value). Returns its row.
   */
  addFirst(
    family: number,
    kind: ValueKind,
    a: number,
    b: number,
    record: string | RecordShape,
    file: number,
    line: number,
    failed: boolean,
    pid = -1,
  ): number {
    const r = this.table.add(family, kind, a, b, record, pid, file, line);
    this.count(r, failed, file, line);
    return r;
  }

  /**
   * The summary, atoms ordered by their first record (the order one thread
   * reading the files in sorted order meets them). Hands the atoms over: the
   * tally is for a reader's last call.
   */
  result(): ReviewSummary {
    const s = this.summary;
    this.lastAtom = -1;
    s.atoms = orderedRows(this.table);
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

/** Any atom as a TalliedAtom: itself, or one made from its fields (an atom built by hand). */
function talliedAtom(a: ReviewAtom): TalliedAtom {
  if (a instanceof TalliedAtom) return a;
  const e = a.event;
  const t = new AtomTable();
  const v = t.valueKey(a.value);
  const family = t.familyId(eventFamilyKey(e, a.object), () => familyOf(e, a.object));
  const r = t.add(
    family,
    v.kind,
    v.a,
    v.b,
    firstOf(e),
    -1,
    t.fileId(e.position.file),
    e.position.line,
  );
  const atom = new TalliedAtom(t, r);
  atom.failures = a.failures;
  atom.successes = a.successes;
  atom.failurePlaces = a.failurePlaces;
  return atom;
}

/** An atom's first failure place (`failurePlaces[0]`; a tallied atom's without the others). */
export function firstFailurePlace(a: ReviewAtom): TracePosition | undefined {
  return a instanceof TalliedAtom ? a.firstFailurePlace : a.failurePlaces[0];
}

/** The places an atom holds (its first record's, its failures'). */
export function atomPlaces(a: ReviewAtom): TracePosition[] {
  const t = talliedAtom(a);
  return [t.position, ...t.failurePlaces];
}

/**
 * Adds `offset` to every line the atoms hold (a shard's lines shifted to
 * its file's; a worker's rows, cloned, are given their methods back).
 */
export function shiftAtomLines(atoms: AtomList, offset: number): void {
  const list = atomList(atoms);
  if (list instanceof AtomRows) {
    list.table.shiftLines(offset);
    return;
  }
  // Views of one table (a list of them, an atom read back from a summary file): the table once.
  const tables = new Set<AtomTable>();
  for (const a of list) {
    if (a instanceof TalliedAtom) {
      if (!tables.has(a.table)) a.table.shiftLines(offset);
      tables.add(a.table);
      continue;
    }
    a.event.position.line += offset;
    for (const p of a.failurePlaces) if (p !== a.event.position) p.line += offset;
  }
}

/** The processes that created or tried to create links, read from the atoms' families. */
export function linkingProcesses(atoms: AtomList): Set<string> {
  const out = new Set<string>();
  const list = atomList(atoms);
  if (list instanceof AtomRows) {
    // Every family of a table is some row's.
    for (const f of list.table.families) if (f.kind === 'link') out.add(f.process);
    return out;
  }
  for (const a of list) {
    const f = talliedAtom(a).family;
    if (f.kind === 'link') out.add(f.process);
  }
  return out;
}

/**
 * Atoms gathered one by one or list by list (a merge, a summary file read),
 * merged by key into one table as they come (as two atoms of one key merge:
 * counts added, places by place, the earlier first record), without an
 * object per atom held.
 */
export class AtomCollector {
  private table = new AtomTable();
  // The re-keying of the last table met (a list's rows come together; an atom read from a file
  // brings a table of its own, not to be held).
  private lastFrom: AtomTable | undefined = undefined;
  private lastRemap: ReturnType<AtomTable['remapFrom']> | undefined = undefined;

  /** A one-row table used again for each atom made from its fields (`addEvent`). */
  private readonly scratch = new AtomTable();

  /** Adds an atom (a view is copied from its row; any other made from its fields). */
  add(atom: ReviewAtom): void {
    if (atom instanceof TalliedAtom) this.addRow(atom.table, atom.row);
    else this.addEvent(atom.event, atom.failures, atom.successes, atom.failurePlaces);
  }

  /**
   * Adds the atom of event `e` (its first record) with these counts and
   * failure places (by place; a summary file's atom line), as the tally
   * would hold it.
   */
  addEvent(e: ProcessEvent, failures: number, successes: number, places: TracePosition[]): void {
    const t = this.scratch;
    t.clear();
    const object = eventObject(e);
    const family = t.familyId(eventFamilyKey(e, object), () => familyOf(e, object));
    const v = t.valueKey(argumentText(e));
    const at = t.fileId(e.position.file);
    const r = t.add(family, v.kind, v.a, v.b, firstOf(e), -1, at, e.position.line);
    t.failures.set(r, failures);
    t.successes.set(r, successes);
    t.setPlacePairs(
      r,
      places.flatMap((p) => [t.fileId(p.file), p.line]),
    );
    // Its ids are new each time: re-keyed afresh.
    this.lastFrom = undefined;
    this.addRow(t, r);
    this.lastFrom = undefined;
  }

  /**
   * Adds every atom of `atoms`, in order (rows cloned from a worker get their
   * methods back). `consume`: the list's table is not read again, so a
   * table read in row order gives each block back as soon as its rows are
   * in (`AtomTable.releaseBlock`): the merged rows grow as those go; and
   * the table gives back all it holds at the end (`AtomTable.release`).
   */
  addList(atoms: AtomList, consume = false): void {
    const list = atomList(atoms);
    if (list instanceof AtomRows) {
      const release = consume && list.order === undefined;
      for (let i = 0; i < list.length; i++) {
        this.addRow(list.table, list.row(i));
        if (release && (i + 1) % BLOCK_ROWS === 0) list.table.releaseBlock(blockOf(i));
      }
      if (consume) list.table.release();
    } else for (const a of list) this.add(a);
  }

  /** Takes `table` over as the atoms gathered so far (none yet; the table is not used elsewhere again). */
  adopt(table: AtomTable): void {
    if (this.table.size > 0) throw new Error('AtomCollector.adopt: atoms gathered already');
    this.table = table;
    this.lastFrom = undefined;
    this.lastRemap = undefined;
  }

  /** Makes room for `atoms` atoms (an upper bound: the columns are not copied while they come). */
  reserve(atoms: number): void {
    this.table.reserve(atoms);
  }

  /** The atoms gathered, in atom order; the collector is done. */
  result(): AtomRows {
    this.lastFrom = undefined;
    this.lastRemap = undefined;
    return orderedRows(this.table);
  }

  private addRow(from: AtomTable, r: number): void {
    if (from !== this.lastFrom) {
      this.lastFrom = from;
      this.lastRemap = this.table.remapFrom(from);
    }
    this.table.copyRow(from, r, this.lastRemap!, rowRecord);
  }
}

/**
 * Merges summaries (per piece, per thread, per machine): associative and
 * commutative; atoms and unknown records by place, as one reader of all the
 * records in place order would give them. Inputs are not modified: their
 * rows are copied into a new table, families, texts and files re-keyed by
 * name.
 */
export function mergeReviewSummaries(...summaries: ReviewSummary[]): ReviewSummary {
  const atoms = new AtomCollector();
  atoms.reserve(summaries.reduce((n, s) => n + atomList(s.atoms).length, 0));
  return mergedInto(atoms, summaries);
}

/**
 * As `mergeReviewSummaries`, but the last summary's table (a shard's, not
 * used again) is taken over and the others' rows counted into it: no copy
 * of its rows, and its blocks are not held twice. The last: the parallel
 * readers' later shards come from worker threads, whose memory this thread
 * does not reuse once they have ended, while the blocks of a table this
 * thread made are given back as they are counted in and reused for the
 * rows that come (docs/performance.md). Same result: the atoms of two
 * shards merge alike in either order, and the rows are ordered by place at
 * the end, whatever their ids (runs merged: `orderedRows`).
 */
export function mergeOwnedReviewSummaries(summaries: ReviewSummary[]): ReviewSummary {
  const atoms = new AtomCollector();
  const k = summaries.length - 1;
  const last = k < 0 ? undefined : atomList(summaries[k]!.atoms);
  if (last instanceof AtomRows) atoms.adopt(last.table);
  atoms.reserve(summaries.reduce((n, s) => n + atomList(s.atoms).length, 0));
  return mergedInto(atoms, summaries, last instanceof AtomRows ? k : -1, true);
}

/**
 * Counts `summaries` (but the `taken`th's atoms: they are in `atoms`
 * already) into one; `owned`: their tables are not read again (given back
 * block by block as they are counted in).
 */
function mergedInto(
  atoms: AtomCollector,
  summaries: ReviewSummary[],
  taken = -1,
  owned = false,
): ReviewSummary {
  const out = emptyReviewSummary();
  summaries.forEach((s, i) => {
    if (i !== taken) atoms.addList(s.atoms, owned);
    out.events += s.events;
    out.failures += s.failures;
    out.successes += s.successes;
    out.unknownCount += s.unknownCount;
    for (const u of s.unknown) out.unknown.push(u);
  });
  out.atoms = atoms.result();
  out.unknown.sort(unknownOrder);
  if (out.unknown.length > MAX_UNKNOWN) out.unknown.length = MAX_UNKNOWN;
  return out;
}
