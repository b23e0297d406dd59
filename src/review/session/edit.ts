/**
 * `g` (allow narrower or wider): the edited rule item a person typed, read by
 * the policy parser and rebuilt with the validated constructors, and what the
 * edited rule allows beyond the suggestion, from the grant model.
 *
 * An edit is written as the item would be in the rule: the value list of an
 * ability (`0-1000`, `0x10-0x1f,42`; for settypeid, type names) or a path
 * (`/dev/ttyp*`, `/tmp/...`). Connects have nothing to edit.
 */
import type { PlannedChange, PlannedItem } from '../../plan/patch';
import type { AbilityItem, PathSpec, RangeValue, Statement } from '../../policy/ast';
import { parsePolicy } from '../../policy/parse';
import { allows, type Access } from '../../policy/grants';
import { buildModel } from '../../policy/model/build-model';
import { abilityGrant, numberRange, pathSpec, rangeName, NodeError } from '../../policy/nodes';
import { itemAccesses, keyId, type ReviewGroup } from './groups';
import { changeStatement } from '../../plan/change-statement';
import { visible } from '../../diagnostics/safe-text';

/** An edit read: the new item node, or why it cannot be one. */
export type EditResult = { node: AbilityItem | PathSpec } | { error: string };

/** True when the group's item can be edited (abilities with values or none, paths). */
export function canEdit(group: ReviewGroup): boolean {
  return group.key.kind !== 'connect';
}

/** Reads `text` as the edited item of `group` (whose change is `change`). */
export function readEdit(group: ReviewGroup, text: string): EditResult {
  const edit = text.trim();
  if (edit === '') return { error: 'an empty edit' };
  const k = group.key;
  if (k.kind === 'connect') return { error: 'a connect has nothing to edit (allow it or not)' };
  const source =
    k.kind === 'ability'
      ? `allow ${k.type} self:ability { ${k.object.split(':')[0]}:${edit} };`
      : `allow_${k.kind} ${k.type} ${edit};`;
  const { ast, diagnostics } = parsePolicy(source, { file: 'edit' });
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error)
    return { error: `\`${visible(edit)}\` is not one ${what(group)}: ${visible(error.message)}` };
  const st = ast.statements[0];
  try {
    if (st?.type === 'allow-ability' && st.items.length === 1) {
      const item = st.items[0]!;
      if (item.type === 'ability-grant' && item.ranges && !item.negated)
        return { node: abilityGrant(item.name.value, item.ranges.map(rebuildRange)) };
    }
    if ((st?.type === 'allow-attach' || st?.type === 'allow-link') && st.paths.length === 1) {
      const p = st.paths[0]!;
      return { node: pathSpec(p.path, p.fileType, p.relabel?.value) };
    }
  } catch (e) {
    if (e instanceof NodeError || e instanceof RangeError) return { error: e.message };
    throw e;
  }
  return { error: `\`${visible(edit)}\` is not one ${what(group)}` };
}

function what(group: ReviewGroup): string {
  return group.key.kind === 'ability' ? 'list of values (`0-1000`, `0x10,0x20`)' : 'path';
}

function rebuildRange(r: RangeValue): RangeValue {
  if (r.type === 'range-name') return rangeName(r.name.value);
  if (r.open) throw new RangeError('an open range (`A-`): write its end');
  const hex = r.start.text.toLowerCase().startsWith('0x');
  return numberRange(r.start.value, (r.end ?? r.start).value, hex);
}

/** The change as it would read with `node` in place of the group's items. */
export function editedChange(change: PlannedChange, node: AbilityItem | PathSpec): PlannedChange {
  const first = change.items[0]!;
  const item: PlannedItem = { node, provenance: first.provenance };
  return { ...change, items: [item] };
}

/** What an edited rule allows: each other group of the session it covers, and values beyond the suggestion. */
export interface AlsoAllows {
  /** True when the edited rule still allows every access the suggestion allowed. */
  coversSuggestion: boolean;
  /** Ids of the other groups of the session the edited rule allows too. */
  groups: string[];
  /** Value spans (`1001-2000`) beyond the suggestion's, for numeric edits. */
  extraValues: string[];
}

/** The grant model of one statement (with its type declared), for `allows`. */
function modelOf(statement: Statement, type: string) {
  const stmts: Statement[] = [changeStatement({ ...emptyType(type) }), statement];
  return buildModel({
    type: 'policy',
    files: [{ type: 'policy-file', file: 'edit', statements: stmts }],
  });
}

function emptyType(type: string): PlannedChange {
  return { op: 'declare-type', type, kind: 'type', items: [], notes: [] };
}

const allowedBy = (model: ReturnType<typeof modelOf>, accesses: Access[]): boolean =>
  accesses.length > 0 && accesses.every((a) => allows(model, a).allowed);

/**
 * What the edited item of `group` allows compared with the suggested one:
 * the other groups (of `all`, in `changes`) it also covers, by the one grant
 * model, and the numeric values it adds.
 */
export function alsoAllows(
  group: ReviewGroup,
  all: readonly ReviewGroup[],
  changes: readonly PlannedChange[],
  node: AbilityItem | PathSpec,
): AlsoAllows {
  const change = changes[group.items[0]!.change]!;
  const edited = editedChange(change, node);
  const model = modelOf(changeStatement(edited), change.type);
  const suggested = group.items.flatMap((r) =>
    itemAccesses(change, changes[r.change]!.items[r.item]!.node),
  );
  const coversSuggestion = allowedBy(model, suggested);
  const groups: string[] = [];
  for (const other of all) {
    if (other.id === group.id || other.key.type !== group.key.type) continue;
    const oc = changes[other.items[0]!.change]!;
    const acc = other.items.flatMap((r) =>
      itemAccesses(oc, changes[r.change]!.items[r.item]!.node),
    );
    if (allowedBy(model, acc)) groups.push(keyId(other.key));
  }
  return {
    coversSuggestion,
    groups,
    extraValues: extraSpans(suggested, itemAccesses(edited, node)),
  };
}

/** The numeric spans of `edited` not in `suggested`, as `A-B` text (decimal). */
function extraSpans(suggested: Access[], edited: Access[]): string[] {
  const spans = (as: Access[]): Array<[bigint, bigint]> =>
    as.flatMap((a) =>
      a.kind === 'ability' && a.value.kind === 'span'
        ? [[a.value.start, a.value.end] as [bigint, bigint]]
        : [],
    );
  let rest = spans(edited);
  for (const [s, e] of spans(suggested)) {
    rest = rest.flatMap(([a, b]): Array<[bigint, bigint]> => {
      if (e < a || s > b) return [[a, b]];
      const out: Array<[bigint, bigint]> = [];
      if (a < s) out.push([a, s - 1n]);
      if (b > e) out.push([e + 1n, b]);
      return out;
    });
  }
  return rest.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
}
