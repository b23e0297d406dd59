/**
 * Waivers (`--waive FILE`, repeatable): recorded failures that are known and
 * harmless (libc probing `setuid(0)` at start-up), accepted with a reason and
 * an expiry date instead of being granted. A waiver file is secpol: each rule
 * statement is one waiver and must be preceded by a `# reason: TEXT` comment,
 * and may be preceded by `# until: YYYY-MM-DD` (docs/review.md, "Waivers").
 *
 * Contract:
 * - `parseWaivers(files, {today})` reads the waivers of parsed waiver files:
 *   a rule without a reason, with an empty reason or with a reason holding a
 *   control, bidirectional or invisible character, and a date that is not a
 *   calendar day are errors (`FILE:LINE:COL`); declarations need no reason;
 *   statements that grant nothing a failure asks for (derive, spawn, mount)
 *   are errors. A waiver applies up to and including its `until` day;
 *   from the day after (`today > until`) it is expired: it no longer applies
 *   and is reported (`expired-waiver`, a warning).
 * - The waivers that apply are one policy model (over the policy's
 *   declarations, for attributes), matched with the one grant model
 *   (`allows`, src/policy/grants.ts): `waiverFor(set, access)` is the waiver
 *   of the first rule that allows the access. Waivers are not grants: they are
 *   never merged into the policy's model.
 * - `staleWaivers(set, used)`: waivers that apply and matched no failure
 *   (`stale-waiver`, a warning; `--strict` makes it fail).
 *
 * `today` is injected (the CLI passes the real UTC date or SECPOL_LEARN_TODAY):
 * nothing here reads a clock. Does no I/O.
 */
import type { Comment, Policy, PolicyFile, Statement } from '../policy/ast';
import type { PolicyModel } from '../policy/model/types';
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { ProcessEvent } from '../trace/event';
import type { InferResult } from '../infer/infer-requirements';
import type { Requirement } from '../infer/requirement';
import type { QnxVersion } from '../qnx/abilities';
import { normaliseAbilityName } from '../qnx/abilities';
import { allows, ruleOrigin, type Access } from '../policy/grants';
import { abilityValue } from '../policy/evaluate';
import { buildModel } from '../policy/model/build-model';
import { accessesOf } from '../plan/coverage';
import { hasUnsafeCharacter, visible } from '../diagnostics/safe-text';
import { declarationFiles } from './guards';
import { uncoveredGroups, type TraceReview } from './trace-review';
import { byPlace } from '../diagnostics/first-by-place';

/** One waiver: a rule statement of a waiver file, its reason and its expiry. */
export interface Waiver {
  /** The statement's place in the waiver file. */
  file: string;
  line: number;
  column: number;
  /** The text after `# reason:`, trimmed. */
  reason: string;
  /** The last day the waiver applies (`YYYY-MM-DD`), when given. */
  until?: string;
  /** `today` is after `until`: the waiver no longer applies. */
  expired: boolean;
  statement: Statement;
}

/** A waiver as reports name it: its place, reason and expiry. */
export interface WaiverRef {
  file: string;
  line: number;
  column: number;
  reason: string;
  until?: string;
}

/** The waiver's reference. */
export function waiverRef(w: Waiver): WaiverRef {
  return {
    file: w.file,
    line: w.line,
    column: w.column,
    reason: w.reason,
    ...(w.until ? { until: w.until } : {}),
  };
}

/** The waivers of one or several files, and the model of those that apply. */
export interface WaiverSet {
  /** Every waiver read, expired ones included, in file order. */
  waivers: Waiver[];
  /** The rules of the waivers that apply, over the policy's declarations. */
  model: PolicyModel;
  byStatement: Map<Statement, Waiver>;
}

/** What `parseWaivers` read: the set, and errors and warnings with their places. */
export interface ParsedWaivers {
  waivers: Waiver[];
  set: WaiverSet;
  diagnostics: Diagnostic[];
}

/** Options of `parseWaivers`. */
export interface WaiverOptions {
  /** The day to judge expiry by, `YYYY-MM-DD` (the CLI's clock, or a test's). */
  today: string;
  /** The policy the waivers apply to: its declarations name types and attributes. */
  policy?: Policy;
  qnx?: QnxVersion;
}

const DECLARATION: ReadonlySet<Statement['type']> = new Set([
  'type-decl',
  'attribute-decl',
  'ability-decl',
  'range-decl',
]);

const WAIVABLE: ReadonlySet<Statement['type']> = new Set([
  'allow-ability',
  'allow-connect',
  'allow-attach',
  'allow-link',
]);

/** `# reason: TEXT` and `# until: DATE` (a `//` comment too, as the parser reads one). */
const TAG = /^(?:#|\/\/)\s*(reason|until)\s*:(.*)$/i;

/** True when `s` is a calendar day written `YYYY-MM-DD`. */
export function isDay(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** A day as the CLI's clock gives it: the UTC date of `now`. */
export function dayOf(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function tagsOf(comments: Comment[] | undefined): Array<{ tag: string; text: string; c: Comment }> {
  const out: Array<{ tag: string; text: string; c: Comment }> = [];
  for (const c of comments ?? []) {
    const m = TAG.exec(c.text.trim());
    if (m) out.push({ tag: m[1]!.toLowerCase(), text: m[2]!.trim(), c });
  }
  return out;
}

/** Reads the waivers of parsed waiver files (see the module contract). */
export function parseWaivers(
  files: PolicyFile | readonly PolicyFile[],
  options: WaiverOptions,
): ParsedWaivers {
  if (!isDay(options.today)) throw new Error(`today must be YYYY-MM-DD, not ${options.today}`);
  const diagnostics: Diagnostic[] = [];
  const waivers: Waiver[] = [];
  const applying: PolicyFile[] = [];
  for (const f of Array.isArray(files) ? files : [files as PolicyFile]) {
    const kept: Statement[] = [];
    for (const s of f.statements) {
      const at = {
        file: f.file,
        line: s.position?.start.line ?? 1,
        column: s.position?.start.column ?? 1,
      };
      const error = (message: string, ruleId: string, c?: Comment): void => {
        diagnostics.push({
          severity: 'error',
          message,
          file: f.file,
          line: c?.position?.start.line ?? at.line,
          column: c?.position?.start.column ?? at.column,
          ruleId,
        });
      };
      if (DECLARATION.has(s.type)) {
        kept.push(s);
        continue;
      }
      if (!WAIVABLE.has(s.type)) {
        error(
          'a waiver is an allow, allow_attach or allow_link rule: this statement waives no failure',
          'waiver-statement',
        );
        continue;
      }
      const tags = tagsOf(s.leadingComments);
      const reason = tags.find((t) => t.tag === 'reason');
      const until = tags.find((t) => t.tag === 'until');
      let ok = true;
      if (!reason || reason.text === '') {
        error(
          'waiver without a reason: precede the rule with `# reason: TEXT`',
          'waiver-reason',
          reason?.c,
        );
        ok = false;
      } else if (hasUnsafeCharacter(reason.text)) {
        error(
          'waiver reason holds a control, bidirectional or invisible character',
          'waiver-reason',
          reason.c,
        );
        ok = false;
      }
      if (until && !isDay(until.text)) {
        error(
          `waiver expiry is not a day: \`# until: YYYY-MM-DD\` (a calendar date), not ${JSON.stringify(visible(until.text))}`,
          'waiver-until',
          until.c,
        );
        ok = false;
      }
      if (!ok) continue;
      const expired = until !== undefined && options.today > until.text;
      const w: Waiver = {
        ...at,
        reason: reason!.text,
        ...(until ? { until: until.text } : {}),
        expired,
        statement: s,
      };
      waivers.push(w);
      if (expired)
        diagnostics.push({
          severity: 'warning',
          message: `waiver expired on ${until!.text}: it no longer applies`,
          ...at,
          ruleId: 'expired-waiver',
        });
      else kept.push(s);
    }
    applying.push({ ...f, statements: kept });
  }
  const model = buildModel(
    { type: 'policy', files: [...declarationFiles(options.policy), ...applying] },
    { ...(options.qnx ? { qnx: options.qnx } : {}) },
  );
  const byStatement = new Map(waivers.filter((w) => !w.expired).map((w) => [w.statement, w]));
  return { waivers, set: { waivers, model, byStatement }, diagnostics };
}

/** The waiver that covers an access (the first rule of the waivers allowing it), or undefined. */
export function waiverFor(set: WaiverSet, access: Access): Waiver | undefined {
  const a = allows(set.model, access);
  return a.allowed ? set.byStatement.get(ruleOrigin(a.by[0]!).statement) : undefined;
}

/**
 * What a recorded event asked for, as accesses: the one access evaluate judges, and for an
 * attach also the link the monitor may have worded as an attach (a waiver of either covers it).
 */
export function eventAccesses(e: ProcessEvent): Access[] {
  if (e.kind !== 'ability') {
    const one: Access = { kind: e.kind, type: e.securityType, path: e.path };
    return e.kind === 'attach' ? [one, { ...one, kind: 'link' }] : [one];
  }
  const a = e.argument;
  const ability = normaliseAbilityName(e.ability.policyName);
  if (ability === 'channel_connect' && a.kind === 'type-id')
    return [
      {
        kind: 'connect',
        type: e.securityType,
        domain: e.domain,
        object: a.typeName,
        ...(a.value !== undefined ? { id: BigInt(a.value) } : {}),
      },
    ];
  return [
    { kind: 'ability', type: e.securityType, domain: e.domain, ability, value: abilityValue(e) },
  ];
}

/** The waiver that covers a recorded event, or undefined. */
export function waiverForEvent(set: WaiverSet, e: ProcessEvent): Waiver | undefined {
  for (const access of eventAccesses(e)) {
    const w = waiverFor(set, access);
    if (w) return w;
  }
  return undefined;
}

/** How many failure records each waiver covered. */
export type WaiverUse = Map<Waiver, number>;

/** Adds `records` to a waiver's count. */
export function useWaiver(used: WaiverUse, w: Waiver, records: number): void {
  used.set(w, (used.get(w) ?? 0) + records);
}

/** Warnings for the waivers that apply and covered no failure record, in file order. */
export function staleWaivers(set: WaiverSet, used: WaiverUse): Diagnostic[] {
  return set.waivers
    .filter((w) => !w.expired && !used.has(w))
    .map((w) => ({
      severity: 'warning',
      message: 'waiver matched no failure: remove it, or the failure no longer happens',
      file: w.file,
      line: w.line,
      column: w.column,
      ruleId: 'stale-waiver',
    }));
}

/**
 * The waiver warnings of a review (`explain`, `harden`): the expired waivers (`parsed`'s
 * warnings) and the waivers that cover no failure the policy denies, by place.
 */
export function reviewWaiverWarnings(
  parsed: Pick<ParsedWaivers, 'set' | 'diagnostics'>,
  review: TraceReview,
): Diagnostic[] {
  const used: WaiverUse = new Map();
  for (const g of uncoveredGroups(review)) {
    const w = waiverForEvent(parsed.set, g.event);
    if (w) useWaiver(used, w, g.failures);
  }
  return [
    ...parsed.diagnostics.filter((d) => d.severity === 'warning'),
    ...staleWaivers(parsed.set, used),
  ].sort(byPlace);
}

/** One learned access a waiver covers: `suggest` does not emit it. */
export interface WaivedRequirement {
  /** The first denied record. */
  file: string;
  line: number;
  records: number;
  type: string;
  process: string;
  /** In words: `ability setuid (0) as root`, `attach /dev/slog`. */
  access: string;
  waiver: Waiver;
}

function requirementWords(r: Requirement, values: string): string {
  const domain = r.domain ? ` as ${r.domain}` : '';
  return `${r.kind} ${r.object}${values}${domain}`;
}

/**
 * Removes from `inferred` the failures the waivers cover (every denied value range of an
 * ability requirement is judged on its own: a waiver of `setuid:0` leaves `setuid(1000)` to
 * suggest), counting each waiver's records in `used`. Returns what was waived, by place.
 */
export function waiveRequirements(
  inferred: InferResult,
  set: WaiverSet,
  used: WaiverUse,
): WaivedRequirement[] {
  const out: WaivedRequirement[] = [];
  for (const [key, r] of inferred.requirements.byKey) {
    if (r.evidence.failures === 0) continue;
    const denied: Requirement = {
      ...r,
      whole: r.deniedWhole ?? r.whole,
      ...((r.deniedRanges ?? r.ranges) ? { ranges: r.deniedRanges ?? r.ranges } : {}),
    };
    const accesses =
      r.kind === 'attach' && r.wordedAttach === true
        ? [...accessesOf(denied), ...accessesOf({ ...denied, kind: 'link' })]
        : accessesOf(denied);
    const at = r.evidence.firstFailure ?? r.evidence.first;
    const record = (w: Waiver, values: string): void => {
      useWaiver(used, w, r.evidence.failures);
      out.push({
        file: at.file,
        line: at.line,
        records: r.evidence.failures,
        type: r.type,
        process: r.process,
        access: requirementWords(r, values),
        waiver: w,
      });
    };
    const ranges = denied.ranges ?? [];
    if (r.kind === 'ability' && !denied.whole && ranges.length > 1) {
      // Each denied range on its own: the waived ones go, the others stay to be suggested.
      const rest: typeof ranges = [];
      accesses.forEach((access, i) => {
        const w = waiverFor(set, access);
        const [s, e] = ranges[i]!;
        if (w) record(w, ` (${s === e ? s : `${s}-${e}`})`);
        else rest.push(ranges[i]!);
      });
      if (rest.length === 0) inferred.requirements.byKey.delete(key);
      else if (rest.length < ranges.length) r.deniedRanges = rest;
      continue;
    }
    let w: Waiver | undefined;
    for (const access of accesses) if (!w) w = waiverFor(set, access);
    if (!w) continue;
    const [s, e] = ranges[0] ?? [];
    record(w, s === undefined ? '' : ` (${s === e ? s : `${s}-${e}`})`);
    inferred.requirements.byKey.delete(key);
  }
  return out.sort((a, b) =>
    a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line || a.records - b.records,
  );
}
