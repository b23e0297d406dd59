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
import type { TraceEvent } from '../trace/event';
import { argumentText } from '../trace/event-text';

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
   * (process, check) pairs seen, oldest first, as short keys `PROCESS:CHECK[:PID]`
   * of numbers from the two id maps: about 60 bytes each instead of 300 for the
   * full text, and short-lived enough that V8 collects the forgotten ones early.
   */
  private readonly seen = new Set<string>();
  private readonly checkIds = new Map<string, number>();
  private readonly processIds = new Map<string, number>();
  private readonly firstTime = new Map<string, number>();
  private readonly names: Set<string> | undefined;
  private readonly ranged: Set<string>;
  private readonly maxRemembered: number;

  /** `maxRemembered`: the dedup memory's bound in (process, check) pairs (tests make it small). */
  constructor(
    private readonly options: MonitorOptions = {},
    maxRemembered = MAX_REMEMBERED,
  ) {
    this.names = options.names && options.names.length > 0 ? new Set(options.names) : undefined;
    this.ranged = new Set(options.ranged ?? []);
    this.maxRemembered = Math.max(1, maxRemembered);
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
    let phase = '';
    // -i only changes what counts as a repeat: with -r nothing is, so no times are kept.
    if (o.interval !== undefined && dedup) {
      if (e.time === undefined) this.stats.missingTimes = true;
      else {
        const who = o.combine ? e.process : `${e.process}\0${e.pid}`;
        const first = this.firstTime.get(who);
        if (first === undefined) this.firstTime.set(who, e.time);
        else if (e.time - first > o.interval) phase = '\0late';
      }
    }
    if (dedup) {
      const key = this.dedupKey(e, phase);
      if (this.seen.has(key)) {
        this.stats.repeats++;
        return false;
      }
      this.seen.add(key);
      if (this.seen.size > this.maxRemembered) this.stats.forgotten += forgetOldest(this.seen);
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

  /** The short dedup key of an ability event's (process, check); ids are dropped with the keys, never reused while a key holds them. */
  private dedupKey(e: Extract<TraceEvent, { kind: 'ability' }>, phase: string): string {
    // The id maps hold full check texts (a few hundred bytes each): a tenth of the bound.
    const maxIds = Math.max(16, Math.floor(this.maxRemembered / 10));
    if (this.checkIds.size >= maxIds || this.processIds.size >= maxIds) this.forgetAll();
    const check = checkKey(e, this.ranged) + phase;
    let c = this.checkIds.get(check);
    if (c === undefined) {
      c = this.checkIds.size;
      this.checkIds.set(check, c);
    }
    let p = this.processIds.get(e.process);
    if (p === undefined) {
      p = this.processIds.size;
      this.processIds.set(e.process, p);
    }
    return this.options.combine ? `${p}:${c}` : `${p}:${c}:${e.pid}`;
  }

  /** Forgets every check (shown again if repeated): the ids start over. */
  private forgetAll(): void {
    this.stats.forgotten += this.seen.size;
    this.seen.clear();
    this.checkIds.clear();
    this.processIds.clear();
  }

  private nameMatches(process: string): boolean {
    if (this.names === undefined) return true;
    if (this.names.has(process)) return true;
    const slash = process.lastIndexOf('/');
    return slash >= 0 && this.names.has(process.slice(slash + 1));
  }
}

/** Drops the oldest quarter of a Set's or Map's entries (insertion order); returns how many. */
function forgetOldest(memory: Set<string> | Map<string, number>): number {
  const drop = Math.max(1, Math.floor(memory.size / 4));
  let dropped = 0;
  for (const key of memory.keys()) {
    if (dropped === drop) break;
    memory.delete(key);
    dropped++;
  }
  return dropped;
}

/** The identity of an ability check: what `-r` off collapses. A dynamic ability's argument counts only with `-S`. */
function checkKey(e: Extract<TraceEvent, { kind: 'ability' }>, ranged: Set<string>): string {
  const a = e.ability;
  const withArg = !a.dynamic || ranged.has(a.policyName) || ranged.has(a.monitorName);
  return `${e.severity}\0${e.securityType}\0${a.policyName}\0${e.domain}\0${withArg ? argumentText(e.argument) : ''}`;
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
