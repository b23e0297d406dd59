/**
 * The option contract every command shares (docs/cli.md), enforced here once
 * rather than per option:
 *
 * - a single-value option (`--format`, `--ranges`, `-o`, ...) given twice is a
 *   usage error naming it: yargs would make it a list that each command reads
 *   differently (the last one, a joined string, or not at all);
 * - a list option (declared `array`: `--policy`, `-f`/`--name`, `--base`, `--deny`) is
 *   repeated to give several values and takes exactly one value each time, so
 *   it never swallows the trace names that follow it;
 * - an option that takes a value and is given none is a usage error;
 * - `-` is an argument like any other (standard input), wherever it appears:
 *   yargs drops a lone `-` from variadic positionals, so it is carried through
 *   the parser as a token no command line can contain (argv strings hold no NUL);
 * - an argument with a control, bidirectional or invisible character is
 *   refused before anything is read (`unsafeArgument`): file names and values
 *   from the command line are printed in every report, diagnostic and usage
 *   message, and a trace file named `tr\e[2J\u202eace.log` (a device's log,
 *   collected by a glob) would otherwise clear or reorder the terminal of
 *   whoever runs the command.
 */
import type { Argv } from 'yargs';
import { UsageError } from '../errors';
import { hasUnsafeCharacter, visible } from '../diagnostics/safe-text';

const STDIN_TOKEN = '\u0000-';

/** `argv` with each lone `-` replaced by a token yargs keeps as a value. */
export function protectDash(argv: readonly string[]): string[] {
  return argv.map((a) => (a === '-' ? STDIN_TOKEN : a));
}

/** `value` with the token turned back into `-`, in strings and lists. */
export function restoreDash(value: unknown): unknown {
  if (value === STDIN_TOKEN) return '-';
  if (Array.isArray(value)) return value.map(restoreDash);
  return value;
}

/** The positional names in a yargs command string (`check [traces..]` → `traces`). */
export function positionalNames(command: string): string[] {
  return [...command.matchAll(/[<[]([\w-]+)(?:\.\.)?[>\]]/g)].map((m) => m[1]!);
}

interface ParserOptions {
  array: string[];
  boolean: string[];
  string: string[];
  number: string[];
  count: string[];
  key: Record<string, boolean>;
  alias: Record<string, string[]>;
}

/** Makes every option that takes a value require one (lists: one per occurrence, with `greedy-arrays` off). */
export function requireValues(y: Argv, positionals: readonly string[]): Argv {
  const o = (y as unknown as { getOptions(): ParserOptions }).getOptions();
  const valued = [...o.string, ...o.number, ...o.array].filter(
    (k) => !positionals.includes(k) && !o.boolean.includes(k),
  );
  for (const k of new Set(valued)) y.requiresArg(k);
  return y;
}

/**
 * Throws a UsageError naming the first single-value option given more than
 * once (booleans included: `--strict --no-strict` is not a choice to guess).
 */
export function refuseRepeats(
  args: Record<string, unknown>,
  y: Argv,
  positionals: readonly string[],
): void {
  const o = (y as unknown as { getOptions(): ParserOptions }).getOptions();
  const lists = new Set(o.array);
  const seen = new Set<string>();
  for (const key of Object.keys(o.key)) {
    if (positionals.includes(key) || lists.has(key) || seen.has(key)) continue;
    const names = [key, ...(o.alias[key] ?? [])];
    names.forEach((n) => seen.add(n));
    if (Array.isArray(args[key])) {
      const shown = names
        .sort((a, b) => a.length - b.length)
        .map((n) => (n.length === 1 ? `-${n}` : `--${n}`))
        .join('/');
      throw new UsageError(`${shown} was given more than once; it takes one value`);
    }
  }
}

/**
 * The refusal for the first argument holding a control, bidirectional or
 * invisible character (safe-text.ts `visible`), naming it with each such
 * character as `?`; undefined when every argument is safe.
 */
export function unsafeArgument(argv: readonly string[]): string | undefined {
  const i = argv.findIndex(hasUnsafeCharacter);
  if (i < 0) return undefined;
  return `argument ${i + 1} (\`${visible(argv[i]!)}\`) has a control, bidirectional or invisible character (shown as \`?\`), which every report would print; rename the file or give the value without it`;
}
