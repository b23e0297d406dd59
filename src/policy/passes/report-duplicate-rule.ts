/**
 * Lint pass `report-duplicate-rule` (warning): a declaration or a grant that
 * repeats an earlier one exactly (same type, same ability and subranges in the
 * same domains, same connect object, same attach/link path). Harmless to
 * secpolcompile, but a sign of merged snippets; the later copy is reported
 * with a note pointing at the first. Grants through different attributes that
 * expand to the same type are not duplicates of each other's statements and
 * are reported once per written item.
 */
import type { LintPass } from '../lint-types';
import type { AbilityGrantInfo, Origin } from '../model/types';
import type { AbilityIndexParts, BlockItems } from '../model/ability-index';
import { eachStatement, namePlace } from './walk';

/** Reports repeated declarations and grants. */
export const reportDuplicateRule: LintPass = (policy, model, session) => {
  const reported = new Set<unknown>();
  const dup = (what: string, later: Origin, first: Origin): void => {
    const key = later.item ?? later.statement;
    // Identical origins are one written rule expanded over several subject types.
    if (reported.has(key) || (later.item ?? later.statement) === (first.item ?? first.statement))
      return;
    reported.add(key);
    session.report(
      'warning',
      'report-duplicate-rule',
      `duplicate ${what} (first at ${first.file}:${first.line}:${first.column})`,
      later,
      [{ message: 'first written here', file: first.file, line: first.line, column: first.column }],
    );
  };
  const declared = new Map<string, { file: string; line: number; column: number }>();
  eachStatement(policy, (s, file) => {
    if (
      s.type !== 'type-decl' &&
      s.type !== 'attribute-decl' &&
      s.type !== 'ability-decl' &&
      s.type !== 'range-decl'
    )
      return;
    const kind = s.type.replace('-decl', '');
    const key = `${kind} ${s.name.value}`;
    const place = namePlace(s.name, s, file);
    const first = declared.get(key);
    if (!first) declared.set(key, place);
    else {
      session.report(
        'warning',
        'report-duplicate-rule',
        `duplicate declaration \`${key};\` (first at ${first.file}:${first.line}:${first.column})`,
        place,
      );
    }
  });
  for (const [type, g] of model.grants) {
    // Shared ability blocks are expanded only for a type that may hold a duplicate grant.
    if (mayRepeat(g.abilities.parts()))
      for (const [ability, grants] of g.abilities) {
        const seen = new Map<string, Origin>();
        for (const x of grants) {
          if (x.fromDefaultPriv) continue;
          const key = `${x.ranges?.map((r) => r.text).join(',') ?? ''}|${x.domains.root}|${x.domains.nonRoot}`;
          const first = seen.get(key);
          if (first) dup(`grant of \`${ability}\` to ${type}`, x.origin, first);
          else seen.set(key, x.origin);
        }
      }
    // Sets are expanded only for a type that may hold a duplicate connect.
    if (g.connects.mayRepeat('allow-connect'))
      for (const [object, list] of g.connects) {
        const rules = list.filter((c) => c.via === 'allow-connect');
        for (let i = 1; i < rules.length; i++)
          dup(`channel connect rule ${type} → ${object}`, rules[i]!.origin, rules[0]!.origin);
      }
    for (const rules of [g.attaches, g.links]) {
      const seen = new Map<string, Origin>();
      for (const r of rules) {
        const key = `${r.fileType ?? ''}:${r.path} ${r.relabel ?? ''}`;
        const first = seen.get(key);
        if (first) dup(`allow_${r.kind} ${type} ${r.path}`, r.origin, first);
        else seen.set(key, r.origin);
      }
    }
  }
};

/** The abilities a shared block grants by name (not through `default_priv`), and whether one repeats. */
interface BlockNames {
  names: Set<string>;
  repeats: boolean;
}

const blockNames = new WeakMap<BlockItems<AbilityGrantInfo>, BlockNames>();
const blockMeets = new WeakMap<BlockNames, WeakMap<BlockNames, boolean>>();

function namesOf(items: BlockItems<AbilityGrantInfo>): BlockNames {
  let b = blockNames.get(items);
  if (!b) {
    b = { names: new Set(), repeats: false };
    for (const [ability, list] of items) {
      const named = list.filter((x) => !x.fromDefaultPriv).length;
      if (named > 0) b.names.add(ability);
      if (named > 1) b.repeats = true;
    }
    blockNames.set(items, b);
  }
  return b;
}

/** True when two blocks grant an ability of the same name (cached per pair of blocks). */
function meet(a: BlockNames, b: BlockNames): boolean {
  const [small, large] = a.names.size <= b.names.size ? [a, b] : [b, a];
  let byLarge = blockMeets.get(small);
  if (!byLarge) blockMeets.set(small, (byLarge = new WeakMap()));
  let hit = byLarge.get(large);
  if (hit === undefined) {
    hit = [...small.names].some((n) => large.names.has(n));
    byLarge.set(large, hit);
  }
  return hit;
}

/**
 * True when a type's abilities may hold two named grants of one ability (the only case with a
 * duplicate): decided per block, so a block of S subjects and I items is read once, not S × I.
 */
function mayRepeat(parts: AbilityIndexParts<AbilityGrantInfo>): boolean {
  if (parts.shares.length === 0) return true;
  const own = new Set<string>();
  for (const [ability, list] of parts.singles) {
    const named = list.filter((x) => !x.fromDefaultPriv).length;
    if (named > 1) return true;
    if (named > 0) own.add(ability);
  }
  const blocks = parts.shares.map(namesOf);
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.repeats) return true;
    const [small, large] = own.size <= b.names.size ? [own, b.names] : [b.names, own];
    for (const n of small) if (large.has(n)) return true;
    for (let j = i + 1; j < blocks.length; j++) if (meet(b, blocks[j]!)) return true;
  }
  return false;
}
