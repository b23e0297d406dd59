/**
 * A semantic diff of two policies: what each type is granted, compared grant
 * by grant, never text. Layout, comments, statement order, how rules are
 * split over files and blocks, and attribute indirection do not show; a
 * change of what is granted does.
 *
 * Compared facts, per type: declared types and attribute memberships,
 * dynamic-ability and range declarations; abilities per domain (root /
 * non-root) as the grant model's value sets (policy/grants.ts `abilityValues`:
 * whole ability, or merged intervals and names, so `setuid:1-5,6-10` equals
 * `setuid:1-10`; a `-name` negation removes the ability in its domains); channel connects by object
 * type; attach and link paths (with relabel); derive_type and
 * default_spawn_type. A fact present in one policy only is `added` or
 * `removed`; an ability present in both whose values grew is `widened`,
 * shrank `narrowed`, otherwise `changed`. A removed path and an added path of
 * the same type and kind that match each other (and nothing else) pair up as
 * `widened` / `narrowed`. diff(A, B) mirrors diff(B, A): added ↔ removed,
 * widened ↔ narrowed. Does no I/O.
 */
import type { NumberLiteral, RangeValue } from '../policy/ast';
import type { AbilityGrantInfo, NegationInfo, Origin, PolicyModel } from '../policy/model/types';
import type { BlockItems } from '../policy/model/ability-index';
import { shownPath } from '../policy/model/path-bytes';
import type { ConnectSet } from '../policy/model/connect-index';
import { abilityValues } from '../policy/grants';
import { abilityItemText, anyTypeConnectText, connectRuleOf, ruleText } from '../policy/grant-text';
import { MAX_VALUE } from '../policy/model/range-file';
import { compilePathPattern, matchPath } from '../policy/path-match';
import { ADDRESS_ABILITIES } from '../qnx/abilities';

/** Version of the `diff --format json` document. */
export const DIFF_SCHEMA_VERSION = 1;

/** How a grant changed. */
export type ChangeKind = 'added' | 'removed' | 'widened' | 'narrowed' | 'changed';

/** What kind of fact changed. */
export type FactKind =
  | 'type'
  | 'attribute'
  | 'declaration'
  | 'ability'
  | 'connect'
  | 'attach'
  | 'link'
  | 'derive'
  | 'spawn';

/** A place in a policy file. */
export interface DiffPlace {
  file: string;
  line: number;
}

/** One difference. */
export interface DiffEntry {
  change: ChangeKind;
  kind: FactKind;
  /** The subject type (for `type`: the type; `attribute`: the member type; `declaration`: `-`). */
  type: string;
  /** `ability`: root, non-root, or both when the two domains changed alike. */
  domain?: 'root' | 'non-root' | 'both';
  /** The ability name, object type, path, attribute, derive label… */
  object: string;
  /** The grant before / after, in policy words (absent when there was none). */
  old?: string;
  new?: string;
  oldAt?: DiffPlace;
  newAt?: DiffPlace;
}

/** The whole difference. */
export interface PolicyDiff {
  entries: DiffEntry[];
  summary: Record<ChangeKind, number>;
}

/** A fact of one policy: its identity, its value (for abilities), its text and place. */
interface Fact {
  kind: FactKind;
  type: string;
  domain?: 'root' | 'non-root';
  object: string;
  text: string;
  at: DiffPlace;
  /** Abilities only: the granted values; undefined = the whole ability. */
  values?: ValueSet;
}

interface ValueSet {
  intervals: Array<[bigint, bigint]>;
  names: Set<string>;
}

const place = (o: Origin | undefined): DiffPlace => ({ file: o?.file ?? '', line: o?.line ?? 0 });

function valueText(ability: string, v: ValueSet | undefined): string {
  if (!v) return ability;
  // Physical addresses read better in hex, as policies write them.
  const n = (x: bigint): NumberLiteral => ({
    type: 'number',
    text: ADDRESS_ABILITIES.has(ability) ? `0x${x.toString(16)}` : `${x}`,
    value: x.toString(),
  });
  const ranges: RangeValue[] = [
    ...v.intervals.map(([s, e]): RangeValue =>
      s === e
        ? { type: 'range-number', start: n(s) }
        : e === MAX_VALUE
          ? { type: 'range-number', start: n(s), open: true }
          : { type: 'range-number', start: n(s), end: n(e) },
    ),
    ...[...v.names]
      .sort()
      .map((name): RangeValue => ({ type: 'range-name', name: { type: 'name', value: name } })),
  ];
  return abilityItemText(ability, ranges);
}

/** True when `a` holds every value of `b`. */
function contains(a: ValueSet | undefined, b: ValueSet | undefined): boolean {
  if (!a) return true;
  if (!b) return false;
  for (const n of b.names) if (!a.names.has(n)) return false;
  // Both lists are merged, so each interval of b must sit inside one interval of a.
  return b.intervals.every(([s, e]) => a.intervals.some(([x, y]) => x <= s && e <= y));
}

function factKey(f: Pick<Fact, 'kind' | 'type' | 'domain' | 'object'>): string {
  return [f.kind, f.type, f.domain ?? '', f.object].join('\0');
}

/**
 * Every fact of a model, by key; `sameSets`: types whose connect sets equal the other policy's;
 * `toCompare`: for a type holding shared ability blocks, the only abilities to read.
 */
function factsOf(
  model: PolicyModel,
  sameSets: ReadonlySet<string>,
  toCompare: ReadonlyMap<string, readonly string[]>,
): Map<string, Fact> {
  const out = new Map<string, Fact>();
  const put = (f: Fact): void => {
    const k = factKey(f);
    if (!out.has(k)) out.set(k, f);
  };
  for (const [name, t] of model.types) {
    put({ kind: 'type', type: name, object: name, text: `type ${name}`, at: place(t.origin) });
  }
  for (const [attr, a] of model.attributes)
    for (const m of a.members)
      put({
        kind: 'attribute',
        type: m,
        object: attr,
        text: `type ${m}, ${attr}`,
        at: place(a.origin),
      });
  for (const [name, d] of model.abilities)
    put({
      kind: 'declaration',
      type: '-',
      object: `ability ${name}`,
      text: `ability ${name}`,
      at: place(d.origin),
    });
  for (const [name, r] of model.ranges)
    put({
      kind: 'declaration',
      type: '-',
      object: `range ${name}`,
      text: `range ${name}`,
      at: place(r.origin),
    });
  for (const [from, labels] of model.deriveTypes)
    for (const [labelName, d] of labels)
      put({
        kind: 'derive',
        type: from,
        object: labelName,
        text: `derive_type ${from} ${labelName} ${d.name}`,
        at: place(d.origin),
      });
  for (const [from, d] of model.defaultSpawnTypes)
    put({
      kind: 'spawn',
      type: from,
      object: d.name,
      text: `default_spawn_type ${from} ${d.name}`,
      at: place(d.origin),
    });
  for (const [type, g] of model.grants) {
    // A type holding shared ability blocks is compared only on the abilities that may differ
    // (see abilitiesToCompare): expanding its blocks would cost subjects × items.
    const candidates = toCompare.get(type);
    const abilities: Iterable<[string, readonly AbilityGrantInfo[]]> = candidates
      ? candidates.flatMap((x): Array<[string, readonly AbilityGrantInfo[]]> => {
          const list = g.abilities.get(x);
          return list ? [[x, list]] : [];
        })
      : g.abilities;
    for (const [ability, grants] of abilities) {
      for (const domain of ['root', 'non-root'] as const) {
        // The grant model's normalisation: negations applied, subranges merged, names kept.
        const v = abilityValues(model, type, ability, domain);
        if (!v) continue;
        const first = grants.find((x) => (domain === 'root' ? x.domains.root : x.domains.nonRoot));
        const values = v.whole ? undefined : { intervals: v.intervals, names: v.names };
        put({
          kind: 'ability',
          type,
          domain,
          object: ability,
          text: valueText(ability, values),
          at: place(first?.origin),
          ...(values ? { values } : {}),
        });
      }
    }
    // Sets both policies grant this type alike are left out, with the single grants they hold:
    // they differ in nothing, and expanding them would cost subjects × objects.
    const same = sameSets.has(type);
    const inSet = (object: string): boolean =>
      g.connects
        .sets()
        .some((x) => x.set.count.has(object) || (object === type && x.set.count.has('self')));
    const connects = same ? [...g.connects.singleObjects()].filter(([o]) => !inSet(o)) : g.connects;
    for (const [object, list] of connects)
      put({
        kind: 'connect',
        type,
        object,
        text: object === '*' ? anyTypeConnectText(type) : ruleText(connectRuleOf(type, object)),
        at: place(list[0]?.origin),
      });
    for (const r of [...g.attaches, ...g.links]) {
      const p = `${r.fileType !== undefined ? `${r.fileType}:` : ''}${r.path}${r.relabel ? ` ${r.relabel}` : ''}`;
      put({
        kind: r.kind,
        type,
        object: p,
        text: `allow_${r.kind} ${type} ${p}`,
        at: place(r.origin),
      });
    }
  }
  return out;
}

/**
 * The types whose connect sets (rules naming several objects) are the same sets in both
 * policies. Each distinct set is named by an id (its sorted objects, read once per set), so a
 * type's sets compare as a short list of ids, not as its objects.
 */
function typesWithSameConnectSets(a: PolicyModel, b: PolicyModel): Set<string> {
  const ids = new Map<string, number>();
  const idOf = new Map<ConnectSet, number>();
  const setId = (set: ConnectSet): number => {
    let id = idOf.get(set);
    if (id === undefined) {
      const key = [...set.count.keys()].sort().join('\0');
      id = ids.get(key) ?? ids.size;
      ids.set(key, id);
      idOf.set(set, id);
    }
    return id;
  };
  const signature = (model: PolicyModel, type: string): string =>
    [...new Set((model.grants.get(type)?.connects.sets() ?? []).map((x) => setId(x.set)))]
      .sort((x, y) => x - y)
      .join(',');
  const out = new Set<string>();
  for (const type of a.grants.keys()) {
    const sig = signature(a, type);
    if (sig !== '' && sig === signature(b, type)) out.add(type);
  }
  return out;
}

/**
 * The abilities still to compare for each type holding shared ability blocks
 * (policy/model/ability-index.ts) in either policy: those a single-subject grant or negation of
 * the type names in either policy, and those whose entries in the type's shared blocks differ
 * between the policies. Every other ability of such a type comes from blocks holding the same
 * entries for it on both sides, so it holds the same values. The comparison is made once per
 * group of types sharing the same blocks on both sides (a block of S subjects and I items, even
 * one that differs between the policies, costs about I per group, not S × I): an ability's
 * entries in a block are named by an id of their content, read once per block and ability.
 */
function abilitiesToCompare(a: PolicyModel, b: PolicyModel): Map<string, string[]> {
  type Block = BlockItems<AbilityGrantInfo | NegationInfo>;
  const ids = new Map<string, number>();
  const contentIds = new Map<Block, Map<string, number>>();
  /** The id of each ability's entries in `block`, by ability. */
  const contentOf = (block: Block): Map<string, number> => {
    let m = contentIds.get(block);
    if (m === undefined) {
      m = new Map();
      for (const [ability, list] of block) {
        const parts = list.map((x) => {
          const r = 'ranges' in x ? (x.ranges?.map((v) => v.text).join(',') ?? '') : '';
          const flags =
            'fromDefaultPriv' in x ? `${x.fromDefaultPriv}${x.noinherit}${x.unlock}` : 'neg';
          return `${r}\0${x.domains.root}${x.domains.nonRoot}${flags}`;
        });
        const key = `${ability}\n${parts.sort().join('\n')}`;
        const id = ids.get(key) ?? ids.size;
        ids.set(key, id);
        m.set(ability, id);
      }
      contentIds.set(block, m);
    }
    return m;
  };
  const blockIds = new Map<Block, number>();
  const blockId = (block: Block): number => {
    let id = blockIds.get(block);
    if (id === undefined) blockIds.set(block, (id = blockIds.size));
    return id;
  };
  const sharesOf = (model: PolicyModel, type: string): { grants: Block[]; negations: Block[] } => {
    const g = model.grants.get(type);
    return {
      grants: g ? [...g.abilities.parts().shares] : [],
      negations: g ? [...g.negations.parts().shares] : [],
    };
  };
  const key = (x: { grants: Block[]; negations: Block[] }): string =>
    `${x.grants.map(blockId).join(',')}|${x.negations.map(blockId).join(',')}`;
  /** Per ability, the sorted content ids of its entries across `blocks`. */
  const byAbility = (blocks: Block[]): Map<string, string> => {
    const lists = new Map<string, number[]>();
    for (const block of blocks)
      for (const [ability, id] of contentOf(block)) {
        const list = lists.get(ability);
        if (list) list.push(id);
        else lists.set(ability, [id]);
      }
    return new Map([...lists].map(([x, l]) => [x, l.sort((p, q) => p - q).join(',')]));
  };
  const differing = (before: Block[], after: Block[], out: Set<string>): void => {
    const x = byAbility(before);
    const y = byAbility(after);
    for (const [ability, ids] of x) if (y.get(ability) !== ids) out.add(ability);
    for (const ability of y.keys()) if (!x.has(ability)) out.add(ability);
  };
  const groups = new Map<string, string[]>();
  const out = new Map<string, string[]>();
  for (const type of new Set([...a.grants.keys(), ...b.grants.keys()])) {
    const sa = sharesOf(a, type);
    const sb = sharesOf(b, type);
    if (sa.grants.length + sa.negations.length + sb.grants.length + sb.negations.length === 0)
      continue;
    const group = `${key(sa)}/${key(sb)}`;
    let shared = groups.get(group);
    if (shared === undefined) {
      const d = new Set<string>();
      differing(sa.grants, sb.grants, d);
      differing(sa.negations, sb.negations, d);
      groups.set(group, (shared = [...d]));
    }
    const own = new Set<string>(shared);
    for (const m of [a, b]) {
      const g = m.grants.get(type);
      if (!g) continue;
      for (const x of g.abilities.parts().singles.keys()) own.add(x);
      for (const x of g.negations.parts().singles.keys()) own.add(x);
    }
    out.set(type, [...own]);
  }
  return out;
}

function compareEntries(a: DiffEntry, b: DiffEntry): number {
  const ka = [a.type, a.kind, a.object, a.domain ?? '', a.change];
  const kb = [b.type, b.kind, b.object, b.domain ?? '', b.change];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
  return 0;
}

/** The semantic difference from `before` to `after`. */
export function diffPolicies(before: PolicyModel, after: PolicyModel): PolicyDiff {
  const same = typesWithSameConnectSets(before, after);
  const toCompare = abilitiesToCompare(before, after);
  const a = factsOf(before, same, toCompare);
  const b = factsOf(after, same, toCompare);
  const entries: DiffEntry[] = [];
  // Facts are keyed by the model's paths (distinct bytes stay distinct); entries show them as
  // written (path-bytes.ts `shownPath`).
  const entry = (change: ChangeKind, f: Fact, old?: Fact, now?: Fact): DiffEntry => ({
    change,
    kind: f.kind,
    type: f.type,
    ...(f.domain ? { domain: f.domain } : {}),
    object: shownPath(f.object),
    ...(old ? { old: shownPath(old.text), oldAt: old.at } : {}),
    ...(now ? { new: shownPath(now.text), newAt: now.at } : {}),
  });
  for (const [k, f] of a) {
    const g = b.get(k);
    if (!g) entries.push(entry('removed', f, f));
    else if (f.kind === 'ability') {
      const wider = contains(g.values, f.values);
      const narrower = contains(f.values, g.values);
      if (wider && narrower) continue;
      entries.push(entry(wider ? 'widened' : narrower ? 'narrowed' : 'changed', f, f, g));
    }
  }
  for (const [k, g] of b) if (!a.has(k)) entries.push(entry('added', g, undefined, g));
  const final = mergeDomains(pairPaths(entries)).sort(compareEntries);
  return { entries: final, summary: count(final) };
}

function pathOf(e: DiffEntry): string {
  return e.object.split(' ')[0]!.replace(/^[a-z_]+:(?=\/)/, '');
}

/** Pairs a removed and an added path of one type and kind that match only each other. */
function pairPaths(entries: DiffEntry[]): DiffEntry[] {
  const isPath = (e: DiffEntry): boolean => e.kind === 'attach' || e.kind === 'link';
  const removed = entries.filter((e) => isPath(e) && e.change === 'removed');
  const added = entries.filter((e) => isPath(e) && e.change === 'added');
  // Candidates are found per (type, kind): exact paths through a Map, patterns one by one,
  // so two policies with thousands of paths per type are not compared pair by pair.
  const paths = new Map<DiffEntry, string>([...removed, ...added].map((e) => [e, pathOf(e)]));
  const sides = (list: DiffEntry[]): Map<string, PathSide> => {
    const out = new Map<string, PathSide>();
    for (const e of list) {
      const k = `${e.type}\0${e.kind}`;
      const side: PathSide = out.get(k) ?? { all: [], exact: new Map(), patterns: [] };
      out.set(k, side);
      side.all.push(e);
      const p = paths.get(e)!;
      if (compilePathPattern(p).kind !== 'exact') side.patterns.push(e);
      else side.exact.set(p, [...(side.exact.get(p) ?? []), e]);
    }
    return out;
  };
  const removedSides = sides(removed);
  const addedSides = sides(added);
  const related = (p: string, q: string): boolean => matchPath(q, p) || matchPath(p, q);
  /** The entries of `other` (same type and kind) whose path matches `e`'s either way. */
  const partners = (e: DiffEntry, other: Map<string, PathSide>): DiffEntry[] => {
    const side = other.get(`${e.type}\0${e.kind}`);
    if (!side) return [];
    const p = paths.get(e)!;
    if (compilePathPattern(p).kind !== 'exact')
      return side.all.filter((x) => related(p, paths.get(x)!));
    // An exact path relates to an exact path only by being it.
    return [
      ...(side.exact.get(p) ?? []),
      ...side.patterns.filter((x) => related(p, paths.get(x)!)),
    ];
  };
  const drop = new Set<DiffEntry>();
  const out: DiffEntry[] = [];
  for (const r of removed) {
    const found = partners(r, addedSides);
    if (found.length !== 1) continue;
    const x = found[0]!;
    // Symmetric by construction: the pair must be unique seen from either side.
    if (partners(x, removedSides).length !== 1) continue;
    drop.add(r).add(x);
    const wider = matchPath(paths.get(x)!, paths.get(r)!);
    out.push({
      change:
        wider && !matchPath(paths.get(r)!, paths.get(x)!)
          ? 'widened'
          : wider
            ? 'changed'
            : 'narrowed',
      kind: r.kind,
      type: r.type,
      object: `${r.object} → ${x.object}`,
      old: r.old!,
      new: x.new!,
      oldAt: r.oldAt!,
      newAt: x.newAt!,
    });
  }
  return [...entries.filter((e) => !drop.has(e)), ...out];
}

/** The removed or added paths of one type and kind. */
interface PathSide {
  all: DiffEntry[];
  exact: Map<string, DiffEntry[]>;
  patterns: DiffEntry[];
}

/** One entry with domain `both` when root and non-root changed alike. */
function mergeDomains(entries: DiffEntry[]): DiffEntry[] {
  const same = (e: DiffEntry): string =>
    JSON.stringify([e.change, e.kind, e.type, e.object, e.old ?? '', e.new ?? '']);
  const roots = new Map(entries.filter((e) => e.domain === 'root').map((e) => [same(e), e]));
  const out: DiffEntry[] = [];
  const merged = new Set<DiffEntry>();
  for (const e of entries) {
    if (e.domain !== 'non-root') continue;
    const r = roots.get(same(e));
    if (r) {
      merged.add(r).add(e);
      out.push({ ...r, domain: 'both' });
    }
  }
  return [...entries.filter((e) => !merged.has(e)), ...out];
}

function count(entries: DiffEntry[]): Record<ChangeKind, number> {
  const s: Record<ChangeKind, number> = {
    added: 0,
    removed: 0,
    widened: 0,
    narrowed: 0,
    changed: 0,
  };
  for (const e of entries) s[e.change]++;
  return s;
}
