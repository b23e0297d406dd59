/**
 * The answers file of `review --answers FILE`: the decisions of a session as
 * a versioned JSON document (docs/json-schema.md's convention), each keyed by
 * its group's stable key, and their replay onto a new session. A decision
 * replays when its group is planned again and the choice still applies (an
 * edited item must still allow everything the traces now need); any other is
 * stale: reported and kept in the file, never silently dropped. `skip` is not
 * recorded (the group is asked again).
 */
import { alsoAllows, readEdit } from './edit';
import { keyId, type GroupKey, type GroupKind } from './groups';
import {
  decide,
  decisionFor,
  groupOf,
  type Choice,
  type Decision,
  type SessionState,
} from './session';

export const ANSWERS_SCHEMA = 'secpol-learn/review-answers';
export const ANSWERS_SCHEMA_VERSION = 1;

/** One recorded decision: the group's key, the choice and its details. */
export type Answer = GroupKey & Exclude<Choice, { choice: 'skip' }>;

/** An answer read from a file, with the line it starts on. */
export interface ReadAnswer {
  answer: Answer;
  line: number;
}

/** An answers file read, or the first thing wrong in it (with its line). */
export type ReadAnswers = { answers: ReadAnswer[] } | { line: number; message: string };

const KINDS: readonly GroupKind[] = ['ability', 'connect', 'attach', 'link'];

/** The answer a decision records (undefined for `skip`). */
function answerOf(state: SessionState, d: Decision): Answer | undefined {
  if (d.choice === 'skip') return undefined;
  const { group, ...choice } = d;
  return { ...groupOf(state, group)!.key, ...choice };
}

/**
 * The answers document: the decisions of the session in the plan's group
 * order, then `kept` (stale answers and answers of waived groups) in their
 * file order. 2-space indented, one key order: the same session gives the same bytes.
 */
export function answersText(state: SessionState, kept: readonly Answer[] = []): string {
  const answers: Answer[] = [];
  for (const g of state.groups) {
    const d = decisionFor(state, g.id);
    const a = d && answerOf(state, d);
    if (a) answers.push(a);
  }
  const ordered = [...answers, ...kept].map(inKeyOrder);
  return `${JSON.stringify({ schema: ANSWERS_SCHEMA, schemaVersion: ANSWERS_SCHEMA_VERSION, decisions: ordered }, null, 2)}\n`;
}

/** The answer's keys in one order. */
function inKeyOrder(a: Answer): Record<string, string> {
  const out: Record<string, string> = { type: a.type, kind: a.kind };
  if (a.domain) out.domain = a.domain;
  out.object = a.object;
  out.choice = a.choice;
  if (a.choice === 'allow-edited') out.edit = a.edit;
  if (a.choice === 'launch-as') Object.assign(out, { process: a.process, as: a.as });
  if (a.choice === 'waive') {
    out.reason = a.reason;
    if (a.until) out.until = a.until;
  }
  return out;
}

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Where JSON.parse stopped, when its message gives only the token: the
 * offset of the first character JSON cannot hold at that place is not known,
 * so the search starts after the longest prefix that is a valid start (a
 * heuristic good enough to name the line in an error message).
 */
function firstBadOffset(text: string): number {
  let lo = 0;
  let hi = text.length;
  // The longest prefix after which "complete it" still fails only for lack of input.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      JSON.parse(text.slice(0, mid));
      lo = mid;
    } catch (e) {
      const m = (e as Error).message;
      const pos = /position (\d+)/.exec(m);
      if (/end of (JSON|data) input|Unterminated/i.test(m) || (pos && Number(pos[1]) >= mid))
        lo = mid;
      else hi = mid - 1;
    }
  }
  return lo;
}

/** Offsets where the elements of the top-level `decisions` array start (for error lines). */
function elementOffsets(text: string): number[] {
  const at = text.indexOf('"decisions"');
  if (at < 0) return [];
  const open = text.indexOf('[', at);
  const out: number[] = [];
  let depth = 0;
  let inString = false;
  let expect = true;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (/\s/.test(c)) continue;
    if (depth === 0 && c === ']') break;
    if (depth === 0 && c === ',') {
      expect = true;
      continue;
    }
    if (depth === 0 && expect) {
      out.push(i);
      expect = false;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return out;
}

/** Reads an answers file's text: every answer checked, or the first problem with its line. */
export function readAnswers(text: string): ReadAnswers {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const line = /line (\d+)/.exec(msg);
    const token = /Unexpected token '(.)'/.exec(msg);
    const at = token ? text.indexOf(token[1]!, firstBadOffset(text)) : -1;
    return {
      line: pos
        ? lineAt(text, Number(pos[1]))
        : line
          ? Number(line[1])
          : at >= 0
            ? lineAt(text, at)
            : 1,
      message: 'not JSON (an answers file is the JSON `review --answers` writes)',
    };
  }
  const d = doc as Record<string, unknown> | null;
  if (typeof d !== 'object' || d === null || Array.isArray(d) || d.schema !== ANSWERS_SCHEMA)
    return { line: 1, message: `not an answers file (its "schema" is not "${ANSWERS_SCHEMA}")` };
  if (d.schemaVersion !== ANSWERS_SCHEMA_VERSION)
    return {
      line: lineAt(text, text.indexOf('"schemaVersion"')),
      message: `answers schema version ${JSON.stringify(d.schemaVersion)} is not ${ANSWERS_SCHEMA_VERSION}, the version this secpol-learn reads`,
    };
  if (!Array.isArray(d.decisions)) return { line: 1, message: '"decisions" is not a list' };
  const offsets = elementOffsets(text);
  const answers: ReadAnswer[] = [];
  for (let i = 0; i < d.decisions.length; i++) {
    const line = lineAt(text, offsets[i] ?? 0);
    const r = checkAnswer(d.decisions[i]);
    if (typeof r === 'string') return { line, message: `decision ${i + 1}: ${r}` };
    answers.push({ answer: r, line });
  }
  return { answers };
}

function str(o: Record<string, unknown>, k: string): string | undefined {
  return typeof o[k] === 'string' ? (o[k] as string) : undefined;
}

/** One decision checked: the answer, or what is wrong with it. */
function checkAnswer(v: unknown): Answer | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not an object';
  const o = v as Record<string, unknown>;
  const type = str(o, 'type');
  const kind = str(o, 'kind') as GroupKind | undefined;
  const object = str(o, 'object');
  const domain = str(o, 'domain');
  if (!type || !object) return '"type" and "object" are required strings';
  if (!kind || !KINDS.includes(kind)) return `"kind" is not one of ${KINDS.join(', ')}`;
  if (domain !== undefined && domain !== 'root' && domain !== 'non-root')
    return '"domain" is not root or non-root';
  const key: GroupKey = { type, kind, ...(domain ? { domain: domain as 'root' } : {}), object };
  switch (o.choice) {
    case 'allow':
    case 'never':
      return { ...key, choice: o.choice };
    case 'allow-edited': {
      const edit = str(o, 'edit');
      return edit ? { ...key, choice: 'allow-edited', edit } : 'allow-edited needs "edit"';
    }
    case 'launch-as': {
      const process = str(o, 'process');
      const as = str(o, 'as');
      return process && as
        ? { ...key, choice: 'launch-as', process, as }
        : 'launch-as needs "process" and "as"';
    }
    case 'waive': {
      const reason = str(o, 'reason');
      const until = str(o, 'until');
      if (!reason) return 'waive needs a "reason"';
      return { ...key, choice: 'waive', reason, ...(until !== undefined ? { until } : {}) };
    }
    default:
      return `"choice" ${JSON.stringify(o.choice)} is not one of allow, allow-edited, launch-as, never, waive`;
  }
}

/** A stale answer: it matched no group, or no longer applies to its group, and why. */
export interface StaleAnswer extends ReadAnswer {
  why: string;
}

/** The outcome of a replay. */
export interface Replay {
  state: SessionState;
  stale: StaleAnswer[];
  /** Answers of groups an existing waiver covers: not applied, kept in the answers file. */
  waived: ReadAnswer[];
}

/** Applies every answer that still matches a group of `state`, in file order. */
export function replay(state: SessionState, answers: readonly ReadAnswer[]): Replay {
  let s = state;
  const stale: StaleAnswer[] = [];
  const waived: ReadAnswer[] = [];
  for (const ra of answers) {
    const { type, kind, domain, object, ...choice } = ra.answer;
    const id = keyId({ type, kind, ...(domain ? { domain } : {}), object });
    const group = groupOf(s, id);
    if (!group) {
      stale.push({ ...ra, why: 'no failure of the traces needs it any more' });
      continue;
    }
    if (s.waived.has(id)) {
      waived.push(ra);
      continue;
    }
    if (choice.choice === 'allow-edited') {
      const r = readEdit(group, choice.edit);
      if ('node' in r && !alsoAllows(group, s.groups, s.patch.changes, r.node).coversSuggestion) {
        stale.push({
          ...ra,
          why: `the edited item no longer allows what the traces need (${group.suggested})`,
        });
        continue;
      }
    }
    const next = decide(s, id, choice as Choice);
    if ('error' in next) stale.push({ ...ra, why: next.error });
    else s = next.state;
  }
  return { state: s, stale, waived };
}
