/**
 * secpolmonitor's options applied to a recorded trace (reference §1.1): which
 * events a live `secpolmonitor -acnpqrsuvO -f -i -S` would have shown.
 *
 * Only ability checks are deduplicated: the secpolmonitor page describes `-r`
 * as "notify repeated ability checks, not just the first", and `-i` as
 * re-reporting abilities; nothing it says removes repeated path events, so
 * every attach and link event is shown.
 *
 * Streaming and pure apart from its dedup memory, which grows with distinct
 * (process, ability check) pairs, not lines, and is bounded: past `maxRemembered`
 * pairs the oldest quarter is forgotten, so a later repeat of those checks is
 * shown again. secpolmonitor forgets a process when it exits; a recorded
 * trace does not say when that was, so the oldest go first. Output only grows
 * by this, never loses an event. Does not parse or print: see trace/.
 */
import type { AbilityArgument, TraceEvent } from '../trace/event';
import { KeyMemory } from './key-memory';

/** secpolmonitor options, as booleans and lists. */
export interface MonitorOptions {
  /** `-a`: ability events. With neither `-a` nor `-p`, both kinds. */
  abilities?: boolean;
  /** `-p`: path-space (attach/link) events. */
  paths?: boolean;
  /** `-s`: successes (`info:`) too; by default failures only. */
  successes?: boolean;
  /** `-f NAME`: only these processes (full name or basename). */
  names?: readonly string[];
  /** `-c`: processes of the same name count as one for dedup. */
  combine?: boolean;
  /** `-n`: include unnamed processes (process `''`). */
  unnamed?: boolean;
  /** `-r`: every repeated ability check, not only the first (path events are never removed as repeats). */
  repeats?: boolean;
  /** `-i SECONDS`: re-report a check used later than SECONDS after the process's first event. */
  interval?: number;
  /** `-S ABILITY`: dynamic abilities whose argument is part of their identity. */
  ranged?: readonly string[];
  /** `-u`, `-q`, `-O`: show records of unknown form (their kinds cannot be told apart). */
  unregistered?: boolean;
  qnet?: boolean;
  opens?: boolean;
}

/** Counts of what the filter did, for the summary. */
export interface MonitorStats {
  seen: number;
  shown: number;
  /** Dropped as repeats of an earlier check. */
  repeats: number;
  /** Unknown-form records hidden because none of -u/-q/-O was given. */
  unknownHidden: number;
  /** True when `-i` was given but an event carried no time. */
  missingTimes: boolean;
  /** (process, check) pairs dropped from the dedup memory to stay within `maxRemembered`. */
  forgotten: number;
}

/** Default bound of the dedup memory, in (process, check) pairs: 176 MB peak over 10M lines of random pids (docs/performance.md). */
export const MAX_REMEMBERED = 100_000;

/** A stateful filter: `accept(event)` says whether secpolmonitor would print it. */
export class MonitorFilter {
  readonly stats: MonitorStats = {
    seen: 0,
    shown: 0,
    repeats: 0,
    unknownHidden: 0,
    missingTimes: false,
    forgotten: 0,
  };
  /**
   * (process, check) pairs seen, oldest first, as keys of numbers from the two
   * id maps: one number `(PROCESS * maxIds + CHECK) * PID_LIMIT + PID` when the
   * pid is a canonical decimal under PID_LIMIT (no string built or hashed per
   * record), else the text `PROCESS:CHECK:PID`; a pair always gets the same one
   * of the two forms, and a number never equals a string, so the keys are as
   * distinct as the pairs. With `-c`, `PROCESS * maxIds + CHECK`. Held
   * in typed arrays, not a Set (./key-memory.ts).
   */
  private readonly seen = new KeyMemory();
  /**
   * Check ids by the check's parts, one level each (severity, security type,
   * ability, domain, then the argument's parts by its kind), a tree for each
   * `-i` phase: the first four are the parser's interned strings, whose
   * hashes V8 keeps, and the argument's parts are its own strings, so no
   * check text is built or hashed per record. The same ids as a map of the
   * check's text (the argument as `argumentText` prints it, then the phase):
   * on the arguments the trace stage makes, whose numbers are canonical
   * decimals and type names identifiers, equal parts are equal texts.
   */
  private checkIds: CheckTree = new Map();
  private lateCheckIds: CheckTree = new Map();
  private checkCount = 0;
  private readonly processIds = new Map<string, number>();
  private readonly firstTime = new Map<string, number>();
  private readonly names: Set<string> | undefined;
  private readonly ranged: Set<string>;
  private readonly maxRemembered: number;
  /** The bound of each id map (checks, processes): a tenth of `maxRemembered`. */
  private readonly maxIds: number;
  /** True when every numeric key is an exact integer (the bound is not huge). */
  private readonly numericKeys: boolean;

  /** `maxRemembered`: the dedup memory's bound in (process, check) pairs (tests make it small). */
  constructor(
    private readonly options: MonitorOptions = {},
    maxRemembered = MAX_REMEMBERED,
  ) {
    this.names = options.names && options.names.length > 0 ? new Set(options.names) : undefined;
    this.ranged = new Set(options.ranged ?? []);
    this.maxRemembered = Math.max(1, maxRemembered);
    this.maxIds = Math.max(16, Math.floor(this.maxRemembered / 10));
    this.numericKeys = this.maxIds * this.maxIds * PID_LIMIT <= Number.MAX_SAFE_INTEGER;
  }

  /** True when the event passes the options (and records it for dedup). */
  accept(e: TraceEvent): boolean {
    this.stats.seen++;
    const o = this.options;
    if (e.kind === 'unknown') {
      if (!(o.unregistered || o.qnet || o.opens)) {
        this.stats.unknownHidden++;
        return false;
      }
      if (e.severity === 'info' && !o.successes) return false;
      if (!this.nameMatches(e.process ?? '')) return false;
      this.stats.shown++;
      return true;
    }
    const both = !o.abilities && !o.paths;
    if (e.kind === 'ability' ? !(both || o.abilities) : !(both || o.paths)) return false;
    if (e.severity === 'info' && !o.successes) return false;
    if (e.process === '' && !o.unnamed) return false;
    if (!this.nameMatches(e.process)) return false;
    // Repeats are removed among ability checks only (see the contract above).
    const dedup = !o.repeats && e.kind === 'ability';
    let late = false;
    // -i only changes what counts as a repeat: with -r nothing is, so no times are kept.
    if (o.interval !== undefined && dedup) {
      if (e.time === undefined) this.stats.missingTimes = true;
      else {
        const who = o.combine ? e.process : `${e.process}\0${e.pid}`;
        const first = this.firstTime.get(who);
        if (first === undefined) this.firstTime.set(who, e.time);
        else if (e.time - first > o.interval) late = true;
      }
    }
    if (dedup) {
      const key = this.dedupKey(e, late);
      if (!this.seen.add(key)) {
        this.stats.repeats++;
        return false;
      }
      if (this.seen.size > this.maxRemembered) {
        const drop = oldestQuarter(this.seen.size);
        this.seen.forgetOldest(drop);
        this.stats.forgotten += drop;
      }
      if (this.firstTime.size > this.maxRemembered) {
        // A process whose first time is forgotten could have a late check taken for a
        // repeat: forget every check too, so nothing is ever removed wrongly.
        forgetOldest(this.firstTime);
        this.forgetAll();
      }
    }
    this.stats.shown++;
    return true;
  }

  /** The dedup key of an ability event's (process, check); ids are dropped with the keys, never reused while a key holds them. */
  private dedupKey(e: Extract<TraceEvent, { kind: 'ability' }>, late: boolean): string | number {
    const maxIds = this.maxIds;
    if (this.checkCount >= maxIds || this.processIds.size >= maxIds) this.forgetAll();
    const a = e.ability;
    const withArg = !a.dynamic || this.ranged.has(a.policyName) || this.ranged.has(a.monitorName);
    const tree = late ? this.lateCheckIds : this.checkIds;
    const leaf = argumentIdsOf(
      level(level(level(tree, e.severity), e.securityType), a.policyName),
      e.domain,
    );
    const c = this.argumentId(leaf, withArg ? e.argument : NO_ARGUMENT);
    let p = this.processIds.get(e.process);
    if (p === undefined) {
      p = this.processIds.size;
      this.processIds.set(e.process, p);
    }
    if (!this.numericKeys) return this.options.combine ? `${p}:${c}` : `${p}:${c}:${e.pid}`;
    const pair = p * maxIds + c;
    if (this.options.combine) return pair;
    const pid = pidNumber(e.pid);
    return pid >= 0 ? pair * PID_LIMIT + pid : `${p}:${c}:${e.pid}`;
  }

  /** The check id of `argument` under `ids`: its own, or a new one. */
  private argumentId(ids: ArgumentIds, argument: AbilityArgument): number {
    switch (argument.kind) {
      case 'none':
        if (ids.none < 0) ids.none = this.checkCount++;
        return ids.none;
      case 'value':
        return this.idUnder((ids.values ??= new Map()), argument.value);
      case 'range':
        return this.idUnder(level((ids.ranges ??= new Map()), argument.start), argument.end);
      case 'type-id':
        return this.idUnder(
          level((ids.typeIds ??= new Map()), argument.typeName),
          argument.value ?? NO_VALUE,
        );
    }
  }

  private idUnder(ids: Map<string, number>, key: string): number {
    let c = ids.get(key);
    if (c === undefined) {
      c = this.checkCount++;
      ids.set(key, c);
    }
    return c;
  }

  /** Forgets every check (shown again if repeated): the ids start over. */
  private forgetAll(): void {
    this.stats.forgotten += this.seen.size;
    this.seen.clear();
    this.checkIds = new Map();
    this.lateCheckIds = new Map();
    this.checkCount = 0;
    this.processIds.clear();
  }

  private nameMatches(process: string): boolean {
    if (this.names === undefined) return true;
    if (this.names.has(process)) return true;
    const slash = process.lastIndexOf('/');
    return slash >= 0 && this.names.has(process.slice(slash + 1));
  }
}

/** Pids below this are part of a numeric dedup key (QNX pids seen in traces are far below it). */
const PID_LIMIT = 1 << 26;

/** A pid text as a number when it is canonical decimal (no sign, no leading zero) below PID_LIMIT; else -1. */
function pidNumber(pid: string): number {
  const n = pid.length;
  if (n === 0 || n > 8 || (n > 1 && pid.charCodeAt(0) === 48)) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = pid.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v < PID_LIMIT ? v : -1;
}

/** How many of `size` remembered entries are forgotten at once: the oldest quarter, at least one. */
function oldestQuarter(size: number): number {
  return Math.max(1, Math.floor(size / 4));
}

/** Drops the oldest quarter of a Map's entries (insertion order). */
function forgetOldest<K>(memory: Map<K, number>): void {
  const drop = oldestQuarter(memory.size);
  let dropped = 0;
  for (const key of memory.keys()) {
    if (dropped === drop) break;
    memory.delete(key);
    dropped++;
  }
}

/**
 * The identity of an ability check, what `-r` off collapses, level by level
 * (a dynamic ability's argument counts only with `-S`), down to its argument's
 * ids: see ArgumentIds.
 */
type CheckTree = Map<string, Map<string, Map<string, Map<string, ArgumentIds>>>>;

/**
 * Check ids of one (severity, type, ability, domain) by the argument's parts:
 * kind `none` in `none` (-1 until it has one); `value` by its value in
 * `values`; `range` by its start in `ranges`, then its end; `type-id` by its
 * type name in `typeIds`, then its value (NO_VALUE when it has none).
 */
interface ArgumentIds {
  none: number;
  values: Map<string, number> | undefined;
  ranges: Map<string, Map<string, number>> | undefined;
  typeIds: Map<string, Map<string, number>> | undefined;
}

/** A type id's value when it has none: no value is this text (values are decimals). */
const NO_VALUE = '-';

/** The argument every check has when its argument does not count (a dynamic ability without `-S`). */
const NO_ARGUMENT: AbilityArgument = { kind: 'none' };

/** The argument ids under `domain` in `tree`, made when missing. */
function argumentIdsOf(tree: Map<string, ArgumentIds>, domain: string): ArgumentIds {
  let ids = tree.get(domain);
  if (ids === undefined) {
    ids = { none: -1, values: undefined, ranges: undefined, typeIds: undefined };
    tree.set(domain, ids);
  }
  return ids;
}

/** The map under `key` in `tree`, made when missing. */
function level<V>(tree: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let sub = tree.get(key);
  if (sub === undefined) {
    sub = new Map();
    tree.set(key, sub);
  }
  return sub;
}

/** Streams the events of `events` that pass `options`; the filter's stats are returned at the end. */
export async function* applyMonitorOptions(
  events: AsyncIterable<TraceEvent>,
  options: MonitorOptions,
): AsyncGenerator<TraceEvent, MonitorStats, undefined> {
  const filter = new MonitorFilter(options);
  for await (const e of events) if (filter.accept(e)) yield e;
  return filter.stats;
}
