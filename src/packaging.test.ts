/**
 * The package as a user gets it: `npm pack` (which builds dist/ through the
 * `prepare` script), the tarball installed with `npm install -g` into a
 * temporary prefix, and the installed `secpol-learn` run from a directory
 * outside the clone. Checks what only the packed files can show: the bin
 * entry, the compiled worker entries the parallel reader loads at run time,
 * the templates beside dist/, the version read from the installed
 * package.json, that the installed README and docs link only to files in
 * the package, and the library as a TypeScript project gets it: the example
 * of docs/api.md (examples/api/example.ts) compiled with `--strict
 * --skipLibCheck false` against the installed type files, run, and its output
 * compared with the one docs/api.md shows.
 *
 * Dependencies come from the npm cache (`--prefer-offline`): after `npm ci`
 * their tarballs are there; npm asks the registry only for what the cache
 * lacks. Skipped, with one line on stderr, only when npm is not on PATH.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const SEED = path.join(ROOT, 'samples', 'seed-walkthrough');
/** Pack (a full tsc build) and install on a shared 2-core machine. */
const SLOW_MS = 300_000;

/**
 * The environment without the `npm_*` variables `npm test` sets for its
 * script: the children are a user's own npm and shell, not part of this run.
 */
const ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)),
);

const npmFound = spawnSync('npm', ['--version'], { env: ENV, encoding: 'utf8' }).status === 0;
if (!npmFound) {
  process.stderr.write(
    'src/packaging.test.ts: npm is not on PATH: the packed-and-installed package was not tested\n',
  );
}
const describeWithNpm = npmFound ? describe : describe.skip;

/** Runs npm; throws with its stderr when it fails. */
function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync('npm', args, { cwd, env: ENV, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`npm ${args.join(' ')} exited ${String(r.status)}:\n${r.stderr}`);
  }
  return r;
}

/** The relative link targets of a markdown text (no URLs, no in-page anchors), without anchors. */
function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!.replace(/#.*$/, ''))
    .filter((target) => target !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describeWithNpm('the packed package, installed with npm install -g into a temporary prefix', () => {
  let work: string;
  let packed: string[];
  let pkg: string;
  let bin: string;
  let tarball: string;

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'secpol-learn-pack-'));
    // The build runs in `prepare` (README, Install): scripts on, whatever the user's npm config says.
    const pack = npm(
      ['pack', '--json', '--ignore-scripts=false', '--pack-destination', work],
      ROOT,
    );
    // The JSON report, after any script output a `foreground-scripts` config sends to stdout.
    const report = pack.stdout.slice(pack.stdout.search(/^\[/m));
    const [info] = JSON.parse(report) as { filename: string; files: { path: string }[] }[];
    packed = info!.files.map((f) => f.path);
    tarball = path.join(work, info!.filename);
    const prefix = path.join(work, 'prefix');
    npm(
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        tarball,
      ],
      work,
    );
    pkg = path.join(prefix, 'lib', 'node_modules', 'secpol-learn');
    bin = path.join(prefix, 'bin', 'secpol-learn');
  }, SLOW_MS);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Runs the installed executable in `cwd` (a directory outside the clone). */
  const secpolLearn = (args: string[], cwd: string): SpawnSyncReturns<string> =>
    spawnSync(bin, args, { cwd, env: ENV, encoding: 'utf8' });

  /** Runs a script with node in `work`, `pkg` as its first argument; returns its stdout as JSON. */
  const inInstalled = (script: string, ...args: string[]): unknown => {
    const r = spawnSync(process.execPath, ['-e', script, pkg, ...args], {
      cwd: work,
      env: ENV,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout);
  };

  it('packs the executable, the library, every worker entry, templates, docs, README and LICENSE; no sources, tests, samples or bench', () => {
    const workers = readdirSync(path.join(ROOT, 'src', 'cli', 'parallel'))
      .filter((f) => /worker\.ts$/.test(f))
      .map((f) => `dist/cli/parallel/${f.replace(/\.ts$/, '.js')}`);
    // The two the parallel readers load (read-parallel.ts), found by name so a new one is checked too.
    expect(workers).toEqual(
      expect.arrayContaining([
        'dist/cli/parallel/shard-worker.js',
        'dist/cli/parallel/stream-worker.js',
      ]),
    );
    const expected = [
      'package.json',
      'LICENSE',
      'README.md',
      'dist/bin.js',
      'dist/index.js',
      'dist/index.d.ts',
      ...workers,
      ...readdirSync(path.join(ROOT, 'templates')).map((f) => `templates/${f}`),
      ...readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`),
    ];
    expect(packed).toEqual(expect.arrayContaining(expected));
    expect(
      packed.filter(
        (f) => /^(src|samples|dist\/bench)\/|\.test\.|\.ts$/.test(f) && !f.endsWith('.d.ts'),
      ),
    ).toEqual([]);
  });

  it('runs from another directory: suggest on the seed sample prints the expected rules', () => {
    const cwd = path.join(work, 'elsewhere');
    mkdirSync(cwd);
    copyFileSync(path.join(SEED, 'trace.log'), path.join(cwd, 'trace.log'));
    copyFileSync(path.join(SEED, 'policy.secpol'), path.join(cwd, 'policy.secpol'));
    // The golden files' command (src/cli/commands/suggest.test.ts), byte for byte.
    const r = secpolLearn(['suggest', 'trace.log', '--policy', 'policy.secpol', '--explain'], cwd);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(path.join(SEED, 'expected.secpol'), 'utf8'));
    expect(r.stderr).toBe(readFileSync(path.join(SEED, 'expected.stderr.txt'), 'utf8'));
    expect(r.stdout).toContain('allow_attach fs_nonuser_t /;');
  });

  it('prints its help, and the version of the installed package.json', () => {
    const help = secpolLearn(['--help'], work);
    expect(help.status).toBe(0);
    for (const command of ['monitor', 'suggest', 'generate', 'check', 'lint']) {
      expect(help.stdout).toContain(command);
    }
    const version = secpolLearn(['--version'], work);
    expect(version.status).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(version.stdout.trim()).toBe(manifest.version);
  });

  it('links from the installed README and docs only to files in the package', () => {
    const pages = ['README.md', ...readdirSync(path.join(pkg, 'docs')).map((f) => `docs/${f}`)];
    const readmeLinks = relativeLinks(readFileSync(path.join(pkg, 'README.md'), 'utf8'));
    expect(readmeLinks.filter((l) => l.startsWith('docs/')).length).toBeGreaterThan(0);
    const dead = pages.flatMap((page) =>
      relativeLinks(readFileSync(path.join(pkg, page), 'utf8'))
        .filter((target) => !existsSync(path.join(pkg, path.dirname(page), target)))
        .map((target) => `${page} → ${target}`),
    );
    expect(dead).toEqual([]);
  });

  describe('as a library, installed into a TypeScript project', () => {
    let project: string;

    beforeAll(() => {
      project = path.join(work, 'project');
      mkdirSync(project);
      writeFileSync(
        path.join(project, 'package.json'),
        JSON.stringify({ name: 'api-user', version: '1.0.0', private: true }),
      );
      // Node's types, as any Node project has them (docs/api.md): the version this clone's tests use.
      const nodeTypes = JSON.parse(
        readFileSync(path.join(ROOT, 'node_modules', '@types', 'node', 'package.json'), 'utf8'),
      ) as { version: string };
      npm(
        [
          'install',
          '--prefer-offline',
          '--no-audit',
          '--no-fund',
          tarball,
          `@types/node@${nodeTypes.version}`,
        ],
        project,
      );
      copyFileSync(
        path.join(ROOT, 'examples', 'api', 'example.ts'),
        path.join(project, 'example.ts'),
      );
    }, SLOW_MS);

    /** Runs this clone's TypeScript compiler in the project. */
    const tsc = (args: string[]): SpawnSyncReturns<string> =>
      spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), ...args], {
        cwd: project,
        env: ENV,
        encoding: 'utf8',
      });

    /** Every `.d.ts` the installed dist/index.d.ts reaches, and the modules they name that are not files of the package. */
    function typeGraph(): { files: string[]; external: string[] } {
      const files = new Set<string>();
      const external = new Set<string>();
      const visit = (file: string): void => {
        if (files.has(file)) return;
        files.add(file);
        const text = readFileSync(file, 'utf8');
        const named = [
          ...text.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g),
          ...text.matchAll(/\/\/\/\s*<reference\s+(?:types|path)=['"]([^'"]+)['"]/g),
        ].map((m) => m[1]!);
        for (const spec of named) {
          if (!spec.startsWith('.')) {
            external.add(spec);
            continue;
          }
          const target = path.resolve(path.dirname(file), spec);
          visit(existsSync(`${target}.d.ts`) ? `${target}.d.ts` : path.join(target, 'index.d.ts'));
        }
      };
      visit(path.join(pkg, 'dist', 'index.d.ts'));
      return {
        files: [...files].map((f) => path.relative(pkg, f)).sort(),
        external: [...external],
      };
    }

    it('has type files that name no CLI library: no yargs, Handlebars or lodash types, nothing of dist/cli/', () => {
      const { files, external } = typeGraph();
      expect(files).toContain(path.join('dist', 'api', 'learning.d.ts'));
      expect(files.filter((f) => f.startsWith(path.join('dist', 'cli')))).toEqual([]);
      // Only Node's own modules, if any: no `yargs`, `handlebars`, `lodash` or `@types/...`.
      expect(external.filter((m) => !m.startsWith('node:'))).toEqual([]);
    });

    it('compiles the example of docs/api.md with --strict --skipLibCheck false, as CommonJS and as node16', () => {
      const doc = readFileSync(path.join(ROOT, 'docs', 'api.md'), 'utf8');
      const example = readFileSync(path.join(project, 'example.ts'), 'utf8');
      expect(doc).toContain(`\`\`\`ts\n${example}\`\`\`\n`);
      const strict = [
        '--strict',
        '--skipLibCheck',
        'false',
        '--target',
        'ES2022',
        '--types',
        'node',
      ];
      const commonjs = tsc([...strict, '--module', 'commonjs', '--outDir', 'out', 'example.ts']);
      expect(commonjs.stdout + commonjs.stderr).toBe('');
      expect(commonjs.status).toBe(0);
      // node16 resolution reads the package's `exports` (its `types` condition) instead of `types`.
      const node16 = tsc([...strict, '--module', 'node16', '--noEmit', 'example.ts']);
      expect(node16.stdout + node16.stderr).toBe('');
      expect(node16.status).toBe(0);
    });

    it('runs the example on the seed sample: the output docs/api.md shows, exit 0', () => {
      for (const f of ['policy.secpol', 'trace.log'])
        copyFileSync(path.join(SEED, f), path.join(project, f));
      const r = spawnSync(process.execPath, ['out/example.js', 'policy.secpol', 'trace.log'], {
        cwd: project,
        env: ENV,
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const shown = /```text\n([\s\S]*?)```/.exec(
        readFileSync(path.join(ROOT, 'docs', 'api.md'), 'utf8'),
      );
      expect(r.stdout).toBe(shown![1]);
      // Its sections are the commands' golden output.
      expect(r.stdout).toContain(
        `== rules ==\n${readFileSync(path.join(SEED, 'expected.secpol'), 'utf8')}== patch ==\n`,
      );
      expect(r.stdout).toContain(readFileSync(path.join(SEED, 'expected.patch'), 'utf8'));
    });

    it('loads from the main entry no module of the shell and no yargs; deep paths are not exported', () => {
      const r = spawnSync(
        process.execPath,
        [
          '-e',
          `
          const api = require('secpol-learn');
          const loaded = Object.keys(require.cache);
          let deep;
          try { require('secpol-learn/dist/cli/run'); deep = 'loaded'; } catch (e) { deep = e.code; }
          console.log(JSON.stringify({
            parsePolicy: typeof api.parsePolicy,
            run: typeof api.run,
            shell: loaded.filter((f) => /[\\/]dist[\\/](cli[\\/]|bin\\.js$)/.test(f)),
            yargs: loaded.filter((f) => /[\\/]node_modules[\\/]yargs/.test(f)),
            deep,
          }));`,
        ],
        { cwd: project, env: ENV, encoding: 'utf8' },
      );
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({
        parsePolicy: 'function',
        run: 'undefined',
        shell: [],
        yargs: [],
        deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      });
    });
  });

  it('finds its built-in templates beside the installed dist/', () => {
    const found = inInstalled(`
      const path = require('node:path');
      const fs = require('node:fs');
      const pkg = process.argv[1];
      const { BUILTIN_TEMPLATE_DIR } = require(path.join(pkg, 'dist/render/template-sources.js'));
      const { PRECOMPILED_TEMPLATES } = require(path.join(pkg, 'dist/render/precompiled-templates.js'));
      console.log(JSON.stringify({
        dir: BUILTIN_TEMPLATE_DIR,
        missing: Object.keys(PRECOMPILED_TEMPLATES)
          .filter((name) => !fs.existsSync(path.join(BUILTIN_TEMPLATE_DIR, name + '.hbs'))),
      }));`);
    expect(found).toEqual({ dir: path.join(pkg, 'templates'), missing: [] });
  });

  it('learns in the installed worker threads what one thread learns, from a file and from a stream', () => {
    // The CLI goes parallel from 256 MiB; the same entry with a 1-byte floor runs the installed
    // worker entries on the seed trace: shard-worker.js on the file cut in two, stream-worker.js
    // on it as standard input.
    const result = inInstalled(
      `
      const fs = require('node:fs');
      const path = require('node:path');
      const { isDeepStrictEqual } = require('node:util');
      const [, pkg, trace] = process.argv;
      // Which worker scripts were started (the readers look Worker up at each call).
      const threads = require('node:worker_threads');
      const started = [];
      threads.Worker = class extends threads.Worker {
        constructor(file, options) {
          super(file, options);
          started.push(path.relative(pkg, file));
        }
      };
      const { readTracesParallel } = require(path.join(pkg, 'dist/cli/parallel/read-parallel.js'));
      const { processIo } = require(path.join(pkg, 'dist/cli/io.js'));
      const filter = { names: [], abilities: false, paths: false };
      const read = (files, stdin, more) =>
        readTracesParallel(files, filter, { ...processIo(), stdin }, 1000, { threads: 2, minBytes: 1, ...more });
      const stdin = () => fs.createReadStream(trace);
      (async () => {
        const file = await read([trace], undefined, {});
        const fileOneThread = await read([trace], undefined, { inProcess: true });
        const stream = await read(['-'], stdin(), {});
        const streamOneThread = await read(['-'], stdin(), { inProcess: true });
        console.log(JSON.stringify({
          read: file !== undefined && stream !== undefined,
          sameFromFile: isDeepStrictEqual(file, fileOneThread),
          sameFromStream: isDeepStrictEqual(stream, streamOneThread),
          started,
        }));
      })();`,
      path.join(SEED, 'trace.log'),
    );
    expect(result).toEqual({
      read: true,
      sameFromFile: true,
      sameFromStream: true,
      started: [
        path.join('dist', 'cli', 'parallel', 'shard-worker.js'),
        path.join('dist', 'cli', 'parallel', 'stream-worker.js'),
      ],
    });
  });
});
