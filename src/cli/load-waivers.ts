/**
 * Reading waiver files (`--waive FILE`, repeatable) for `check`, `suggest`,
 * `explain`, `harden` and `lint`: each file is read and parsed (syntax errors
 * with code frames on stderr), then its waivers are read by
 * src/review/waivers.ts against today's date. A waiver without a reason, a
 * reason holding control characters or a date that is not a day is an error
 * (code frame on stderr; the command exits 2); expired waivers are returned as
 * warnings for the command to report. `-` is refused (standard input is for
 * traces). A file named twice (or by a second name) is read once.
 *
 * Today is the UTC date of the clock, or `SECPOL_LEARN_TODAY=YYYY-MM-DD`
 * (docs/review.md): the golden outputs and the docs' sessions fix it so that
 * they do not expire.
 */
import { readAs } from './policy-bytes';
import * as path from 'node:path';
import type { Argv } from 'yargs';
import type { CliIo } from './io';
import type { Policy, PolicyFile } from '../policy/ast';
import type { QnxVersion } from '../qnx/abilities';
import { UsageError } from '../errors';
import { distinctFiles, readPolicyFile } from './policy-file-io';
import { parsePolicy } from '../policy/parse';
import { formatDiagnostic } from '../diagnostics/code-frame';
import { dayOf, isDay, parseWaivers, type ParsedWaivers } from '../review/waivers';

/** The environment variable that fixes today's date (`YYYY-MM-DD`). */
export const TODAY_VARIABLE = 'SECPOL_LEARN_TODAY';

/** The day waivers are judged by: `SECPOL_LEARN_TODAY`, else the UTC date of `now`. */
export function todayFrom(env: NodeJS.ProcessEnv, now: Date = new Date()): string {
  const fixed = env[TODAY_VARIABLE];
  if (fixed === undefined || fixed === '') return dayOf(now);
  if (!isDay(fixed))
    throw new UsageError(`${TODAY_VARIABLE} must be a day written YYYY-MM-DD, not ${fixed}`);
  return fixed;
}

/** Declares `--waive FILE` (repeatable). */
export function withWaive(y: Argv, what: string): Argv {
  return y.option('waive', {
    type: 'string',
    array: true,
    describe: `waiver file (secpol rules, each after \`# reason: TEXT\`, optionally \`# until: YYYY-MM-DD\`; repeatable): ${what}`,
  });
}

/** The `--waive` option's files (none when it is not given). */
export function waiveFiles(args: Record<string, unknown>): string[] {
  const v = args.waive;
  return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
}

/** The waivers of `--waive`, or undefined when none is given or (printed on stderr) one is wrong: exit 2. */
export async function loadWaivers(
  args: Record<string, unknown>,
  policy: Policy | undefined,
  qnx: QnxVersion,
  io: CliIo,
): Promise<ParsedWaivers | 'failed' | undefined> {
  const files = waiveFiles(args);
  if (files.length === 0) return undefined;
  if (files.includes('-'))
    throw new UsageError('--waive must name a file (standard input is for traces)');
  const today = todayFrom(io.env);
  const parsed: PolicyFile[] = [];
  const texts = new Map<string, string>();
  let failed = false;
  // Every file is read and parsed before any is judged: all errors are reported in one run.
  for (const file of await distinctFiles([...files], io.cwd)) {
    const src = await readPolicyFile(path.resolve(io.cwd, file), file);
    texts.set(src.file, src.text);
    const { ast, diagnostics } = parsePolicy(src.text, { file: src.file });
    for (const d of diagnostics) io.stderr.write(formatDiagnostic(d, src.text));
    if (diagnostics.some((d) => d.severity === 'error')) failed = true;
    parsed.push(readAs(ast, src.encoding));
  }
  if (failed) return 'failed';
  const result = parseWaivers(parsed, { today, qnx, ...(policy ? { policy } : {}) });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) io.stderr.write(formatDiagnostic(d, texts.get(d.file) ?? ''));
  if (errors.length > 0) return 'failed';
  return result;
}
