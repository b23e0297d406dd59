/**
 * `harden` as data: QNX secpolgenerate's "unused" view and more, on the host.
 *
 * - unused grants: rules (ability items, connect rules, attach/link paths)
 *   that allowed no record of the traces. Meaningful only for traces taken
 *   with `secpolmonitor -s` (successes recorded): without successes nothing
 *   counts as unused and `hasSuccesses` is false. Grants of types that never
 *   ran in the traces are reported once per type (`type-not-seen`) and never
 *   removed: the trace says nothing about them.
 * - over-broad grants (`/...` attaches, `default_priv`, open-ended or wide
 *   ranges, whole `setuid`/`setgid`/`mem_phys`-like abilities, `iofunc/read`,
 *   `io`) with the narrower rule the traces support.
 * - types that ran several different executables (`-c` gives each its own).
 *
 * `removals` are the origins of the unused grants, for remove-grants.ts.
 * Trace text reaches a suggested rule only through validateEvent. Does no I/O.
 */
import type { ProcessEvent } from '../trace/event';
import type { AbilityGrantInfo, Origin, PolicyModel, TypeGrants } from '../policy/model/types';
import type { BlockItems } from '../policy/model/ability-index';
import type { AllowAttach, AllowConnect, AllowLink } from '../policy/ast';
import { allowPaths, pathSpec } from '../policy/nodes';
import { validateEvent } from '../infer/validate-event';
import { ADDRESS_ABILITIES, VADDR_ABILITIES } from '../qnx/abilities';
import { atomGroup, judgeEvent, placeKey, type EventGroup, type TraceReview } from './trace-review';
import type { Verdict } from '../policy/evaluate';
import { AtomRows, TalliedAtom, type ReviewSummary } from '../infer/review-tally';
import type { AtomFamily } from '../infer/atom-table';
import { RowVerdicts, accessKey } from './row-verdicts';
import { printAbilityItem } from '../policy/print';
import { abilityGrantNode, connectRule, pathRule, ruleText } from '../policy/grant-text';
import { narrowerText } from './narrower-rule';

/** Version of the `harden --format json` document. */
export const HARDEN_SCHEMA_VERSION = 1;

/** What a finding is about. */
export type HardenCode = 'unused-grant' | 'type-not-seen' | 'over-broad' | 'multi-executable';

/** One finding, at a policy place. */
export interface HardenFinding {
  code: HardenCode;
  type: string;
  /** The grant in policy words (`io (root only)`, `allow_attach default /...`). */
  grant: string;
  file: string;
  line: number;
  column: number;
  message: string;
  /** The narrower rule the traces support, when there is one. */
  alternative?: string;
  /**
   * The grant as the rule node `grant` prints, when it is a rule of its own (a
   * channel connect rule, one attach or link path); absent for ability items and
   * types. For printers that draw it (the markdown diagram); not part of the
   * JSON document.
   */
  rule?: GrantRule;
}

/** A grant that is a rule of its own. */
export type GrantRule = AllowConnect | AllowAttach | AllowLink;

/** The whole answer. */
export interface HardenResult {
  traceFiles: string[];
  policyFiles: string[];
  hasSuccesses: boolean;
  failures: number;
  successes: number;
  findings: HardenFinding[];
  /** Unused grants to remove (types seen in the traces only; none without successes). */
  removals: Origin[];
}

/** Ability ids, for which a whole grant means "become anyone". */
const ID_ABILITIES = new Set(['setuid', 'setgid', 'spawn_setuid', 'spawn_setgid']);
/** A subrange wider than this is reported as wide [INF: lint's threshold for ids]. */
const WIDE = 65_536n;

interface Grant {
  type: string;
  summary: string;
  origin: Origin;
  rule?: GrantRule;
}

const dom = (d: { nonRoot: boolean }): string => (d.nonRoot ? 'root and non-root' : 'root only');

/**
 * Every grant of the model with its origin, one per (type, origin). The ability blocks a type
 * shares with other subjects (policy/model/ability-index.ts) are listed only for a type `whole`
 * accepts; for the others they are returned apart, by type, unexpanded.
 */
function grantsOf(
  model: PolicyModel,
  whole: (type: string) => boolean,
): { grants: Grant[]; shares: Map<string, ReadonlyArray<BlockItems<AbilityGrantInfo>>> } {
  const out: Grant[] = [];
  const shares = new Map<string, ReadonlyArray<BlockItems<AbilityGrantInfo>>>();
  const seen = new Set<string>();
  const add = (type: string, summary: string, origin: Origin, rule?: GrantRule): void => {
    const k = `${type}\0${placeKey(origin)}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ type, summary, origin, ...(rule ? { rule } : {}) });
  };
  const addRule = (type: string, rule: GrantRule, origin: Origin): void =>
    add(type, ruleText(rule), origin, rule);
  const addAbility = (type: string, x: AbilityGrantInfo): void =>
    add(
      type,
      x.fromDefaultPriv
        ? `default_priv (${dom(x.domains)})`
        : `${printAbilityItem(abilityGrantNode(x))} (${dom(x.domains)})`,
      x.origin,
    );
  for (const [type, g] of model.grants) {
    const parts = g.abilities.parts();
    if (parts.shares.length === 0 || whole(type))
      for (const [, list] of g.abilities) for (const x of list) addAbility(type, x);
    else {
      for (const [, list] of parts.singles) for (const x of list) addAbility(type, x);
      shares.set(type, parts.shares);
    }
    // One grant per rule: a set of objects is not expanded (it is one origin).
    for (const { grant: c } of g.connects.rules())
      if (c.via === 'allow-connect') addRule(type, connectRule(type, c), c.origin);
    for (const r of [...g.attaches, ...g.links]) addRule(type, pathRule(type, r), r.origin);
  }
  return { grants: out, shares };
}

/** The first grant of `g` that `used` does not hold, in `grantsOf`'s order (no list is built). */
function firstUnused(g: TypeGrants, used: ReadonlySet<string>): Origin | undefined {
  for (const [, list] of g.abilities)
    for (const x of list) if (!used.has(placeKey(x.origin))) return x.origin;
  for (const { grant: c } of g.connects.rules())
    if (c.via === 'allow-connect' && !used.has(placeKey(c.origin))) return c.origin;
  for (const r of [...g.attaches, ...g.links]) if (!used.has(placeKey(r.origin))) return r.origin;
  return undefined;
}

const broadEntries = new WeakMap<BlockItems<AbilityGrantInfo>, Array<[string, AbilityGrantInfo]>>();

/** True when the over-broad checks may report ability item `x` (`overAbility` decides). */
function mayBeBroadItem(ability: string, x: AbilityGrantInfo): boolean {
  return (
    x.fromDefaultPriv ||
    ability === 'iofunc/read' ||
    ability === 'io' ||
    (!x.ranges && (ID_ABILITIES.has(ability) || ADDRESS_ABILITIES.has(ability))) ||
    (x.ranges !== undefined &&
      !VADDR_ABILITIES.has(ability) &&
      x.ranges.some((r) => r.kind === 'interval' && (r.open || r.end - r.start + 1n > WIDE)))
  );
}

/** The entries of a shared block the over-broad checks may report (found once per block). */
function mayBeBroad(block: BlockItems<AbilityGrantInfo>): Array<[string, AbilityGrantInfo]> {
  let out = broadEntries.get(block);
  if (!out) {
    out = [];
    for (const [ability, list] of block)
      for (const x of list) if (mayBeBroadItem(ability, x)) out.push([ability, x]);
    broadEntries.set(block, out);
  }
  return out;
}

/**
 * The origins (`placeKey`) of the grants the over-broad checks may report: the only grants
 * whose records a narrower rule is read from, so the only ones whose records are kept.
 */
function broadOrigins(model: PolicyModel): Set<string> {
  const out = new Set<string>();
  const note = (ability: string, list: readonly AbilityGrantInfo[]): void => {
    for (const x of list) if (mayBeBroadItem(ability, x)) out.add(placeKey(x.origin));
  };
  for (const g of model.grants.values()) {
    for (const r of g.attaches) if (r.path === '/...') out.add(placeKey(r.origin));
    const parts = g.abilities.parts();
    if (parts.shares.length === 0) for (const [ability, list] of g.abilities) note(ability, list);
    else {
      for (const [ability, list] of parts.singles) note(ability, list);
      for (const block of parts.shares)
        for (const [, x] of mayBeBroad(block)) out.add(placeKey(x.origin));
    }
  }
  return out;
}

/** What harden reads from the judged groups, gathered one group at a time. */
interface Observation {
  /** The origins whose records are kept in `byGrant` (`broadOrigins`). */
  broad: ReadonlySet<string>;
  /** The safe events of the groups each grant of `broad` allowed, by grant origin, one per access. */
  byGrant: Map<string, ProcessEvent[]>;
  /** The processes of each type. */
  processes: Map<string, Set<string>>;
  /** Types seen, with the place of their first group (groups in the order first seen). */
  firstOfType: Map<string, ProcessEvent['position']>;
  /** Grant and access of each record kept in `byGrant` (`keep`). */
  kept: Set<string>;
  /** `broadGrants` by verdict. */
  broadOf: WeakMap<Verdict, readonly string[]>;
}

function emptyObservation(model: PolicyModel): Observation {
  return {
    broad: broadOrigins(model),
    byGrant: new Map(),
    processes: new Map(),
    firstOfType: new Map(),
    kept: new Set(),
    broadOf: new WeakMap(),
  };
}

/** The keys of the grants of `broad` that allowed verdict `v` (none: `v` keeps no record), found once per verdict. */
function broadGrants(o: Observation, v: Verdict): readonly string[] {
  let keys = o.broadOf.get(v);
  if (keys === undefined) {
    keys = v.allowed ? v.grants.map((r) => placeKey(r)).filter((k) => o.broad.has(k)) : [];
    o.broadOf.set(v, keys);
  }
  return keys;
}

/**
 * Keeps event `e` for a narrower rule of each grant in `keys` (when every field is safe), but
 * not again under a grant that keeps a record of the same access: `narrowerRules` reads an
 * event's kind, domain, object and value only, and merges repeats.
 */
function keep(o: Observation, e: ProcessEvent, keys: readonly string[]): void {
  const access = e.kind === 'ability' ? accessKey(e) : `${e.kind}\0${e.path}`;
  const fresh = keys.filter((k) => !o.kept.has(`${k}\0${access}`));
  if (fresh.length === 0) return;
  // Trace text reaches a suggested rule only from records whose every field is safe policy text.
  if (validateEvent(e)) return;
  for (const k of fresh) {
    o.kept.add(`${k}\0${access}`);
    const list = o.byGrant.get(k);
    if (list) list.push(e);
    else o.byGrant.set(k, [e]);
  }
}

/** Adds one judged group (its event and verdict) to the observation. */
function observe(o: Observation, e: ProcessEvent, verdict: Verdict): void {
  const { processes } = o;
  if (!o.firstOfType.has(e.securityType)) o.firstOfType.set(e.securityType, e.position);
  if (e.securityType === '-') return;
  const p = processes.get(e.securityType) ?? new Set<string>();
  p.add(e.process);
  processes.set(e.securityType, p);
  const keys = broadGrants(o, verdict);
  if (keys.length > 0) keep(o, e, keys);
}

/**
 * `observe` of row `r` of a table whose family's verdict `verdict` is (no
 * event made for it): the family's type and process are the event's
 * (`FamilyVerdicts` judged it so), and `event` makes the row's event only
 * when its place or its fields are read.
 */
function observeRow(
  o: Observation,
  f: AtomFamily,
  verdict: Verdict,
  event: () => ProcessEvent,
): void {
  if (!o.firstOfType.has(f.type)) o.firstOfType.set(f.type, event().position);
  if (f.type === '-') return;
  const p = o.processes.get(f.type);
  if (p) p.add(f.process);
  else o.processes.set(f.type, new Set([f.process]));
  const keys = broadGrants(o, verdict);
  if (keys.length > 0) keep(o, event(), keys);
}

/**
 * Judges and observes the rows of a table in list order (`RowVerdicts`: one
 * evaluation per family the value cannot change, else one per row),
 * making an atom's event only where it is read: for its evaluation, for the
 * first place of a type, for a kept record, or for `onJudged`'s group.
 */
function observeRows(
  o: Observation,
  model: PolicyModel,
  rows: AtomRows,
  used: Set<string>,
  onJudged: ((g: EventGroup) => void) | undefined,
): void {
  const t = rows.table;
  const verdicts = new RowVerdicts(model, t, used);
  for (let i = 0; i < rows.length; i++) {
    const r = rows.row(i);
    const verdict = verdicts.verdict(r);
    const made = verdicts.madeFor(r);
    if (onJudged) {
      const event = verdicts.event(r);
      observe(o, event, verdict);
      onJudged(atomGroup(new TalliedAtom(t, r), event, verdict));
    } else if (made !== undefined) observe(o, made, verdict);
    else observeRow(o, t.families[t.family.at(r)]!, verdict, () => verdicts.event(r));
  }
}

/** Finds unused and over-broad grants and types shared by several executables. */
export function hardenPolicy(
  model: PolicyModel,
  review: TraceReview,
  files: { traceFiles: string[]; policyFiles: string[] },
): HardenResult {
  const o = emptyObservation(model);
  for (const g of review.groups) observe(o, g.event, g.verdict);
  return hardenFrom(model, o, review, files);
}

/**
 * `hardenPolicy(model, judgeSummary(model, summary), files)`, judging the
 * review tally atom by atom: each group is dropped once judged and observed,
 * so the verdicts are never all held (a trace of a million distinct
 * records). A value-free family's rows share one evaluation (`RowVerdicts`) and make an
 * event only where it is read (`observeRows`). Consumes the summary (its
 * atoms, columns released whole, are gone afterwards). `onJudged` sees each
 * judged group once, before it is dropped; without it no group is made
 * (harden reads an atom's verdict, and its event where needed, only).
 */
export function hardenFromSummary(
  model: PolicyModel,
  summary: ReviewSummary,
  files: { traceFiles: string[]; policyFiles: string[] },
  onJudged?: (g: EventGroup) => void,
): HardenResult {
  const o = emptyObservation(model);
  const used = new Set<string>();
  // Another reader of the same judgement (harden --waive's waiver use) sees it group by group.
  if (summary.atoms instanceof AtomRows) observeRows(o, model, summary.atoms, used, onJudged);
  else
    for (const a of summary.atoms) {
      // The atom's event once: a tallied atom makes it again on each ask.
      const event = a.event;
      const verdict = judgeEvent(model, event, used);
      observe(o, event, verdict);
      if (onJudged) onJudged(atomGroup(a, event, verdict));
    }
  summary.atoms = [];
  return hardenFrom(
    model,
    o,
    { used, failures: summary.failures, successes: summary.successes },
    files,
  );
}

function hardenFrom(
  model: PolicyModel,
  o: Observation,
  review: Pick<TraceReview, 'used' | 'failures' | 'successes'>,
  files: { traceFiles: string[]; policyFiles: string[] },
): HardenResult {
  const seenTypes = new Set(o.firstOfType.keys());
  const hasSuccesses = review.successes > 0;
  const findings: HardenFinding[] = [];
  const removals: Origin[] = [];
  const at = (x: Origin): Pick<HardenFinding, 'file' | 'line' | 'column'> => ({
    file: x.file,
    line: x.line,
    column: x.column,
  });
  // A type the traces did not see is reported once whatever its grants: its shared blocks are
  // read per block (held by an unseen type; holding an unused grant), not expanded.
  const { grants, shares } = hasSuccesses
    ? grantsOf(model, (t) => seenTypes.has(t))
    : { grants: [], shares: new Map<string, ReadonlyArray<BlockItems<AbilityGrantInfo>>>() };
  const unseenBlocks = new Set<BlockItems<AbilityGrantInfo>>();
  for (const list of shares.values()) for (const block of list) unseenBlocks.add(block);
  const heldUnseen = new Set<string>();
  const unusedBlocks = new Set<BlockItems<AbilityGrantInfo>>();
  for (const block of unseenBlocks)
    for (const entries of block.values())
      for (const x of entries) {
        heldUnseen.add(placeKey(x.origin));
        if (!review.used.has(placeKey(x.origin))) unusedBlocks.add(block);
      }
  // The grants of each origin (an attribute subject gives one origin several types), and the
  // origins to remove: built once, so the loop below is linear in the grants.
  const byOrigin = new Map<string, Grant[]>();
  for (const g of grants) {
    const list = byOrigin.get(placeKey(g.origin));
    if (list) list.push(g);
    else byOrigin.set(placeKey(g.origin), [g]);
  }
  const removed = new Set<string>();
  const unseenReported = new Set<string>();
  if (hasSuccesses) {
    // An undeclared unseen type is reported at its first unused grant, in the order of
    // `grantsOf` (abilities as first granted, connect rules, paths): found lazily, as the
    // loop below would, without listing its shared blocks.
    for (const type of shares.keys()) {
      if (model.types.has(type)) continue;
      const first = firstUnused(model.grants.get(type)!, review.used);
      if (!first) continue;
      unseenReported.add(type);
      findings.push({
        code: 'type-not-seen',
        type,
        grant: `type ${type}`,
        ...at(first),
        message: `no process of type ${type} ran in the traces: its grants cannot be judged and are kept`,
      });
    }
    // An origin shared by several types (an attribute subject) is used when any of them used it.
    for (const g of grants) {
      const key = placeKey(g.origin);
      if (review.used.has(key)) continue;
      if (!seenTypes.has(g.type)) {
        if (unseenReported.has(g.type)) continue;
        unseenReported.add(g.type);
        const decl = model.types.get(g.type)?.origin ?? g.origin;
        findings.push({
          code: 'type-not-seen',
          type: g.type,
          grant: `type ${g.type}`,
          ...at(decl),
          message: `no process of type ${g.type} ran in the traces: its grants cannot be judged and are kept`,
        });
        continue;
      }
      const sharedUsed =
        heldUnseen.has(key) || byOrigin.get(key)!.some((h) => h !== g && !seenTypes.has(h.type));
      if (sharedUsed) continue; // the same rule also serves a type the traces say nothing about
      findings.push({
        code: 'unused-grant',
        type: g.type,
        grant: g.summary,
        ...at(g.origin),
        message: `${g.type}: ${g.summary} allowed no record in the traces (no success, no failure)`,
        ...(g.rule ? { rule: g.rule } : {}),
      });
      if (!removed.has(key)) {
        removed.add(key);
        removals.push(g.origin);
      }
    }
    for (const [type, list] of shares) {
      if (unseenReported.has(type)) continue;
      // (Declared types here: the undeclared ones were reported above when they hold one.)
      const unused = list.some((block) => unusedBlocks.has(block));
      if (!unused) continue;
      unseenReported.add(type);
      findings.push({
        code: 'type-not-seen',
        type,
        grant: `type ${type}`,
        ...at(model.types.get(type)!.origin),
        message: `no process of type ${type} ran in the traces: its grants cannot be judged and are kept`,
      });
    }
  }
  const broad = new Set<string>();
  // `alternative` undefined: the grant has no narrower form; '' : the traces show no use to narrow to.
  const over = (
    g: Origin,
    type: string,
    grant: string,
    why: string,
    alternative: string | undefined,
    rule?: GrantRule,
  ): void => {
    const k = `${type}\0${placeKey(g)}`;
    if (broad.has(k)) return;
    broad.add(k);
    findings.push({
      code: 'over-broad',
      type,
      grant,
      ...at(g),
      message: `${type}: ${grant}: ${why}${alternative === '' ? '; the traces show no use of it' : ''}`,
      ...(alternative ? { alternative } : {}),
      ...(rule ? { rule } : {}),
    });
  };
  const usedText = (x: Origin): string =>
    review.used.has(placeKey(x)) ? 'the traces use it' : 'the traces show no use of it';
  const overAbility = (type: string, ability: string, x: AbilityGrantInfo): void => {
    if (x.fromDefaultPriv) {
      over(
        x.origin,
        type,
        'default_priv',
        'grants every privileged ability root has',
        narrowerText(o.byGrant.get(placeKey(x.origin)) ?? [], type, 'ability'),
      );
      return;
    }
    if (ability === 'iofunc/read')
      over(
        x.origin,
        type,
        ability,
        `reads files whatever their permissions; QNX advises fixing the permissions instead (${usedText(x.origin)})`,
        undefined,
      );
    else if (ability === 'io')
      over(
        x.origin,
        type,
        ability,
        `raw hardware I/O privilege with no narrower form; keep it for drivers only (${usedText(x.origin)})`,
        undefined,
      );
    else if (!x.ranges && (ID_ABILITIES.has(ability) || ADDRESS_ABILITIES.has(ability)))
      over(
        x.origin,
        type,
        ability,
        `${ability} without a subrange covers every value`,
        narrowerText(o.byGrant.get(placeKey(x.origin)) ?? [], type, 'ability'),
      );
    else if (
      x.ranges &&
      !VADDR_ABILITIES.has(ability) &&
      x.ranges.some((s) => s.kind === 'interval' && (s.open || s.end - s.start + 1n > WIDE))
    )
      over(
        x.origin,
        type,
        printAbilityItem(abilityGrantNode(x)),
        `an open-ended or wide (> ${WIDE} values) subrange`,
        narrowerText(o.byGrant.get(placeKey(x.origin)) ?? [], type, 'ability'),
      );
  };
  for (const [type, g] of model.grants) {
    for (const r of g.attaches)
      if (r.path === '/...') {
        // Named without its file-type prefix or relabel type: the finding is about the path.
        const anywhere = allowPaths('attach', type, [pathSpec('/...')]);
        over(
          r.origin,
          type,
          ruleText(anywhere),
          "attaches anywhere in the path space, over other servers' paths",
          narrowerText(o.byGrant.get(placeKey(r.origin)) ?? [], type, 'attach'),
          anywhere,
        );
      }
    // A shared block's items are read once; only those that may be broad are looked at per type.
    const parts = g.abilities.parts();
    if (parts.shares.length === 0)
      for (const [ability, list] of g.abilities)
        for (const x of list) overAbility(type, ability, x);
    else {
      for (const [ability, list] of parts.singles)
        for (const x of list) overAbility(type, ability, x);
      for (const block of parts.shares)
        for (const [ability, x] of mayBeBroad(block)) overAbility(type, ability, x);
    }
  }
  const firstOfType = o.firstOfType;
  for (const [type, processes] of [...o.processes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (processes.size < 2) continue;
    const decl = model.types.get(type)?.origin;
    const first = firstOfType.get(type)!;
    const list = [...processes].sort();
    findings.push({
      code: 'multi-executable',
      type,
      grant: `type ${type}`,
      ...(decl ? at(decl) : { file: first.file, line: first.line, column: 1 }),
      message: `type ${type} runs ${list.length} different executables (${list.slice(0, 8).join(', ')}${list.length > 8 ? ', …' : ''}): each holds every grant of the others; \`suggest -c\` gives each its own type`,
    });
  }
  findings.sort((a, b) =>
    a.file !== b.file
      ? a.file < b.file
        ? -1
        : 1
      : a.line - b.line ||
        a.column - b.column ||
        (a.code < b.code
          ? -1
          : a.code > b.code
            ? 1
            : a.type < b.type
              ? -1
              : a.type > b.type
                ? 1
                : 0),
  );
  return {
    traceFiles: [...files.traceFiles].sort(),
    policyFiles: files.policyFiles,
    hasSuccesses,
    failures: review.failures,
    successes: review.successes,
    findings,
    removals,
  };
}
