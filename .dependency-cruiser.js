/**
 * The layer rules of src/ (docs/architecture.md, "Layers"), checked by
 * dependency-cruiser in `npm run lint` (`depcruise src`).
 *
 * Stages, earliest first; a module may import its own stage and earlier ones,
 * never a later one:
 *
 *   base (errors.ts, arrays.ts, decimal-text.ts, diagnostics/, qnx/) → trace/ → monitor/ → policy/ →
 *   infer/ (learning) → plan/ → buildfile/ (launch lines) → review/ → render/ →
 *   cli/ (the shell; bin.ts)
 *
 * Exempt from the stage order and the I/O rule: tests (`*.test.ts`,
 * `*.arbitrary.ts`, `test-events.ts`, test-utils/), the benchmark (bench/)
 * and the build-time template precompiler. The library facade (index.ts and
 * api/) is in no stage: it may import every stage but the shell, and does no
 * I/O (src/index.test.ts checks that its whole graph avoids src/cli/).
 * Nothing is exempt from the cycle rule.
 *
 * Every rule is an `error`.
 */

/** The stages in order; each is a path pattern under src/. */
const STAGES = [
  { name: 'base', path: '^src/(errors\\.ts$|arrays\\.ts$|decimal-text\\.ts$|diagnostics/|qnx/)' },
  { name: 'trace', path: '^src/trace/' },
  { name: 'monitor', path: '^src/monitor/' },
  { name: 'policy', path: '^src/policy/' },
  { name: 'infer', path: '^src/infer/' },
  { name: 'plan', path: '^src/plan/' },
  { name: 'buildfile', path: '^src/buildfile/' },
  { name: 'review', path: '^src/review/' },
  { name: 'render', path: '^src/render/' },
  { name: 'cli', path: '^src/(cli/|bin\\.ts$)' },
];

/** Files outside the stage order and the I/O rule (see above). */
const EXEMPT =
  '(\\.test\\.ts$|\\.arbitrary\\.ts$|/test-events\\.ts$|^src/test-utils/|^src/bench/|^src/render/precompile-templates\\.ts$)';

/** Node modules that read or write files, processes or terminals: the shell's alone. */
const IO_MODULES =
  '^(node:)?(fs|fs/promises|child_process|readline|readline/promises|tty|net|worker_threads)$';

/** One rule per stage: it imports no later stage. */
const stageOrder = STAGES.slice(0, -1).map((stage, i) => ({
  name: `stage-order-${stage.name}`,
  comment: `${stage.name} must not import a later stage (${STAGES.slice(i + 1)
    .map((s) => s.name)
    .join(', ')})`,
  severity: 'error',
  from: { path: stage.path, pathNot: EXEMPT },
  to: { path: STAGES.slice(i + 1).map((s) => s.path) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycles: a type shared by two modules goes into a type module both import',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...stageOrder,
    {
      name: 'plan-not-render',
      comment: 'the planner emits policy nodes; printing them is render/ and policy/print.ts',
      severity: 'error',
      from: { path: '^src/plan/', pathNot: EXEMPT },
      to: { path: '^src/render/' },
    },
    {
      name: 'render-not-cli',
      comment: 'printers return text; the shell writes it',
      severity: 'error',
      from: { path: '^src/render/', pathNot: EXEMPT },
      to: { path: '^src/(cli/|bin\\.ts$)' },
    },
    {
      name: 'io-only-in-cli',
      comment:
        'only the shell (src/cli/, bin.ts) opens files, threads, processes or terminals; stages take text, bytes or streams',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(cli/|bin\\.ts$)', EXEMPT] },
      to: { dependencyTypes: ['core'], path: IO_MODULES },
    },
    {
      name: 'no-dev-dependencies-at-run-time',
      comment: 'what the package runs must not need a devDependency (npm install --omit=dev)',
      severity: 'error',
      from: { path: '^src/', pathNot: EXEMPT },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'every import resolves',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a cycle or a layer break through types is one too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
