/**
 * Builds the policy semantic model (types.ts) from a parsed policy: expands
 * attributes, braced sets and `self`; turns ability items into per-type,
 * per-domain grants with BigInt subranges; indexes connect, attach and link
 * rules by type. One pass over the statements plus one over the grants:
 * linear in the policy size (fast on 10,000-type policies).
 *
 * Semantics and their reference tags are in docs/policy-model.md. Does not
 * report problems (that is lint's job, passes/); it models what is written.
 */
import type {
  AbilityGrant,
  AllowAbility,
  Name,
  Policy,
  PolicyFile,
  RangeValue,
  Statement,
  TypeSet,
} from '../ast';
import {
  DEFAULT_QNX_VERSION,
  normaliseAbilityName,
  staticAbilities,
  type QnxVersion,
} from '../../qnx/abilities';
import { MAX_VALUE } from './range-file';
import {
  ConnectIndex,
  connectBlock,
  connectSet,
  type ConnectBlock,
  type ConnectSet,
  type ConnectSetGrant,
} from './connect-index';
import { AbilityIndex } from './ability-index';
import { traceReadingOfLatin1 } from './path-bytes';
import type {
  AbilityGrantInfo,
  ConnectGrant,
  Declaration,
  Domains,
  NegationInfo,
  NamedRangeValues,
  Origin,
  PolicyModel,
  Subrange,
  TypeGrants,
} from './types';
import { appendAll } from '../../arrays';

/** Options of `buildModel`. */
export interface BuildModelOptions {
  /** QNX version whose static abilities `default_priv` grants (default 7.1). */
  qnx?: QnxVersion;
  /** Named range values from a range file (`parseRangeFile`). */
  ranges?: NamedRangeValues;
}

/** Builds the semantic model of `policy`. */
export function buildModel(policy: Policy, options: BuildModelOptions = {}): PolicyModel {
  const model: PolicyModel = {
    qnx: options.qnx ?? DEFAULT_QNX_VERSION,
    types: new Map(),
    attributes: new Map(),
    abilities: new Map(),
    ranges: new Map(),
    grants: new Map(),
    deriveTypes: new Map(),
    defaultSpawnTypes: new Map(),
    hasRangeFile: options.ranges !== undefined,
  };
  // Declarations first: a rule may use an attribute declared later in the file set.
  const rules: Array<{ statement: Statement; file: PolicyFile }> = [];
  for (const file of policy.files) {
    for (const statement of file.statements) {
      declare(model, statement, file.file);
      rules.push({ statement, file });
    }
  }
  for (const [name, range] of model.ranges) range.values = options.ranges?.get(name);
  for (const { statement, file } of rules) addRule(model, statement, file);
  return model;
}

/** The origin of a statement (or an item of it). */
export function originOf(statement: Statement, file: string, item?: Origin['item']): Origin {
  const pos = item?.position ?? statement.position;
  return {
    file: pos?.file ?? file,
    line: pos?.start.line ?? 0,
    column: pos?.start.column ?? 0,
    statement,
    ...(item ? { item } : {}),
  };
}

function nameOrigin(statement: Statement, file: string, name: Name): Origin {
  const o = originOf(statement, file);
  if (name.position) {
    o.line = name.position.start.line;
    o.column = name.position.start.column;
  }
  return o;
}

/** Member sets of attributes, for duplicate-free member lists in linear time. */
const memberSets = new WeakMap<object, Set<string>>();

function declare(model: PolicyModel, s: Statement, file: string): void {
  switch (s.type) {
    case 'type-decl': {
      const name = s.name.value;
      const attrs = s.attributes.map((a) => a.value);
      if (!model.types.has(name))
        model.types.set(name, { name, origin: nameOrigin(s, file, s.name), attributes: attrs });
      else appendAll(model.types.get(name)!.attributes, attrs);
      for (const attr of s.attributes) {
        let a = model.attributes.get(attr.value);
        // `type T, A;` makes A an attribute even when `attribute A;` is missing (lint reports that).
        if (!a)
          model.attributes.set(
            attr.value,
            (a = { name: attr.value, origin: nameOrigin(s, file, attr), members: [] }),
          );
        // A Set beside the list: `includes` on a 10,000-member attribute would be quadratic.
        const seen = memberSets.get(a) ?? new Set<string>();
        memberSets.set(a, seen);
        if (!seen.has(name)) {
          seen.add(name);
          a.members.push(name);
        }
      }
      break;
    }
    case 'attribute-decl': {
      const a = model.attributes.get(s.name.value);
      // An attribute first seen in a `type T, A;` gets its real declaration's place.
      if (a) a.origin = nameOrigin(s, file, s.name);
      else
        model.attributes.set(s.name.value, {
          name: s.name.value,
          origin: nameOrigin(s, file, s.name),
          members: [],
        });
      break;
    }
    case 'ability-decl':
      if (!model.abilities.has(s.name.value))
        model.abilities.set(s.name.value, {
          name: s.name.value,
          origin: nameOrigin(s, file, s.name),
        });
      break;
    case 'range-decl':
      if (!model.ranges.has(s.name.value))
        model.ranges.set(s.name.value, { name: s.name.value, origin: nameOrigin(s, file, s.name) });
      break;
    case 'derive-type': {
      let m = model.deriveTypes.get(s.from.value);
      if (!m) model.deriveTypes.set(s.from.value, (m = new Map()));
      if (!m.has(s.label.value))
        m.set(s.label.value, { name: s.to.value, origin: originOf(s, file) });
      break;
    }
    case 'default-spawn-type':
      if (!model.defaultSpawnTypes.has(s.from.value))
        model.defaultSpawnTypes.set(s.from.value, { name: s.to.value, origin: originOf(s, file) });
      break;
    default:
      break;
  }
}

/** The grants record of `type`, created on first use. */
export function grantsOf(model: PolicyModel, type: string): TypeGrants {
  let g = model.grants.get(type);
  if (!g) {
    g = {
      abilities: new AbilityIndex(),
      negations: new AbilityIndex(),
      gainPriv: new AbilityIndex(),
      connects: new ConnectIndex(type),
      attaches: [],
      links: [],
      abilityBlocks: [],
    };
    model.grants.set(type, g);
  }
  return g;
}

/** The types a subject or object name stands for: an attribute's members, or the name itself. */
export function expandName(model: PolicyModel, name: string): string[] {
  const attr = model.attributes.get(name);
  return attr ? attr.members : [name];
}

function expandSet(model: PolicyModel, set: TypeSet): string[] {
  const out: string[] = [];
  for (const n of set.names) appendAll(out, expandName(model, n.value));
  return [...new Set(out)];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function addRule(model: PolicyModel, s: Statement, source: PolicyFile): void {
  const file = source.file;
  switch (s.type) {
    case 'allow-ability':
      addAbilityBlock(model, s, file);
      break;
    case 'allow-connect': {
      const origin = originOf(s, file);
      // The objects once for every subject: a set of several is shared, never expanded per subject.
      const objects: string[] = [];
      for (const n of s.objects.names)
        appendAll(objects, n.value === 'self' ? ['self'] : expandName(model, n.value));
      const set = objects.length > 1 ? connectSet(objects) : undefined;
      const domains = { root: true, nonRoot: true };
      for (const subject of expandSet(model, s.subjects)) {
        const g = grantsOf(model, subject);
        if (set) g.connects.addSet({ set, via: 'allow-connect', domains, origin });
        else
          for (const o of objects) {
            const object = o === 'self' ? subject : o;
            g.connects.add({ object, via: 'allow-connect', domains: { ...domains }, origin });
          }
      }
      break;
    }
    case 'allow-attach':
    case 'allow-link': {
      const kind = s.type === 'allow-attach' ? 'attach' : 'link';
      // A latin1 file's paths are judged by their bytes, as the trace reads them (path-bytes.ts).
      const paths = s.paths.map((p) =>
        source.encoding === 'latin1' ? traceReadingOfLatin1(p.path) : p.path,
      );
      for (const subject of expandName(model, s.subject.value)) {
        const g = grantsOf(model, subject);
        for (const [i, p] of s.paths.entries()) {
          const rule = {
            kind,
            path: paths[i]!,
            ...(p.fileType !== undefined ? { fileType: p.fileType } : {}),
            ...(p.relabel ? { relabel: p.relabel.value } : {}),
            origin: originOf(s, file, p),
          } as const;
          (kind === 'attach' ? g.attaches : g.links).push(rule);
        }
      }
      break;
    }
    default:
      break;
  }
}

/** A `channel_connect` grant of an ability block: the objects (`*` for any type), a set when several. */
interface BlockConnect {
  origin: Origin;
  objects: string[];
  set?: ConnectSet;
}

/** What one ability block grants, built once for all its subjects. */
interface BlockGrants {
  abilities: Map<string, AbilityGrantInfo[]>;
  negations: Map<string, NegationInfo[]>;
  gainPriv: Map<string, Origin[]>;
  connects: BlockConnect[];
}

function addAbilityBlock(model: PolicyModel, s: AllowAbility, file: string): void {
  const block = blockGrants(model, s, file);
  const subjects = expandSet(model, s.subjects);
  const blockOrigin = originOf(s, file);
  // A block of several subjects is kept once and each subject holds a share of it (ability-index.ts);
  // a block of one subject, or of one entry, costs the same either way and stays in the type's map.
  const shared = subjects.length > 1;
  // A shared block's connect items are indexed once too; each subject holds a reference.
  const connects = shared ? connectsOfBlock(block) : undefined;
  for (const subject of subjects) {
    const g = grantsOf(model, subject);
    g.abilityBlocks.push(blockOrigin);
    addBlock(g.abilities, block.abilities, shared);
    addBlock(g.negations, block.negations, shared);
    addBlock(g.gainPriv, block.gainPriv, shared);
    if (connects) {
      g.connects.addBlock(connects);
      continue;
    }
    for (const { origin, objects, set } of block.connects) {
      // `channel_connect:O` is the same grant as `allow S O:channel connect`.
      if (set) g.connects.addSet({ set, via: 'ability', domains: block.domains, origin });
      else
        for (const object of objects)
          g.connects.add({ object, via: 'ability', domains: block.domains, origin });
    }
  }
}

/** A block's connect grants as every subject receives them, in item order (connect-index.ts). */
function connectsOfBlock(block: BlockGrants & { domains: Domains }): ConnectBlock<ConnectGrant> {
  const items: Array<{ grant: ConnectGrant } | { share: ConnectSetGrant<ConnectGrant> }> = [];
  for (const { origin, objects, set } of block.connects) {
    // `channel_connect:O` is the same grant as `allow S O:channel connect`.
    if (set) items.push({ share: { set, via: 'ability', domains: block.domains, origin } });
    else
      for (const object of objects)
        items.push({ grant: { object, via: 'ability', domains: block.domains, origin } });
  }
  return connectBlock(items);
}

function addBlock<V>(index: AbilityIndex<V>, items: Map<string, V[]>, shared: boolean): void {
  let entries = 0;
  for (const list of items.values()) entries += list.length;
  if (entries === 0) return;
  if (shared && entries > 1) index.addShare(items);
  else for (const [ability, list] of items) for (const v of list) index.add(ability, v);
}

/** The grants of one ability block, in item order, as every subject receives them. */
function blockGrants(
  model: PolicyModel,
  s: AllowAbility,
  file: string,
): BlockGrants & { domains: Domains } {
  const flags = new Set(s.items.filter((i) => i.type === 'ability-flag').map((i) => i.name));
  // [INF] A block without `nonroot` grants the root domain only; with it, both domains.
  const domains: Domains = { root: true, nonRoot: flags.has('nonroot') };
  const noinherit = flags.has('noinherit');
  const unlock = flags.has('unlock');
  const negatedHere = new Set(
    s.items
      .filter((i): i is AbilityGrant => i.type === 'ability-grant' && i.negated)
      .map((i) => normaliseAbilityName(i.name.value)),
  );
  const out: BlockGrants & { domains: Domains } = {
    abilities: new Map(),
    negations: new Map(),
    gainPriv: new Map(),
    connects: [],
    domains,
  };
  for (const item of s.items) {
    const origin = originOf(s, file, item);
    if (item.type === 'ability-flag') {
      if (item.name !== 'default_priv') continue;
      // default_priv = every static ability of the version, minus the block's own negations.
      for (const info of staticAbilities(model.qnx)) {
        if (negatedHere.has(info.name)) continue;
        push(out.abilities, info.name, {
          ability: info.name,
          domains,
          noinherit,
          unlock,
          fromDefaultPriv: true,
          origin,
        });
        if (info.name === 'channel_connect') out.connects.push({ origin, objects: ['*'] });
      }
    } else if (item.type === 'gain-priv') {
      push(out.gainPriv, normaliseAbilityName(item.ability.value), origin);
    } else {
      const ability = normaliseAbilityName(item.name.value);
      if (item.negated) {
        push(out.negations, ability, { ability, domains, origin });
        continue;
      }
      const ranges = item.ranges?.map((r) => toSubrange(r));
      push(out.abilities, ability, {
        ability,
        ...(ranges ? { ranges } : {}),
        domains,
        noinherit,
        unlock,
        fromDefaultPriv: false,
        origin,
      });
      if (ability !== 'channel_connect') continue;
      const objects = ranges
        ? ranges.flatMap((r) => (r.kind === 'name' ? expandName(model, r.name) : []))
        : ['*'];
      out.connects.push({
        origin,
        objects,
        ...(objects.length > 1 ? { set: connectSet(objects) } : {}),
      });
    }
  }
  return out;
}

/** Converts one written subrange to a BigInt interval or a name. */
export function toSubrange(r: RangeValue): Subrange {
  if (r.type === 'range-name') return { kind: 'name', name: r.name.value, text: r.name.value };
  const start = BigInt(r.start.value);
  const end = r.end ? BigInt(r.end.value) : r.open ? MAX_VALUE : start;
  const text = r.end ? `${r.start.text}-${r.end.text}` : r.open ? `${r.start.text}-` : r.start.text;
  return { kind: 'interval', start, end, open: Boolean(r.open), text };
}

export type { Declaration };
