/**
 * The executable's V8 flags: the executable sets them, and the young-generation one does
 * what it is there for on this Node (a V8 that drops a flag ignores it silently), until the
 * heap is large.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { EXECUTABLE_V8_FLAGS, LARGE_HEAP_BYTES } from './executable-v8-flags';

const src = path.join(__dirname, '..');

/**
 * Runs `script` in a plain child node, after executable-v8-flags.ts as JavaScript (not
 * through ts-node, whose compiler would grow the young generation before the script runs),
 * returning the JSON the script prints.
 */
function inNode<T>(script: string): T {
  const js = ts.transpileModule(
    readFileSync(path.join(__dirname, 'executable-v8-flags.ts'), 'utf8'),
    {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    },
  ).outputText;
  const prelude = `const exports = {}; (function (exports) { ${js} })(exports); const flags = exports;`;
  const r = spawnSync(process.execPath, ['-e', `${prelude}\n${script}`], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** Script text: allocates objects that each survive a scavenge or two, with the event loop
 * turning, and evaluates to the largest new space seen (both semi-spaces, bytes). */
const CHURN = `(async () => {
  const v8 = require('node:v8');
  const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
  let max = newSpace();
  const kept = [];
  for (let i = 0; i < 2e6; i++) {
    kept.push({ i, s: 'x' + i });
    if (kept.length > 200000) kept.length = 0;
    if ((i & 1023) === 0) max = Math.max(max, newSpace());
    if ((i & 65535) === 0) await new Promise((r) => setTimeout(r, 1));
  }
  return max;
})()`;

const MiB = 1024 * 1024;

describe('the executable V8 flags', () => {
  it('are set by the executable before it runs a command', () => {
    // Records every flag set, by wrapping node:v8's function before bin.ts loads.
    const probe = path.join(src, 'test-utils', 'record-v8-flags.js');
    const r = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', probe, path.join(src, 'bin.ts'), '--help'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    const set = r.stderr.split('\n').filter((l) => l.startsWith('v8-flag '));
    // Then, should the watch look before the process ends, the young generation's again.
    const growth = EXECUTABLE_V8_FLAGS.at(-1)!;
    expect(growth).toBe('--semi-space-growth-factor=1');
    // `gc` is exposed only when a full collection is first asked for (fullCollection), not at start-up.
    const first = [...EXECUTABLE_V8_FLAGS];
    expect(set.slice(0, first.length)).toEqual(first.map((f) => `v8-flag ${f}`));
    expect(set).not.toContain('v8-flag --expose-gc');
    expect(new Set(set.slice(first.length))).toEqual(
      new Set(set.length > first.length ? [`v8-flag ${growth}`] : []),
    );
  });

  it('keep the young generation at its start size while the heap is small', () => {
    // Without them the semi-spaces double up to 16 MiB each (new space 32 MiB).
    const without = inNode<number>(`${CHURN}.then((max) => console.log(max));`);
    const withFlags = inNode<number>(
      `flags.applyExecutableV8Flags(5); ${CHURN}.then((max) => console.log(max));`,
    );
    expect(without).toBeGreaterThanOrEqual(16 * MiB); // the control: V8 grows it
    expect(withFlags).toBeLessThanOrEqual(2 * MiB);
  });

  it('keep it so after a worker thread starts (its isolate sets the growth back)', () => {
    const afterWorker = (apply: boolean): number =>
      inNode<number>(`
        ${apply ? 'flags.applyExecutableV8Flags(5);' : "require('node:v8').setFlagsFromString('--semi-space-growth-factor=1');"}
        const { Worker } = require('node:worker_threads');
        new Worker('0', { eval: true }).on('exit', () =>
          setTimeout(() => ${CHURN}.then((max) => console.log(max)), 20));`);
    expect(afterWorker(false)).toBeGreaterThanOrEqual(16 * MiB); // the control: the flag alone is undone
    expect(afterWorker(true)).toBeLessThanOrEqual(2 * MiB);
  });

  it('give the executable, not a program importing the library, a full collection and flags for workers', () => {
    // A WeakRef's target goes at a full collection (not before the job that made it ends).
    const [before, after, flagsBefore, flagsAfter, gcGlobal] = inNode<
      [boolean, boolean, string[], string[], string]
    >(`
      (async () => {
        const collected = async () => {
          let o = { big: new Array(1000).fill(1) };
          const ref = new WeakRef(o);
          o = undefined;
          await new Promise((r) => setTimeout(r, 1));
          flags.fullCollection();
          return ref.deref() === undefined;
        };
        const before = await collected();
        const flagsBefore = flags.workerV8Flags();
        flags.applyExecutableV8Flags(5);
        const after = await collected();
        const gcGlobal = require('node:vm').runInNewContext('typeof gc');
        console.log(JSON.stringify([before, after, flagsBefore, flags.workerV8Flags(), gcGlobal]));
        process.exit(0);
      })();`);
    expect(before).toBe(false);
    expect(after).toBe(true);
    expect(flagsBefore).toEqual([]);
    expect(flagsAfter).toEqual(['--semi-space-growth-factor=1']);
    expect(gcGlobal).toBe('undefined'); // later contexts (a worker's) get no `gc`
  });

  it('keep a worker given workerV8Flags at its young generation start size (worker-v8-flags.ts)', () => {
    const js = ts.transpileModule(
      readFileSync(path.join(__dirname, 'parallel', 'worker-v8-flags.ts'), 'utf8'),
      { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } },
    ).outputText;
    const dir = mkdtempSync(path.join(tmpdir(), 'v8flags-'));
    const module = path.join(dir, 'worker-v8-flags.js');
    writeFileSync(module, js);
    try {
      // The worker requires the module first, as the worker entries import it first.
      const worker = `require(${JSON.stringify(module)});
        ${CHURN}.then((max) => require('node:worker_threads').parentPort.postMessage(max));`;
      const inWorker = (v8Flags: string[]): number =>
        inNode<number>(`
          const { Worker } = require('node:worker_threads');
          new Worker(${JSON.stringify(worker)}, { eval: true, workerData: { v8Flags: ${JSON.stringify(v8Flags)} } })
            .on('message', (max) => { console.log(max); process.exit(0); });`);
      expect(inWorker([])).toBeGreaterThanOrEqual(8 * MiB); // the control: V8 grows it
      expect(inWorker(['--semi-space-growth-factor=1'])).toBeLessThanOrEqual(2 * MiB);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('let it grow as V8 would once the heap is large', () => {
    const grown = inNode<[number, number, number]>(`
      flags.applyExecutableV8Flags(5);
      (async () => {
        const small = await ${CHURN};
        // A live heap past the limit, then a wait for the watch to see it.
        const live = Array.from({ length: ${Math.ceil((LARGE_HEAP_BYTES * 1.2) / 48)} }, (_, i) => ({ i, j: i + 1 }));
        await new Promise((r) => setTimeout(r, 50));
        const large = await ${CHURN};
        console.log(JSON.stringify([small, large, live.length])); // live kept to the end
      })();`);
    expect(grown[0]).toBeLessThanOrEqual(2 * MiB);
    expect(grown[1]).toBeGreaterThanOrEqual(8 * MiB);
  });

  it("let it grow once the heap is large though a worker set the small heap's growth late", () => {
    const grown = inNode<number>(`
      flags.applyExecutableV8Flags(5);
      (async () => {
        const live = Array.from({ length: ${Math.ceil((LARGE_HEAP_BYTES * 1.2) / 48)} }, (_, i) => ({ i, j: i + 1 }));
        await new Promise((r) => setTimeout(r, 50));
        // A worker created while the heap was small sets its flags as its thread starts.
        require('node:v8').setFlagsFromString('--semi-space-growth-factor=1');
        await new Promise((r) => setTimeout(r, 50));
        const large = await ${CHURN};
        console.log(JSON.stringify(large + live.length * 0)); // live kept to the end
      })();`);
    expect(grown).toBeGreaterThanOrEqual(8 * MiB);
  });
});
