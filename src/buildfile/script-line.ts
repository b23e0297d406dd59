/**
 * One logical line of a startup script (an mkifs `[+script]` block or a shell
 * script), read as the simple commands QNX boot scripts use: an optional
 * modifier bracket (`[pri=12]`), variable assignments (`PATH=...`,
 * `export PATH=...`), `on [OPTIONS] command args`, a plain `command args`,
 * an optional trailing `&`. Anything else (pipes, `;`, redirections,
 * substitutions, control words, unbalanced quotes, an unknown `on` option) is
 * `unparsed`, with the reason: such a line is reported, never rewritten.
 */

/** A word of the line with its logical offsets. */
export interface Word {
  text: string;
  start: number;
  end: number;
  quoted: boolean;
}

/** What one script line is. */
export type ScriptLine =
  | { kind: 'none' }
  | { kind: 'path'; value: string }
  | {
      kind: 'launch';
      command: Word;
      /** PATH given on this line only (`PATH=/x cmd`). */
      path?: string;
      /** `end`: where the word `on` ends (` -T TYPE` goes there). */
      on?: { end: number; type?: Word; detached: boolean };
      background: boolean;
    }
  | { kind: 'unparsed'; reason: string };

/** Options of QNX's `on` (7.1/8.0 synopsis) that take an argument; the others below take none. */
const ON_WITH_ARGUMENT = new Set('ACefLlnpRSTtuWwXa'.split(''));
const ON_FLAGS = new Set('cdEhsP'.split(''));

/** Commands that start no process of their own: mkifs internal commands and shell built-ins. */
const NOT_A_LAUNCH = new Set([
  'display_msg',
  'procmgr_symlink',
  'reopen',
  'waitfor',
  'echo',
  'cd',
  'set',
  'unset',
  'exit',
  '.',
  'source',
  'true',
  'false',
  ':',
  'umask',
  'ulimit',
  'shift',
  'wait',
  'trap',
  'read',
]);

/** Shell words that open or close compound commands: lines with them are not simple commands. */
const CONTROL_WORDS = new Set(
  'if then else elif fi for while until do done case esac function select { } ! [[ ]]'.split(' '),
);

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
/** Characters a plain word may hold: no shell metacharacter, quote, escape or `$(`; a `$` in a command word or a PATH is refused later. */
const PLAIN = /^[A-Za-z0-9_./:,=+@%^~*?[\]{}$-]+$/;

/** Splits `text` (from `from`) into words; undefined with a reason when it holds shell syntax beyond simple commands. */
function words(text: string, from: number): { words: Word[]; background: boolean } | string {
  const out: Word[] = [];
  let background = false;
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '#') break;
    if (background) return 'text after `&`';
    if (c === '&') {
      if (text[i + 1] === '&') return '`&&` (a command list)';
      background = true;
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return 'an unbalanced quote';
      const inner = text.slice(i + 1, close);
      if (c === '"' && /[$`\\]/.test(inner)) return 'a substitution or escape inside double quotes';
      out.push({ text: inner, start: i, end: close + 1, quoted: true });
      i = close + 1;
      if (i < text.length && !/[ \t&]/.test(text[i]!)) return 'a quoted word joined to other text';
      continue;
    }
    let j = i;
    // `#` starts a comment only at the start of a word (`prog#x` is one word, as in sh; QNX's
    // buildfile page asks for a space before `#`): such a word is not plain and is reported.
    while (j < text.length && !/[ \t&"']/.test(text[j]!)) j++;
    const w = text.slice(i, j);
    if (!PLAIN.test(w)) return `shell syntax not understood in \`${w}\``;
    out.push({ text: w, start: i, end: j, quoted: false });
    i = j;
  }
  return { words: out, background };
}

/** Expands `$PATH`/`${PATH}` in a PATH value; undefined when it holds another substitution. */
function pathValue(value: string, current: string): string | undefined {
  const v = value.replace(/\$\{PATH\}|\$PATH(?![A-Za-z0-9_])/g, current);
  return v.includes('$') ? undefined : v;
}

/** Reads one logical script line; `path` is the PATH in force before it. */
export function readScriptLine(text: string, path: string): ScriptLine {
  let i = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  if (i === text.length || text[i] === '#') return { kind: 'none' };
  if (text[i] === '[') {
    const close = text.indexOf(']', i);
    if (close < 0) return { kind: 'unparsed', reason: 'a modifier bracket `[` without `]`' };
    i = close + 1;
  }
  const split = words(text, i);
  if (typeof split === 'string') return { kind: 'unparsed', reason: split };
  const ws = split.words;
  if (ws.length === 0)
    return split.background ? { kind: 'unparsed', reason: 'a lone `&`' } : { kind: 'none' };
  if (CONTROL_WORDS.has(ws[0]!.text) || ws[0]!.text.endsWith('()'))
    return { kind: 'unparsed', reason: `shell control word \`${ws[0]!.text}\`` };
  let k = 0;
  const exported = ws[0]!.text === 'export' && !ws[0]!.quoted;
  if (exported) k++;
  let linePath: string | undefined;
  let sawAssignment = false;
  for (; k < ws.length && !ws[k]!.quoted && ASSIGNMENT.test(ws[k]!.text); k++) {
    const [, name, value] = ASSIGNMENT.exec(ws[k]!.text)!;
    sawAssignment = true;
    if (name !== 'PATH') continue;
    const v = pathValue(value!, path);
    if (v === undefined) return { kind: 'unparsed', reason: 'a PATH with a substitution' };
    linePath = v;
  }
  if (k === ws.length) {
    if (split.background) return { kind: 'unparsed', reason: 'an assignment in the background' };
    return linePath !== undefined ? { kind: 'path', value: linePath } : { kind: 'none' };
  }
  if (exported) {
    // `export PATH` (names only) changes nothing this reader follows.
    if (
      ws.slice(k).every((w) => !w.quoted && /^[A-Za-z_][A-Za-z0-9_]*$/.test(w.text)) &&
      !split.background
    )
      return { kind: 'none' };
    return { kind: 'unparsed', reason: '`export` of something other than assignments' };
  }
  let command = ws[k]!;
  let on: { end: number; type?: Word; detached: boolean } | undefined;
  if (command.text === 'on' && !command.quoted) {
    on = { end: command.end, detached: false };
    k++;
    for (; k < ws.length; k++) {
      const w = ws[k]!;
      if (w.quoted || !w.text.startsWith('-') || w.text === '-') break;
      if (w.text === '--') {
        k++;
        break;
      }
      // getopt: flags may be clustered; an option with an argument takes the rest of the word or the next word.
      for (let p = 1; p < w.text.length; p++) {
        const letter = w.text[p]!;
        if (ON_FLAGS.has(letter)) {
          if (letter === 'd') on.detached = true;
          continue;
        }
        if (!ON_WITH_ARGUMENT.has(letter))
          return { kind: 'unparsed', reason: `an \`on\` option not known: -${letter}` };
        let arg: Word;
        if (p + 1 < w.text.length)
          arg = { text: w.text.slice(p + 1), start: w.start + p + 1, end: w.end, quoted: false };
        else {
          const next = ws[++k];
          if (!next) return { kind: 'unparsed', reason: `\`on -${letter}\` without its argument` };
          arg = next;
        }
        if (letter === 'T') {
          if (on.type) return { kind: 'unparsed', reason: '`on` with two -T options' };
          on.type = arg;
        }
        break;
      }
    }
    if (k === ws.length) return { kind: 'none' }; // `on` without a command changes the shell itself.
    command = ws[k]!;
  }
  if (command.quoted || command.text.includes('$'))
    return { kind: 'unparsed', reason: 'a command word that is quoted or a substitution' };
  if (!on && NOT_A_LAUNCH.has(command.text)) return { kind: 'none' };
  if (sawAssignment && on) return { kind: 'unparsed', reason: 'assignments before `on`' };
  return {
    kind: 'launch',
    command,
    ...(linePath !== undefined ? { path: linePath } : {}),
    ...(on ? { on } : {}),
    background: split.background,
  };
}
