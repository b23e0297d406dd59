/**
 * The review session as a pure state: the planned groups and the decisions
 * taken, in order. Every step returns a new state and never changes the one
 * it was given, so `undo` is exactly the previous state, and replaying a
 * session's decisions gives its outputs byte for byte (outputs.ts). The
 * prompt layer (src/cli/review-prompt.ts) only drives these functions.
 */
import type { PolicyPatch } from '../../plan/patch';
import type { AbilityItem, PathSpec } from '../../policy/ast';
import { reviewGroups, type ReviewGroup } from './groups';
import { alsoAllows, readEdit } from './edit';
import { hasUnsafeCharacter, visible } from '../../diagnostics/safe-text';

/** A decision about one group (the keys of the prompt: a g t n w s). */
export type Choice =
  /** `a`: the suggested item, as it is. */
  | { choice: 'allow' }
  /** `g`: an edited item instead (a range, a globbed path), as typed. */
  | { choice: 'allow-edited'; edit: string }
  /** `t`: no grant; launch PROCESS as TYPE (a review note). */
  | { choice: 'launch-as'; process: string; as: string }
  /** `n`: a guard rule in the deny file. */
  | { choice: 'never' }
  /** `w`: a waiver entry (reason required, expiry optional, `YYYY-MM-DD`). */
  | { choice: 'waive'; reason: string; until?: string }
  /** `s`: nothing now; asked again next time. */
  | { choice: 'skip' };

/** A decision: a group (by id) and its choice. */
export type Decision = Choice & { group: string };

/** Where a group was already waived (the waiver loader's answer). */
export interface WaivedBy {
  file: string;
  line: number;
  reason: string;
}

/** The state of a session. */
export interface SessionState {
  readonly patch: PolicyPatch;
  readonly groups: readonly ReviewGroup[];
  /** Groups an existing waiver covers, by id: not asked. */
  readonly waived: ReadonlyMap<string, WaivedBy>;
  readonly decisions: readonly Decision[];
}

/** Starts a session over a planned patch; `waived` tells which groups a waiver file already covers. */
export function startSession(
  patch: PolicyPatch,
  waived?: (group: ReviewGroup) => WaivedBy | undefined,
): SessionState {
  const groups = reviewGroups(patch);
  const w = new Map<string, WaivedBy>();
  if (waived)
    for (const g of groups) {
      const by = waived(g);
      if (by) w.set(g.id, by);
    }
  return { patch, groups, waived: w, decisions: [] };
}

/** The decision taken for a group (the last one, should a replay name it twice). */
export function decisionFor(state: SessionState, id: string): Decision | undefined {
  for (let i = state.decisions.length - 1; i >= 0; i--)
    if (state.decisions[i]!.group === id) return state.decisions[i];
  return undefined;
}

/**
 * Groups an edited allow (`g`) of another group also allows, by the one grant
 * model (`alsoAllows`): id → the id of the group whose edit covers it. They are
 * granted by that edit, so they are not asked, and a replay does not list them
 * as undecided; undoing the edit asks them again.
 */
export function coveredByEdits(state: SessionState): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of state.decisions) {
    if (d.choice !== 'allow-edited' || decisionFor(state, d.group) !== d) continue;
    const g = groupOf(state, d.group)!;
    const r = readEdit(g, d.edit);
    if (!('node' in r)) continue;
    for (const id of alsoAllows(g, state.groups, state.patch.changes, r.node).groups)
      if (!out.has(id)) out.set(id, d.group);
  }
  return out;
}

/** Groups still to ask about, in the plan's order (not waived, no decision, not covered by an edit). */
export function pending(state: SessionState): ReviewGroup[] {
  const decided = new Set(state.decisions.map((d) => d.group));
  const covered = state.decisions.some((d) => d.choice === 'allow-edited')
    ? coveredByEdits(state)
    : undefined;
  return state.groups.filter(
    (g) => !decided.has(g.id) && !state.waived.has(g.id) && !covered?.has(g.id),
  );
}

/** The next group to ask about. */
export function current(state: SessionState): ReviewGroup | undefined {
  return pending(state)[0];
}

/** The group of an id. */
export function groupOf(state: SessionState, id: string): ReviewGroup | undefined {
  return state.groups.find((g) => g.id === id);
}

/** A decision applied, or why it cannot be. */
export type DecideResult = { state: SessionState } | { error: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/** Why a choice cannot apply to a group, or undefined when it can. */
export function refusal(group: ReviewGroup, c: Choice): string | undefined {
  switch (c.choice) {
    case 'allow-edited': {
      const r = readEdit(group, c.edit);
      return 'error' in r ? r.error : undefined;
    }
    case 'launch-as':
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c.as)) return `\`${visible(c.as)}\` is not a type name`;
      if (c.as === group.key.type) return `${group.key.type} is the type it ran as`;
      if (c.process !== hintProcess(group) && !group.processes.includes(c.process))
        return `${visible(c.process)} is not a process that needed this`;
      return undefined;
    case 'waive':
      if (c.reason.trim() === '') return 'a waiver needs a reason';
      if (hasUnsafeCharacter(c.reason) || /[\u2028\u2029]/.test(c.reason))
        return 'a reason is one line of visible text';
      if (c.until !== undefined && !isDate(c.until))
        return `\`${visible(c.until)}\` is not a date written YYYY-MM-DD`;
      return undefined;
    default:
      return undefined;
  }
}

/** The process of the group's wrong-type hint, if any. */
function hintProcess(group: ReviewGroup): string | undefined {
  return group.hint?.process;
}

/** Records a decision about group `id` (a new state; `state` is unchanged). */
export function decide(state: SessionState, id: string, c: Choice): DecideResult {
  const group = groupOf(state, id);
  if (!group) return { error: `no group ${id}` };
  const why = refusal(group, c);
  if (why) return { error: why };
  const choice: Choice =
    c.choice === 'waive'
      ? { choice: 'waive', reason: c.reason.trim(), ...(c.until ? { until: c.until } : {}) }
      : c.choice === 'allow-edited'
        ? { choice: 'allow-edited', edit: c.edit.trim() }
        : c;
  return { state: { ...state, decisions: [...state.decisions, { ...choice, group: id }] } };
}

/** The state before the last decision (the same state when there is none). */
export function undo(state: SessionState): SessionState {
  if (state.decisions.length === 0) return state;
  return { ...state, decisions: state.decisions.slice(0, -1) };
}

/** The item node a decision grants for its group, or undefined for no grant. */
export function grantedNode(
  state: SessionState,
  d: Decision,
): { edited?: AbilityItem | PathSpec } | undefined {
  if (d.choice === 'allow') return {};
  if (d.choice !== 'allow-edited') return undefined;
  const r = readEdit(groupOf(state, d.group)!, d.edit);
  return 'node' in r ? { edited: r.node } : undefined;
}

/**
 * The session over a newer plan of the same stream (`review --follow`): the
 * decisions taken so far, in order, applied again to the groups that are
 * still planned; a decision whose group is gone is dropped with it.
 */
export function rebase(
  state: SessionState,
  patch: PolicyPatch,
  waived?: (group: ReviewGroup) => WaivedBy | undefined,
): SessionState {
  let s = startSession(patch, waived);
  for (const d of state.decisions) {
    const { group, ...choice } = d;
    const next = groupOf(s, group) ? decide(s, group, choice as Choice) : undefined;
    if (next && 'state' in next) s = next.state;
  }
  return s;
}
