/**
 * Type names that would collide with a name the policy declares as another
 * kind (an attribute, a named range, a custom ability): a type cannot share
 * such a name (`type priv_port;` beside `attribute priv_port;` would make the
 * rule name both, or not compile). A trace type with such a name, or a `-c`
 * type derived from a process name, gets another name; each rename is a
 * `renamed-type` review item saying why.
 */
import type { Requirement } from '../infer/requirement';
import type { PolicyModel } from '../policy/model/types';
import type { ReviewItem } from './patch';

/** The kind of a declared name that is not a type. */
export type OtherKind = 'attribute' | 'range' | 'ability';

/** Names the policy declares as attributes, named ranges or custom abilities. */
export function otherKindNames(model: PolicyModel | undefined): Map<string, OtherKind> {
  const out = new Map<string, OtherKind>();
  if (!model) return out;
  for (const n of model.attributes.keys()) out.set(n, 'attribute');
  for (const n of model.ranges.keys()) if (!out.has(n)) out.set(n, 'range');
  for (const n of model.abilities.keys()) if (!out.has(n)) out.set(n, 'ability');
  return out;
}

/** `an attribute`, `a range`, `an ability`. */
export function kindPhrase(kind: OtherKind): string {
  return kind === 'range' ? 'a named range' : `an ${kind}`;
}

/**
 * Retargets for trace types named like another kind: every (process, type)
 * pair of such a type moves to `TYPE_t` (or `TYPE_2_t`...), a name nothing in
 * the policy or the traces uses; with a review item per renamed type.
 */
export function renameConflictingTypes(
  atoms: Requirement[],
  other: Map<string, OtherKind>,
  taken: Set<string>,
): { retarget: Map<string, string>; review: ReviewItem[] } {
  const retarget = new Map<string, string>();
  const review: ReviewItem[] = [];
  const renamed = new Map<string, string>();
  for (const a of atoms) {
    const kind = other.get(a.type);
    if (kind === undefined) continue;
    let to = renamed.get(a.type);
    if (to === undefined) {
      to = `${a.type}_t`;
      for (let n = 2; taken.has(to) || other.has(to); n++) to = `${a.type}_${n}_t`;
      taken.add(to);
      renamed.set(a.type, to);
      review.push({
        code: 'renamed-type',
        message: `the traces show type ${a.type}, which the policy declares as ${kindPhrase(kind)}: its rules go to type ${to} instead; launch its processes with \`on -T ${to} ...\``,
        type: to,
        evidence: a.evidence,
      });
    }
    retarget.set(`${a.process}\0${a.type}`, to);
  }
  return { retarget, review };
}
