/**
 * Unified-diff hunks for a text changed by replacing spans of it (`migrate`:
 * an ability renamed in place, an item or a statement cut out), built from
 * the spans themselves in time linear in the text, where jsdiff's Myers diff
 * costs O(lines × changed lines) (docs/performance.md, "migrate").
 *
 * Each span widens to the whole lines it touches; spans sharing a line join;
 * lines the same before and after at either end of a block are context, not
 * change; blocks with no unchanged line between them join into one run
 * (its `-` lines, then its `+` lines), as jsdiff prints them. Hunks, their
 * numbering and the `\ No newline at end of file` marks are those of
 * insertion-hunks.ts (`hunksOf`), which follow jsdiff's `structuredPatch`.
 * Where a removed line equals its neighbour, Myers may name the other one
 * of the two; both diffs apply and give the same text.
 */
import { hunksOf, type Block, type Hunk } from './insertion-hunks';

/** A span [start, end) of the old text replaced by `text` (none: removed). */
export interface TextSpanEdit {
  start: number;
  end: number;
  text?: string;
}

/** Lines of `text` with their `\n` (the last maybe without). */
function linesOf(text: string): string[] {
  const out = text.split(/(?<=\n)/);
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * The hunks that turn `before` into `before` with `edits` applied as
 * `applyCuts` applies them: by start; an edit starting inside one already
 * applied is dropped.
 */
export function editHunks(before: string, edits: readonly TextSpanEdit[]): Hunk[] {
  const starts = [0];
  for (let nl = before.indexOf('\n'); nl >= 0; nl = before.indexOf('\n', nl + 1))
    starts.push(nl + 1);
  const count = starts[starts.length - 1] === before.length ? starts.length - 1 : starts.length;
  const lineEnd = (i: number): number => (i + 1 < starts.length ? starts[i + 1]! : before.length);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = Math.max(0, count - 1);
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  // Old lines [first, last] and the edits inside them, in order.
  const spans: Array<{ first: number; last: number; edits: TextSpanEdit[] }> = [];
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) continue;
    at = e.end;
    const first = lineOf(e.start);
    // An edit ending at a line start may join that line to its own (its text without a
    // newline): the line is in the block; unchanged, it is trimmed back to context below.
    const last =
      e.end > e.start && e.end < before.length && before.charCodeAt(e.end - 1) !== 10
        ? lineOf(e.end - 1)
        : lineOf(Math.min(e.end, Math.max(0, before.length - 1)));
    const open = spans[spans.length - 1];
    if (open && first <= open.last) {
      open.last = Math.max(open.last, last);
      open.edits.push(e);
    } else spans.push({ first, last, edits: [e] });
  }
  const blocks: Block[] = [];
  for (const s of spans) {
    let text = '';
    let from = starts[s.first]!;
    for (const e of s.edits) {
      text += before.slice(from, e.start) + (e.text ?? '');
      from = e.end;
    }
    text += before.slice(from, lineEnd(s.last));
    // Lines unchanged at either end of the block are context.
    const added = linesOf(text);
    let start = s.first;
    let end = s.last + 1;
    let lo = 0;
    let hi = added.length;
    while (start < end && lo < hi && before.slice(starts[start]!, lineEnd(start)) === added[lo]) {
      start++;
      lo++;
    }
    while (
      start < end &&
      lo < hi &&
      before.slice(starts[end - 1]!, lineEnd(end - 1)) === added[hi - 1]
    ) {
      end--;
      hi--;
    }
    if (start === end && lo === hi) continue;
    const block = { start, end, text: added.slice(lo, hi).join('') };
    const prev = blocks[blocks.length - 1];
    // Changes with no unchanged line between them are one run, as jsdiff prints it.
    if (prev && prev.end === block.start) {
      prev.end = block.end;
      prev.text += block.text;
    } else blocks.push(block);
  }
  const lineText = (i: number): string => before.slice(starts[i]!, lineEnd(i));
  return hunksOf(blocks, count, lineText, before.length > 0 && !before.endsWith('\n'));
}
