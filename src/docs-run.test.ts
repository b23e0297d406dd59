/**
 * Docs that run: every shell session (a `console` block) of README.md and
 * docs/*.md is run with bash, and what each command prints is compared with
 * what the doc shows (the convention: src/test-utils/doc-blocks.ts, README §
 * Development). `UPDATE=1 npx jest src/docs-run.test.ts` writes what the
 * commands print into the docs instead; review the diff before committing.
 *
 * `secpol-learn` is the built CLI: the test compiles src/ once into a
 * temporary directory (beside a copy of templates/ and package.json, as in
 * the package) and puts a shim on PATH. Sessions run in scratch copies of
 * samples/ and templates/, one at a time, in document order; they need
 * nothing outside the repository. The environment is PATH, HOME (the
 * scratch directory), LANG=C.UTF-8 and TZ=UTC only, so a developer's
 * settings (SECPOL_LEARN_THREADS, colours) do not reach the output.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import {
  expectedOutput,
  fenceProblems,
  fencedBlocks,
  outputLines,
  readSession,
  rewriteSessions,
  sessionScript,
  splitOutput,
  type Session,
} from './test-utils/doc-blocks';

const ROOT = path.join(__dirname, '..');
const UPDATE = process.env.UPDATE === '1';
/** One full tsc build of src/ on a shared 2-core machine. */
const BUILD_MS = 300_000;
/** A session that has not ended by then is stuck; the jest timeout of its test is a little longer. */
const SESSION_MS = 120_000;

const DOCS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

const texts = new Map(DOCS.map((f) => [f, readFileSync(path.join(ROOT, f), 'utf8')]));
const blocks = new Map(DOCS.map((f) => [f, fencedBlocks(texts.get(f)!, f)]));
const problems: string[] = [];
const sessions = new Map<string, Session[]>();
for (const file of DOCS) {
  problems.push(...fenceProblems(blocks.get(file)!));
  const found: Session[] = [];
  for (const block of blocks.get(file)!.filter((b) => b.info === 'console')) {
    const s = readSession(block);
    if ('problems' in s) problems.push(...s.problems);
    else found.push(s);
  }
  sessions.set(file, found);
}

let work: string;
let bin: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'secpol-docs-run-'));
  // The package's layout: dist/ beside templates/ and package.json (read for the version).
  const pkg = path.join(work, 'pkg');
  const build = spawnSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '-p',
      path.join(ROOT, 'tsconfig.build.json'),
      '--outDir',
      path.join(pkg, 'dist'),
      '--declaration',
      'false',
      '--sourceMap',
      'false',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (build.status !== 0) throw new Error(`tsc failed:\n${build.stdout}${build.stderr}`);
  cpSync(path.join(ROOT, 'templates'), path.join(pkg, 'templates'), { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
  bin = path.join(work, 'bin');
  mkdirSync(bin);
  const shim = path.join(bin, 'secpol-learn');
  writeFileSync(
    shim,
    `#!/bin/sh\nexec '${process.execPath}' '${path.join(pkg, 'dist', 'bin.js')}' "$@"\n`,
  );
  chmodSync(shim, 0o755);
}, BUILD_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A fresh scratch copy of samples/ and templates/; returns its top directory. */
let scratches = 0;
function freshScratch(): string {
  const dir = path.join(work, `scratch-${++scratches}`);
  for (const d of ['samples', 'templates'])
    cpSync(path.join(ROOT, d), path.join(dir, d), { recursive: true });
  return dir;
}

/** Runs a session's commands in `cwd`; returns each command's output. */
function runSession(session: Session, cwd: string): string[] {
  const where = `${session.block.file}:${session.block.line}`;
  const marker = `@@docs-test ${Math.random().toString(36).slice(2)}@@`;
  const r = spawnSync(
    'bash',
    ['--noprofile', '--norc', '-c', sessionScript(session.steps, marker)],
    {
      cwd,
      env: {
        PATH: `${bin}${path.delimiter}${process.env.PATH ?? '/usr/bin:/bin'}`,
        HOME: cwd,
        LANG: 'C.UTF-8',
        TZ: 'UTC',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: SESSION_MS,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (r.error) throw new Error(`${where}: the session did not run: ${r.error.message}`);
  const outputs = splitOutput(r.stdout, marker, session.steps.length);
  if (!outputs)
    throw new Error(`${where}: the session did not run to its end:\n${r.stdout}${r.stderr}`);
  return outputs;
}

/** What differs between the doc and the run, as FILE:LINE and a diff per command; '' when nothing. */
function differences(session: Session, outputs: readonly string[]): string {
  return session.steps
    .map((step, k) => {
      const expected = expectedOutput(step);
      const actual = outputs[k]!;
      if (actual === expected) return '';
      const where = `${session.block.file}:${step.line}`;
      const ending = actual !== '' && !actual.endsWith('\n') ? ' (no line break at its end)' : '';
      return (
        `${where}: \`${step.command}\` printed other output than the doc shows${ending}:\n` +
        createTwoFilesPatch(`${where} (doc)`, 'run', expected, actual, '', '', { context: 2 })
          .split('\n')
          .slice(1)
          .join('\n')
      );
    })
    .filter((d) => d !== '')
    .join('\n');
}

describe('docs that run', () => {
  it('shows commands only in console sessions, with valid directives', () => {
    expect(problems).toEqual([]);
    // The workflows are the docs' longest sessions: finding none means the reading broke.
    expect(sessions.get('docs/workflows.md')!.length).toBeGreaterThan(0);
  });

  for (const file of DOCS) {
    const fileSessions = sessions.get(file)!;
    if (fileSessions.length === 0) continue;
    describe(file, () => {
      let cwd: string | undefined;
      const rewrites: { session: Session; outputs: string[] }[] = [];

      for (const session of fileSessions) {
        const title = `${file}:${session.block.line} $ ${session.steps[0]!.command.split('\n')[0]}`;
        if (session.skip !== undefined) {
          it.skip(`${title} (not run: ${session.skip})`, () => undefined);
          continue;
        }
        it(
          title,
          () => {
            if (session.dir !== undefined || cwd === undefined) {
              cwd = path.join(freshScratch(), session.dir ?? '.');
              mkdirSync(cwd, { recursive: true });
            }
            const outputs = runSession(session, cwd);
            const prompted = outputs.flatMap(outputLines).find((l) => l.startsWith('$ '));
            if (prompted !== undefined)
              throw new Error(
                `${file}:${session.block.line}: a command printed a line starting with \`$ \`, which the doc would read as a command: ${prompted}`,
              );
            if (UPDATE) rewrites.push({ session, outputs });
            else {
              const diff = differences(session, outputs);
              if (diff !== '')
                throw new Error(
                  `${diff}\n(\`UPDATE=1 npx jest src/docs-run.test.ts\` writes the output into the doc)`,
                );
            }
          },
          SESSION_MS + 10_000,
        );
      }

      afterAll(() => {
        if (rewrites.length > 0)
          writeFileSync(path.join(ROOT, file), rewriteSessions(texts.get(file)!, rewrites));
      });
    });
  }
});
