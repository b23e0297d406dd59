/**
 * `-c`: which processes get a type of their own (one per process name). In
 * `generate` every process does; in `suggest` a process that failed under a
 * type it shares with other executables in the traces (or the catch-all
 * `default`); a type the process has to itself stays as without `-c`.
 */
import type { Requirement } from '../infer/requirement';
import type { PolicyModel } from '../policy/model/types';
import { plainTypeName, typeNameForProcess } from './process-type';
import { kindPhrase, type OtherKind } from './name-conflicts';
import type { ReviewItem } from './patch';
import type { PlanOptions } from './plan-types';

/**
 * `-c`: which (process, type) pairs get a type of their own. In `generate`
 * every process does; in `suggest` a failing process does when its type is
 * shared with other executables in the traces, or is the catch-all `default`.
 * A name the policy declares as another kind (`other`) is never chosen: the
 * next free one is, with a `renamed-type` review item.
 */
export function combineTargets(
  atoms: Requirement[],
  model: PolicyModel | undefined,
  mode: PlanOptions['mode'],
  other: Map<string, OtherKind> = new Map(),
  review: ReviewItem[] = [],
): Map<string, string> {
  const processesByType = new Map<string, Set<string>>();
  const failing = new Set<string>();
  for (const a of atoms) {
    let s = processesByType.get(a.type);
    if (!s) processesByType.set(a.type, (s = new Set()));
    s.add(a.process);
    if (a.evidence.failures > 0) failing.add(`${a.process}\0${a.type}`);
  }
  const taken = new Set<string>([
    ...(model?.types.keys() ?? []),
    ...processesByType.keys(),
    ...other.keys(),
  ]);
  const shared = (type: string): boolean =>
    (processesByType.get(type)?.size ?? 0) > 1 || type === 'default';
  const pairs = [...new Set(atoms.map((a) => `${a.process}\0${a.type}`))].sort();
  // One type per process name: the process qualifies when it failed under a shared type.
  const qualifies = new Set<string>();
  const typesOf = new Map<string, string[]>();
  for (const pt of pairs) {
    const [process, type] = pt.split('\0') as [string, string];
    if (mode === 'generate' || (shared(type) && failing.has(pt))) qualifies.add(process);
    const types = typesOf.get(process);
    if (types) types.push(type);
    else typesOf.set(process, [type]);
  }
  const out = new Map<string, string>();
  for (const process of [...qualifies].sort()) {
    const name = typeNameForProcess(process, taken);
    if (!name) continue;
    taken.add(name);
    const plain = plainTypeName(process);
    const kind = plain === undefined ? undefined : other.get(plain);
    if (kind !== undefined)
      review.push({
        code: 'renamed-type',
        message: `${process} gets type ${name}, not ${plain}, which the policy declares as ${kindPhrase(kind)}`,
        type: name,
        evidence: atoms.find((a) => a.process === process)!.evidence,
      });
    // A type the process has to itself stays (handled as without -c).
    for (const type of typesOf.get(process)!)
      if (mode === 'generate' || shared(type)) out.set(`${process}\0${type}`, name);
  }
  return out;
}
