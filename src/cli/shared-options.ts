/**
 * Options several commands declare the same way, each through one helper so
 * that its name, values and help read alike everywhere (docs/cli.md):
 * `--color` on every command that colours something (the progress bar of the
 * commands reading traces, check's uncovered lines) and `--templates` on
 * every command printing through a template (docs/templates.md); `--qnx` on
 * every command that reads a policy or abilities (`qnxOption`).
 */
import type { Argv, Options } from 'yargs';
import { QNX_VERSIONS, DEFAULT_QNX_VERSION } from '../qnx/abilities';
import { COLOR_CHOICES } from './color';
import type { TemplateName } from '../render/templates';

/** Declares `--color=auto|always|never` (`--no-color` is `never`); run.ts hands the choice to the command's io. */
export function withColor(y: Argv): Argv {
  return y.option('color', {
    type: 'string',
    choices: [...COLOR_CHOICES],
    default: 'auto',
    // `--no-color`, which yargs reads as `false`, as the conventional spelling of `never`.
    coerce: (v: unknown) => (v === false ? 'never' : v),
    describe:
      'auto: on a terminal, unless NO_COLOR or TERM=dumb (FORCE_COLOR forces it); always; never',
  });
}

/** Declares `--templates DIR` for a command printing through the templates `names`. */
export function withTemplates(y: Argv, names: readonly TemplateName[]): Argv {
  return y.option('templates', {
    type: 'string',
    describe: `directory of templates (a copy of the shipped templates/ works) whose ${names
      .map((n) => `${n}.hbs`)
      .join(
        ', ',
      )} replace${names.length === 1 ? 's' : ''} the built-in one${names.length === 1 ? '' : 's'}`,
  });
}

/** The `--qnx` option (a release of the ability tables); `describe` says what it changes for the command. */
export function qnxOption(describe = 'QNX release whose abilities the policy uses'): Options {
  return { type: 'string', choices: [...QNX_VERSIONS], default: DEFAULT_QNX_VERSION, describe };
}
