/**
 * The shape of one subcommand: yargs options plus an async `run` that returns
 * the exit code. Commands do I/O and call the library; they hold no logic of
 * their own beyond turning options into library calls and results into text.
 */
import type { Argv } from 'yargs';
import type { CliIo } from './io';

export interface CliCommand {
  /** yargs command string, e.g. `monitor [traces..]`. */
  command: string;
  describe: string;
  /** Declares options and examples. */
  builder: (y: Argv) => Argv;
  /** Runs the command; resolves to the exit code. Throws UsageError / InputError for the user's mistakes. */
  run: (args: Record<string, unknown>, io: CliIo) => Promise<number>;
}

/** What a command's module provides: its options and its run (name and synopsis are in the registry). */
export type CommandImpl = Pick<CliCommand, 'builder' | 'run'>;
