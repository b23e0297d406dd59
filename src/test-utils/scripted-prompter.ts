/**
 * A review prompter answering from a script (tests only): each question is
 * recorded with the keys it offered, and an empty answer takes the default,
 * as @inquirer/prompts' input does. Running out of answers is an error naming
 * the question, so a test never hangs on an unexpected prompt.
 */
import type { Prompter } from '../cli/review-prompt';

export function scripted(answers: string[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const next = (q: string, def?: string): Promise<string> => {
    asked.push(q);
    const a = answers.shift();
    if (a === undefined) throw new Error(`no scripted answer for: ${q}`);
    return Promise.resolve(a === '' && def !== undefined ? def : a);
  };
  return {
    asked,
    key: (message, keys) => next(`${message} [${keys.map((k) => k.key).join('')}]`),
    text: (message, def) => next(`${message}${def !== undefined ? ` (${def})` : ''}`, def),
  };
}
