/**
 * yargs' validation messages in the tool's words (docs/cli.md): the user sees
 * what is wrong with the command line ("unknown option --frobnicate",
 * "--format must be one of text, json, sarif (given: xml)"), never the
 * parser's vocabulary ("non-option arguments", "Argument: format, Given:").
 * A message this module does not know is passed through unchanged.
 */

/** `--name` or `-n` as it is typed. */
export function optionName(key: string): string {
  return key.length === 1 ? `-${key}` : `--${key}`;
}

/** The words, quoted when one is empty. */
function listed(words: string): string {
  return words
    .split(', ')
    .map((w) => w.replace(/^"(.*)"$/, '$1'))
    .join(', ');
}

/**
 * `message` (a yargs failure, English locale) in words. `argv` is the command
 * line as typed (to tell an unknown option from a stray argument and to name
 * a mistyped command); `synopsis` is the subcommand's (`diff <old> <new>`).
 */
export function usageWords(message: string, argv: readonly string[], synopsis?: string): string {
  let m = /^Not enough arguments following: (\S+)$/.exec(message);
  if (m) return `${optionName(m[1]!)} needs a value`;
  m = /^Unknown arguments?: (.*)$/s.exec(message);
  if (m) {
    const words = m[1]!.split(', ');
    const typed = (w: string): string =>
      argv.find((a) => a === `--${w}` || a.startsWith(`--${w}=`) || a === `-${w}`) ??
      argv.find((a) => /^-[^-]/.test(a) && a.slice(1).includes(w)) ??
      w;
    const options = words.filter((w) => typed(w).startsWith('-'));
    const others = words.filter((w) => !typed(w).startsWith('-'));
    const parts: string[] = [];
    if (options.length > 0)
      parts.push(
        `unknown option${options.length > 1 ? 's' : ''} ${options.map((w) => typed(w).replace(/=.*$/, '')).join(', ')}`,
      );
    if (others.length > 0)
      parts.push(
        `unexpected argument${others.length > 1 ? 's' : ''} ${others.map((w) => `'${w}'`).join(', ')}${synopsis ? ` (usage: secpol-learn ${synopsis})` : ''}`,
      );
    return parts.join('; ');
  }
  m = /^Not enough non-option arguments: got (\d+), need at least (\d+)$/.exec(message);
  if (m)
    return synopsis
      ? `missing argument${Number(m[2]) - Number(m[1]) > 1 ? 's' : ''} (usage: secpol-learn ${synopsis})`
      : 'Name a command (see --help).';
  m = /^Too many non-option arguments: got (\d+), maximum of (\d+)$/.exec(message);
  if (m)
    return synopsis
      ? `too many arguments (usage: secpol-learn ${synopsis})`
      : `too many arguments (${m[1]} given)`;
  m = /^Missing required arguments?: (.*)$/.exec(message);
  if (m)
    return `missing ${m[1]!
      .split(', ')
      .map((k) => optionName(k))
      .join(', ')}`;
  if (message.startsWith('Invalid values:')) {
    return [...message.matchAll(/Argument: (\S+), Given: (.*), Choices: (.*)$/gm)]
      .map((v) => `${optionName(v[1]!)} must be one of ${listed(v[3]!)} (given: ${listed(v[2]!)})`)
      .join('; ');
  }
  m = /^Did you mean (\S+)\?$/.exec(message);
  if (m) {
    const typed = argv.find((a) => !a.startsWith('-'));
    return `unknown command '${typed ?? ''}'; did you mean '${m[1]}'?`;
  }
  m = /^Unknown commands?: (.*)$/.exec(message);
  // Within a subcommand, a word yargs takes for a command is one argument too many.
  if (m && synopsis)
    return `unexpected argument ${m[1]!
      .split(', ')
      .map((w) => `'${w}'`)
      .join(', ')} (usage: secpol-learn ${synopsis})`;
  if (m) return `unknown command ${listed(m[1]!)}`;
  return message;
}
