/**
 * `-c`: which processes get a type of their own (one per process name): a
 * process that ran under a type it shares with other executables in the
 * traces (or the catch-all `default`); in `suggest` only when it failed
 * under it. A type no other executable uses stays the process's type, in
 * both modes: renaming it would only make the launch line wrong.
 */
import type { Requirement } from '../infer/requirement';
import type { PolicyModel } from '../policy/model/types';
import { plainTypeName, typeNameForProcess } from './process-type';
import { kindPhrase, type OtherKind } from './name-conflicts';
import type { ReviewItem } from './patch';
import type { PlanOptions } from './plan-types';

/**
 * `-c`: which (process, type) pairs get a type of their own: those whose type
 * is shared with other executables in the traces, or is the catch-all
 * `default` (in `suggest` only when the process failed under it). A pair
 * whose type only this executable uses keeps it.
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
    if (shared(type) && (mode === 'generate' || failing.has(pt))) qualifies.add(process);
    const types = typesOf.get(process);
    if (types) types.push(type);
    else typesOf.set(process, [type]);
  }
  // The types each process enters by settypeid (never its own: see ownType).
  const entered = new Map<string, Set<string>>();
  for (const a of atoms)
    if (a.kind === 'settypeid') {
      const s = entered.get(a.process);
      if (s) s.add(a.object);
      else entered.set(a.process, new Set([a.object]));
    }
  const out = new Map<string, string>();
  for (const process of [...qualifies].sort()) {
    const own = ownType(typesOf.get(process)!, entered.get(process), shared);
    const name = own ?? typeNameForProcess(process, taken);
    if (!name) continue;
    taken.add(name);
    const plain = plainTypeName(process);
    const kind = own !== undefined || plain === undefined ? undefined : other.get(plain);
    if (kind !== undefined)
      review.push({
        code: 'renamed-type',
        message: `${process} gets type ${name}, not ${plain}, which the policy declares as ${kindPhrase(kind)}`,
        type: name,
        evidence: atoms.find((a) => a.process === process)!.evidence,
      });
    // A type the process has to itself stays (handled as without -c).
    for (const type of typesOf.get(process)!)
      if (shared(type) && type !== name) out.set(`${process}\0${type}`, name);
  }
  return out;
}

/**
 * The type a process already has to itself, when there is exactly one: a
 * type of the traces no other executable ran as, other than a type the
 * process changes into with settypeid (sshd's privilege-separated child
 * keeps its own type; folding the parent into it would grant the child the
 * parent's rights). Its shared types then move to it instead of a new name:
 * devf-ram, seen as fs_t and fs_user_t, runs as fs_t.
 */
function ownType(
  types: string[],
  entered: ReadonlySet<string> | undefined,
  shared: (type: string) => boolean,
): string | undefined {
  const own = types.filter((t) => !shared(t) && !entered?.has(t) && t !== '-');
  return own.length === 1 ? own[0] : undefined;
}
