/**
 * The wrong-type hint (reference §4.6): a process that failed an access
 * under one type and did the same access successfully under another should
 * be launched with that type, not have the wrong one widened.
 */
import type { Requirement } from '../infer/requirement';
import type { LaunchHint } from './patch';

/** Wrong-type hints: failure (process P, type A, access X) and success (P, type B ≠ A, X). Keyed by group key. */
export function wrongTypeHints(atoms: Requirement[]): Map<string, LaunchHint> {
  const successTypes = new Map<string, string[]>();
  for (const a of atoms) {
    if (a.evidence.successes === 0) continue;
    const k = [a.process, a.kind, a.domain ?? '', a.object].join('\0');
    const list = successTypes.get(k);
    if (list) list.push(a.type);
    else successTypes.set(k, [a.type]);
  }
  const out = new Map<string, LaunchHint>();
  for (const a of atoms) {
    if (a.evidence.failures === 0) continue;
    const others = (
      successTypes.get([a.process, a.kind, a.domain ?? '', a.object].join('\0')) ?? []
    )
      .filter((t) => t !== a.type)
      .sort();
    if (others.length === 0) continue;
    const key = [a.type, a.kind, a.domain ?? '', a.object].join('\0');
    if (!out.has(key))
      out.set(key, { process: a.process, from: a.type, to: others[0]!, reason: 'wrong-type' });
  }
  return out;
}
