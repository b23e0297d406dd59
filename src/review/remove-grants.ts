/**
 * Removing grants from policy text, as the smallest edit: an item leaves its
 * block (its whole line when it stands alone on it, trailing comment
 * included; otherwise just the item and the blanks before it), and a
 * statement left without any grant (only flags such as `nonroot`, or no
 * path) is removed whole, its line too when nothing else is on it. Nothing
 * else changes: layout and comments elsewhere stay byte for byte. Works on
 * AST positions (offsets into the text the parser read); does no I/O.
 */
import type { Statement } from '../policy/ast';
import type { Origin } from '../policy/model/types';

/** A policy file's text. */
export interface PolicyText {
  file: string;
  text: string;
}

/** A span of a file's text to remove, or to replace with `text`. */
export interface Cut {
  start: number;
  end: number;
  text?: string;
}

/** The cut that removes [start, end): the whole line when only blanks (and a comment) share it. */
export function lineCut(text: string, start: number, end: number): Cut {
  const ls = text.lastIndexOf('\n', start - 1) + 1;
  let le = text.indexOf('\n', end);
  if (le < 0) le = text.length;
  const before = text.slice(ls, start);
  const after = text.slice(end, le).trim();
  if (before.trim() === '' && (after === '' || after.startsWith('#')))
    return { start: ls, end: le < text.length ? le + 1 : le };
  let s = start;
  while (s > ls && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
  return { start: s, end };
}

/** True when the statement grants nothing once `gone` items are removed. */
function emptyAfter(s: Statement, gone: Set<unknown>): boolean {
  if (s.type === 'allow-ability')
    return s.items.every(
      (i) => gone.has(i) || (i.type === 'ability-flag' && i.name !== 'default_priv'),
    );
  if (s.type === 'allow-attach' || s.type === 'allow-link')
    return s.paths.every((p) => gone.has(p));
  return true;
}

/** The cuts that remove the grants of `remove`, per file. */
export function removalCuts(files: PolicyText[], remove: Origin[]): Map<string, Cut[]> {
  const byStatement = new Map<Statement, { file: string; items: Set<unknown>; whole: boolean }>();
  for (const o of remove) {
    const e = byStatement.get(o.statement) ?? {
      file: o.file,
      items: new Set<unknown>(),
      whole: false,
    };
    if (o.item) e.items.add(o.item);
    else e.whole = true;
    byStatement.set(o.statement, e);
  }
  const cuts = new Map<string, Cut[]>();
  for (const [s, e] of byStatement) {
    const file = s.position?.file ?? e.file;
    const text = files.find((f) => f.file === file)?.text;
    if (text === undefined || !s.position) continue;
    const list = cuts.get(file) ?? [];
    if (e.whole || emptyAfter(s, e.items))
      list.push(lineCut(text, s.position.start.offset, s.position.end.offset));
    else
      for (const item of e.items) {
        const p = (item as { position?: { start: { offset: number }; end: { offset: number } } })
          .position;
        if (p) list.push(lineCut(text, p.start.offset, p.end.offset));
      }
    cuts.set(file, list);
  }
  return cuts;
}

/** `text` with `cuts` applied (a cut inside one already applied is skipped: removed with it). */
export function applyCuts(text: string, cuts: readonly Cut[]): string {
  const list = [...cuts].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const c of list) {
    if (c.start < at) continue; // overlapping cut: already removed with an enclosing one
    out += text.slice(at, c.start) + (c.text ?? '');
    at = c.end;
  }
  return out + text.slice(at);
}

/** Returns each file's text with the grants of `remove` cut out (files without removals unchanged). */
export function removeGrants(files: PolicyText[], remove: Origin[]): PolicyText[] {
  const cuts = removalCuts(files, remove);
  return files.map((f) => ({ file: f.file, text: applyCuts(f.text, cuts.get(f.file) ?? []) }));
}
