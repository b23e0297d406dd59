/**
 * Type names that would collide with a name the policy declares as another
 * kind (an attribute, a named range, a custom ability): a type cannot share
 * such a name (`type priv_port;` beside `attribute priv_port;` would make the
 * rule name both, or not compile). A trace type with such a name, or a `-c`
 * type derived from a process name, gets another name; each rename is a
 * `renamed-type` review item saying why. A connect or settypeid whose object
 * type has such a name goes to the same new name: `allow S grp:channel
 * connect` with `grp` an attribute would grant the connect to every member.
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
 * the policy or the traces uses; with a review item per renamed type. A
 * connect or settypeid atom whose object is such a type is replaced, in
 * `atoms` itself, by a copy with the object renamed the same way (the
 * requirement is not changed; the planner keeps one array of the atoms).
 */
export function renameConflictingTypes(
  atoms: Requirement[],
  other: Map<string, OtherKind>,
  taken: Set<string>,
): { retarget: Map<string, string>; review: ReviewItem[] } {
  const retarget = new Map<string, string>();
  const review: ReviewItem[] = [];
  const renamed = new Map<string, string>();
  const rename = (type: string, kind: OtherKind, a: Requirement): string => {
    let to = renamed.get(type);
    if (to === undefined) {
      to = `${type}_t`;
      for (let n = 2; taken.has(to) || other.has(to); n++) to = `${type}_${n}_t`;
      taken.add(to);
      renamed.set(type, to);
      review.push({
        code: 'renamed-type',
        message: `the traces show type ${type}, which the policy declares as ${kindPhrase(kind)}: its rules go to type ${to} instead; launch its processes with \`on -T ${to} ...\``,
        type: to,
        evidence: a.evidence,
      });
    }
    return to;
  };
  if (other.size === 0) return { retarget, review };
  atoms.forEach((a, i) => {
    const kind = other.get(a.type);
    if (kind !== undefined) retarget.set(`${a.process}\0${a.type}`, rename(a.type, kind, a));
    const objectKind =
      a.kind === 'connect' || a.kind === 'settypeid' ? other.get(a.object) : undefined;
    if (objectKind !== undefined) atoms[i] = { ...a, object: rename(a.object, objectKind, a) };
  });
  return { retarget, review };
}
