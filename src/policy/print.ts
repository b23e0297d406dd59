/**
 * The secpol printer: turns an AST back into policy text in one canonical
 * layout (docs/policy-language.md, "Canonical layout"):
 *
 * - statements in the order written, never merged or reordered;
 * - blocks open on the statement's line, hold one item per line indented by
 *   four spaces, and close with `};` (or `}` before `:channel connect`) on a
 *   line of its own; an empty block is `{}`;
 * - a block with a single item and no comments that was written on one line
 *   stays on one line (`allow a_t self:ability { io };`); the unbraced form
 *   stays unbraced; a braced type set stays on one line unless it was written
 *   over several lines or carries comments;
 * - comments stay where they were: leading comments on their own lines,
 *   trailing comments after their item, separated by one space;
 * - blank lines between statements (and between block items) are kept,
 *   collapsed to at most one; the text ends with exactly one newline.
 *
 * Nodes without positions (generated rules) print the same way, with no blank
 * lines and blocks always spread over several lines. Does not wrap long lines.
 */
import type {
  AbilityItem,
  Comment,
  Commented,
  Name,
  PathSpec,
  Policy,
  PolicyFile,
  Position,
  RangeValue,
  Statement,
  TypeSet,
} from './ast';

const INDENT = '    ';

/** Prints a policy file (or every file of a policy, separated by a blank line) in the canonical layout. */
export function printPolicy(input: PolicyFile | Policy): string {
  if (input.type === 'policy') return input.files.map(printPolicy).join('\n');
  const out = new Lines();
  for (const s of input.statements) out.statement(s);
  for (const c of input.trailingComments ?? []) out.comment(c, '');
  return out.text();
}

/** Prints one statement (with its comments) in the canonical layout, ending in a newline; for generated rules. */
export function printStatement(statement: Statement): string {
  const out = new Lines();
  out.statement(statement);
  return out.text();
}

/**
 * Prints a rule on one line without comments (`allow a_t self:ability { nonroot io };`),
 * for messages that quote a rule: a block's items on the line between `{ }`,
 * separated by one space. Parses back as the same statement (comments aside).
 */
export function printRuleLine(s: Statement): string {
  const set = (t: TypeSet): string => {
    const names = t.names.map((n) => n.value).join(' ');
    return t.braced ? `{ ${names} }` : names;
  };
  const block = (braced: boolean, words: string[]): string =>
    !braced && words.length === 1
      ? `${words[0]};`
      : words.length === 0
        ? '{};'
        : `{ ${words.join(' ')} };`;
  switch (s.type) {
    case 'allow-ability':
      return `allow ${set(s.subjects)} self:ability ${block(s.braced, s.items.map(printAbilityItem))}`;
    case 'allow-connect':
      return `allow ${set(s.subjects)} ${set(s.objects)}:channel connect;`;
    case 'allow-attach':
    case 'allow-link': {
      const kw = s.type === 'allow-attach' ? 'allow_attach' : 'allow_link';
      return `${kw} ${s.subject.value} ${block(s.braced, s.paths.map(printPathSpec))}`;
    }
    default: {
      // The other statements print on one line already.
      const bare: Statement = { ...s };
      delete bare.leadingComments;
      delete bare.trailingComment;
      return printStatement(bare).trimEnd();
    }
  }
}

/** Prints one ability item (`io`, `-mem_phys`, `setuid:4,6-9`, `gain_priv:setuid`, `nonroot`) without comments. */
export function printAbilityItem(item: AbilityItem): string {
  switch (item.type) {
    case 'ability-flag':
      return item.name;
    case 'gain-priv':
      return `gain_priv:${item.ability.value}`;
    default: {
      const name = `${item.negated ? '-' : ''}${item.name.value}`;
      return item.ranges ? `${name}:${item.ranges.map(printRange).join(',')}` : name;
    }
  }
}

/** Prints one path of `allow_attach` / `allow_link` (`mount:/`, `/ io_pkt_t`) without comments. */
export function printPathSpec(spec: PathSpec): string {
  const prefix = spec.fileType !== undefined ? `${spec.fileType}:` : '';
  const relabel = spec.relabel ? ` ${spec.relabel.value}` : '';
  return `${prefix}${spec.path}${relabel}`;
}

/** Prints the node a generated rule item is: an ability item, a path, or a name (a connect's object). */
export function printItemNode(node: AbilityItem | PathSpec | Name): string {
  if (node.type === 'name') return node.value;
  return node.type === 'path-spec' ? printPathSpec(node) : printAbilityItem(node);
}

/**
 * The lines of generated items joining an existing block (each after its
 * leading comments), indented by `indent` (the block's own indentation).
 */
export function printBlockItems(items: Array<AbilityItem | PathSpec>, indent: string): string[] {
  const out: string[] = [];
  for (const item of items) {
    for (const c of item.leadingComments ?? []) out.push(`${indent}${c.text}`);
    out.push(
      `${indent}${printItemNode(item)}${item.trailingComment ? ` ${item.trailingComment.text}` : ''}`,
    );
  }
  return out;
}

function printRange(r: RangeValue): string {
  if (r.type === 'range-name') return r.name.value;
  if (r.end) return `${r.start.text}-${r.end.text}`;
  return r.open ? `${r.start.text}-` : r.start.text;
}

function hasComments(node: Commented): boolean {
  return (node.leadingComments?.length ?? 0) > 0 || node.trailingComment !== undefined;
}

function onOneLine(position: Position | undefined): boolean {
  return position !== undefined && position.start.line === position.end.line;
}

/** Output lines plus the source line where the last printed node ended, for keeping blank lines. */
class Lines {
  private readonly lines: string[] = [];
  private lastLine: number | undefined;

  text(): string {
    return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`;
  }

  /** Starts a new sequence (a block's items): no blank line before its first element. */
  private reset(): void {
    this.lastLine = undefined;
  }

  private push(line: string, position: Position | undefined): void {
    // One blank line where the source had one or more between two nodes.
    if (position && this.lastLine !== undefined && position.start.line > this.lastLine + 1)
      this.lines.push('');
    this.lines.push(line);
    if (position) this.lastLine = position.end.line;
  }

  /** Appends text to the last line (the rest of a node that started on it). */
  private append(text: string, endLine?: number): void {
    this.lines[this.lines.length - 1] += text;
    if (endLine !== undefined) this.lastLine = endLine;
  }

  private endNode(node: Commented & { position?: Position }): void {
    if (node.trailingComment) this.append(` ${node.trailingComment.text}`);
    if (node.position) this.lastLine = node.position.end.line;
  }

  comment(c: Comment, indent: string): void {
    this.push(`${indent}${c.text}`, c.position);
  }

  private leading(node: Commented, indent: string): void {
    for (const c of node.leadingComments ?? []) this.comment(c, indent);
  }

  statement(s: Statement): void {
    this.leading(s, '');
    switch (s.type) {
      case 'type-decl': {
        const attrs = s.attributes.map((a) => `, ${a.value}`).join('');
        this.push(`type ${s.name.value}${attrs};`, s.position);
        break;
      }
      case 'attribute-decl':
        this.push(`attribute ${s.name.value};`, s.position);
        break;
      case 'ability-decl':
        this.push(`ability ${s.name.value};`, s.position);
        break;
      case 'range-decl':
        this.push(`range ${s.name.value};`, s.position);
        break;
      case 'derive-type':
        this.push(`derive_type ${s.from.value} ${s.label.value} ${s.to.value};`, s.position);
        break;
      case 'default-spawn-type':
        this.push(`default_spawn_type ${s.from.value} ${s.to.value};`, s.position);
        break;
      case 'mount-point': {
        const acl = s.acl.length > 0 ? `{ ${s.acl.join(' ')} }` : '{}';
        this.push(`mount_point ${s.uid.text}:${s.gid.text} ${acl} ${s.path};`, s.position);
        break;
      }
      case 'allow-connect': {
        this.push('allow ', s.position);
        this.typeSet(s.subjects);
        this.append(' ');
        this.typeSet(s.objects);
        this.append(':channel connect;');
        break;
      }
      case 'allow-ability': {
        this.push('allow ', s.position);
        this.typeSet(s.subjects);
        this.append(' self:ability ');
        this.block(s, s.items, printAbilityItem);
        break;
      }
      default: {
        const kw = s.type === 'allow-attach' ? 'allow_attach' : 'allow_link';
        this.push(`${kw} ${s.subject.value} `, s.position);
        this.block(s, s.paths, printPathSpec);
        break;
      }
    }
    this.endNode(s);
  }

  /** The items of an ability or path rule, after the header already printed; ends with `;`. */
  private block<T extends Commented & { position?: Position }>(
    s: { braced: boolean; innerComments?: Comment[]; position?: Position },
    items: T[],
    print: (item: T) => string,
  ): void {
    const inner = s.innerComments ?? [];
    if (!s.braced && items.length === 1) {
      this.append(`${print(items[0])};`);
      return;
    }
    if (items.length === 0 && inner.length === 0) {
      this.append('{};');
      return;
    }
    if (
      items.length === 1 &&
      inner.length === 0 &&
      !hasComments(items[0]) &&
      onOneLine(s.position)
    ) {
      this.append(`{ ${print(items[0])} };`);
      return;
    }
    this.append('{');
    this.reset();
    for (const item of items) {
      this.leading(item, INDENT);
      this.push(`${INDENT}${print(item)}`, item.position);
      this.endNode(item);
    }
    for (const c of inner) this.comment(c, INDENT);
    this.lines.push('};');
  }

  /** A subject or object set, appended to the current line (spread over lines when it has to). */
  private typeSet(set: TypeSet): void {
    if (!set.braced) {
      this.append(set.names.map((n) => n.value).join(' '));
      return;
    }
    const inner = set.innerComments ?? [];
    const spread = inner.length > 0 || set.names.some(hasComments) || !onOneLine(set.position);
    if (!spread) {
      this.append(`{ ${set.names.map((n) => n.value).join(' ')} }`);
      return;
    }
    const last = this.lastLine;
    this.append('{');
    this.reset();
    for (const n of set.names as Array<Name & Commented>) {
      this.leading(n, INDENT);
      this.push(`${INDENT}${n.value}`, n.position);
      this.endNode(n);
    }
    for (const c of inner) this.comment(c, INDENT);
    this.lines.push('}');
    this.lastLine = last;
  }
}
