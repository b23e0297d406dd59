/**
 * The path rules of one type and kind that match a trace path, in policy
 * order. Rules with an exact path are found through a Map and only the
 * pattern rules are tried one by one, so a type with thousands of exact
 * `allow_attach` paths costs one lookup per event, not thousands of matches.
 *
 * The index of a rule list is built on first use and kept while the list
 * (a PolicyModel's) lives. Rules with a file-type prefix (`devb_t mount:/`)
 * apply only to attaches of that file type, which secpolmonitor does not print
 * (it prints the plain path) [INF]: they never surely match a trace path
 * (`matchingRules`), but may (`mayMatchRules`).
 */
import type { PathRule } from './model/types';
import { compilePathPattern, type PathPattern } from './path-match';

interface RuleIndex {
  /** Exact rule paths → positions in the list, ascending. */
  exact: Map<string, number[]>;
  /** Globs and `/...` rules with their positions, ascending. */
  patterns: Array<{ at: number; pattern: PathPattern }>;
  /** Rules with a file-type prefix, with their positions, ascending. */
  prefixed: Array<{ at: number; pattern: PathPattern }>;
}

const indexes = new WeakMap<readonly PathRule[], RuleIndex>();

function indexOf(rules: readonly PathRule[]): RuleIndex {
  let index = indexes.get(rules);
  if (index) return index;
  index = { exact: new Map(), patterns: [], prefixed: [] };
  rules.forEach((r, at) => {
    const pattern = compilePathPattern(r.path);
    if (r.fileType !== undefined) {
      index!.prefixed.push({ at, pattern });
      return;
    }
    if (pattern.kind !== 'exact') index!.patterns.push({ at, pattern });
    else {
      const list = index!.exact.get(r.path);
      if (list) list.push(at);
      else index!.exact.set(r.path, [at]);
    }
  });
  indexes.set(rules, index);
  return index;
}

/** Every rule of `rules` that matches `path`, in the order of `rules`. */
export function matchingRules(rules: readonly PathRule[], path: string): PathRule[] {
  const index = indexOf(rules);
  const exact = index.exact.get(path) ?? [];
  const hits = index.patterns.filter((p) => p.pattern.matches(path)).map((p) => p.at);
  const all = hits.length === 0 ? exact : exact.length === 0 ? hits : [...exact, ...hits];
  if (all !== exact && all !== hits) all.sort((a, b) => a - b);
  return all.map((at) => rules[at]!);
}

/** Every rule of `rules` with a file-type prefix whose path matches `path`, in order. */
export function mayMatchRules(rules: readonly PathRule[], path: string): PathRule[] {
  const index = indexOf(rules);
  if (index.prefixed.length === 0) return [];
  return index.prefixed.filter((p) => p.pattern.matches(path)).map((p) => rules[p.at]!);
}
