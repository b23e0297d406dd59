/**
 * The shell sessions of the markdown docs, for src/docs-run.test.ts, which
 * runs them. Pure: markdown text in, blocks, steps, scripts and rewritten
 * markdown out; the test does the reading, running and writing.
 *
 * The convention (README, Development):
 * - A session is a fenced block with the info string `console`. In it, a line
 *   starting with `$ ` is a command; the lines after it, up to the next `$ `
 *   line, are what the command prints (standard output and standard error
 *   together, as a terminal shows them). A command continues on the next line
 *   after a trailing `\`, and a here-document (`<<'EOF'`) runs to its
 *   delimiter line. The exit status is shown the way a shell shows it: `$ echo $?`.
 * - Every session runs, unless an HTML comment just before its fence (blank
 *   lines between allowed) says `<!-- docs-test: skip (REASON) -->`.
 * - `<!-- docs-test: in DIR -->` runs the session in a fresh scratch copy of the
 *   repository's samples/ and templates/, in DIR of that copy (`samples/X`;
 *   made when the copy has none, for a session that builds its own files).
 *   A session without it continues in the directory of the file's previous
 *   session, with the files that session left; a file's first session starts in
 *   a fresh copy's top directory.
 * - A `$ ` prompt in any other block is an error (make it `console`), so no
 *   documented command escapes the test by its fence.
 */

/** A fenced code block of a markdown file. */
export interface FencedBlock {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The first word of the info string (`console`, `sh`, ...); '' when there is none. */
  readonly info: string;
  /** The opening fence's indentation (a block in a list item); removed from the body lines. */
  readonly indent: string;
  /** The lines between the fences, without `indent`. */
  readonly body: readonly string[];
  /** 0-based index in the file of the first body line. */
  readonly bodyStart: number;
  /** The texts of the `<!-- docs-test: TEXT -->` comments just before the fence, in order. */
  readonly directives: readonly string[];
}

/** One command of a session and the output the doc shows for it. */
export interface SessionStep {
  /** 1-based line of the command's `$ ` line in the file. */
  readonly line: number;
  /** The command as the shell gets it (continuation and here-document lines included). */
  readonly command: string;
  /** The doc's lines of the command, the first with its `$ `. */
  readonly commandLines: readonly string[];
  /** The output the doc shows, one entry per line. */
  readonly expected: readonly string[];
}

export type Directive =
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'in'; readonly dir: string };

/** A session: a `console` block, its steps, and what its directives say. */
export interface Session {
  readonly block: FencedBlock;
  readonly steps: readonly SessionStep[];
  /** Why it does not run; undefined when it runs. */
  readonly skip: string | undefined;
  /** The directory of a fresh scratch copy to run in; undefined to continue in the previous one. */
  readonly dir: string | undefined;
}

const PROMPT = '$ ';
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const DIRECTIVE = /^\s*<!--\s*docs-test:\s*(.*?)\s*-->\s*$/;
const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/;

/** Every fenced block of `markdown` (`file` names it in positions). */
export function fencedBlocks(markdown: string, file: string): FencedBlock[] {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end]!)) end++;
    const body = lines
      .slice(i + 1, end)
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()));
    blocks.push({
      file,
      line: i + 1,
      info,
      indent,
      body,
      bodyStart: i + 1,
      directives: directivesBefore(lines, i),
    });
    i = end;
  }
  return blocks;
}

/** The directive comments on the lines just before line index `fence`, blank lines skipped. */
function directivesBefore(lines: readonly string[], fence: number): string[] {
  const found: string[] = [];
  for (let j = fence - 1; j >= 0; j--) {
    if (lines[j]!.trim() === '') continue;
    const d = DIRECTIVE.exec(lines[j]!);
    if (!d) break;
    found.unshift(d[1]!);
  }
  return found;
}

/** What a directive's text says, or a message naming what is wrong with it. */
export function parseDirective(text: string): Directive | { readonly error: string } {
  const skip = /^skip\s*\((.*)\)$/.exec(text);
  if (skip) {
    const reason = skip[1]!.trim();
    return reason === ''
      ? { error: 'a skipped session needs a reason: `skip (REASON)`' }
      : { kind: 'skip', reason };
  }
  const dir = /^in\s+(\S+)$/.exec(text);
  if (dir) {
    const d = dir[1]!;
    return /^[\w.-]+(\/[\w.-]+)*$/.test(d) && !d.split('/').includes('..')
      ? { kind: 'in', dir: d }
      : { error: `\`in ${d}\`: name a directory inside the scratch copy, like samples/NAME` };
  }
  return { error: `unknown directive \`${text}\` (known: \`skip (REASON)\`, \`in DIR\`)` };
}

/**
 * The commands of a `console` block and the output shown after each, or the
 * problems (FILE:LINE messages) that keep it from being read as a session.
 */
export function readSession(block: FencedBlock): Session | { readonly problems: string[] } {
  const problems: string[] = [];
  let skip: string | undefined;
  let dir: string | undefined;
  for (const text of block.directives) {
    const d = parseDirective(text);
    if ('error' in d) problems.push(`${block.file}:${block.line}: ${d.error}`);
    else if (d.kind === 'skip') skip = d.reason;
    else dir = d.dir;
  }
  const steps: SessionStep[] = [];
  const { body } = block;
  let i = 0;
  if (body.length > 0 && !body[0]!.startsWith(PROMPT))
    problems.push(
      `${block.file}:${block.bodyStart + 1}: a console block starts with a \`$ \` command line`,
    );
  while (i < body.length && !body[i]!.startsWith(PROMPT)) i++;
  while (i < body.length) {
    const start = i;
    const commandLines = [body[i]!];
    const heredoc = HEREDOC.exec(body[i]!);
    if (heredoc) {
      i++;
      while (i < body.length && body[i] !== heredoc[2]) commandLines.push(body[i++]!);
      if (i < body.length) commandLines.push(body[i]!);
      else
        problems.push(
          `${block.file}:${block.bodyStart + start + 1}: here-document without its \`${heredoc[2]}\` line`,
        );
    } else {
      while (commandLines[commandLines.length - 1]!.endsWith('\\') && i + 1 < body.length)
        commandLines.push(body[++i]!);
    }
    i++;
    const expected: string[] = [];
    while (i < body.length && !body[i]!.startsWith(PROMPT)) expected.push(body[i++]!);
    steps.push({
      line: block.bodyStart + start + 1,
      command: [commandLines[0]!.slice(PROMPT.length), ...commandLines.slice(1)].join('\n'),
      commandLines,
      expected,
    });
  }
  if (steps.length === 0)
    problems.push(`${block.file}:${block.line}: a console block shows no \`$ \` command`);
  return problems.length > 0 ? { problems } : { block, steps, skip, dir };
}

/**
 * Problems with the blocks of one file that no session run would show: a
 * `$ ` prompt outside a `console` block, a directive on a block that is not a session.
 */
export function fenceProblems(blocks: readonly FencedBlock[]): string[] {
  const problems: string[] = [];
  for (const b of blocks) {
    if (b.info === 'console') continue;
    const prompt = b.body.findIndex((l) => l.startsWith(PROMPT));
    if (prompt >= 0)
      problems.push(
        `${b.file}:${b.bodyStart + prompt + 1}: a \`$ \` command in a \`${b.info || 'plain'}\` block: make the block \`console\` (it then runs) or drop the prompt`,
      );
    if (b.directives.length > 0)
      problems.push(
        `${b.file}:${b.line}: a docs-test directive on a block that is not \`console\``,
      );
  }
  return problems;
}

/**
 * A bash script that runs `steps` in order in one shell (so `$?`, and files
 * one command writes, reach the next) and prints `marker` on a line of its own
 * before each command's output, the line break before it included, so that
 * `splitOutput` gives each command's output back byte for byte.
 */
export function sessionScript(steps: readonly SessionStep[], marker: string): string {
  const lines = ['exec 2>&1', 'docs_test_status=0'];
  for (const step of steps) {
    lines.push(`printf '\\n%s\\n' '${marker}'`);
    lines.push(`(exit $docs_test_status)`);
    lines.push(step.command);
    lines.push('docs_test_status=$?');
  }
  lines.push(`printf '\\n%s\\n' '${marker}'`);
  return lines.join('\n') + '\n';
}

/** The output of each of `count` commands in the output of `sessionScript`'s script. */
export function splitOutput(output: string, marker: string, count: number): string[] | undefined {
  const parts = output.split(`\n${marker}\n`);
  // Before the first marker: nothing; after the last: nothing.
  if (parts.length !== count + 2 || parts[0] !== '' || parts[count + 1] !== '') return undefined;
  return parts.slice(1, count + 1);
}

/** The doc's lines for an output: its lines, without the final line break's empty line. */
export function outputLines(output: string): string[] {
  if (output === '') return [];
  const lines = output.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The output the doc shows for a step, as the command would print it. */
export function expectedOutput(step: SessionStep): string {
  return step.expected.map((l) => `${l}\n`).join('');
}

/**
 * `markdown` with the output shown in each given session replaced by
 * `outputs` (one per step, in order); everything else is kept byte for byte.
 */
export function rewriteSessions(
  markdown: string,
  replacements: readonly { readonly session: Session; readonly outputs: readonly string[] }[],
): string {
  const lines = markdown.split('\n');
  const last = [...replacements].sort((a, b) => b.session.block.line - a.session.block.line);
  for (const { session, outputs } of last) {
    const { block, steps } = session;
    const body = steps.flatMap((step, k) => [...step.commandLines, ...outputLines(outputs[k]!)]);
    lines.splice(
      block.bodyStart,
      block.body.length,
      ...body.map((l) => (l === '' ? '' : block.indent + l)),
    );
  }
  return lines.join('\n');
}
