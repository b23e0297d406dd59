/**
 * A file named twice is one file (issue 15: "naming one policy twice"): on
 * every command that takes policy files or buildfiles, the same file named
 * again (`./name`, a symlink to it) gives exactly the output of naming it once:
 * no rule declared twice in a draft, no file patched twice in a diff (which
 * `git apply` would reject), no line reported twice.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './test-utils/run-cli';

const SAMPLES = path.resolve(__dirname, '..', 'samples');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-names-'));
  const copy = (from: string, to: string): void =>
    fs.copyFileSync(path.join(SAMPLES, from), path.join(dir, to));
  copy('multi-process-boot/policy.secpol', 'policy.secpol');
  copy('multi-process-boot/trace.log', 'trace.log');
  copy('launch-types/board.build', 'board.build');
  copy('launch-types/trace.log', 'launch.log');
  fs.symlinkSync('policy.secpol', path.join(dir, 'link.secpol'));
  fs.symlinkSync('board.build', path.join(dir, 'link.build'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Each command line with `P` where the policy (or buildfile) option goes: once, then twice. */
const CASES: Array<[string, string[], string[]]> = [
  ['generate --base', ['generate', 'trace.log'], ['--base', 'policy.secpol']],
  [
    'harden --format patch',
    ['harden', 'trace.log', '--format', 'patch'],
    ['--policy', 'policy.secpol'],
  ],
  [
    'suggest --format patch',
    ['suggest', 'trace.log', '--format', 'patch'],
    ['--policy', 'policy.secpol'],
  ],
  ['check', ['check', 'trace.log'], ['--policy', 'policy.secpol']],
  ['explain', ['explain', 'trace.log'], ['--policy', 'policy.secpol']],
  ['tidy', ['tidy', '--format', 'patch'], ['policy.secpol']],
  ['lint', ['lint'], ['policy.secpol']],
  ['lint --policy', ['lint'], ['--policy', 'policy.secpol']],
  ['types --format patch', ['types', 'launch.log', '--format', 'patch'], ['-b', 'board.build']],
  ['types --policy', ['types', 'launch.log', '-b', 'board.build'], ['--policy', 'policy.secpol']],
];

describe.each(CASES)('%s', (_label, argv, once) => {
  const again = (name: string): string[] => [...once, ...once.slice(0, -1), name];
  const other = once[once.length - 1]!.endsWith('.build') ? 'link.build' : 'link.secpol';

  test.each([['./ the same name'], ['a symlink']])(
    'named again as %s: the output of once',
    async (how) => {
      const single = await runCli([...argv, ...once], { cwd: dir });
      expect(single.code).not.toBe(70);
      const name = how === 'a symlink' ? other : `./${once[once.length - 1]!}`;
      const twice = await runCli([...argv, ...again(name)], { cwd: dir });
      expect(twice).toEqual(single);
    },
  );
});
