/**
 * The secpol parser: a hand-written recursive-descent parser over the tokens
 * of `lex.ts`, producing the AST of `ast.ts` with a position on every node and
 * every comment attached where the printer can put it back.
 *
 * Handles every statement form of reference §2.2/§2.3/§2.9 (see
 * docs/policy-language.md for the list and the leniencies). Syntax errors are
 * diagnostics, not exceptions: the parser reports `expected X, found Y`,
 * skips to the next `;` (or to the next statement keyword that starts a line)
 * and goes on, so one run reports every error. A statement with an error is
 * left out of the AST. Does not check meaning (undeclared types, unknown
 * abilities): that is the model's and lint's job.
 */
import type { Diagnostic, Point } from '../diagnostics/diagnostic';
import type {
  AbilityFlagName,
  AbilityItem,
  Comment,
  Name,
  NumberLiteral,
  PathSpec,
  Policy,
  PolicyFile,
  Position,
  RangeValue,
  Statement,
  TypeSet,
} from './ast';
import { PolicyLexer, isSpace, type Token } from './lex';
import {
  BLOCK_FLAGS,
  isAbilityName,
  isIdentifier,
  isPolicyPath,
  NOT_A_SUBJECT,
  STATEMENT_KEYWORDS,
} from './lexical';
import { looksNumeric, numberValue } from './number-literal';
import { appendAll } from '../arrays';

/** Where the text came from, for positions and diagnostics. */
export interface ParseOptions {
  /** The file as the user named it (`-` for standard input). */
  file: string;
}

/** The AST of one file and the problems found while parsing it. */
export interface ParseResult {
  ast: PolicyFile;
  diagnostics: Diagnostic[];
}

const RANGE_WORD = /^([^-]+)(?:-(.*))?$/;

/** Thrown inside the parser to abandon a statement; never escapes `parsePolicy`. */
class SyntaxFailure {
  constructor(readonly diagnostic: Diagnostic) {}
}

/** Parses one policy file; never throws for bad input. */
export function parsePolicy(text: string, options: ParseOptions): ParseResult {
  return new Parser(text, options.file).parseFile();
}

/** Parses several files that form one policy (concatenated in order, as secpolcompile does). */
export function parsePolicies(files: Array<{ file: string; text: string }>): {
  policy: Policy;
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const parsed: PolicyFile[] = [];
  for (const f of files) {
    const r = parsePolicy(f.text, { file: f.file });
    parsed.push(r.ast);
    appendAll(diagnostics, r.diagnostics);
  }
  return { policy: { type: 'policy', files: parsed }, diagnostics };
}

class Parser {
  /** Tokens from `base` on, pulled from the lexer as needed; dropped once a statement is parsed. */
  private readonly lexer: PolicyLexer;
  private window: Token[] = [];
  private base = 0;
  private pos = 0;
  /** Comments seen but not yet attached to a node. */
  private pending: Comment[] = [];
  /** The last non-comment token consumed. */
  private prev: Token | undefined;
  /** Braces opened and not closed in the current statement, for recovery. */
  private depth = 0;
  private readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    this.lexer = new PolicyLexer(text);
  }

  parseFile(): ParseResult {
    const statements: Statement[] = [];
    for (;;) {
      this.skipComments();
      this.release();
      const tok = this.tok(this.pos);
      if (tok.kind === 'eof') break;
      const startPos = this.pos;
      const leading = this.takeLeading();
      try {
        this.depth = 0;
        const s = this.statement();
        if (leading.length > 0) s.leadingComments = leading;
        const trailing = this.takeTrailing(this.prev!.end.line);
        if (trailing) s.trailingComment = trailing;
        statements.push(s);
      } catch (error) {
        if (!(error instanceof SyntaxFailure)) throw error;
        this.diagnostics.push(error.diagnostic);
        // Comments of a dropped statement stay pending, so none is lost.
        this.pending = leading.concat(this.pending);
        this.recover(startPos);
      }
    }
    const ast: PolicyFile = {
      type: 'policy-file',
      file: this.file,
      statements,
      position: this.position({ line: 1, column: 1, offset: 0 }, this.tok(this.pos).end),
    };
    if (this.pending.length > 0) ast.trailingComments = this.takeLeading();
    return { ast, diagnostics: this.diagnostics };
  }

  // --- token access -------------------------------------------------------

  /** The token at index `i` (at or after the window's base). */
  private tok(i: number): Token {
    const w = this.window;
    while (i - this.base >= w.length) w.push(this.lexer.next());
    return w[i - this.base]!;
  }

  /** Forgets the tokens before `pos`: no statement looks back past its own start. */
  private release(): void {
    this.window.splice(0, this.pos - this.base);
    this.base = this.pos;
  }

  private skipComments(): void {
    while (this.tok(this.pos).kind === 'comment') {
      const tok = this.tok(this.pos++);
      this.pending.push({
        type: 'comment',
        text: tok.text,
        position: this.position(tok.start, tok.end),
      });
      if (tok.text.startsWith('//')) {
        this.diagnostics.push({
          severity: 'warning',
          message: '`//` comment: secpolcompile documents only `#` comments',
          file: this.file,
          line: tok.start.line,
          column: tok.start.column,
          span: {
            start: tok.start,
            end: { ...tok.start, column: tok.start.column + 2, offset: tok.start.offset + 2 },
          },
          ruleId: 'report-slash-comment',
        });
      }
    }
  }

  private peek(): Token {
    this.skipComments();
    return this.tok(this.pos);
  }

  /** The token after the next one (comments skipped). */
  private peekSecond(): Token {
    this.skipComments();
    let i = this.pos + 1;
    while (this.tok(i).kind === 'comment') i++;
    return this.tok(i);
  }

  private next(): Token {
    const tok = this.peek();
    if (tok.kind !== 'eof') this.pos++;
    if (tok.kind === 'punct' && tok.text === '{') this.depth++;
    if (tok.kind === 'punct' && tok.text === '}') this.depth--;
    this.prev = tok;
    return tok;
  }

  private isPunct(tok: Token, p: string): boolean {
    return tok.kind === 'punct' && tok.text === p;
  }

  private expectPunct(p: string): Token {
    const tok = this.peek();
    if (!this.isPunct(tok, p)) this.fail(`\`${p}\``, tok);
    return this.next();
  }

  private expectWord(word: string): Token {
    const tok = this.peek();
    if (tok.kind !== 'word' || tok.text !== word) this.fail(`\`${word}\``, tok);
    return this.next();
  }

  /** True when `tok` is a statement keyword that starts its line. */
  private startsStatement(tok: Token): boolean {
    if (tok.kind !== 'word' || !STATEMENT_KEYWORDS.has(tok.text)) return false;
    // Back over the blanks before it only (a scan of the whole line would make recovery over a
    // long line of statements quadratic).
    for (let i = tok.start.offset - 1; i >= 0; i--) {
      const c = this.text[i]!;
      if (c === '\n') return true;
      if (!isSpace(c)) return false;
    }
    return true;
  }

  // --- comments -----------------------------------------------------------

  private takeLeading(): Comment[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** The comment that ends line `line` after the node just parsed, if any. */
  private takeTrailing(line: number): Comment | undefined {
    if (this.pending.length === 0) {
      const tok = this.tok(this.pos);
      if (tok.kind !== 'comment' || tok.start.line !== line) return undefined;
      this.skipComments();
    }
    const first = this.pending[0];
    if (first?.position?.start.line !== line) return undefined;
    return this.pending.shift();
  }

  private withLeading<T extends { leadingComments?: Comment[] }>(node: T, leading: Comment[]): T {
    if (leading.length > 0) node.leadingComments = leading;
    return node;
  }

  // --- errors -------------------------------------------------------------

  private fail(expected: string, tok: Token): never {
    // When the statement simply stops (the next statement or the end of the
    // file comes instead), the missing `;` or token belongs right after the
    // last token, not on the next statement; any other token is the culprit.
    const stopped = tok.kind === 'eof' || this.startsStatement(tok);
    let start: Point;
    if (this.prev && stopped && tok.start.line > this.prev.end.line) start = this.prev.end;
    else start = tok.start;
    const width =
      start === tok.start && tok.end.offset > tok.start.offset
        ? tok.end.offset - tok.start.offset
        : 1;
    const sameLineEnd = start === tok.start && tok.end.line === tok.start.line;
    const end = sameLineEnd
      ? tok.end
      : { line: start.line, column: start.column + width, offset: start.offset + width };
    throw new SyntaxFailure({
      severity: 'error',
      message: `expected ${expected}, found ${describe(tok)}`,
      file: this.file,
      line: start.line,
      column: start.column,
      span: { start, end },
    });
  }

  /** Skips past the broken statement: to its `;`, or to the next statement keyword opening a line. */
  private recover(startPos: number): void {
    if (this.pos === startPos) this.next();
    let depth = Math.max(this.depth, 0);
    for (;;) {
      const tok = this.peek();
      if (tok.kind === 'eof' || this.startsStatement(tok)) return;
      this.pos++;
      if (this.isPunct(tok, '{')) depth++;
      else if (this.isPunct(tok, '}')) depth = Math.max(depth - 1, 0);
      else if (this.isPunct(tok, ';') && depth === 0) return;
    }
  }

  // --- positions ----------------------------------------------------------

  private position(start: Point, end: Point): Position {
    return { file: this.file, start, end };
  }

  private span(first: Token, last: Token = first): Position {
    return this.position(first.start, last.end);
  }

  // --- names --------------------------------------------------------------

  private name(tok: Token): Name {
    return { type: 'name', value: tok.text, position: this.span(tok) };
  }

  /** A type, attribute or range name. */
  private identifier(what: string): Name {
    const tok = this.peek();
    if (tok.kind !== 'word' || !isIdentifier(tok.text)) this.fail(what, tok);
    return this.name(this.next());
  }

  private abilityName(): Name {
    const tok = this.peek();
    if (tok.kind !== 'word' || !isAbilityName(tok.text)) this.fail('an ability name', tok);
    return this.name(this.next());
  }

  // --- statements ---------------------------------------------------------

  private statement(): Statement {
    const kw = this.peek();
    if (kw.kind !== 'word' || !STATEMENT_KEYWORDS.has(kw.text)) {
      this.fail(
        'a statement (`type`, `attribute`, `ability`, `range`, `allow`, `allow_attach`, `allow_link`, `derive_type`, `default_spawn_type` or `mount_point`)',
        kw,
      );
    }
    this.next();
    switch (kw.text) {
      case 'type': {
        const name = this.identifier('a type name');
        const attributes: Name[] = [];
        while (this.isPunct(this.peek(), ',')) {
          this.next();
          attributes.push(this.identifier('an attribute name'));
        }
        const end = this.expectEnd('`,` or `;`');
        return { type: 'type-decl', name, attributes, position: this.span(kw, end) };
      }
      case 'attribute': {
        const name = this.identifier('an attribute name');
        return { type: 'attribute-decl', name, position: this.span(kw, this.expectEnd()) };
      }
      case 'ability': {
        const name = this.abilityName();
        return { type: 'ability-decl', name, position: this.span(kw, this.expectEnd()) };
      }
      case 'range': {
        const name = this.identifier('a range name');
        return { type: 'range-decl', name, position: this.span(kw, this.expectEnd()) };
      }
      case 'allow':
        return this.allow(kw);
      case 'allow_attach':
      case 'allow_link':
        return this.allowPaths(kw);
      case 'derive_type': {
        const from = this.identifier('a type name');
        const label = this.identifier('a derivation name (such as `run`)');
        const to = this.identifier('a type name');
        return { type: 'derive-type', from, label, to, position: this.span(kw, this.expectEnd()) };
      }
      case 'default_spawn_type': {
        const from = this.identifier('a type name');
        const to = this.identifier('a type name');
        return { type: 'default-spawn-type', from, to, position: this.span(kw, this.expectEnd()) };
      }
      default:
        return this.mountPoint(kw);
    }
  }

  private expectEnd(expected = '`;`'): Token {
    const tok = this.peek();
    if (!this.isPunct(tok, ';')) this.fail(expected, tok);
    return this.next();
  }

  private allow(kw: Token): Statement {
    const first = this.peek();
    if (first.kind === 'word' && NOT_A_SUBJECT.has(first.text)) {
      this.fail(
        `a subject type or \`{\` (for \`allow_${first.text}\` write it with an underscore)`,
        first,
      );
    }
    const subjects = this.typeSet('a subject type or `{`', false);
    const objects = this.typeSet('an object type, `self` or `{`', true);
    this.expectPunct(':');
    const cls = this.peek();
    if (cls.kind === 'word' && cls.text === 'ability') {
      const obj = objects.names[0];
      if (objects.braced || obj.value !== 'self') {
        throw new SyntaxFailure(
          this.diagnosticAt(
            objects.position!,
            'expected `self` before `:ability`, found ' +
              (objects.braced ? 'a braced set' : `\`${obj.value}\``),
          ),
        );
      }
      this.next();
      return this.abilityRule(kw, subjects);
    }
    if (cls.kind === 'word' && cls.text === 'channel') {
      this.next();
      this.expectWord('connect');
      const end = this.expectEnd();
      return { type: 'allow-connect', subjects, objects, position: this.span(kw, end) };
    }
    return this.fail('`ability` or `channel`', cls);
  }

  private diagnosticAt(position: Position, message: string): Diagnostic {
    return {
      severity: 'error',
      message,
      file: this.file,
      line: position.start.line,
      column: position.start.column,
      span: { start: position.start, end: position.end },
    };
  }

  /** A subject or object: one name, or `{ names }`; `self` only in object position. */
  private typeSet(what: string, object: boolean): TypeSet {
    const tok = this.peek();
    const acceptsName = (t: Token): boolean =>
      t.kind === 'word' && (isIdentifier(t.text) || (object && t.text === 'self'));
    if (this.isPunct(tok, '{')) {
      const open = this.next();
      const names: TypeSet['names'] = [];
      for (;;) {
        const t = this.peek();
        // An empty set `{}` names no type: secpolcompile's grammar needs one.
        if (this.isPunct(t, '}') && names.length > 0) break;
        if (!acceptsName(t) || this.startsStatement(t))
          this.fail(names.length === 0 ? 'a type name' : 'a type name or `}`', t);
        const leading = this.takeLeading();
        const n: Name & { leadingComments?: Comment[]; trailingComment?: Comment } = this.name(
          this.next(),
        );
        this.withLeading(n, leading);
        const trailing = this.takeTrailing(t.end.line);
        if (trailing) n.trailingComment = trailing;
        names.push(n);
      }
      const inner = this.takeLeading();
      const close = this.next();
      const set: TypeSet = {
        type: 'type-set',
        braced: true,
        names,
        position: this.span(open, close),
      };
      if (inner.length > 0) set.innerComments = inner;
      return set;
    }
    if (!acceptsName(tok)) this.fail(what, tok);
    const n = this.name(this.next());
    return { type: 'type-set', braced: false, names: [n], position: n.position };
  }

  private abilityRule(kw: Token, subjects: TypeSet): Statement {
    const tok = this.peek();
    if (this.isPunct(tok, '{')) {
      this.next();
      const items: AbilityItem[] = [];
      for (;;) {
        const t = this.peek();
        if (this.isPunct(t, '}')) break;
        if (t.kind !== 'word' || this.startsStatement(t)) this.fail('an ability, a flag or `}`', t);
        const leading = this.takeLeading();
        const item = this.withLeading(this.abilityItem(), leading);
        const trailing = this.takeTrailing(this.prev!.end.line);
        if (trailing) item.trailingComment = trailing;
        items.push(item);
      }
      const inner = this.takeLeading();
      this.next();
      const end = this.expectEnd();
      const rule: Statement = {
        type: 'allow-ability',
        subjects,
        braced: true,
        items,
        position: this.span(kw, end),
      };
      if (inner.length > 0) rule.innerComments = inner;
      return rule;
    }
    if (tok.kind !== 'word') this.fail('an ability, a flag or `{`', tok);
    const item = this.abilityItem();
    const end = this.expectEnd();
    return {
      type: 'allow-ability',
      subjects,
      braced: false,
      items: [item],
      position: this.span(kw, end),
    };
  }

  private abilityItem(): AbilityItem {
    const tok = this.peek();
    const hasColon = this.isPunct(this.peekSecond(), ':');
    if (BLOCK_FLAGS.has(tok.text) && !hasColon) {
      this.next();
      return { type: 'ability-flag', name: tok.text as AbilityFlagName, position: this.span(tok) };
    }
    if (tok.text === 'gain_priv' && hasColon) {
      this.next();
      this.next();
      const ability = this.abilityName();
      return { type: 'gain-priv', ability, position: this.span(tok, this.prev!) };
    }
    const negated = tok.text.startsWith('-');
    const text = negated ? tok.text.slice(1) : tok.text;
    if (!isAbilityName(text)) this.fail('an ability, a flag or `}`', tok);
    this.next();
    const nameStart = negated ? advance(tok.start, 1) : tok.start;
    const name: Name = { type: 'name', value: text, position: this.position(nameStart, tok.end) };
    const grant: AbilityItem = { type: 'ability-grant', negated, name, position: this.span(tok) };
    if (hasColon) {
      this.next();
      grant.ranges = this.rangeList();
      grant.position = this.span(tok, this.prev!);
    }
    return grant;
  }

  private rangeList(): RangeValue[] {
    const ranges = [this.rangeValue()];
    while (this.isPunct(this.peek(), ',')) {
      this.next();
      ranges.push(this.rangeValue());
    }
    return ranges;
  }

  private rangeValue(): RangeValue {
    const tok = this.peek();
    const what = 'a number, a range (`A-B`, `A-`) or a name';
    if (tok.kind !== 'word') this.fail(what, tok);
    if (!looksNumeric(tok.text)) {
      if (!isIdentifier(tok.text)) this.fail(what, tok);
      const name = this.name(this.next());
      return { type: 'range-name', name, position: name.position };
    }
    const m = RANGE_WORD.exec(tok.text);
    const startText = m?.[1] ?? '';
    const startValue = numberValue(startText);
    const endText = m?.[2];
    const endValue = endText === undefined || endText === '' ? undefined : numberValue(endText);
    if (
      startValue === undefined ||
      (endText !== undefined && endText !== '' && endValue === undefined)
    ) {
      this.fail(what, tok);
    }
    this.next();
    const start: NumberLiteral = {
      type: 'number',
      text: startText,
      value: startValue,
      position: this.position(tok.start, advance(tok.start, startText.length)),
    };
    const value: RangeValue = { type: 'range-number', start, position: this.span(tok) };
    if (endText === '') value.open = true;
    else if (endText !== undefined) {
      const endStart = advance(tok.start, startText.length + 1);
      value.end = {
        type: 'number',
        text: endText,
        value: endValue!,
        position: this.position(endStart, tok.end),
      };
    }
    return value;
  }

  /** `allow_attach` / `allow_link`: one path spec, or a block of them. */
  private allowPaths(kw: Token): Statement {
    const link = kw.text === 'allow_link';
    const subject = this.identifier('a type name');
    const paths: PathSpec[] = [];
    let braced = false;
    let inner: Comment[] = [];
    if (this.isPunct(this.peek(), '{')) {
      braced = true;
      this.next();
      for (;;) {
        const t = this.peek();
        if (this.isPunct(t, '}')) break;
        const leading = this.takeLeading();
        const spec = this.withLeading(this.pathSpec(!link, true), leading);
        const trailing = this.takeTrailing(this.prev!.end.line);
        if (trailing) spec.trailingComment = trailing;
        paths.push(spec);
      }
      inner = this.takeLeading();
      this.next();
    } else {
      paths.push(this.pathSpec(!link, false));
    }
    const end = this.expectEnd();
    const position = this.span(kw, end);
    const rule: Statement = link
      ? { type: 'allow-link', subject, braced, paths, position }
      : { type: 'allow-attach', subject, braced, paths, position };
    if (inner.length > 0) rule.innerComments = inner;
    return rule;
  }

  /** `[FTYPE:]PATH [RELABEL]`; the relabel type only where `relabel` is true. */
  private pathSpec(relabel: boolean, inBlock: boolean): PathSpec {
    const first = this.peek();
    const what = inBlock ? 'a path or `}`' : 'a path or `{`';
    if (first.kind !== 'word' || (inBlock && this.startsStatement(first))) this.fail(what, first);
    let fileType: string | undefined;
    if (!first.text.startsWith('/')) {
      const colon = this.tok(this.pos + 1);
      const after = this.tok(this.pos + 2);
      const isPrefix =
        isIdentifier(first.text) &&
        this.isPunct(colon, ':') &&
        !colon.spaced &&
        after.kind === 'word' &&
        !after.spaced &&
        after.text.startsWith('/');
      if (!isPrefix) this.fail(what, first);
      fileType = first.text;
      this.next();
      this.next();
    }
    const pathTok = this.peek();
    const path = this.glued();
    if (!isPolicyPath(path.text)) this.fail('a path', pathTok);
    const spec: PathSpec = {
      type: 'path-spec',
      path: path.text,
      position: this.position(first.start, path.end),
    };
    if (fileType !== undefined) spec.fileType = fileType;
    const next = this.peek();
    const nextIsPrefix =
      this.isPunct(this.tok(this.pos + 1), ':') && !this.tok(this.pos + 1).spaced;
    if (
      relabel &&
      next.kind === 'word' &&
      isIdentifier(next.text) &&
      !nextIsPrefix &&
      !this.startsStatement(next)
    ) {
      spec.relabel = this.name(this.next());
      spec.position = this.position(first.start, this.prev!.end);
    }
    return spec;
  }

  /** One word glued to the `:`, `,` and words that touch it (paths and ACL entries may hold them). */
  private glued(): { text: string; start: Point; end: Point } {
    const first = this.next();
    let text = first.text;
    for (;;) {
      const t = this.tok(this.pos);
      const glue = !t.spaced && (t.kind === 'word' || this.isPunct(t, ':') || this.isPunct(t, ','));
      if (!glue) break;
      text += t.text;
      this.next();
    }
    return { text, start: first.start, end: this.prev!.end };
  }

  private mountPoint(kw: Token): Statement {
    const number = (what: string): NumberLiteral => {
      const tok = this.peek();
      const value = tok.kind === 'word' ? numberValue(tok.text) : undefined;
      if (value === undefined) this.fail(what, tok);
      this.next();
      return { type: 'number', text: tok.text, value, position: this.span(tok) };
    };
    const uid = number('a user id');
    this.expectPunct(':');
    const gid = number('a group id');
    this.expectPunct('{');
    const acl: string[] = [];
    for (;;) {
      const t = this.peek();
      if (this.isPunct(t, '}')) break;
      if (t.kind !== 'word' && !this.isPunct(t, ':'))
        this.fail('an ACL entry (such as `u::rw`) or `}`', t);
      acl.push(this.glued().text);
    }
    this.next();
    const pathTok = this.peek();
    if (pathTok.kind !== 'word') this.fail('a path', pathTok);
    const path = this.glued().text;
    if (!isPolicyPath(path)) this.fail('a path', pathTok);
    return { type: 'mount-point', uid, gid, acl, path, position: this.span(kw, this.expectEnd()) };
  }
}

/** How a token is named in `found ...`. */
function describe(tok: Token): string {
  if (tok.kind === 'eof') return 'end of file';
  const text = tok.text.length > 40 ? `${tok.text.slice(0, 40)}…` : tok.text;
  return `\`${text}\``;
}

/** The point `n` UTF-16 units further on the same line. */
function advance(p: Point, n: number): Point {
  return { line: p.line, column: p.column + n, offset: p.offset + n };
}
