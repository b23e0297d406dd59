/**
 * Declarations of the custom (dynamic) abilities a patch grants
 * (`ability network/bind/privport;`, reference §2.3 form 3): QNX's own
 * example declares each custom ability it uses, and whether secpolcompile
 * needs the declaration is not documented [UNK], so a patch declares every
 * one the policy does not declare yet (strict writing). One `declare-ability`
 * change per name, filed under the first type (by output order) that uses it.
 */
import { abilityInfo } from '../qnx/abilities';
import type { PolicyModel } from '../policy/model/types';
import type { PlannedChange } from './patch';

/** The `declare-ability` changes for the custom abilities `changes` grant that `model` does not declare. */
export function abilityDeclarations(
  changes: PlannedChange[],
  model: PolicyModel | undefined,
): PlannedChange[] {
  const firstUse = new Map<string, string>();
  for (const c of changes) {
    if (c.kind !== 'ability') continue;
    for (const { node } of c.items) {
      const name =
        node.type === 'ability-grant'
          ? node.name.value
          : node.type === 'gain-priv'
            ? node.ability.value
            : undefined;
      if (name === undefined || abilityInfo(name, model?.qnx)?.kind !== 'dynamic') continue;
      if (model?.abilities.has(name) || firstUse.has(name)) continue;
      firstUse.set(name, c.type);
    }
  }
  return [...firstUse].map(([name, type]) => ({
    op: 'declare-ability',
    type,
    kind: 'ability-decl',
    object: name,
    items: [],
    notes: [],
  }));
}
