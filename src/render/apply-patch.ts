/**
 * Applies a planned patch to the policy's text, keeping the user's layout:
 * items join an existing block just before its closing brace, with the
 * indentation of the block's items (or inside a one-line block, before `}`);
 * new statements go on the line after the type's last statement; new types
 * and rules with no anchor go at the end of the last file. Only insertions:
 * no existing byte changes, so the diff shows added lines alone. Added lines
 * end as the file's lines do (CRLF in a file whose every line ends in CRLF,
 * policy/line-ends.ts), so a patch never mixes line ends.
 * Every rule word and comment is printed by policy/print.ts from the
 * planned nodes (rule-text.ts). Does not write files (the command does,
 * atomically).
 */
import type { Policy } from '../policy/ast';
import { printItemNode } from '../policy/print';
import type { PolicyPatch } from '../plan/patch';
import { blockItemLines, statementLines, type RuleTextOptions } from './rule-text';
import type { Insertion } from './insertion-hunks';
import { lineEndOf } from '../policy/line-ends';

/** One policy file's text. */
export interface PolicyText {
  file: string;
  text: string;
}

interface PlannedInsertion extends Insertion {
  seq: number;
}

/** A policy file after the patch, with the insertions that made it (for a linear diff). */
export interface PatchedText extends PolicyText {
  /** Offsets in the old text, ascending; insertions at one offset in the order applied. */
  insertions: Insertion[];
}

/** Returns the text of every policy file after the patch (unchanged files included, same order). */
export function applyPatch(
  sources: PolicyText[],
  policy: Policy,
  patch: PolicyPatch,
  options: RuleTextOptions,
): PatchedText[] {
  const inserts = new Map<string, PlannedInsertion[]>(sources.map((s) => [s.file, []]));
  const textOf = new Map(sources.map((s) => [s.file, s.text]));
  const lastFile = sources[sources.length - 1]?.file;
  const eolOf = new Map(sources.map((s) => [s.file, lineEndOf(s.text)]));
  const linesText = (file: string, lines: string[]): string => {
    const eol = eolOf.get(file)!;
    return lines.map((l) => `${l}${eol}`).join('');
  };
  let seq = 0;
  for (const change of patch.changes) {
    const ref = change.anchor;
    if (change.op === 'add-to-block' && ref) {
      const text = textOf.get(ref.file)!;
      const statement = policy.files.find((f) => f.file === ref.file)!.statements[ref.index]!;
      const close = text.lastIndexOf('}', statement.position!.end.offset - 1);
      const lineStart = text.lastIndexOf('\n', close - 1) + 1;
      if (/^[ \t]*$/.test(text.slice(lineStart, close))) {
        const indent = itemIndent(text, statement) ?? '    ';
        const lines = blockItemLines(change, options, indent);
        inserts
          .get(ref.file)!
          .push({ offset: lineStart, text: linesText(ref.file, lines), seq: seq++ });
      } else {
        // A one-line block (`{ io }`): items join the line; comments cannot, so none are added.
        const words = change.items.map((i) => printItemNode(i.node)).join(' ');
        const before = text[close - 1];
        inserts.get(ref.file)!.push({
          offset: close,
          text: `${before === ' ' || before === '\t' ? '' : ' '}${words} `,
          seq: seq++,
        });
      }
      continue;
    }
    const lines = statementLines(change, options);
    if (ref) {
      const text = textOf.get(ref.file)!;
      const statement = policy.files.find((f) => f.file === ref.file)!.statements[ref.index]!;
      const end = statement.position!.end.offset;
      // After the statement's line (its trailing comment included).
      const nl = text.indexOf('\n', end);
      const offset = nl < 0 ? text.length : nl + 1;
      const lead = nl < 0 ? eolOf.get(ref.file)! : '';
      inserts.get(ref.file)!.push({ offset, text: lead + linesText(ref.file, lines), seq: seq++ });
    } else if (lastFile !== undefined) {
      const text = textOf.get(lastFile)!;
      const eol = eolOf.get(lastFile)!;
      const lead = text === '' ? '' : text.endsWith('\n') ? eol : eol + eol;
      // Statements that share the end of the file are separated by a blank line, like the draft.
      inserts.get(lastFile)!.push({
        offset: text.length,
        text: lead + linesText(lastFile, lines),
        seq: seq++,
      });
    }
  }
  return sources.map((s) => {
    // One pass over the text, in offset order (insertions at one offset in the order planned):
    // splicing each insertion into the whole text would copy the file once per insertion.
    const list = inserts.get(s.file)!.sort((a, b) => a.offset - b.offset || a.seq - b.seq);
    const parts: string[] = [];
    let at = 0;
    for (const ins of list) {
      parts.push(s.text.slice(at, ins.offset), ins.text);
      at = ins.offset;
    }
    parts.push(s.text.slice(at));
    return {
      file: s.file,
      text: parts.join(''),
      insertions: list.map((i) => ({ offset: i.offset, text: i.text })),
    };
  });
}

/** The whitespace before the block's first item on its line, when the item starts its line. */
function itemIndent(
  text: string,
  statement: Policy['files'][number]['statements'][number],
): string | undefined {
  const items =
    statement.type === 'allow-ability'
      ? statement.items
      : statement.type === 'allow-attach' || statement.type === 'allow-link'
        ? statement.paths
        : [];
  const first = items.find((i) => i.position)?.position;
  if (!first) return undefined;
  const lineStart = text.lastIndexOf('\n', first.start.offset - 1) + 1;
  const indent = text.slice(lineStart, first.start.offset);
  return /^[ \t]+$/.test(indent) ? indent : undefined;
}
