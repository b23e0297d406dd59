/**
 * Constructors of generated AST nodes (no position): the only way the tool
 * builds a rule. Each field is checked against the predicates the parser
 * itself uses (lexical.ts, number-literal.ts), so a node built here prints
 * (print.ts) as text the parser reads back as the same node. A field the
 * parser would read differently (a type that is a keyword, an ability that is
 * a block flag, a path with a space, a number whose text is another value, a
 * comment over two lines) throws `NodeError`: that is a bug upstream (trace
 * fields are refused in src/infer/validate-event.ts with the same predicates
 * before they get here), never something to print.
 */
import type {
  AbilityDecl,
  AbilityFlag,
  AbilityFlagName,
  AbilityGrant,
  AbilityItem,
  AllowAbility,
  AllowAttach,
  AllowConnect,
  AllowLink,
  Comment,
  GainPriv,
  Name,
  NumberLiteral,
  PathSpec,
  RangeValue,
  TypeDecl,
} from './ast';
import {
  BLOCK_FLAGS,
  isAbilityName,
  isGrantableAbilityName,
  isIdentifier,
  isPolicyPath,
  isSafeLiteralPath,
  isSubjectName,
} from './lexical';
import { looksNumeric, numberValue } from './number-literal';
import { MAX_ABILITY_VALUE } from '../qnx/abilities';

/** A generated node would not read back as itself: an internal error, never user input. */
export class NodeError extends Error {
  constructor(what: string) {
    super(`internal error: ${what} cannot be printed as policy text`);
    this.name = 'NodeError';
  }
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new NodeError(what);
}

/** A type, attribute or range name. */
export function identifierName(value: string): Name {
  check(isIdentifier(value), 'a name that is not an identifier');
  return { type: 'name', value };
}

/** A type name that can be an `allow` rule's subject. */
export function subjectName(value: string): Name {
  check(isSubjectName(value), 'a subject type that is not an identifier');
  return { type: 'name', value };
}

/**
 * A subrange number for a canonical decimal `value`, written in hex (`0x...`,
 * for addresses) or decimal; refused when the value is not canonical decimal
 * (`0123` would read as octal) or above 2^64-1.
 */
export function numberLiteral(value: string, hex = false): NumberLiteral {
  check(/^(?:0|[1-9][0-9]*)$/.test(value), 'a subrange value that is not canonical decimal');
  check(BigInt(value) <= MAX_ABILITY_VALUE, 'a subrange value above 2^64-1');
  const text = hex ? `0x${BigInt(value).toString(16)}` : value;
  check(numberValue(text) === value, 'a number literal that reads as another value');
  return { type: 'number', text, value };
}

/** `N` or `A-B` (when `end` differs from `start`), from canonical decimal values. */
export function numberRange(start: string, end = start, hex = false): RangeValue {
  const s = numberLiteral(start, hex);
  if (end === start) return { type: 'range-number', start: s };
  const e = numberLiteral(end, hex);
  check(BigInt(start) < BigInt(end), 'a reversed subrange');
  return { type: 'range-number', start: s, end: e };
}

/** A subrange element that is a name (a type for `settypeid`, a declared range). */
export function rangeName(value: string): RangeValue {
  // A name starting with a digit would be read as a number.
  check(isIdentifier(value) && !looksNumeric(value), 'a range name that is not an identifier');
  return { type: 'range-name', name: { type: 'name', value } };
}

/** `name` or `name:ranges` (or `-name` when `negated`), for a name that is not a flag or keyword. */
export function abilityGrant(name: string, ranges?: RangeValue[], negated = false): AbilityGrant {
  check(isGrantableAbilityName(name), 'an ability name that is a flag, keyword or not a name');
  check(ranges === undefined || ranges.length > 0, 'an empty subrange list');
  const grant: AbilityGrant = {
    type: 'ability-grant',
    negated,
    name: { type: 'name', value: name },
  };
  if (ranges) grant.ranges = ranges;
  return grant;
}

/** `gain_priv:ABILITY`. */
export function gainPriv(ability: string): GainPriv {
  check(isAbilityName(ability), 'a gain_priv ability that is not an ability name');
  return { type: 'gain-priv', ability: { type: 'name', value: ability } };
}

/** A block flag (`nonroot`). */
export function abilityFlag(name: AbilityFlagName): AbilityFlag {
  check(BLOCK_FLAGS.has(name), 'an unknown block flag');
  return { type: 'ability-flag', name };
}

/** `[FTYPE:]PATH [RELABEL]`. */
export function pathSpec(path: string, fileType?: string, relabel?: string): PathSpec {
  // isPolicyPath refuses `//` (a comment) and every character that ends or restructures a token.
  check(isPolicyPath(path), 'a path the parser would not read as one path');
  const spec: PathSpec = { type: 'path-spec', path };
  if (fileType !== undefined) {
    check(isIdentifier(fileType), 'a file-type prefix that is not an identifier');
    spec.fileType = fileType;
  }
  if (relabel !== undefined) spec.relabel = identifierName(relabel);
  return spec;
}

/**
 * A path as a trace saw it, printed so that it matches exactly that path: no
 * glob characters, no `/...` suffix (either would grant more than was seen).
 */
export function literalPathSpec(path: string): PathSpec {
  check(isSafeLiteralPath(path), 'a trace path that is not literal');
  return pathSpec(path);
}

/**
 * A one-line `#` comment. The lexer ends a comment at the newline and drops
 * trailing whitespace, so text with a line break, a control character or
 * trailing whitespace would not read back as itself.
 */
export function comment(text: string): Comment {
  check(
    text.startsWith('#') && !/[\x00-\x1f\x7f\u2028\u2029]/.test(text) && !/\s$/.test(text),
    'a comment that is not one `#` line',
  );
  return { type: 'comment', text };
}

/** `type NAME;` */
export function typeDecl(name: string): TypeDecl {
  return { type: 'type-decl', name: identifierName(name), attributes: [] };
}

/** `ability NAME;` (a dynamic ability's declaration). */
export function abilityDecl(name: string): AbilityDecl {
  check(isGrantableAbilityName(name), 'a declared ability name that is a flag or keyword');
  return { type: 'ability-decl', name: { type: 'name', value: name } };
}

/** `allow S self:ability { ITEMS };`, or `allow S self:ability ITEM;` when not `braced`. */
export function allowAbility(subject: string, items: AbilityItem[], braced = true): AllowAbility {
  check(items.length > 0, 'an empty ability block');
  check(braced || items.length === 1, 'several ability items without braces');
  return {
    type: 'allow-ability',
    subjects: { type: 'type-set', braced: false, names: [subjectName(subject)] },
    braced,
    items,
  };
}

/** `allow S O:channel connect;` */
export function allowConnect(subject: string, object: string): AllowConnect {
  return {
    type: 'allow-connect',
    subjects: { type: 'type-set', braced: false, names: [subjectName(subject)] },
    objects: { type: 'type-set', braced: false, names: [identifierName(object)] },
  };
}

/** `allow_attach` / `allow_link`: one path unbraced, several in a block. */
export function allowPaths(
  kind: 'attach' | 'link',
  subject: string,
  paths: PathSpec[],
): AllowAttach | AllowLink {
  check(paths.length > 0, 'a path rule without paths');
  check(kind === 'attach' || paths.every((p) => !p.relabel), 'a relabel type in allow_link');
  const base = { subject: identifierName(subject), braced: paths.length > 1, paths };
  return kind === 'attach' ? { type: 'allow-attach', ...base } : { type: 'allow-link', ...base };
}
