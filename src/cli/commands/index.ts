/**
 * Registry of subcommands, in the order `--help` lists them.
 */
import type { CliCommand } from '../command';
import { fmtCommand } from './fmt';
import { lintCommand } from './lint';
import { suggestCommand } from './suggest';
import { generateCommand } from './generate';
import { monitorCommand } from './monitor';

export const commands: CliCommand[] = [fmtCommand, lintCommand];
commands.push(suggestCommand, generateCommand);
commands.push(monitorCommand);
import { checkCommand } from './check';
commands.push(checkCommand);
import { explainCommand } from './explain';
commands.push(explainCommand);
import { diffCommand } from './diff';
commands.push(diffCommand);
import { hardenCommand } from './harden';
commands.push(hardenCommand);
