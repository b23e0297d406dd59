/**
 * Help, version and completion (docs/cli.md): `-h`, `help`, `help CMD`,
 * every command's examples whole on one line, `--version` from package.json,
 * `secpol-learn completion` for bash and zsh.
 */
import yargs from 'yargs/yargs';
import type { Argv } from 'yargs';
import { runCli } from '../test-utils/run-cli';
import { commands } from './commands';
import { version } from '../../package.json';

/** The examples a command's builder declares, as [command, description]. */
function examplesOf(builder: (y: Argv) => Argv): Array<[string, string]> {
  const examples: Array<[string, string]> = [];
  const target = yargs([]);
  const proxy: Argv = new Proxy(target, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...a: unknown[]) => {
        if (prop === 'example') examples.push([String(a[0]), String(a[1])]);
        const r = (v as (...x: unknown[]) => unknown).apply(t, a);
        return r === t ? proxy : r;
      };
    },
  });
  builder(proxy);
  return examples;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const names = commands.map((c) => c.command.split(' ')[0]!);

describe('help', () => {
  it.each(names)(
    '%s --help shows every example whole on one line, with its description',
    async (name) => {
      const command = commands.find((c) => c.command.split(' ')[0] === name)!;
      const examples = examplesOf(command.builder);
      expect(examples.length).toBeGreaterThan(0);
      const r = await runCli([name, '--help']);
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      for (const [cmd, describe] of examples) {
        const shown = cmd.replace(/\$0/g, 'secpol-learn');
        const whole = new RegExp(`^ *${escape(shown)} +${escape(describe)}$`);
        expect(lines.filter((l) => whole.test(l))).toHaveLength(1);
      }
    },
  );

  it('-h, help and help CMD are --help and CMD --help', async () => {
    const top = await runCli(['--help']);
    expect((await runCli(['-h'])).stdout).toBe(top.stdout);
    expect((await runCli(['help'])).stdout).toBe(top.stdout);
    expect(top.stdout).toContain('secpol-learn help COMMAND');
    const check = await runCli(['check', '--help']);
    expect(check.stdout).toContain('secpol-learn check [traces..]');
    for (const argv of [
      ['help', 'check'],
      ['check', '-h'],
    ]) {
      const r = await runCli(argv);
      expect(r).toEqual({ code: 0, stdout: check.stdout, stderr: '' });
    }
  });

  it('help NOSUCH is an unknown command', async () => {
    const r = await runCli(['help', 'chek']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'chek'; did you mean 'check'?");
  });

  it('--version is package.json version', async () => {
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('completion', () => {
  it('prints a bash completion script, and zsh when SHELL is zsh', async () => {
    const bash = await runCli(['completion']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain(
      'complete -o bashdefault -o default -F _secpol-learn_yargs_completions secpol-learn',
    );
    const saved = process.env.SHELL;
    process.env.SHELL = '/bin/zsh';
    try {
      const zsh = await runCli(['completion']);
      expect(zsh.stdout).toContain('compdef _secpol-learn_yargs_completions secpol-learn');
    } finally {
      if (saved === undefined) delete process.env.SHELL;
      else process.env.SHELL = saved;
    }
  });

  it("completes command names and a command's options", async () => {
    const top = await runCli(['--get-yargs-completions', 'secpol-learn', '']);
    expect(top.stdout.split('\n')).toEqual(expect.arrayContaining(names));
    const check = await runCli(['--get-yargs-completions', 'secpol-learn', 'check', '--']);
    expect(check.stdout.split('\n')).toEqual(
      expect.arrayContaining(['--policy', '--follow', '--format']),
    );
  });
});
