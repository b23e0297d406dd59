/**
 * Path matching for `allow_attach` / `allow_link` rules, as libsecpol does it
 * (reference §2.5): exact paths, `fnmatch()` patterns (`*`, `?`, `[...]`,
 * `\` escapes) and the `/...` leading-directory suffix.
 *
 * Handles: compiling a rule path once (cached) and matching it in time linear
 * in the path for patterns with at most one `*`, O(path × pattern) worst case
 * otherwise (no regular-expression backtracking). Does not handle file-type
 * prefixes (`mount:`): the caller compares those.
 *
 * Assumptions [INF], documented in docs/policy-model.md: secpol.h stores only
 * the PATTERN and LEADING_DIR flags, so fnmatch runs without FNM_PATHNAME
 * (`*` and `?` match `/`); `/x/...` matches `/x` itself and every path below
 * it (FNM_LEADING_DIR semantics); `/...` matches every path.
 *
 * A rule path holding a lone surrogate (a latin1 policy's bytes that are not
 * UTF-8, model/path-bytes.ts) matches no path at all, whatever its wildcards:
 * the trace shows such bytes as U+FFFD, which says nothing of the bytes.
 */
import { holdsUnreadableBytes } from './model/path-bytes';

type Token =
  | { t: 'char'; c: string }
  | { t: 'any' }
  | { t: 'star' }
  | { t: 'class'; negated: boolean; items: Array<[string, string]> };

/** A compiled rule path. */
export interface PathPattern {
  /** The rule path as written. */
  source: string;
  /** `unreadable`: bytes that are not UTF-8, matching nothing. */
  kind: 'exact' | 'glob' | 'leading-dir' | 'unreadable';
  /** Tests one attached or linked path. */
  matches(path: string): boolean;
}

const GLOB = /[*?[\\]/;
const cache = new Map<string, PathPattern>();

/** Compiles `source` (a rule path such as `/dev/fsF*` or `/dev/socket/...`), reusing earlier compilations. */
export function compilePathPattern(source: string): PathPattern {
  let p = cache.get(source);
  if (!p) {
    p = compile(source);
    // Bound the cache: patterns come from policies, but a caller could feed arbitrary strings.
    if (cache.size > 100_000) cache.clear();
    cache.set(source, p);
  }
  return p;
}

/** True when rule path `pattern` matches `path`. */
export function matchPath(pattern: string, path: string): boolean {
  return compilePathPattern(pattern).matches(path);
}

function compile(source: string): PathPattern {
  if (holdsUnreadableBytes(source)) return { source, kind: 'unreadable', matches: () => false };
  const leading = source === '/...' || source.endsWith('/...');
  const body = leading ? source.slice(0, -4) : source;
  if (!GLOB.test(body)) {
    if (!leading) return { source, kind: 'exact', matches: (path) => path === body };
    // `/...` has an empty body: every absolute path is below the root.
    return {
      source,
      kind: 'leading-dir',
      matches: (path) =>
        path === body || (path.startsWith(body) && path.charCodeAt(body.length) === 47),
    };
  }
  const tokens = tokenize(body);
  if (!leading)
    return { source, kind: 'glob', matches: (path) => globMatch(tokens, path, path.length) };
  return {
    source,
    kind: 'leading-dir',
    // FNM_LEADING_DIR: the pattern may match the whole path or any prefix that ends before a `/`.
    matches: (path) => {
      if (globMatch(tokens, path, path.length)) return true;
      for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
        if (globMatch(tokens, path, i)) return true;
      }
      return false;
    },
  };
}

function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '*') {
      // Consecutive stars are one star: keeps the matcher's backtracking bounded.
      if (tokens[tokens.length - 1]?.t !== 'star') tokens.push({ t: 'star' });
    } else if (c === '?') tokens.push({ t: 'any' });
    else if (c === '\\' && i + 1 < body.length) tokens.push({ t: 'char', c: body[++i]! });
    else if (c === '[') {
      const cls = parseClass(body, i);
      if (cls) {
        tokens.push(cls.token);
        i = cls.end;
      } else tokens.push({ t: 'char', c }); // an unclosed `[` is a literal, as fnmatch treats it
    } else tokens.push({ t: 'char', c });
  }
  return tokens;
}

function parseClass(body: string, open: number): { token: Token; end: number } | undefined {
  let i = open + 1;
  let negated = false;
  if (body[i] === '!' || body[i] === '^') {
    negated = true;
    i++;
  }
  const items: Array<[string, string]> = [];
  let first = true;
  for (; i < body.length; i++) {
    let c = body[i]!;
    if (c === ']' && !first) return { token: { t: 'class', negated, items }, end: i };
    first = false;
    if (c === '\\' && i + 1 < body.length) c = body[++i]!;
    if (body[i + 1] === '-' && i + 2 < body.length && body[i + 2] !== ']') {
      let hi = body[i + 2]!;
      i += 2;
      if (hi === '\\' && i + 1 < body.length) hi = body[++i]!;
      items.push([c, hi]);
    } else items.push([c, c]);
  }
  return undefined;
}

function tokenMatches(tok: Token, c: string): boolean {
  switch (tok.t) {
    case 'char':
      return tok.c === c;
    case 'any':
      return true;
    case 'class': {
      let hit = false;
      for (const [lo, hi] of tok.items) if (c >= lo && c <= hi) hit = true;
      return hit !== tok.negated;
    }
    default:
      return false;
  }
}

/**
 * Wildcard matching of `path[0, end)` with the classic single-backtrack-point
 * algorithm: on a mismatch, retry from the last star one character later.
 */
function globMatch(tokens: Token[], path: string, end: number): boolean {
  let ti = 0;
  let pi = 0;
  let starTi = -1;
  let starPi = 0;
  while (pi < end) {
    const tok = tokens[ti];
    if (tok && tok.t === 'star') {
      starTi = ti++;
      starPi = pi;
    } else if (tok && tokenMatches(tok, path[pi]!)) {
      ti++;
      pi++;
    } else if (starTi >= 0) {
      ti = starTi + 1;
      pi = ++starPi;
    } else return false;
  }
  while (tokens[ti]?.t === 'star') ti++;
  return ti === tokens.length;
}
