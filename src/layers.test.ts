/**
 * The layer rules of .dependency-cruiser.js (docs/architecture.md, "Layers")
 * catch what they are meant to: dependency-cruiser runs with the project's
 * configuration over a small tree that breaks each rule once, next to
 * imports the rules allow. (`npm run lint:layers` runs them over src/.)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const DEPCRUISE = path.join(
  ROOT,
  'node_modules',
  'dependency-cruiser',
  'bin',
  'dependency-cruise.mjs',
);

/** Each file of the tree and what it imports; comments say which rule each line breaks, if any. */
const TREE: Record<string, string> = {
  'src/errors.ts': 'export const e = 1;\n',
  'src/trace/event.ts': "import { e } from '../errors';\nexport const t = e;\n",
  // io-only-in-cli; stage-order-trace (trace → infer)
  'src/trace/read.ts':
    "import { readFileSync } from 'node:fs';\nimport { i } from '../infer/a';\nexport const r = [readFileSync, i];\n",
  // no-circular (a ↔ b; b's import is type-only: such cycles count, reported once)
  'src/infer/a.ts':
    "import { t } from '../trace/event';\nimport { b } from './b';\nexport const i = [t, b];\n",
  'src/infer/b.ts':
    "import type { i } from './a';\nexport const b = 1;\nexport type B = typeof i;\n",
  // plan-not-render and stage-order-plan
  'src/plan/plan.ts':
    "import { i } from '../infer/a';\nimport { r } from '../render/print';\nexport const p = [i, r];\n",
  // render-not-cli and stage-order-render
  'src/render/print.ts': "import { c } from '../cli/shell';\nexport const r = c;\n",
  // stage-order-review: a printer left in review/ (no file is excepted from the order)
  'src/review/harden-format.ts': "import { r } from '../render/print';\nexport const h = r;\n",
  'src/render/ok.ts': "import { p } from '../plan/plan';\nexport const ok = p;\n",
  // the shell may do I/O and import every stage
  'src/cli/shell.ts':
    "import { readFileSync } from 'node:fs';\nimport { Worker } from 'node:worker_threads';\nexport const c = [readFileSync, Worker];\n",
  'src/cli/run.ts': "import { ok } from '../render/ok';\nexport const run = ok;\n",
  // tests are exempt from the stage order and the I/O rule
  'src/trace/read.test.ts':
    "import { writeFileSync } from 'node:fs';\nimport { run } from '../cli/run';\nexport const x = [writeFileSync, run];\n",
};

interface Violation {
  rule: { name: string; severity: string };
  from: string;
  to: string;
}

describe('layer rules (.dependency-cruiser.js)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'layers-'));
    for (const [file, text] of Object.entries(TREE)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true }, include: ['src'] }),
    );
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'layers-fixture' }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs depcruise over the tree with the project's configuration and these extra arguments. */
  const depcruise = (...extra: string[]): ReturnType<typeof spawnSync> =>
    spawnSync(
      process.execPath,
      [DEPCRUISE, 'src', '--config', path.join(ROOT, '.dependency-cruiser.js'), ...extra],
      { cwd: dir, encoding: 'utf8' },
    );

  it('reports each broken rule once, at the import that breaks it, and nothing else', () => {
    const run = depcruise('--output-type', 'json');
    expect(run.stderr).toBe('');
    const violations = (JSON.parse(String(run.stdout)) as { summary: { violations: Violation[] } })
      .summary.violations;
    const found = violations.map((v) => `${v.rule.severity} ${v.rule.name}: ${v.from} → ${v.to}`);
    expect(found.sort()).toEqual(
      [
        'error io-only-in-cli: src/trace/read.ts → fs',
        'error stage-order-trace: src/trace/read.ts → src/infer/a.ts',
        'error no-circular: src/infer/a.ts → src/infer/b.ts',
        'error plan-not-render: src/plan/plan.ts → src/render/print.ts',
        'error stage-order-plan: src/plan/plan.ts → src/render/print.ts',
        'error render-not-cli: src/render/print.ts → src/cli/shell.ts',
        'error stage-order-render: src/render/print.ts → src/cli/shell.ts',
        'error stage-order-review: src/review/harden-format.ts → src/render/print.ts',
      ].sort(),
    );
  });

  it('fails the lint run (as `npm run lint:layers` calls it) when a rule is broken', () => {
    const run = depcruise();
    expect(String(run.stdout)).toMatch(/8 errors/);
    expect(run.status).not.toBe(0);
  });
});
