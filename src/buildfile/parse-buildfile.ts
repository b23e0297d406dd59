/**
 * `parseBuildfile(text, {file})`: an mkifs buildfile or a shell startup script
 * → `Buildfile` (buildfile.ts). Pure: text in, data out.
 *
 * The mkifs grammar read (QNX "Buildfile syntax" and "Scripts" pages):
 * `[attributes] filename contents` lines; an attribute bracket alone on a
 * line applies to the lines after it (`[+script]`, `[type=link]`,
 * `[prefix=...]`); `name = {` opens an inline file closed by a `}` line;
 * inline files with the `+script` attribute are startup scripts, read line
 * by line by script-line.ts; `[type=link] path = target` is a link; `#`
 * starts a comment; a line ending in `\` continues on the next. Files without
 * a path go under the prefix (`/proc/boot` unless `[prefix=...]` says
 * otherwise). A `PATH=` word in an inline file that is not a script (the
 * bootstrap's `PATH=/proc/boot procnto ...`) is the scripts' starting PATH.
 *
 * A file with no attribute bracket and no inline file is a shell startup
 * script: every line is a script line. Every line not understood is a
 * warning with FILE:LINE; none is ever rewritten.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { Buildfile, LaunchLine } from './buildfile';
import { logicalLineAt, physicalLines, pointAt, type LogicalLine } from './logical-lines';
import { readScriptLine } from './script-line';

/** The PATH a script starts with when nothing sets one (docs/launch-types.md: an assumption). */
export const DEFAULT_PATH = '/proc/boot:/bin:/usr/bin:/sbin:/usr/sbin';

const ATTRIBUTES = /^\s*\[([^\]]*)\]\s*/;
/** A filename: plain, or quoted with `\"` and `\\` escapes (QNX's example: `"I \"think\" so"`). */
const NAME = String.raw`("(?:[^"\\]|\\.)*"|[^\s=]+)`;
const INLINE_OPEN = new RegExp(String.raw`^${NAME}\s*=\s*\{\s*$`);
const ENTRY_WITH_SOURCE = new RegExp(String.raw`^${NAME}\s*=\s*("(?:[^"\\]|\\.)*"|\S+)\s*$`);
const ENTRY = new RegExp(String.raw`^${NAME}\s*$`);

/** A buildfile's attribute state (only what finding launches needs). */
interface Attributes {
  script: boolean;
  link: boolean;
  prefix: string;
}

/** Applies the words of one bracket to `a`. */
function applyAttributes(a: Attributes, bracket: string): Attributes {
  const out = { ...a };
  for (const w of bracket.split(/\s+/).filter(Boolean)) {
    if (w === '+script') out.script = true;
    else if (w === '-script') out.script = false;
    else if (w.startsWith('type=')) out.link = w === 'type=link';
    else if (w.startsWith('prefix=')) out.prefix = w.slice('prefix='.length).replace(/\/+$/, '');
  }
  return out;
}

/** True when `text` has mkifs structure: an attribute bracket or an inline file. */
function looksLikeBuildfile(lines: readonly string[]): boolean {
  // `[+script]`, `[uid=0]`, `[type=link]`: no space after `[`, unlike the shell's `[ -x f ]`.
  return lines.some((l) => /^\[[+-]?[A-Za-z_]/.test(l.trim()) || INLINE_OPEN.test(l.trim()));
}

const unquote = (s: string): string =>
  s.startsWith('"') ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s;

/** Parses a buildfile or startup script. */
export function parseBuildfile(text: string, options: { file: string }): Buildfile {
  const { file } = options;
  const lines = physicalLines(text);
  const kind = looksLikeBuildfile(lines) ? 'buildfile' : 'script';
  const launches: LaunchLine[] = [];
  const imageFiles: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const warn = (line: number, message: string): void => {
    diagnostics.push({
      severity: 'warning',
      message,
      file,
      line,
      ruleId: 'buildfile-unparsed-line',
    });
  };
  let path = DEFAULT_PATH;
  let global: Attributes = { script: false, link: false, prefix: '/proc/boot' };
  /** The inline file being read: a script, or contents to skip. */
  let block: { script: boolean; line: number } | undefined =
    kind === 'script' ? { script: true, line: 0 } : undefined;
  const imagePath = (name: string, a: Attributes): string =>
    name.startsWith('/') ? name : `${a.prefix}/${name}`;

  const scriptLine = (l: LogicalLine): void => {
    const r = readScriptLine(l.text, path);
    if (r.kind === 'none') return;
    if (r.kind === 'path') {
      path = r.value;
      return;
    }
    if (r.kind === 'unparsed') {
      warn(l.line, `script line not understood (${r.reason}); it is never rewritten`);
      return;
    }
    const word = r.command.text;
    let candidates: string[];
    if (word.startsWith('/')) candidates = [word];
    else if (word.includes('/')) {
      warn(l.line, `command \`${word}\` is a relative path: not matched to a process`);
      return;
    } else
      candidates = (r.path ?? path)
        .split(':')
        .filter(Boolean)
        .map((d) => `${d.replace(/\/+$/, '')}/${word}`);
    const endOf = (offset: number): { line: number; column: number } => {
      const p = pointAt(l, offset - 1);
      return { line: p.line, column: p.column + 1 };
    };
    launches.push({
      file,
      line: l.line,
      lastLine: l.lastLine,
      command: word,
      commandAt: pointAt(l, r.command.start),
      candidates,
      ...(r.on
        ? {
            on: {
              end: endOf(r.on.end),
              detached: r.on.detached,
              ...(r.on.type
                ? {
                    type: {
                      value: r.on.type.text,
                      start: pointAt(l, r.on.type.start),
                      end: endOf(r.on.type.end),
                    },
                  }
                : {}),
            },
          }
        : {}),
      background: r.background,
      longRunning: r.background || (r.on?.detached ?? false),
    });
  };

  for (let i = 0; i < lines.length;) {
    if (block && kind === 'buildfile' && lines[i]!.trim() === '}') {
      block = undefined;
      i++;
      continue;
    }
    const { logical, next } = logicalLineAt(lines, i);
    i = next;
    if (block) {
      if (block.script) scriptLine(logical);
      else {
        const m = /(?:^|\s)PATH=(\S+)/.exec(logical.text);
        if (m) path = m[1]!;
      }
      continue;
    }
    const t = logical.text.trim();
    if (t === '' || t.startsWith('#')) continue;
    let rest = logical.text;
    let attrs = global;
    const bracket = ATTRIBUTES.exec(rest);
    if (bracket) {
      rest = rest.slice(bracket[0].length);
      attrs = applyAttributes(global, bracket[1]!);
      if (rest.trim() === '' || rest.trim().startsWith('#')) {
        global = attrs;
        continue;
      }
    }
    rest = rest.replace(/\s+#.*$/, '').trim();
    let m: RegExpExecArray | null;
    if ((m = INLINE_OPEN.exec(rest))) {
      imageFiles.push(imagePath(unquote(m[1]!), attrs));
      block = { script: attrs.script, line: logical.line };
    } else if ((m = ENTRY_WITH_SOURCE.exec(rest)) || (m = ENTRY.exec(rest))) {
      imageFiles.push(imagePath(unquote(m[1]!), attrs));
    } else {
      warn(logical.line, 'buildfile line not understood; it is never rewritten');
      // Its inline file is still one: its lines are read as what it holds, not as file entries.
      if (/\{\s*$/.test(rest)) block = { script: attrs.script, line: logical.line };
    }
  }
  if (block && kind === 'buildfile')
    warn(block.line, 'inline file `{` not closed by a `}` line before the end of the file');
  return { file, kind, launches, imageFiles: [...new Set(imageFiles)].sort(), diagnostics };
}
