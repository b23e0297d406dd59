/**
 * `rewriteLaunches(text, verdicts)`: the buildfile's text with each launch
 * line that is untyped or of the wrong type given its planned type, and
 * nothing else changed: `on -T OLD` becomes `on -T NEW`, `on OPTIONS cmd`
 * becomes `on -T NEW OPTIONS cmd`, `cmd` becomes `on -T NEW cmd` (after any
 * modifier bracket); every other byte of the line (its `&`, arguments,
 * brackets, continuation lines, line end) is kept. Only lines the parser read
 * fully are launch lines, so a line not understood is never touched. The
 * type is checked with the policy parser's own predicate: a name from a trace
 * that is not a plain identifier never reaches the script.
 */
import { isSafeTypeName } from '../policy/lexical';
import type { LaunchVerdict } from './launch-types';

/** Verdicts that the patch changes. */
export function isRewritten(v: LaunchVerdict): boolean {
  return (v.status === 'untyped' || v.status === 'wrong-type') && v.planned !== undefined;
}

/** One edit: on physical line `line` (1-based), replace `length` characters at `column` by `insert`. */
interface Edit {
  line: number;
  column: number;
  length: number;
  insert: string;
}

function editFor(v: LaunchVerdict): Edit {
  const type = v.planned!;
  if (!isSafeTypeName(type)) throw new Error(`internal error: planned type is not an identifier`);
  const on = v.launch.on;
  if (on?.type) {
    const { start, end } = on.type;
    return {
      line: start.line,
      column: start.column,
      length: end.column - start.column,
      insert: type,
    };
  }
  if (on) return { line: on.end.line, column: on.end.column, length: 0, insert: ` -T ${type}` };
  const at = v.launch.commandAt;
  return { line: at.line, column: at.column, length: 0, insert: `on -T ${type} ` };
}

/** The text with the verdicts of `file` applied (line ends and every other character kept). */
export function rewriteLaunches(text: string, verdicts: readonly LaunchVerdict[]): string {
  const edits = new Map<number, Edit[]>();
  for (const v of verdicts) {
    if (!isRewritten(v)) continue;
    const e = editFor(v);
    edits.set(e.line, [...(edits.get(e.line) ?? []), e]);
  }
  if (edits.size === 0) return text;
  // Split keeping each line's end, so CRLF and a missing final line end survive.
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  return lines
    .map((raw, i) => {
      const es = edits.get(i + 1);
      if (!es) return raw;
      let out = raw;
      // Right to left: an edit never moves the columns of one to its left.
      for (const e of [...es].sort((a, b) => b.column - a.column))
        out = out.slice(0, e.column) + e.insert + out.slice(e.column + e.length);
      return out;
    })
    .join('');
}
