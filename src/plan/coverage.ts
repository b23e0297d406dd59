/**
 * Does a policy already grant a requirement? The grant model's answer
 * (src/policy/grants.ts) for the requirement as an access, with the place of
 * the first rule that grants it, for the "already allowed by FILE:LINE" report.
 *
 * The requirement is granted exactly when `check` would pass every record
 * behind it: its type is declared, and each needed value range sits inside one
 * merged subrange (not necessarily the same one: `interrupt:10-12` and
 * `interrupt:0` cover 0 and 10); a `whole` requirement needs a grant without
 * subranges; a settypeid or connect target must be granted by name. A path
 * rule with a file-type prefix never surely covers a path.
 */
import type { Requirement } from '../infer/requirement';
import type { PolicyModel } from '../policy/model/types';
import { allows, ruleOrigin, type Access } from '../policy/grants';

/** The rule that grants a requirement: its place. */
export interface Coverage {
  file: string;
  line: number;
}

/** Returns the first rule that grants `r`, or undefined when the policy does not grant it. */
export function findCoverage(model: PolicyModel, r: Requirement): Coverage | undefined {
  if (!model.types.has(r.type)) return undefined;
  let first: Coverage | undefined;
  for (const access of accessesOf(r)) {
    const a = allows(model, access);
    if (!a.allowed) return undefined;
    const o = ruleOrigin(a.by[0]!);
    first ??= { file: o.file, line: o.line };
  }
  return first;
}

/** The accesses a requirement stands for: one per needed value range, or one. */
export function accessesOf(r: Requirement): Access[] {
  const domain = r.domain ?? 'root';
  switch (r.kind) {
    case 'connect':
      return [{ kind: 'connect', type: r.type, domain, object: r.object }];
    case 'settypeid':
      return [
        {
          kind: 'ability',
          type: r.type,
          domain,
          ability: 'settypeid',
          value: { kind: 'type', name: r.object },
        },
      ];
    case 'ability': {
      const base = { kind: 'ability', type: r.type, domain, ability: r.object } as const;
      if (r.whole) return [{ ...base, value: { kind: 'whole' } }];
      const ranges = r.ranges ?? [];
      if (ranges.length === 0) return [{ ...base, value: { kind: 'unspecified' } }];
      return ranges.map(([s, e]) => ({
        ...base,
        value: { kind: 'span', start: BigInt(s), end: BigInt(e) },
      }));
    }
    case 'attach':
    case 'link':
      return [{ kind: r.kind, type: r.type, path: r.object }];
  }
}
