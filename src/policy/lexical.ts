/**
 * Lexical rules of the secpol language (reference §2.1, §2.9), shared by the
 * policy parser (what it accepts) and the inference stage (what text from a
 * trace may be printed into policy text).
 *
 * The parser is lenient where real policies are; `isSafe*` predicates are
 * strict: a value from a trace is printed only if it is one token that cannot
 * end the statement, open or close a block, start a comment or widen a rule.
 */

/** Type, attribute and range names: letters, digits, underscore; not starting with a digit. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Ability names: a static name (`io`, `PATHSPACE`) or a dynamic one with
 * `/`, `-` and `.` (`iofunc/exec`, `vfs/mount-blk`, `ecm_ops.fw_ver`).
 */
export const ABILITY_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_.-]+)*$/;

/** The words that start a statement (error recovery resumes at one that starts a line). */
export const STATEMENT_KEYWORDS: ReadonlySet<string> = new Set([
  'type',
  'attribute',
  'ability',
  'range',
  'allow',
  'allow_attach',
  'allow_link',
  'derive_type',
  'default_spawn_type',
  'mount_point',
]);

/** Words with a meaning of their own in statements; never valid as a type name. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  ...STATEMENT_KEYWORDS,
  'self',
  'channel',
  'connect',
]);

/** Block flags: a word in an ability block that is one of these (without `:`) is a flag, not an ability. */
export const BLOCK_FLAGS: ReadonlySet<string> = new Set([
  'nonroot',
  'noinherit',
  'unlock',
  'default_priv',
]);

/**
 * Words the parser reads as something else right after `allow` (it points the
 * user to `allow_attach` / `allow_link`): never a rule's subject type.
 */
export const NOT_A_SUBJECT: ReadonlySet<string> = new Set(['attach', 'link']);

/** True for a type, attribute or range name (keywords excluded). */
export function isIdentifier(s: string): boolean {
  return IDENTIFIER.test(s) && !KEYWORDS.has(s);
}

/** True for a syntactically valid ability name. */
export function isAbilityName(s: string): boolean {
  return ABILITY_NAME.test(s);
}

/** True for a type name that can be the subject of an `allow` rule. */
export function isSubjectName(s: string): boolean {
  return isIdentifier(s) && !NOT_A_SUBJECT.has(s);
}

/**
 * True for an ability name that reads back as a grant of that ability in an
 * ability block: a valid name that is not a block flag, not `gain_priv` (read
 * as `gain_priv:X` when it has subranges) and not a statement keyword (one
 * that starts a line ends the block). Compared without case: the names of
 * static abilities are case-insensitive, so `DEFAULT_PRIV` is the flag too.
 */
export function isGrantableAbilityName(s: string): boolean {
  const lower = s.toLowerCase();
  return (
    isAbilityName(s) &&
    !BLOCK_FLAGS.has(lower) &&
    lower !== 'gain_priv' &&
    !STATEMENT_KEYWORDS.has(lower)
  );
}

/**
 * Characters that would change the meaning of policy text around a path:
 * whitespace and control characters end the token; `;{}` end or restructure
 * the statement; `#` starts a comment.
 */
const PATH_BREAKERS = /[\s\x00-\x1f\x7f;{}#]/;

/**
 * Characters that make text display other than it reads: bidirectional
 * controls (a reviewer would see a different path), C1 controls, zero-width
 * and other invisible characters, and the Unicode line and paragraph
 * separators. The parser accepts them in a path; a trace path
 * carrying one is never printed.
 */
const DISPLAY_BREAKERS =
  /[\x80-\x9f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u2028\u2029\ufeff]/;

/** Pattern characters: a path carrying one would match more than itself. */
const GLOB_CHARS = /[*?[\]\\]/;

/**
 * True for a path token the parser accepts in `allow_attach` / `allow_link`
 * (globs allowed). A token starting with `//` is read as a `//` comment, so
 * it is not a path: printing one would comment out the rest of the line.
 */
export function isPolicyPath(s: string): boolean {
  return s.startsWith('/') && !s.startsWith('//') && !PATH_BREAKERS.test(s);
}

/**
 * True when a path seen in a trace can be printed as a rule that matches
 * exactly that path: a policy path with no glob characters and no `/...`
 * leading-directory suffix (either would grant more than was observed), and
 * no character that displays it as another path.
 */
export function isSafeLiteralPath(s: string): boolean {
  return (
    isPolicyPath(s) &&
    !GLOB_CHARS.test(s) &&
    !DISPLAY_BREAKERS.test(s) &&
    !s.endsWith('/...') &&
    s !== '/...'
  );
}

/** True when a type name from a trace can be printed into policy text (as a subject too). */
export function isSafeTypeName(s: string): boolean {
  return isSubjectName(s);
}

/** Longest ability name taken from a trace. */
export const MAX_ABILITY_NAME = 256;

/** True when an ability name from a trace can be printed into policy text as a grant. */
export function isSafeAbilityName(s: string): boolean {
  return isGrantableAbilityName(s) && s.length <= MAX_ABILITY_NAME;
}
