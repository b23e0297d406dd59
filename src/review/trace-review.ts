/**
 * The review judgement: the review tally of the traces (src/infer/review-tally.ts,
 * counted on any number of threads and merged) judged against one policy model,
 * for `check`, `explain` and `harden`. Each atom (one distinct access) is
 * evaluated once; records the grants each allowed atom used (harden's "unused"
 * view). Does not read files or print: the CLI reads the traces into the tally.
 */
import type { ProcessEvent, TraceEvent, TracePosition, UnknownEvent } from '../trace/event';
import type { PolicyModel } from '../policy/model/types';
import { evaluate, type Verdict } from '../policy/evaluate';
import { normaliseAbilityName } from '../qnx/abilities';
import {
  ReviewTally,
  argumentText,
  type ReviewAtom,
  type ReviewSummary,
} from '../infer/review-tally';

export { MAX_GROUP_PLACES, MAX_UNKNOWN, argumentText, eventObject } from '../infer/review-tally';

/** All records asking for the same access (a review atom), and the policy's verdict on it. */
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

/** Judges one atom, noting the grants its verdict used in `used`. */
export function judgeAtom(model: PolicyModel, a: ReviewAtom, used: Set<string>): EventGroup {
  // The atom's event once: a tallied atom makes it again on each ask.
  const event = a.event;
  return atomGroup(a, event, judgeEvent(model, event, used));
}

/** The verdict on one atom's event, noting the grants it used in `used` (`judgeAtom` without the group). */
export function judgeEvent(model: PolicyModel, event: ProcessEvent, used: Set<string>): Verdict {
  const verdict = evaluate(model, event);
  if (verdict.allowed) for (const r of verdict.grants) used.add(placeKey(r));
  // A prefixed path rule that may have matched counts as used: harden must not remove it.
  for (const r of verdict.mayHaveAllowed ?? []) used.add(placeKey(r));
  return verdict;
}

/** An atom with its verdict, as a group (`event`: the atom's, asked for once by the caller). */
export function atomGroup(a: ReviewAtom, event: ProcessEvent, verdict: Verdict): EventGroup {
  return {
    key: a.key,
    event,
    object: a.object,
    failures: a.failures,
    successes: a.successes,
    failurePlaces: a.failurePlaces,
    verdict,
  };
}

/** Judges every atom of a review tally against the model: one evaluation per distinct access. */
export function judgeSummary(model: PolicyModel, summary: ReviewSummary): TraceReview {
  const used = new Set<string>();
  const groups = summary.atoms.map((a) => judgeAtom(model, a, used));
  return {
    groups,
    events: summary.events,
    failures: summary.failures,
    successes: summary.successes,
    unknown: summary.unknown,
    unknownCount: summary.unknownCount,
    used,
  };
}

/** Counts events into a review tally; `result` judges it against the model (library callers, tests). */
export class TraceReviewer {
  private readonly tally = new ReviewTally();

  constructor(private readonly model: PolicyModel) {}

  /** Counts one event (or a record of unknown form). */
  add(e: TraceEvent): void {
    this.tally.add(e);
  }

  /** The judgement of everything added (once: the tally is handed over). */
  result(): TraceReview {
    return judgeSummary(this.model, this.tally.result());
  }
}

/** Judges a finite list of events (tests, library callers). */
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
export function coveredAsLink(
  g: Pick<EventGroup, 'event' | 'verdict'>,
  linking: Set<string>,
): boolean {
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
