/**
 * A bounded list of diagnostics: the first `max` by place (file, then line),
 * whatever order they arrive in, and a count of all of them.
 *
 * Readers of a trace report a diagnostic when they know of it, which is not
 * always in line order: the parser warns about line N+1's control characters
 * before it closes the record of line N, while the learning fast lane notes
 * that record at once. Keeping the first by place, not the first to arrive,
 * makes the list the same for any reader, chunking or thread count.
 */
import type { Diagnostic } from './diagnostic';

/** Orders places (diagnostics, positions) by file, then line; a stable sort keeps the order of arrival within a line. */
export function byPlace(
  a: { file: string; line: number },
  b: { file: string; line: number },
): number {
  return placeAgainst(a.file, a.line, b);
}

/** Each file's rank in `byPlace`'s order of files (by name), indexed as `files` is. */
export function fileRanks(files: readonly string[]): Uint32Array {
  const rank = new Uint32Array(files.length);
  files
    .map((file, id) => ({ file, id }))
    .sort((x, y) => placeAgainst(x.file, 0, { file: y.file, line: 0 }))
    .forEach((f, r) => (rank[f.id] = r));
  return rank;
}

/** `byPlace` of the place `file:line` and `b`, with no object for the place. */
function placeAgainst(file: string, line: number, b: { file: string; line: number }): number {
  return file !== b.file ? (file < b.file ? -1 : 1) : line - b.line;
}

export class FirstByPlace {
  private readonly list: Diagnostic[] = [];
  /** Index of the last kept by place (the one to drop for an earlier one), once full. */
  private lastAt = -1;
  /** Every diagnostic added, kept or not. */
  count = 0;

  constructor(private readonly max: number) {}

  add(d: Diagnostic): void {
    this.count++;
    const list = this.list;
    if (list.length < this.max) {
      list.push(d);
      return;
    }
    if (this.max === 0) return;
    if (this.lastAt < 0) this.lastAt = lastByPlace(list);
    // Nearly always in order: a later place is dropped after one compare.
    if (byPlace(d, list[this.lastAt]!) >= 0) return;
    list.splice(this.lastAt, 1);
    list.push(d);
    this.lastAt = lastByPlace(list);
  }

  /**
   * Counts a diagnostic at `file:line` without it when `add` would not keep
   * it (true), so the caller need not make it (a trace's every record of
   * unknown form is noted: nearly all are dropped); false when `add` would.
   */
  dropped(file: string, line: number): boolean {
    const list = this.list;
    if (list.length < this.max) return false;
    if (this.max > 0) {
      if (this.lastAt < 0) this.lastAt = lastByPlace(list);
      if (placeAgainst(file, line, list[this.lastAt]!) < 0) return false;
    }
    this.count++;
    return true;
  }

  /** The kept diagnostics, sorted by place (arrival order within a line). */
  sorted(): Diagnostic[] {
    return [...this.list].sort(byPlace);
  }
}

/** The index of the last by place; of equal places, the one that arrived last. */
function lastByPlace(list: Diagnostic[]): number {
  let at = 0;
  for (let i = 1; i < list.length; i++) if (byPlace(list[i]!, list[at]!) >= 0) at = i;
  return at;
}
