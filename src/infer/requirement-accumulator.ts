/**
 * The streaming form of `inferRequirements`: `add(event)` for each event of
 * a trace, then `result()` once. Equal to folding `mergeRequirement` over
 * `toRequirement` of every event (property-tested), at a cost per event of
 * three Map lookups on interned names and a few compares:
 *
 * - atoms are found through nested Maps (type → process → slot → object),
 *   so no key string is built per event (the key is built once per atom);
 * - an event whose atom exists has its keyed fields validated already: only
 *   the pid, the values and a type id's name are checked;
 * - ability values are kept as numbers (value-set.ts) and turned into
 *   decimal strings once, in `result()` (or handed over as numbers for a merge of shards:
 *   `takeValues`).
 *
 * Memory grows with distinct requirements, never with events: each atom keeps
 * counts, at most MAX_LISTED pids, three positions and merged value intervals.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import type {
  AbilityDomain,
  AbilityEvent,
  ProcessEvent,
  TracePosition,
  TraceEvent,
} from '../trace/event';
import { ADDRESS_VALUED } from './ability-values';
import type { InferOptions, InferResult } from './infer-result';
import {
  MAX_LISTED,
  comparePositions,
  emptyRequirementSet,
  mergeEvidence,
  requirementKey,
  type Evidence,
  type Requirement,
  type RequirementKind,
} from './requirement';
import { validateEvent, validateUnkeyedFields } from './validate-event';
import { ValueSet, toBound, type Bound, type RequirementValues } from './value-set';

/** `a > b` as strings, deciding on the first character when it differs (no string compare call). */
function sortsAfter(a: string, b: string): boolean {
  const ca = a.charCodeAt(0);
  const cb = b.charCodeAt(0);
  return ca !== cb ? ca > cb : a > b;
}

/** Slots of one (type, process): kind and domain. */
const enum Slot {
  AbilityRoot,
  AbilityNonRoot,
  ConnectRoot,
  ConnectNonRoot,
  SettypeidRoot,
  SettypeidNonRoot,
  Attach,
  Link,
}
const SLOTS = 8;
/** The atoms of one slot: one, or several by object. */
type SlotAtoms = Atom | Map<string, Atom> | undefined;
/** The atoms of one (type, process) by slot. */
type Slots = SlotAtoms[];
/** The atoms of one (type, process): one, or several by slot. */
type ProcessAtoms = Atom | Slots;

/** One requirement being accumulated; every field is always present (one hidden class). */
export class Atom {
  failures = 0;
  successes = 0;
  pids: string[];
  morePids = false;
  /** The last of `pids` once the list is full: kept here, one load from the fast lane. */
  private lastListed: string | undefined = undefined;
  first: TracePosition;
  /** The last place, as two fields: the fast lane adds records without a position object. */
  private lastFile: string;
  private lastLine: number;
  sample: string;
  firstFailure: TracePosition | undefined = undefined;
  /** `ability` atoms: values seen, and values denied. */
  values: ValueSet | undefined = undefined;
  denied: ValueSet | undefined = undefined;
  /** `ability` atoms of an address-valued ability: every check counts as the whole ability. */
  wholeOnly = false;
  unfixable: string | undefined = undefined;
  wordedAttach = false;

  constructor(
    readonly kind: RequirementKind,
    /** Its slot (kind and domain) in the accumulator's index. */
    readonly slot: Slot,
    readonly type: string,
    readonly process: string,
    readonly domain: AbilityDomain | undefined,
    readonly object: string,
    e: ProcessEvent,
  ) {
    this.pids = [e.pid];
    this.first = e.position;
    this.lastFile = e.position.file;
    this.lastLine = e.position.line;
    this.sample = e.record;
    if (e.severity === 'error') {
      this.failures = 1;
      this.firstFailure = e.position;
    } else this.successes = 1;
    if (kind === 'ability') {
      this.values = new ValueSet();
      this.denied = new ValueSet();
      this.wholeOnly = ADDRESS_VALUED.has(object);
    }
    this.addDetails(e);
  }

  /** Adds a later event with the same key. */
  add(e: ProcessEvent): void {
    const p = e.position;
    const c = comparePositions(p, this.first);
    if (c < 0 || (c === 0 && e.record < this.sample)) {
      this.first = p;
      this.sample = e.record;
    }
    this.addSeen(e.severity === 'error', e.pid, p.file, p.line);
    this.addDetails(e);
  }

  /**
   * The part of `add` that needs no record text: the counts, the pid, the last
   * and first-failure positions. Alone, only for a position after `first` (the
   * fast lane checks). `pid` undefined: the list is full and the pid sorts
   * after its last (`lastListedPid`), so it only sets `morePids`.
   */
  addSeen(failed: boolean, pid: string | undefined, file: string, line: number): void {
    if (failed) this.failures++;
    else this.successes++;
    const pids = this.pids;
    // Common case in long traces: the list is full and this pid sorts after it, so it cannot be
    // listed. Most such pids differ from the last listed one in the first character already.
    if (pid === undefined || (pids.length >= MAX_LISTED && sortsAfter(pid, pids[pids.length - 1]!)))
      this.morePids = true;
    else {
      // Inserted in order (the list is sorted, as `sort()` sorts strings), unless listed already.
      let i = pids.length;
      while (i > 0 && pids[i - 1]! > pid) i--;
      if (i > 0 && pids[i - 1] === pid) {
        // Listed already.
      } else if (i < MAX_LISTED) {
        pids.splice(i, 0, pid);
        if (pids.length > MAX_LISTED) {
          pids.length = MAX_LISTED;
          this.morePids = true;
        }
        if (pids.length === MAX_LISTED) this.lastListed = pids[MAX_LISTED - 1];
      } else this.morePids = true;
    }
    // Positions arrive in order within a file: the same file as the last is a number compare.
    if (file === this.lastFile ? line > this.lastLine : file > this.lastFile) {
      this.lastFile = file;
      this.lastLine = line;
    }
    const ff = this.firstFailure;
    if (failed && (!ff || (file === ff.file ? line < ff.line : file < ff.file)))
      this.firstFailure = { file, line };
  }

  /** The last listed pid when the list is full (a later pid sorting after it is not listed). */
  lastListedPid(): string | undefined {
    return this.lastListed;
  }

  /** Values (abilities) and failure reasons (paths) of one event. */
  private addDetails(e: ProcessEvent): void {
    if (this.values !== undefined) {
      const a = (e as AbilityEvent).argument;
      const failed = e.severity === 'error';
      if (a.kind === 'none' || a.kind === 'type-id' || !this.needsBounds(failed))
        this.addValues(failed, undefined, undefined);
      else if (a.kind === 'value') this.addValues(failed, toBound(a.value), undefined);
      else this.addValues(failed, toBound(a.start), toBound(a.end));
      return;
    }
    if (e.kind === 'ability' || !e.failure) return;
    if (
      e.failure.code !== 'no-rule' &&
      (this.unfixable === undefined || e.failure.reason < this.unfixable)
    ) {
      this.unfixable = e.failure.reason;
    }
    if (e.kind === 'attach') this.wordedAttach = true;
  }

  /** False when a check's values could change nothing but wholeness (`ability` atoms only): no need to read them. */
  needsBounds(failed: boolean): boolean {
    return !this.wholeOnly && (!this.values!.whole || (failed && !this.denied!.whole));
  }

  /**
   * An ability check's values (`ability` atoms only): [start, end] in either
   * order, `end` undefined for one value, `start` undefined for every value
   * (no argument, a type id, or an address-valued ability).
   */
  addValues(failed: boolean, start: Bound | undefined, end: Bound | undefined): void {
    const values = this.values!;
    const denied = this.denied!;
    // Once the whole ability was seen (and denied), further values change nothing.
    if (values.whole && (!failed || denied.whole)) return;
    if (start === undefined || this.wholeOnly) {
      values.addWhole();
      if (failed) denied.addWhole();
      return;
    }
    if (end === undefined) end = start;
    else if (end < start) [start, end] = [end, start];
    values.add(start, end);
    if (failed) denied.add(start, end);
  }

  /**
   * The requirement, with fields in the order `toRequirement` gives them (JSON
   * output is diffed). `handOver`: the atom is dropped after this, so its pid
   * list is given rather than copied. The last place is the first's object
   * when they are the same place (positions are shared, never changed in place
   * but by read-parallel's line shift, which shifts each object once). `values` (with
   * `handOver`): an `ability` atom's values are handed over there as numbers, its ranges left
   * empty (RequirementValues).
   */
  requirement(handOver = false, values?: RequirementValues): Requirement {
    const first = this.first;
    const pids = handOver ? this.pids : [...this.pids];
    const last =
      first.line === this.lastLine && first.file === this.lastFile
        ? first
        : { file: this.lastFile, line: this.lastLine };
    // One object literal per shape, no spread: built with spreads, every requirement got a
    // hidden class of its own (docs/performance.md). Nor a field added afterwards: it goes
    // to a property array of its own.
    const { failures, successes, morePids, sample, firstFailure } = this;
    const evidence: Evidence = firstFailure
      ? { failures, successes, pids, morePids, first, last, sample, firstFailure }
      : { failures, successes, pids, morePids, first, last, sample };
    const key = requirementKey(this);
    if (values && this.values !== undefined)
      values.set(key, { values: this.values, denied: this.denied! });
    if (this.kind === 'attach' || this.kind === 'link') {
      const { type, process, kind, object, unfixable } = this;
      if (unfixable !== undefined)
        return this.wordedAttach
          ? { type, process, evidence, kind, object, key, unfixable, wordedAttach: true }
          : { type, process, evidence, kind, object, key, unfixable };
      return this.wordedAttach
        ? { type, process, evidence, kind, object, key, wordedAttach: true }
        : { type, process, evidence, kind, object, key };
    }
    if (this.values === undefined) {
      return {
        type: this.type,
        process: this.process,
        evidence,
        kind: this.kind,
        domain: this.domain!,
        object: this.object,
        key,
      };
    }
    return {
      type: this.type,
      process: this.process,
      evidence,
      kind: this.kind,
      domain: this.domain!,
      object: this.object,
      key,
      whole: this.values.whole,
      ranges: values ? [] : this.values.ranges(),
      deniedWhole: this.denied!.whole,
      deniedRanges: values ? [] : this.denied!.ranges(),
    };
  }
}

/** Accumulates events into requirements; one per trace read (or per shard). */
export class RequirementAccumulator {
  /** type → process → slots → object → atom, each level held as one atom while it has one. */
  private readonly index = new Map<string, Map<string, ProcessAtoms>>();
  private readonly atoms: Atom[] = [];
  private readonly linkers = new Set<string>();
  private readonly attachers = new Set<string>();
  private readonly untyped = new Map<string, Evidence>();
  private readonly refused: Diagnostic[] = [];
  private readonly maxDiagnostics: number;
  // What the fast lane (fast-lane.ts) reads to learn what one record did: events added to an
  // atom and the atom of the last one; records refused and the last refusal; unknown records.
  added = 0;
  lastAtom: Atom | undefined = undefined;
  refusedCount = 0;
  lastRefusal: Diagnostic | undefined = undefined;
  unknownCount = 0;

  constructor(options: InferOptions = {}) {
    this.maxDiagnostics = options.maxDiagnostics ?? 100;
  }

  /** Adds one event: an unknown one is counted, a refused one warned about, the rest accumulated. */
  add(e: TraceEvent): void {
    // The parser read some of its characters as `?` and reported the line once (event.ts
    // AlteredMark): never learned, and not reported or counted a second time here.
    if (e.altered) return;
    if (e.kind === 'unknown') {
      this.countUnknown();
      return;
    }
    if (e.securityType === '-') {
      this.addUntyped(e);
      return;
    }
    let slot: Slot;
    let object: string;
    let kind: RequirementKind;
    if (e.kind === 'ability') {
      const a = e.argument;
      const n = e.ability.policyName;
      const root = e.domain === 'root';
      if (a.kind === 'type-id' && (n === 'settypeid' || n === 'channel_connect')) {
        object = a.typeName;
        if (n === 'settypeid') {
          kind = 'settypeid';
          slot = root ? Slot.SettypeidRoot : Slot.SettypeidNonRoot;
        } else {
          kind = 'connect';
          slot = root ? Slot.ConnectRoot : Slot.ConnectNonRoot;
        }
      } else {
        object = n;
        kind = 'ability';
        slot = root ? Slot.AbilityRoot : Slot.AbilityNonRoot;
      }
    } else {
      object = e.path;
      kind = e.kind;
      slot = e.kind === 'attach' ? Slot.Attach : Slot.Link;
    }
    let byProcess = this.index.get(e.securityType);
    if (byProcess === undefined) {
      byProcess = new Map();
      this.index.set(e.securityType, byProcess);
    }
    // The first atom of a process, and of a slot, is held alone: a trace of distinct failures
    // has mostly one atom per (type, process), and a slot array and a Map each cost more than it.
    const held = byProcess.get(e.process);
    let atom: Atom | undefined;
    if (held instanceof Atom)
      atom = held.slot === slot && held.object === object ? held : undefined;
    else if (held !== undefined) {
      const inSlot = held[slot];
      if (inSlot instanceof Atom) atom = inSlot.object === object ? inSlot : undefined;
      else if (inSlot !== undefined) atom = inSlot.get(object);
    }
    // An atom's keyed fields were validated when it was made: only the unkeyed ones (pid, values, a type id's name) are checked.
    const refusal = atom ? validateUnkeyedFields(e) : validateEvent(e);
    if (refusal) {
      this.refuse(refusal);
      return;
    }
    if (e.kind === 'link') this.linkers.add(e.process);
    else if (e.kind === 'attach' && !e.failure) this.attachers.add(e.process);
    if (atom) atom.add(e);
    else {
      const domain = e.kind === 'ability' ? e.domain : undefined;
      const made = new Atom(kind, slot, e.securityType, e.process, domain, object, e);
      this.hold(byProcess, made);
      this.atoms.push(made);
    }
    this.added++;
    this.lastAtom = atom ?? this.atoms[this.atoms.length - 1]!;
  }

  /** Puts a new atom in the index of its type: alone, in its slot, or in its slot's Map. */
  private hold(byProcess: Map<string, ProcessAtoms>, made: Atom): void {
    const held = byProcess.get(made.process);
    if (held === undefined) {
      byProcess.set(made.process, made);
      return;
    }
    let slots: Slots;
    if (held instanceof Atom) {
      slots = new Array<SlotAtoms>(SLOTS).fill(undefined);
      slots[held.slot] = held;
      byProcess.set(made.process, slots);
    } else slots = held;
    const inSlot = slots[made.slot];
    if (inSlot === undefined) slots[made.slot] = made;
    else if (inSlot instanceof Atom)
      slots[made.slot] = new Map([
        [inSlot.object, inSlot],
        [made.object, made],
      ]);
    else inSlot.set(made.object, made);
  }

  /** The inference result so far (a snapshot: later `add`s do not change it). */
  result(): InferResult {
    return this.build(false);
  }

  /**
   * The inference result, handing the atoms over: each is released as soon as
   * its requirement is built, so an atom and its requirement are not both held
   * for every distinct requirement at once (the peak of a trace of distinct
   * failures). The accumulator holds no requirement afterwards (its counts
   * stay); for a learner's last call.
   */
  take(): InferResult {
    return this.build(true);
  }

  /**
   * `take`, the ability requirements' values handed over into `values` as numbers, their
   * ranges left empty: for a shard of a merge (mergeShards makes the strings once merged).
   */
  takeValues(values: RequirementValues): InferResult {
    return this.build(true, values);
  }

  private build(release: boolean, values?: RequirementValues): InferResult {
    const requirements = emptyRequirementSet();
    const atoms: Array<Atom | undefined> = this.atoms;
    if (release) {
      this.index.clear();
      this.lastAtom = undefined;
    }
    for (let i = 0; i < atoms.length; i++) {
      const r = atoms[i]!.requirement(release, values);
      if (release) atoms[i] = undefined;
      requirements.byKey.set(r.key, r);
    }
    if (release) atoms.length = 0;
    for (const p of this.linkers) requirements.linkers.add(p);
    for (const p of this.attachers) requirements.attachers.add(p);
    return {
      requirements,
      untyped: new Map(this.untyped),
      refused: [...this.refused],
      refusedCount: this.refusedCount,
      unknownCount: this.unknownCount,
    };
  }

  /** Events of the unnamed type id 0 (`-`): no rule, only the process and its evidence, for review. */
  private addUntyped(e: ProcessEvent): void {
    const refusal = validateEvent(e);
    if (refusal) {
      this.refuse(refusal);
      return;
    }
    if (e.kind === 'link') this.linkers.add(e.process);
    else if (e.kind === 'attach' && !e.failure) this.attachers.add(e.process);
    const failed = e.severity === 'error';
    const ev: Evidence = {
      failures: failed ? 1 : 0,
      successes: failed ? 0 : 1,
      pids: [e.pid],
      morePids: false,
      first: e.position,
      last: e.position,
      sample: e.record,
    };
    if (failed) ev.firstFailure = e.position;
    const had = this.untyped.get(e.process);
    this.untyped.set(e.process, had ? mergeEvidence(had, ev) : ev);
  }

  /** Counts a record of unknown form (the fast lane's way in: no event). */
  countUnknown(): void {
    this.unknownCount++;
  }

  /**
   * Refuses a record at `position` for the reason `like` gave (the fast
   * lane's way in: a record whose fields are those of a refused one).
   */
  refuseAgain(like: Diagnostic, position: TracePosition): void {
    this.refusedCount++;
    if (this.refused.length < this.maxDiagnostics) {
      this.refused.push({ ...like, file: position.file, line: position.line });
    }
  }

  private refuse(refusal: Diagnostic): void {
    this.refusedCount++;
    this.lastRefusal = refusal;
    if (this.refused.length < this.maxDiagnostics) this.refused.push(refusal);
  }
}
