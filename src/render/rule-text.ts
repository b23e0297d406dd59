/**
 * Policy text of planned changes, as lines: the standalone statement a change
 * stands for (snippet and draft), and the lines of items added to an
 * existing block (patched policy). Follows the printer's canonical layout
 * (4-space indent, `};` on its own line). Every word comes from fields that
 * inference validated; `assertSafe` checks again before anything is printed,
 * so a bug upstream fails loudly instead of writing a broken policy.
 */
import type { PlannedChange, PlannedItem } from '../plan/patch';
import { isAbilityName, isIdentifier, isSafeLiteralPath } from '../policy/lexical';

/** Options of the text builders. */
export interface RuleTextOptions {
  /** Print evidence comments (`--explain`). */
  explain: boolean;
}

const INDENT = '    ';

/** The comment lines above an item. */
export function itemComments(item: PlannedItem, options: RuleTextOptions): string[] {
  return [...item.notes, ...(options.explain ? item.explain : [])];
}

/** The standalone statement of a change, one string per line. */
export function statementLines(change: PlannedChange, options: RuleTextOptions): string[] {
  assertSafe(change);
  const out = [...change.notes];
  switch (change.kind) {
    case 'type':
      out.push(`type ${change.type};`);
      return out;
    case 'connect':
      for (const item of change.items) out.push(...itemComments(item, options));
      out.push(`allow ${change.type} ${change.object}:channel connect;`);
      return out;
    case 'ability':
      out.push(`allow ${change.type} self:ability {`);
      if (change.domain === 'non-root') out.push(`${INDENT}nonroot`);
      out.push(...blockItemLines(change.items, options, INDENT));
      out.push('};');
      return out;
    case 'attach':
    case 'link': {
      const keyword = change.kind === 'attach' ? 'allow_attach' : 'allow_link';
      if (change.items.length === 1) {
        const item = change.items[0]!;
        out.push(...itemComments(item, options), `${keyword} ${change.type} ${item.text};`);
        return out;
      }
      out.push(
        `${keyword} ${change.type} {`,
        ...blockItemLines(change.items, options, INDENT),
        '};',
      );
      return out;
    }
  }
}

/** The lines of items inside a block, each with its comments, indented by `indent`. */
export function blockItemLines(
  items: PlannedItem[],
  options: RuleTextOptions,
  indent: string,
): string[] {
  const out: string[] = [];
  for (const item of items) {
    for (const c of itemComments(item, options)) out.push(`${indent}${c}`);
    out.push(`${indent}${item.text}`);
  }
  return out;
}

/** Throws (an internal error) if a change carries a word that is not a valid token of its kind. */
export function assertSafe(change: PlannedChange): void {
  const bad = (what: string): never => {
    throw new Error(`internal error: unsafe ${what} reached policy text`);
  };
  if (!isIdentifier(change.type)) bad('type name');
  if (change.object !== undefined && !isIdentifier(change.object)) bad('object type');
  for (const item of change.items) {
    if (change.kind === 'attach' || change.kind === 'link') {
      // A trailing `*` is only ever added by `--collapse`, over a literal prefix.
      const literal = item.text.endsWith('*') ? item.text.slice(0, -1) : item.text;
      if (
        !isSafeLiteralPath(literal) ||
        literal.startsWith('//') ||
        (literal !== item.text && literal === '/')
      )
        bad('path');
    } else if (change.kind === 'ability') {
      const [name, ranges] = splitItem(item.text);
      const rangesOk =
        ranges === undefined ||
        (name === 'gain_priv'
          ? isAbilityName(ranges)
          : /^[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)?(?:,[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)?)*$/.test(
              ranges,
            ));
      if (!isAbilityName(name) || !rangesOk) bad('ability item');
    } else if (change.kind === 'connect' && !isIdentifier(item.text)) bad('connect object');
    for (const c of [...item.notes, ...item.explain])
      if (/[\r\n]/.test(c) || !c.startsWith('#')) bad('comment');
  }
}

function splitItem(text: string): [string, string | undefined] {
  const colon = text.indexOf(':');
  return colon < 0 ? [text, undefined] : [text.slice(0, colon), text.slice(colon + 1)];
}
