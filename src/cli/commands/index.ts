/**
 * Registry of subcommands, in the order `--help` lists them: each one's name,
 * synopsis and module. A module (its options, its run, and the library it
 * calls) is loaded only when its command runs, so `--help` and each command
 * start without loading the other commands (docs/performance.md, start-up).
 */
import type { CliCommand, CommandImpl } from '../command';

/** A command whose module is required on first use (builder or run). */
function lazy(command: string, describe: string, load: () => CommandImpl): CliCommand {
  let impl: CommandImpl | undefined;
  const get = (): CommandImpl => (impl ??= load());
  return {
    command,
    describe,
    builder: (y) => get().builder(y),
    run: (args, io) => get().run(args, io),
  };
}

/* eslint-disable @typescript-eslint/no-require-imports -- lazy loads, see above */
export const commands: CliCommand[] = [
  lazy(
    'fmt <files..>',
    'Print secpol policy files in the canonical layout (or check / rewrite them)',
    () => (require('./fmt') as typeof import('./fmt')).fmtCommand,
  ),
  lazy(
    'lint [files..]',
    'Check secpol policy files (several files are one policy) for errors and risky rules',
    () => (require('./lint') as typeof import('./lint')).lintCommand,
  ),
  lazy(
    'suggest [traces..]',
    'Suggest the minimal policy patch that allows the failures in secpolmonitor traces',
    () => (require('./suggest') as typeof import('./suggest')).suggestCommand,
  ),
  lazy(
    'generate [traces..]',
    'Generate a complete draft policy from secpolmonitor traces (uses and failures)',
    () => (require('./generate') as typeof import('./generate')).generateCommand,
  ),
  lazy(
    'summarize [inputs..]',
    'Write what traces teach as a summary file (JSON Lines) that every trace-reading command reads',
    () => (require('./summarize') as typeof import('./summarize')).summarizeCommand,
  ),
  lazy(
    'monitor [traces..]',
    'Read secpolmonitor traces, apply secpolmonitor options, print canonical events',
    () => (require('./monitor') as typeof import('./monitor')).monitorCommand,
  ),
  lazy(
    'check [traces..]',
    'CI gate: fail when the policy does not allow every failure the traces recorded',
    () => (require('./check') as typeof import('./check')).checkCommand,
  ),
  lazy(
    'explain [traces..]',
    'Explain why the policy denied each failure in the traces (audit2why for QNX)',
    () => (require('./explain') as typeof import('./explain')).explainCommand,
  ),
  lazy(
    'diff <old> <new>',
    'Semantic diff of two policies: grants added, removed and widened per type',
    () => (require('./diff') as typeof import('./diff')).diffCommand,
  ),
  lazy(
    'harden [traces..]',
    'Find grants the traces never used, over-broad grants, and types shared by several executables',
    () => (require('./harden') as typeof import('./harden')).hardenCommand,
  ),
  lazy(
    'review [traces..]',
    'Decide failure by failure (allow, edit, launch as, never, waive); replay the answers in CI',
    () => (require('./review') as typeof import('./review')).reviewCommand,
  ),
  lazy(
    'types [traces..]',
    'Launch lines of traced processes in buildfiles: the type each runs as and should run as',
    () => (require('./types') as typeof import('./types')).typesCommand,
  ),
  lazy(
    'tidy <files..>',
    'Propose attributes, merged rules and path globs for a policy, proven by the semantic diff',
    () => (require('./tidy') as typeof import('./tidy')).tidyCommand,
  ),
  lazy(
    'query [question..]',
    'Answer who may connect, hold an ability, attach or link, or what a type may do',
    () => (require('./query') as typeof import('./query')).queryCommand,
  ),
  lazy(
    'migrate [policies..]',
    'Carry a policy to another QNX release: renamed abilities rewritten, removed ones for review',
    () => (require('./migrate') as typeof import('./migrate')).migrateCommand,
  ),
];
/* eslint-enable @typescript-eslint/no-require-imports */
