/**
 * The review scan: every trace event judged against one policy model, for
 * `check`, `explain` and `harden`. Events are grouped by what was asked
 * (type, process, kind, object, value, domain) and each distinct group is
 * evaluated once, so a gigabyte trace of repeats costs one evaluation per
 * distinct access. Records the grants each allowed event used (harden's
 * "unused" view) and keeps records of unknown form, bounded, for the caller to
 * report. Does not read files or print: the CLI streams events in.
 */
import type { ProcessEvent, TraceEvent, TracePosition, UnknownEvent } from '../trace/event';
import { argumentValueText } from '../trace/event-text';
import type { PolicyModel } from '../policy/model/types';
import { evaluate, type Verdict } from '../policy/evaluate';
import { normaliseAbilityName } from '../qnx/abilities';

/** How many trace places each group lists; the rest are counted. */
export const MAX_GROUP_PLACES = 8;

/** How many records of an unknown form are kept; the rest are counted. */
export const MAX_UNKNOWN = 1000;

/** All records asking for the same access, and the policy's verdict on it. */
export interface EventGroup {
  key: string;
  /** The earliest record of the group (files in the order read, then line). */
  event: ProcessEvent;
  /** `ability`: the policy name; `connect`/`settypeid` keep `ability`; paths: the path. */
  object: string;
  failures: number;
  successes: number;
  /** The first places of denied records (at most MAX_GROUP_PLACES). */
  failurePlaces: TracePosition[];
  verdict: Verdict;
}

/** What a scan found. */
export interface TraceReview {
  /** Distinct accesses, in the order first seen. */
  groups: EventGroup[];
  events: number;
  failures: number;
  successes: number;
  /** Records of an unknown form (first MAX_UNKNOWN). */
  unknown: UnknownEvent[];
  unknownCount: number;
  /**
   * Grants that allowed (or, for path rules with a file-type prefix, may have allowed) at
   * least one record: `file:line:column` of the rule or item. Every grant a merged subrange
   * needed counts.
   */
  used: Set<string>;
}

/** The key of a grant's origin, as `used` holds it. */
export function placeKey(p: { file: string; line: number; column: number }): string {
  return `${p.file}:${p.line}:${p.column}`;
}

/** The object of an event: the policy ability name or the path. */
export function eventObject(e: ProcessEvent): string {
  return e.kind === 'ability' ? normaliseAbilityName(e.ability.policyName) : e.path;
}

/** The value an ability event checked, as text (`15`, `1-5`, `1 (fs_t)`), or `''`. */
export function argumentText(e: ProcessEvent): string {
  return e.kind === 'ability' ? argumentValueText(e.argument) : '';
}

function groupKey(e: ProcessEvent): string {
  const domain = e.kind === 'ability' ? e.domain : '';
  // NUL cannot occur in a parsed record, so keys of different accesses never collide.
  return [e.securityType, e.process, e.kind, eventObject(e), argumentText(e), domain].join('\0');
}

/** Accumulates events into a TraceReview; `add` is O(1) amortised per event after the first of a group. */
export class TraceReviewer {
  private readonly groups = new Map<string, EventGroup>();
  private readonly review: TraceReview = {
    groups: [],
    events: 0,
    failures: 0,
    successes: 0,
    unknown: [],
    unknownCount: 0,
    used: new Set(),
  };

  constructor(private readonly model: PolicyModel) {}

  /** Judges one event (or counts a record of unknown form); returns its group (none for an unknown form). */
  add(e: TraceEvent): EventGroup | undefined {
    if (e.kind === 'unknown') {
      this.review.unknownCount++;
      if (this.review.unknown.length < MAX_UNKNOWN) this.review.unknown.push(e);
      return undefined;
    }
    this.review.events++;
    const key = groupKey(e);
    let g = this.groups.get(key);
    if (!g) {
      const verdict = evaluate(this.model, e);
      if (verdict.allowed) for (const r of verdict.grants) this.review.used.add(placeKey(r));
      // A prefixed path rule that may have matched counts as used: harden must not remove it.
      for (const r of verdict.mayHaveAllowed ?? []) this.review.used.add(placeKey(r));
      g = {
        key,
        event: e,
        object: eventObject(e),
        failures: 0,
        successes: 0,
        failurePlaces: [],
        verdict,
      };
      this.groups.set(key, g);
      this.review.groups.push(g);
    }
    if (e.severity === 'error') {
      g.failures++;
      this.review.failures++;
      // The first place as a one-slot array: a first `push` into an empty array reserves 17.
      if (g.failurePlaces.length === 0) g.failurePlaces = [e.position];
      else if (g.failurePlaces.length < MAX_GROUP_PLACES) g.failurePlaces.push(e.position);
    } else {
      g.successes++;
      this.review.successes++;
    }
    return g;
  }

  /** The result so far. */
  result(): TraceReview {
    return this.review;
  }
}

/** Scans a finite list of events (tests, library callers). */
export function reviewEvents(model: PolicyModel, events: Iterable<TraceEvent>): TraceReview {
  const r = new TraceReviewer(model);
  for (const e of events) r.add(e);
  return r.result();
}

/** Processes that created or tried to create links: `ln`, and any name seen in a link record. */
export function linkers(review: TraceReview): Set<string> {
  const out = new Set<string>();
  for (const g of review.groups) if (g.event.kind === 'link') out.add(g.event.process);
  return out;
}

/**
 * True when a denied "attach" is allowed as a link: the monitor words a failed
 * link like a failed attach (the seed's `ln` record), so an attach failure of
 * a linking process (`ln`, or seen creating links) that an `allow_link` rule
 * matches is covered — the same reading `suggest` uses to emit `allow_link`
 * (docs/inference.md), so a policy patched by `suggest` passes `check`.
 */
export function coveredAsLink(g: EventGroup, linking: Set<string>): boolean {
  if (g.verdict.allowed || g.verdict.reason !== 'attach-vs-link' || g.event.kind !== 'attach')
    return false;
  const p = g.event.process;
  return p === 'ln' || p.endsWith('/ln') || linking.has(p);
}

/** The failure groups the policy does not allow, in the order first seen. */
export function uncoveredGroups(review: TraceReview): EventGroup[] {
  const linking = linkers(review);
  return review.groups.filter(
    (g) => g.failures > 0 && !g.verdict.allowed && !coveredAsLink(g, linking),
  );
}

/** What an event asked for, in policy words: `interrupt(14) as root`, `attach /dev/ser1`. */
export function describeAccess(e: ProcessEvent): string {
  if (e.kind !== 'ability') return `${e.kind} ${e.path}`;
  const v = argumentText(e);
  return `${normaliseAbilityName(e.ability.policyName)}${v ? `(${v})` : ''} as ${e.domain}`;
}
