/** Tests of the path-rule index: the same rules, in the same order, as matching every rule in turn. */
import fc from 'fast-check';
import type { PathRule } from './model/types';
import { matchPath } from './path-match';
import { matchingRules } from './path-rules';

const rule = (path: string, line: number, fileType?: string): PathRule => ({
  kind: 'attach',
  path,
  ...(fileType !== undefined ? { fileType } : {}),
  origin: {
    file: 'p.secpol',
    line,
    column: 1,
    statement: { type: 'type-decl', name: { type: 'name', value: 't' }, attributes: [] },
  },
});

/** What the index replaces: every rule tried in turn. */
const naive = (rules: PathRule[], path: string): PathRule[] =>
  rules.filter((r) => r.fileType === undefined && matchPath(r.path, path));

describe('matchingRules', () => {
  it('keeps policy order across exact paths, repeats and patterns, and skips file-type rules', () => {
    const rules = [
      rule('/dev/b*', 1),
      rule('/dev/b0', 2),
      rule('/dev/...', 3),
      rule('/dev/b0', 4),
      rule('/dev/b0', 5, 'mount'),
      rule('/dev/c', 6),
    ];
    expect(matchingRules(rules, '/dev/b0').map((r) => r.origin.line)).toEqual([1, 2, 3, 4]);
    expect(matchingRules(rules, '/dev/c').map((r) => r.origin.line)).toEqual([3, 6]);
    expect(matchingRules(rules, '/tmp')).toEqual([]);
  });

  it('agrees with matching every rule in turn', () => {
    const piece = fc.constantFrom('a', 'b', '*', '?', '[ab]', '...', '/');
    const path = fc
      .array(fc.constantFrom('a', 'b', '/'), { maxLength: 5 })
      .map((p) => `/${p.join('')}`);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            body: fc
              .array(piece, { maxLength: 4 })
              .map((p) => `/${p.join('')}`.replace(/\.\.\.(?!$)/g, 'a')),
            typed: fc.boolean(),
          }),
          { maxLength: 12 },
        ),
        fc.array(path, { minLength: 1, maxLength: 5 }),
        (specs, paths) => {
          const rules = specs.map((s, i) =>
            rule(s.body, i + 1, s.typed && i % 3 === 0 ? 'mount' : undefined),
          );
          for (const p of paths) expect(matchingRules(rules, p)).toEqual(naive(rules, p));
        },
      ),
      { numRuns: 300 },
    );
  });
});
