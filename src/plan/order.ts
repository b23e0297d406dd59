/**
 * The output order of planned changes: by type, then kind (type, ability
 * declaration, ability, connect, attach, link), root before non-root, then object.
 */
import type { ChangeKind } from './patch';
import type { Requirement } from '../infer/requirement';

/** Kinds in output order. */
export const KIND_ORDER: Record<ChangeKind, number> = {
  type: 0,
  'ability-decl': 1,
  ability: 2,
  connect: 3,
  attach: 4,
  link: 5,
};

/** Root blocks before non-root ones, as policies usually write them. */
export function domainOrder(d: Requirement['domain']): number {
  return d === 'non-root' ? 1 : 0;
}

/** Compares strings by UTF-16 code units (locale-independent, so output is the same everywhere). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
