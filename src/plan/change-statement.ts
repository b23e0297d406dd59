/**
 * The statement a planned change stands for, as an AST node without comments
 * (the renderer adds provenance comments). Used to judge the patched policy
 * on nodes (gain-priv.ts) and, with comments, to print it (src/render/).
 */
import type { AbilityItem, PathSpec, Statement } from '../policy/ast';
import {
  abilityDecl,
  abilityFlag,
  allowAbility,
  allowConnect,
  allowPaths,
  typeDecl,
} from '../policy/nodes';
import type { PlannedChange } from './patch';

/** The items of a change as block items (ability items or paths); connects have none. */
export function blockItems(change: PlannedChange): Array<AbilityItem | PathSpec> {
  return change.items.flatMap((i) => (i.node.type === 'name' ? [] : [i.node]));
}

/** The standalone statement of a change (the `nonroot` flag first in a non-root block). */
export function changeStatement(change: PlannedChange): Statement {
  switch (change.kind) {
    case 'type':
      return typeDecl(change.type);
    case 'ability-decl':
      return abilityDecl(change.object!);
    case 'connect':
      return allowConnect(change.type, change.object!);
    case 'ability':
      return allowAbility(change.type, [
        ...(change.domain === 'non-root' ? [abilityFlag('nonroot')] : []),
        ...(blockItems(change) as AbilityItem[]),
      ]);
    case 'attach':
    case 'link':
      return allowPaths(change.kind, change.type, blockItems(change) as PathSpec[]);
  }
}
