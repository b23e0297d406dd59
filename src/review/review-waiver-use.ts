/**
 * The waiver warnings of a review read one judged group at a time (`harden
 * --waive`, which judges the trace once and never holds every verdict): the
 * same answer as `reviewWaiverWarnings(parsed, review)` over the whole
 * review. A failure the policy denies counts for the waiver that covers it;
 * a failed attach that a linking process's link rule may cover is decided at
 * the end, when every linking process is known (`coveredAsLink`): only those
 * few groups are held. Pure.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import { byPlace } from '../diagnostics/first-by-place';
import { coveredAsLink, type EventGroup } from './trace-review';
import {
  staleWaivers,
  useWaiver,
  waiverForEvent,
  type ParsedWaivers,
  type WaiverUse,
} from './waivers';

/** Counts waiver use group by group; `warnings()` once every group was added. */
export class WaiverUseTally {
  private readonly used: WaiverUse = new Map();
  private readonly linking = new Set<string>();
  /** Failed attaches that a link rule may cover, judged once `linking` is complete. */
  private readonly deferred: EventGroup[] = [];

  constructor(private readonly parsed: Pick<ParsedWaivers, 'set' | 'diagnostics'>) {}

  /** One judged group (any order; each distinct access once). */
  add(g: EventGroup): void {
    if (g.event.kind === 'link') this.linking.add(g.event.process);
    if (g.failures === 0 || g.verdict.allowed) return;
    if (g.event.kind === 'attach' && g.verdict.reason === 'attach-vs-link') {
      this.deferred.push(g);
      return;
    }
    this.count(g);
  }

  /** The expired waivers and those that covered no failure the policy denies, by place. */
  warnings(): Diagnostic[] {
    for (const g of this.deferred) if (!coveredAsLink(g, this.linking)) this.count(g);
    this.deferred.length = 0;
    return [
      ...this.parsed.diagnostics.filter((d) => d.severity === 'warning'),
      ...staleWaivers(this.parsed.set, this.used),
    ].sort(byPlace);
  }

  private count(g: EventGroup): void {
    const w = waiverForEvent(this.parsed.set, g.event);
    if (w) useWaiver(this.used, w, g.failures);
  }
}
