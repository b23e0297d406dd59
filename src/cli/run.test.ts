import { runCli } from '../test-utils/run-cli';
import type { CliCommand } from './command';

const echo: CliCommand = {
  command: 'echo [words..]',
  describe: 'print the words',
  builder: (y) => y.positional('words', { type: 'string', array: true }),
  run: async (args, io) => {
    io.stdout.write(`${((args.words as string[]) ?? []).join(' ')}\n`);
    return 0;
  },
};

describe('secpol-learn shell', () => {
  it('prints help with the command list and exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('secpol-learn <command> [options]');
    expect(r.stdout).toContain('Exit codes: 0 success');
  });

  it('prints the version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects an unknown command with exit 2 and no stack trace', async () => {
    const r = await runCli(['frobnicate'], { commands: [echo] });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('frobnicate');
    expect(r.stderr).toMatch(/^secpol-learn: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs a command and returns its exit code', async () => {
    const r = await runCli(['echo', 'a', 'b'], { commands: [echo] });
    expect(r).toEqual({ code: 0, stdout: 'a b\n', stderr: '' });
  });

  it('asks for a command when none is given', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Name a command');
  });
});
