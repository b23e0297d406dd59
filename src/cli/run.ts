/**
 * The command-line shell: parses argv with a non-singleton yargs, runs one
 * subcommand, and maps errors to exit codes. Everything else is library code.
 *
 * Exit codes: 0 success, 1 the command's finding, 2 bad usage or unreadable
 * input (one line naming the file, never a stack trace). An error that is
 * neither is a bug: it prints a stack and exits 70 (EX_SOFTWARE).
 */
import yargs from 'yargs/yargs';
import { commands as defaultCommands } from './commands';
import type { CliCommand } from './command';
import type { CliIo } from './io';
import { ExitCode, InputError, UsageError } from '../errors';

import { version as VERSION } from '../../package.json';

/** Runs the CLI with `argv` (without `node` and the script path); resolves to the exit code. */
export async function run(
  argv: string[],
  io: CliIo,
  commands: CliCommand[] = defaultCommands,
): Promise<number> {
  let exitCode: number = ExitCode.OK;
  let ran = false;
  const parser = yargs(argv)
    .scriptName('secpol-learn')
    .usage(
      '$0 <command> [options]\n\nLearn minimal QNX security-policy patches from secpolmonitor traces.',
    )
    .version(VERSION)
    .strict()
    .demandCommand(1, 'Name a command (see --help).')
    .strictCommands()
    .recommendCommands()
    .wrap(Math.min(110, (io.stdout as { columns?: number }).columns ?? 100))
    .epilogue(
      'Exit codes: 0 success, 1 finding (uncovered failures, lint errors, differences), 2 bad usage or unreadable input.',
    )
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  for (const c of commands) {
    parser.command({
      command: c.command,
      describe: c.describe,
      builder: (y) => c.builder(y),
      handler: async (args) => {
        ran = true;
        exitCode = await c.run(args as Record<string, unknown>, io);
      },
    });
  }
  try {
    let helpText = '';
    await parser.parseAsync(argv, {}, (_err, _args, output) => {
      helpText = output ?? '';
    });
    if (!ran && helpText) io.stdout.write(helpText.endsWith('\n') ? helpText : `${helpText}\n`);
    return exitCode;
  } catch (error) {
    if (error instanceof UsageError || isYargsError(error)) {
      io.stderr.write(`secpol-learn: ${(error as Error).message}\nTry 'secpol-learn --help'.\n`);
      return ExitCode.USAGE;
    }
    if (error instanceof InputError) {
      io.stderr.write(`secpol-learn: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    io.stderr.write(
      `secpol-learn: internal error (please report it):\n${(error as Error)?.stack ?? String(error)}\n`,
    );
    return 70;
  }
}

function isYargsError(error: unknown): boolean {
  return error instanceof Error && error.name === 'YError';
}
