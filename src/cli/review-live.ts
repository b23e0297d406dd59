/**
 * Planning while a `--follow` stream is read (`suggest --follow`, `review
 * --follow`): the events read so far are accumulated into requirements (a
 * RequirementAccumulator beside the learner: memory grows with distinct
 * accesses, not with records) and a snapshot is planned again a moment after
 * new ones arrive (at most every PLAN_MS), so a live command can show what
 * each new record adds, for as long as the stream runs. The final result is
 * learned as without `--follow` (inferFromTraces), so its bytes are the same;
 * the live plans only show what is coming.
 */
import type { CliIo } from './io';
import type { FollowStop } from './follow';
import { inferFromTraces } from './learn-inputs';
import { inferRequirements, type InferResult } from '../infer/infer-requirements';
import { RequirementAccumulator } from '../infer/requirement-accumulator';
import type { PolicyPatch } from '../plan/patch';
import {
  decisionFor,
  groupOf,
  pending,
  rebase,
  type SessionState,
} from '../review/session/session';
import { replay, type ReadAnswer } from '../review/session/answers';
import { keyId, reviewGroups } from '../review/session/groups';
import { changeStatement } from '../plan/change-statement';
import { printRuleLine } from '../policy/print';
import type { LiveSession } from './review-prompt';

/** How long after a new record the events are planned again. */
const PLAN_MS = 250;

/** What a read gives (as inferFromTraces). */
export type LiveRead = Awaited<ReturnType<typeof inferFromTraces>>;

/** The counts a plan's summary needs. */
export interface LiveCounts {
  eventCount: number;
  traceFiles: string[];
  notUnderstood: number;
}

/**
 * Reads `traces` with `follow`, calling `onPlan` with the inference of every
 * event so far (a snapshot) a moment after new events arrived, and once more at the end
 * when events arrived since. Resolves to the read, as inferFromTraces.
 */
export async function learnLive(
  traces: string[],
  args: Record<string, unknown>,
  io: CliIo,
  follow: FollowStop,
  onPlan: (inferred: InferResult, counts: LiveCounts) => void,
): Promise<LiveRead> {
  const live = new RequirementAccumulator();
  const traceFiles = traces.length > 0 ? traces : ['-'];
  let timer: NodeJS.Timeout | undefined;
  let seen = 0;
  let known = 0;
  let planned = 0;
  const planNow = (): void => {
    timer = undefined;
    if (planned === seen) return;
    planned = seen;
    // A snapshot: later events do not change it (RequirementAccumulator.result).
    onPlan(live.result(), { eventCount: known, traceFiles, notUnderstood: 0 });
  };
  try {
    return await inferFromTraces(traces, args, io, follow, (sink) => ({
      onEvent: (e) => {
        seen++;
        if (e.kind !== 'unknown') known++;
        live.add(e);
        sink.onEvent(e);
        timer ??= setTimeout(planNow, PLAN_MS);
      },
      onDiagnostic: (d) => sink.onDiagnostic(d),
    }));
  } finally {
    clearTimeout(timer);
    planNow();
  }
}

/** `review --follow`: the live plans as a session that grows, and the final read. */
export interface FollowedReview {
  /** The latest plan. */
  latest: () => PolicyPatch;
  session: LiveSession;
  done: Promise<LiveRead>;
}

/** Starts reading a followed stream for `review`; `planOf` plans an inference. */
export function followLive(
  traces: string[],
  args: Record<string, unknown>,
  io: CliIo,
  follow: FollowStop,
  planOf: (inferred: InferResult, counts: LiveCounts) => PolicyPatch,
  /** Answers replayed onto each plan for the groups with no decision yet. */
  answers: readonly ReadAnswer[],
): FollowedReview {
  const fill = (s: SessionState): SessionState =>
    replay(
      s,
      answers.filter((a) => {
        const id = keyId(a.answer);
        return groupOf(s, id) !== undefined && decisionFor(s, id) === undefined;
      }),
    ).state;
  const over = (s: SessionState, patch: PolicyPatch): SessionState => fill(rebase(s, patch));
  let latest = planOf(inferRequirements([]), {
    eventCount: 0,
    traceFiles: traces.length > 0 ? traces : ['-'],
    notUnderstood: 0,
  });
  let ended = false;
  let waiters: Array<{ state: SessionState; resolve: (s: SessionState | undefined) => void }> = [];
  const wake = (): void => {
    waiters = waiters.filter((w) => {
      const next = over(w.state, latest);
      if (pending(next).length > 0) w.resolve(next);
      else if (ended) w.resolve(undefined);
      else return true;
      return false;
    });
  };
  const done = learnLive(traces, args, io, follow, (inferred, counts) => {
    latest = planOf(inferred, counts);
    wake();
  }).finally(() => {
    ended = true;
    wake();
  });
  // The reading's error surfaces through `done`; the waiters must not hang on it.
  done.catch(() => undefined);
  return {
    latest: () => latest,
    done,
    session: {
      refresh: (s) => (s.patch === latest ? s : over(s, latest)),
      wait: (state) =>
        new Promise((resolve) => {
          waiters.push({ state, resolve });
          wake();
        }),
      quit: () => follow.stop(),
    },
  };
}

/**
 * `suggest --follow`: the lines announcing the groups of `patch` not yet in
 * `seen` (which gains them), one each: `secpol-learn: new: RULE (first seen
 * FILE:LINE)`, the rule printed on one line by the AST printer.
 */
export function newItemLines(patch: PolicyPatch, seen: Set<string>): string[] {
  const out: string[] = [];
  for (const g of reviewGroups(patch)) {
    if (seen.has(g.id)) continue;
    seen.add(g.id);
    const change = patch.changes[g.items[0]!.change]!;
    const items = g.items.map((r) => patch.changes[r.change]!.items[r.item]!);
    const p = g.evidence.firstFailure ?? g.evidence.first;
    out.push(
      `secpol-learn: new: ${printRuleLine(changeStatement({ ...change, items }))} (first seen ${p.file}:${p.line})\n`,
    );
  }
  return out;
}
