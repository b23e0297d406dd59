/**
 * Whether the CLI colours what it writes to a stream: one decision, made here
 * for everything coloured (check's uncovered lines, the progress bar).
 *
 * Precedence, first match wins (docs/cli.md, "Colour"):
 *   1. `--color=always` or `--color=never`;
 *   2. `FORCE_COLOR`: set and not `0` or `false` forces colour (even on a pipe),
 *      `0` or `false` turns it off, as Node and most tools read it;
 *   3. `NO_COLOR` set and not empty: no colour (https://no-color.org);
 *   4. `TERM=dumb`: no colour;
 *   5. colour when the stream is a terminal.
 * `--color=auto` (the default) starts at 2. FORCE_COLOR wins over NO_COLOR
 * as in Node: it is the narrower, more deliberate setting (a CI job forcing
 * colour in a log viewer that shows it).
 */
import type { Writable } from 'node:stream';

/** The values of `--color`. */
export const COLOR_CHOICES = ['auto', 'always', 'never'] as const;

/** One value of `--color`. */
export type ColorChoice = (typeof COLOR_CHOICES)[number];

/** True when `stream` is a terminal. */
export function isTerminal(stream: Writable): boolean {
  return Boolean((stream as Writable & { isTTY?: boolean }).isTTY);
}

/** True when `TERM` names a terminal that does not understand escape sequences. */
export function dumbTerminal(env: NodeJS.ProcessEnv): boolean {
  return env.TERM === 'dumb';
}

/** True when text written to `stream` is coloured (see the precedence above). */
export function useColor(
  stream: Writable,
  env: NodeJS.ProcessEnv,
  choice: ColorChoice = 'auto',
): boolean {
  if (choice !== 'auto') return choice === 'always';
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  if (dumbTerminal(env)) return false;
  return isTerminal(stream);
}

/** `text` in the SGR colour `code` (31 red, 36 cyan) when `on`, else as is. */
export function paint(on: boolean, code: number, text: string): string {
  return on ? `\x1b[${code}m${text}\x1b[39m` : text;
}

/** `io` with the parsed `--color` choice (commands without the option keep `auto`). */
export function withColorChoice<T extends { color?: ColorChoice }>(
  io: T,
  args: Record<string, unknown>,
): T {
  const choice = args.color;
  return typeof choice === 'string' && (COLOR_CHOICES as readonly string[]).includes(choice)
    ? { ...io, color: choice as ColorChoice }
    : io;
}
