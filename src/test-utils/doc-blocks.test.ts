import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  expectedOutput,
  fenceProblems,
  fencedBlocks,
  parseDirective,
  readSession,
  rewriteSessions,
  sessionScript,
  splitOutput,
  type Session,
} from './doc-blocks';

const DOC = [
  '# Title', // 1
  '', // 2
  '<!-- docs-test: in samples/seed-walkthrough -->', // 3
  '', // 4
  '```console', // 5
  '$ secpol-learn check --policy p.secpol \\', // 6
  '    trace.log', // 7
  'secpol-learn check: PASS', // 8
  '$ echo $?', // 9
  '0', // 10
  '```', // 11
  '', // 12
  '1. A step:', // 13
  '', // 14
  '   ```console', // 15
  '   $ cat > t.hbs <<EOF', // 16
  '   $ not a prompt: the here-document', // 17
  '   EOF', // 18
  '   $ cat t.hbs', // 19
  '   a line of output', // 20
  '', // 21
  '   ```', // 22
  '', // 23
  '<!-- docs-test: skip (needs a target) -->', // 24
  '```console', // 25
  '$ ssh target secpolmonitor', // 26
  '```', // 27
  '```sh', // 28
  'npm ci', // 29
  '```', // 30
  '',
].join('\n');

function sessionsOf(markdown: string): Session[] {
  return fencedBlocks(markdown, 'doc.md')
    .filter((b) => b.info === 'console')
    .map((b) => {
      const s = readSession(b);
      if ('problems' in s) throw new Error(s.problems.join('\n'));
      return s;
    });
}

describe('fencedBlocks', () => {
  it('finds each block with its line, info string, indentation and directives', () => {
    const blocks = fencedBlocks(DOC, 'doc.md');
    expect(blocks.map((b) => [b.line, b.info, b.indent, b.directives])).toEqual([
      [5, 'console', '', ['in samples/seed-walkthrough']],
      [15, 'console', '   ', []],
      [25, 'console', '', ['skip (needs a target)']],
      [28, 'sh', '', []],
    ]);
    expect(blocks[1]!.body).toEqual([
      '$ cat > t.hbs <<EOF',
      '$ not a prompt: the here-document',
      'EOF',
      '$ cat t.hbs',
      'a line of output',
      '',
    ]);
  });

  it('takes a directive only when nothing but blank lines separates it from the fence', () => {
    const md = ['<!-- docs-test: skip (x) -->', 'Some words.', '```console', '$ true', '```'].join(
      '\n',
    );
    expect(fencedBlocks(md, 'd.md')[0]!.directives).toEqual([]);
  });

  it('runs an unclosed block to the end of the file, and a longer fence holds a shorter one', () => {
    const md = ['````md', '```console', '$ x', '```', '````', '~~~', 'open'].join('\n');
    const blocks = fencedBlocks(md, 'd.md');
    expect(blocks.map((b) => [b.line, b.info, b.body])).toEqual([
      [1, 'md', ['```console', '$ x', '```']],
      [6, '', ['open']],
    ]);
  });
});

describe('readSession', () => {
  it('reads commands with continuation lines and here-documents, each with its output', () => {
    const [first, second, skipped] = sessionsOf(DOC);
    expect(first!.dir).toBe('samples/seed-walkthrough');
    expect(first!.skip).toBeUndefined();
    expect(first!.steps).toEqual([
      {
        line: 6,
        command: 'secpol-learn check --policy p.secpol \\\n    trace.log',
        commandLines: ['$ secpol-learn check --policy p.secpol \\', '    trace.log'],
        expected: ['secpol-learn check: PASS'],
      },
      { line: 9, command: 'echo $?', commandLines: ['$ echo $?'], expected: ['0'] },
    ]);
    expect(second!.dir).toBeUndefined();
    expect(second!.steps.map((s) => [s.line, s.command, s.expected])).toEqual([
      [16, 'cat > t.hbs <<EOF\n$ not a prompt: the here-document\nEOF', []],
      [19, 'cat t.hbs', ['a line of output', '']],
    ]);
    expect(expectedOutput(second!.steps[1]!)).toBe('a line of output\n\n');
    expect(skipped!.skip).toBe('needs a target');
  });

  it('names FILE:LINE of what keeps a block from being a session', () => {
    const problems = (md: string): string[] => {
      const s = readSession(fencedBlocks(md, 'd.md')[0]!);
      return 'problems' in s ? s.problems : [];
    };
    expect(problems('\n```console\nsome output\n$ true\n```')).toEqual([
      'd.md:3: a console block starts with a `$ ` command line',
    ]);
    expect(problems('```console\n```')).toEqual(['d.md:1: a console block shows no `$ ` command']);
    expect(problems('<!-- docs-test: skip () -->\n```console\n$ true\n```')).toEqual([
      'd.md:2: a skipped session needs a reason: `skip (REASON)`',
    ]);
    expect(problems('<!-- docs-test: in ../.. -->\n```console\n$ true\n```')).toEqual([
      'd.md:2: `in ../..`: name a directory inside the scratch copy, like samples/NAME',
    ]);
    expect(problems('```console\n$ cat <<EOF\nx\n```')).toEqual([
      'd.md:2: here-document without its `EOF` line',
    ]);
  });

  it('knows two directives', () => {
    expect(parseDirective('skip (CI service)')).toEqual({ kind: 'skip', reason: 'CI service' });
    expect(parseDirective('in samples/x')).toEqual({ kind: 'in', dir: 'samples/x' });
    expect(parseDirective('run later')).toEqual({
      error: 'unknown directive `run later` (known: `skip (REASON)`, `in DIR`)',
    });
  });
});

describe('fenceProblems', () => {
  it('refuses a prompt outside a console block, and a directive on one', () => {
    const md = [
      '```sh',
      '$ secpol-learn lint p.secpol',
      '```',
      '<!-- docs-test: skip (x) -->',
      '```',
      'text',
      '```',
    ];
    expect(fenceProblems(fencedBlocks(md.join('\n'), 'd.md'))).toEqual([
      'd.md:2: a `$ ` command in a `sh` block: make the block `console` (it then runs) or drop the prompt',
      'd.md:5: a docs-test directive on a block that is not `console`',
    ]);
    expect(fenceProblems(fencedBlocks(DOC, 'doc.md'))).toEqual([]);
  });
});

describe('sessionScript and splitOutput', () => {
  const run = (markdown: string): string[] | undefined => {
    const dir = mkdtempSync(path.join(tmpdir(), 'doc-blocks-'));
    try {
      const [session] = sessionsOf(markdown);
      const marker = '@@marker@@';
      const r = spawnSync(
        'bash',
        ['--noprofile', '--norc', '-c', sessionScript(session!.steps, marker)],
        {
          cwd: dir,
          encoding: 'utf8',
        },
      );
      return splitOutput(r.stdout, marker, session!.steps.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("gives each command's output byte for byte, stderr in place, status and files carried on", () => {
    const md = [
      '```console',
      '$ printf "no line break"',
      '$ echo out; echo err >&2; echo out2',
      '$ (exit 3)',
      '$ echo $?',
      '$ printf "a\\n\\n" > f',
      '$ cat f',
      '$ cat <<EOF',
      'here $((1 + 1))',
      'EOF',
      '$ true',
      '```',
    ].join('\n');
    expect(run(md)).toEqual([
      'no line break',
      'out\nerr\nout2\n',
      '',
      '3\n',
      '',
      'a\n\n',
      'here 2\n',
      '',
    ]);
  });

  it('tells when the script did not run to its end', () => {
    expect(run('```console\n$ echo a\n$ exit 4\n$ echo b\n```')).toBeUndefined();
    expect(splitOutput('\n@@m@@\na\n', '@@m@@', 1)).toBeUndefined();
  });
});

describe('rewriteSessions', () => {
  it('gives the same markdown back for the output it shows', () => {
    const replacements = sessionsOf(DOC).map((session) => ({
      session,
      outputs: session.steps.map(expectedOutput),
    }));
    expect(rewriteSessions(DOC, replacements)).toBe(DOC);
  });

  it('replaces the output of the sessions given, keeps indentation and everything else', () => {
    const [first, second] = sessionsOf(DOC);
    const out = rewriteSessions(DOC, [
      { session: second!, outputs: ['', 'x\n\ny\n'] },
      { session: first!, outputs: ['FAIL\nmore\n', '1\n'] },
    ]);
    const lines = out.split('\n');
    expect(lines.slice(5, 12)).toEqual([
      '$ secpol-learn check --policy p.secpol \\',
      '    trace.log',
      'FAIL',
      'more',
      '$ echo $?',
      '1',
      '```',
    ]);
    expect(lines.slice(16, 25)).toEqual([
      '   $ cat > t.hbs <<EOF',
      '   $ not a prompt: the here-document',
      '   EOF',
      '   $ cat t.hbs',
      '   x',
      '',
      '   y',
      '   ```',
      '',
    ]);
    expect(lines.slice(25).join('\n')).toBe(DOC.split('\n').slice(23).join('\n'));
  });
});
