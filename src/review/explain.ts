/**
 * `explain` as data (audit2why for QNX): for each distinct recorded failure,
 * why this policy denies it (the evaluator's reason), the one rule that would
 * allow it, the rules the evaluator consulted with their places, and the
 * wrong-type hint when the same process did the same thing under another
 * type in the traces. Failures the policy now allows are explained as
 * "already allowed now" (the policy changed since the trace). Grouped by
 * reason in a fixed order, then by trace place. Printed by
 * src/render/explain-output.ts and explain-markdown.ts. Does no I/O.
 */
import type { ProcessEvent, TracePosition } from '../trace/event';
import { ruleMemo } from './rule-for';
import { argumentValueText } from '../trace/event-text';
import { uncachedDecimalText } from '../decimal-text';
import type { Statement } from '../policy/ast';
import { describeAccess, linkers, type EventGroup, type TraceReview } from './trace-review';
import { byPlace } from '../diagnostics/first-by-place';
import { waiverForEvent, waiverRef, type WaiverRef, type WaiverSet } from './waivers';
import { evaluate, type Verdict } from '../policy/evaluate';
import type { PolicyModel } from '../policy/model/types';
import {
  AtomRows,
  firstFailurePlace,
  linkingProcesses,
  type ReviewSummary,
} from '../infer/review-tally';
import { FamilyVerdicts } from './family-verdicts';
import { KeyEvidence, wrongTypeEvidence, type WrongTypeEvidence } from './wrong-type-evidence';
import { failurePlaceOrder } from './failure-order';

/** Version of the `explain --format json` document. */
export const EXPLAIN_SCHEMA_VERSION = 1;

/** Reasons in the order explain prints them, with their headings. */
export const REASON_TITLES: ReadonlyArray<[string, string]> = [
  ['no-type', 'type not declared'],
  ['no-ability', 'missing ability'],
  ['range-not-covered', 'range not covered'],
  ['negated', 'ability negated (-name)'],
  ['no-connect-rule', 'no channel connect rule'],
  ['no-attach-rule', 'no attach rule'],
  ['no-link-rule', 'no link rule'],
  ['attach-vs-link', 'attach-vs-link mismatch'],
  ['conflict', 'channel relabel conflict'],
  ['indeterminate', 'cannot be decided'],
  ['allowed-now', 'already allowed now (the policy changed since the trace)'],
  ['waived', 'waived (--waive): accepted with a reason, not uncovered'],
];

/** A rule, with its place. */
export interface PlacedRule {
  file: string;
  line: number;
  column: number;
  summary: string;
}

/** One distinct failure, explained. */
export interface ExplainedFailure {
  /** First denied record. */
  file: string;
  line: number;
  count: number;
  type: string;
  process: string;
  /** In policy words: `interrupt(14) as root`, `attach /dev/ser1`. */
  access: string;
  reason: string;
  why: string;
  /**
   * The rule that would allow it; absent when none can (untyped process, conflict, unsafe
   * field, already allowed). A rule naming no value is made once per run and shared by
   * the failures it allows, frozen (rule-for.ts, ruleMemo): copy it to change it.
   */
  rule?: Statement;
  /** The rules the evaluator looked at (for `allowed-now`: the rules that allow it now). */
  consulted: PlacedRule[];
  /** Rules of the type consulted beyond the MAX_CONSULTED listed (src/policy/evaluate.ts). */
  moreConsulted?: number;
  /** Wrong-type hint (reference §4.6). */
  hint?: string;
  /** `waived`: the waiver that covers it (its place, reason and expiry). */
  waiver?: WaiverRef;
  record: string;
}

/** Failures of one reason. */
export interface ExplainSection {
  reason: string;
  title: string;
  failures: ExplainedFailure[];
}

/** The whole explanation. */
export interface Explanation {
  traceFiles: string[];
  policyFiles: string[];
  failures: number;
  sections: ExplainSection[];
}

/** A shared verdict's rule list (consulted or granting) as `placed` made it, by list. Weak: held as long as the verdict is. */
const placedLists = new WeakMap<readonly PlacedRule[], PlacedRule[]>();

/**
 * A verdict's rules as explain lists them. A verdict shared by the atoms of a
 * family (src/review/family-verdicts.ts) gets one list for all of them, made
 * once and frozen (a printer may keep what it makes of a frozen list:
 * src/render/explain-output.ts); any other verdict's is made per failure.
 */
function placed(rs: readonly PlacedRule[], shared: boolean): PlacedRule[] {
  if (rs.length === 0) return [];
  let list = shared ? placedLists.get(rs) : undefined;
  if (list === undefined) {
    list = rs.map((r) => ({ file: r.file, line: r.line, column: r.column, summary: r.summary }));
    if (shared) placedLists.set(rs, Object.freeze(list) as PlacedRule[]);
  }
  return list;
}

/**
 * The wrong-type hint for `e` from where its access succeeded or is allowed
 * (`places`, sorted here), or undefined when it was only under `e`'s own type.
 */
function hintOf(e: ProcessEvent, places: Array<[string, TracePosition]>): string | undefined {
  // By type, in place: a handful of places (one per type), where Array.prototype.sort
  // copies them into a work array per call.
  for (let k = 1; k < places.length; k++) {
    const p = places[k]!;
    let j = k;
    for (; j > 0 && places[j - 1]![0] > p[0]; j--) places[j] = places[j - 1]!;
    places[j] = p;
  }
  let list = '';
  let to: string | undefined;
  for (const [t, p] of places) {
    if (t === e.securityType) continue;
    const at = `${t} (${p.file}:${uncachedDecimalText(p.line)})`;
    if (to === undefined) {
      to = t;
      list = at;
    } else list += `, ${at}`;
  }
  return to === undefined
    ? undefined
    : `${e.process} did this as ${list}: launch it with \`on -T ${to} ...\` rather than widen ${e.securityType}`;
}

/**
 * `describeAccess(e)` (src/review/trace-review.ts) for an atom's event: its
 * ability's policy name is the atom's `object`, normalised once when the atom
 * was counted, not again per failure (a lower-cased copy each time).
 */
function accessText(e: ProcessEvent, object: string): string {
  if (e.kind !== 'ability') return describeAccess(e);
  const v = argumentValueText(e.argument);
  return v === '' ? `${object} as ${e.domain}` : `${object}(${v}) as ${e.domain}`;
}

/** What explaining one failure group needs besides the group: the wrong-type evidence and the linking processes. */
interface ExplainContext {
  /** Where each (process, access) succeeded or is allowed, by type (src/review/wrong-type-evidence.ts). */
  evidence: WrongTypeEvidence;
  linking: Set<string>;
  /** The rule that would allow a record (`ruleMemo`: a rule naming no value made once per run). */
  ruleFor: (e: ProcessEvent, name?: string) => Statement | undefined;
  /** `--waive`: a failure the policy denies and a waiver covers is explained by its waiver. */
  waivers?: WaiverSet;
}

/** What explaining a failure group reads of it: an EventGroup's fields but its key, and its first failure place. */
interface FailureGroup extends Pick<EventGroup, 'event' | 'object' | 'failures' | 'verdict'> {
  /** The first place of a denied record (none: the event's). */
  firstFailure: TracePosition | undefined;
  /** Whether the verdict is a family's, shared by its atoms. */
  shared: boolean;
}

/** An explained failure while `explainOne` builds it: the fields after the optional `rule` are set last. */
type Building = Omit<ExplainedFailure, 'consulted' | 'record'> &
  Partial<Pick<ExplainedFailure, 'consulted' | 'record'>>;

/**
 * Explains one failure group. A failure the policy denies and a waiver covers
 * (`c.waivers`) is explained by its waiver (reason `waived`): its reason,
 * place and expiry.
 */
function explainOne(g: FailureGroup, i: number, c: ExplainContext): ExplainedFailure {
  const e = g.event;
  const v = g.verdict;
  const first = g.firstFailure ?? e.position;
  // The monitor words a failed link like a failed attach; a linking process gets the link rule, as suggest emits it.
  const asLink =
    e.kind === 'attach' &&
    !v.allowed &&
    (e.process === 'ln' || e.process.endsWith('/ln') || c.linking.has(e.process));
  // coveredAsLink (src/review/trace-review.ts) of the group.
  const coveredLink = asLink && v.reason === 'attach-vs-link';
  const waiver = c.waivers && !v.allowed && !coveredLink ? waiverForEvent(c.waivers, e) : undefined;
  const reason = v.allowed ? 'allowed-now' : waiver ? 'waived' : v.reason;
  // The hint is only for a failure the policy denies.
  const hint = v.allowed ? undefined : hintOf(e, c.evidence.places(i, g));
  const rule = v.allowed
    ? undefined
    : asLink
      ? c.ruleFor({ ...e, kind: 'link' })
      : c.ruleFor(e, g.object);
  const linkNote = asLink
    ? coveredLink
      ? '; the process creates links and the monitor words a failed link as an attach: check counts it as covered by that link rule'
      : '; the process creates links and the monitor words a failed link as an attach: the rule is allow_link'
    : '';
  const why = waiver
    ? `waived by ${waiver.file}:${waiver.line}${waiver.until ? ` until ${waiver.until}` : ''}: ${waiver.reason} (the policy denies it: ${v.allowed ? '' : v.message})`
    : e.securityType === '-'
      ? `${e.process} ran with type id 0, the \`default\` type (printed \`-\` when the policy does not declare \`type default;\`): rules can name it \`default\`, but QNX advises against running anything as it; launch it with \`on -T TYPE ...\``
      : v.allowed
        ? `allowed now by ${v.grants.map((r) => `${r.file}:${r.line}`).join(', ')}: the policy changed since the trace was taken`
        : `${v.message}${linkNote}`;
  // Built field by field, in the order JSON prints them, the optional ones only when present:
  // no spread of a temporary object per failure.
  const out: Building = {
    file: first.file,
    line: first.line,
    count: g.failures,
    type: e.securityType,
    process: e.process,
    access: accessText(e, g.object),
    reason,
    why,
  };
  if (rule) out.rule = rule;
  out.consulted = placed(v.allowed ? v.grants : v.consulted, g.shared);
  if (!v.allowed && v.moreConsulted) out.moreConsulted = v.moreConsulted;
  if (hint !== undefined) out.hint = hint;
  if (waiver) out.waiver = waiverRef(waiver);
  out.record = e.record;
  return out as ExplainedFailure;
}

/**
 * Explains every failure group of a review. A failure the policy denies and a waiver covers
 * (`waivers`) is explained by its waiver (reason `waived`): its reason, place and expiry.
 */
export function explainFailures(
  review: TraceReview,
  files: { traceFiles: string[]; policyFiles: string[] },
  waivers?: WaiverSet,
): Explanation {
  const context: ExplainContext = {
    evidence: new KeyEvidence(),
    linking: linkers(review),
    ruleFor: ruleMemo(),
    ...(waivers ? { waivers } : {}),
  };
  review.groups.forEach((g, i) => {
    if (g.successes > 0 || g.verdict.allowed) context.evidence.note(i, g);
  });
  const byReason = new Map<string, ExplainedFailure[]>();
  for (const [i, g] of review.groups.entries()) {
    if (g.failures === 0) continue;
    const item = explainOne({ ...g, firstFailure: g.failurePlaces[0], shared: false }, i, context);
    const list = byReason.get(item.reason) ?? [];
    list.push(item);
    byReason.set(item.reason, list);
  }
  const sections: ExplainSection[] = [];
  for (const [reason, title] of REASON_TITLES) {
    const failures = byReason.get(reason);
    if (!failures) continue;
    failures.sort(byPlace);
    sections.push({ reason, title, failures });
  }
  return {
    traceFiles: [...files.traceFiles].sort(),
    policyFiles: files.policyFiles,
    failures: review.failures,
    sections,
  };
}

/** An atom in no section (no failure, or a reason explain does not print). */
const NO_SECTION = 255;

/** One step of a streamed explanation: a section's heading (with how many failures it holds), or one of its failures. */
export type ExplainStep =
  | { kind: 'section'; reason: string; title: string; count: number }
  | { kind: 'failure'; failure: ExplainedFailure };

/**
 * `explainFailures(judgeSummary(model, summary))` streamed: the same sections
 * and failures in the same order, yielded one at a time, so neither the
 * verdicts nor the explanation are ever held whole (a trace of a million
 * distinct failures); returns the number of failure groups. Lazy: nothing is
 * judged before the first `next`.
 *
 * Two passes over the atoms, because a section's heading carries its count
 * and a hint needs every type the access succeeded as: the first notes the
 * wrong-type evidence and each failing atom's section, the second explains
 * the failing atoms section by section in place order. An atom without
 * failures is noted from its counts alone (no event built, not judged).
 * A failing atom of a family whose atoms share one verdict
 * (src/review/family-verdicts.ts; the tally's rows) is judged once per
 * family, its event built in the second pass only; any other failing atom
 * is built and judged in both passes (only its section is kept in between:
 * a verdict is several objects and strings per atom).
 */
export function* explainSteps(
  model: PolicyModel,
  summary: ReviewSummary,
): Generator<ExplainStep, number, undefined> {
  const atoms = summary.atoms;
  const linking = linkingProcesses(atoms);
  const context: ExplainContext = {
    evidence: wrongTypeEvidence(atoms),
    linking,
    ruleFor: ruleMemo(),
  };
  const table = atoms instanceof AtomRows ? atoms : undefined;
  const families = table && new FamilyVerdicts(model, table.table);
  /** Atom `i`'s verdict when its family's is shared (the row evidence reads no event). */
  const sharedVerdict = (i: number): Verdict | undefined => families?.of(table!.row(i))?.verdict;
  const sectionOf = new Map(REASON_TITLES.map(([reason], i) => [reason, i]));
  // Each atom's section (NO_SECTION: none, or no failure) and how many each section holds.
  const sectionOfAtom = new Uint8Array(atoms.length).fill(NO_SECTION);
  const counts = new Array<number>(REASON_TITLES.length).fill(0);
  for (let i = 0; i < atoms.length; i++) {
    const a = atoms.at(i)!;
    // A success is evidence whatever the policy says; the atom is its own source (its event is
    // built only if the evidence reads it: the key-string evidence does, the rows' does not).
    if (a.failures === 0) {
      if (a.successes > 0 || evaluate(model, a.event).allowed) context.evidence.note(i, a);
      continue;
    }
    const shared = sharedVerdict(i);
    let v: Verdict;
    if (shared !== undefined) {
      v = shared;
      // Only the row evidence is made for a table: it reads the row, not the atom.
      if (a.successes > 0 || v.allowed) context.evidence.note(i, a);
    } else {
      // The event the family's judging made, if it made one for this row.
      const event = families === undefined ? a.event : families.event(table!.row(i));
      v = evaluate(model, event);
      if (a.successes > 0 || v.allowed) context.evidence.note(i, { event, object: a.object });
    }
    // A reason without a section is not printed, as explainFailures leaves it out.
    const s = sectionOf.get(v.allowed ? 'allowed-now' : v.reason);
    if (s !== undefined) {
      sectionOfAtom[i] = s;
      counts[s]!++;
    }
  }
  // The failing atoms by section, each section's in place order (ties in atom order), as
  // explainFailures sorts them (stable, by place): one pass over the place order per section
  // that holds any, up to its last atom. No array of the atoms by section: it would be a
  // second array as long as the order, held beside it while the writing starts.
  const order = failurePlaceOrder(atoms);
  let groups = 0;
  for (let s = 0; s < REASON_TITLES.length; s++) {
    if (counts[s] === 0) continue;
    groups += counts[s]!;
    yield {
      kind: 'section',
      reason: REASON_TITLES[s]![0],
      title: REASON_TITLES[s]![1],
      count: counts[s]!,
    };
    for (let k = 0, left = counts[s]!; left > 0; k++) {
      const i = order[k]!;
      if (sectionOfAtom[i] !== s) continue;
      left--;
      const a = atoms.at(i)!;
      const event = families === undefined ? a.event : families.event(table!.row(i));
      const shared = sharedVerdict(i);
      const g: FailureGroup = {
        event,
        object: a.object,
        failures: a.failures,
        verdict: shared ?? evaluate(model, event),
        firstFailure: firstFailurePlace(a),
        shared: shared !== undefined,
      };
      yield { kind: 'failure', failure: explainOne(g, i, context) };
    }
  }
  return groups;
}
