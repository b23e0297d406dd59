/**
 * The command-line shell: parses argv with a non-singleton yargs, runs one
 * subcommand, and maps errors to exit codes. Everything else is library code.
 *
 * Exit codes: 0 success, 1 the command's finding, 2 bad usage or unreadable
 * input (one line naming the file, never a stack trace). An error that is
 * neither is a bug: it prints a stack and exits 70 (EX_SOFTWARE).
 *
 * Help: `--help`/`-h`, `help`, `help CMD` and `CMD --help` (docs/cli.md).
 * Help is never wrapped, so every example stays one line that can be copied.
 */
import yargs from 'yargs/yargs';
import type { Argv } from 'yargs';
import { commands as defaultCommands } from './commands';
import type { CliCommand } from './command';
import type { CliIo } from './io';
import { withColorChoice } from './color';
import { ExitCode, InputError, UsageError } from '../errors';
import {
  positionalNames,
  protectDash,
  unsafeArgument,
  refuseRepeats,
  requireValues,
  restoreDash,
} from './option-contract';
import { usageWords } from './usage-words';

import { version as VERSION } from '../../package.json';

/** `help` and `help CMD` are `--help` and `CMD --help`; `help NOSUCH` is the unknown command. */
function helpCommand(argv: string[], names: readonly string[]): string[] {
  if (argv[0] !== 'help') return argv;
  if (argv.length === 1) return ['--help'];
  return names.includes(argv[1]!) ? [argv[1]!, '--help'] : argv.slice(1);
}

/** Runs the CLI with `argv` (without `node` and the script path); resolves to the exit code. */
export async function run(
  argv: string[],
  io: CliIo,
  commands: CliCommand[] = defaultCommands,
): Promise<number> {
  let exitCode: number = ExitCode.OK;
  let ran = false;
  argv = helpCommand(
    argv,
    commands.map((c) => c.command.split(' ')[0]!),
  );
  // Nothing is read or parsed for a command line that would put raw control characters into
  // its own messages (option-contract.ts).
  const unsafe = unsafeArgument(argv);
  if (unsafe !== undefined) {
    io.stderr.write(`secpol-learn: ${unsafe}\n`);
    return ExitCode.USAGE;
  }
  const tokens = protectDash(argv);
  // The help a usage error points to: the subcommand's when one is named.
  const named = commands.find(
    (c) => c.command.split(' ')[0] === argv.find((a) => !a.startsWith('-')),
  );
  const help = named ? `secpol-learn ${named.command.split(' ')[0]} --help` : 'secpol-learn --help';
  const parser = yargs(tokens)
    .scriptName('secpol-learn')
    // Messages are matched to be said in words (usage-words.ts): never a translated yargs.
    .locale('en')
    // A list option takes one value per occurrence (option-contract.ts).
    .parserConfiguration({ 'greedy-arrays': false })
    .usage(
      '$0 <command> [options]\n\nLearn minimal QNX security-policy patches from secpolmonitor traces.',
    )
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .strict()
    .demandCommand(1, 'Name a command (see --help).')
    .strictCommands()
    .recommendCommands()
    .completion('completion', 'Print a shell completion script (bash, zsh: see docs/cli.md)')
    .wrap(null)
    .epilogue(
      "`secpol-learn help COMMAND` (or COMMAND --help) shows a command's options and examples.\nExit codes: 0 success, 1 finding (uncovered failures, lint errors, differences), 2 bad usage or unreadable input.",
    )
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  for (const c of commands) {
    const positionals = positionalNames(c.command);
    let declared: Argv | undefined;
    parser.command({
      command: c.command,
      describe: c.describe,
      builder: (y) => (declared = requireValues(c.builder(y), positionals)),
      handler: async (parsed) => {
        ran = true;
        const args: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(parsed)) args[k] = restoreDash(v);
        if (declared) refuseRepeats(args, declared, positionals);
        exitCode = await c.run(args, withColorChoice(io, args));
      },
    });
  }
  try {
    let helpText = '';
    await parser.parseAsync(tokens, {}, (_err, _args, output) => {
      helpText = output ?? '';
    });
    if (!ran && helpText) io.stdout.write(helpText.endsWith('\n') ? helpText : `${helpText}\n`);
    return exitCode;
  } catch (error) {
    if (error instanceof UsageError || isYargsError(error)) {
      io.stderr.write(
        `secpol-learn: ${usageWords((error as Error).message, argv, named?.command)}\nTry '${help}'.\n`,
      );
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
