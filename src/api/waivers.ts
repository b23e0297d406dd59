/**
 * Waiver files as library calls, the reading `--waive FILE` does without
 * files: each text parsed as secpol, then its waivers read against a day the
 * caller gives (the CLI's is today's UTC date, or SECPOL_LEARN_TODAY).
 * `checkTraces({ waivers })` then passes the failures they cover. Pure.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { Policy, PolicyFile } from '../policy/ast';
import { appendAll } from '../arrays';
import { parsePolicy } from '../policy/parse';
import type { QnxVersion } from '../qnx/abilities';
import type { PolicyText } from '../render/apply-patch';
import { isDay, parseWaivers, type ParsedWaivers } from '../review/waivers';

/** Options of `parseWaiverTexts`. */
export interface WaiverTextOptions {
  /** The day expiry is judged by, `YYYY-MM-DD`. */
  today: string;
  /** The policy the waivers apply to: its declarations name their types and attributes. */
  policy?: Policy;
  /** The QNX release the policy targets (default 8.0). */
  qnx?: QnxVersion;
}

/**
 * Reads waiver files (secpol, each rule after `# reason: TEXT`, optionally
 * `# until: YYYY-MM-DD`; docs/review.md, "Waivers"), as `--waive` does. The
 * diagnostics hold the syntax errors first, then the waivers' own: an
 * `error` (a rule without a reason, a date that is not a day) means the
 * files are wrong, as the CLI's exit 2; expired waivers are warnings, and
 * are not in force. Throws only for a `today` that is not a day.
 */
export function parseWaiverTexts(
  texts: readonly PolicyText[],
  options: WaiverTextOptions,
): ParsedWaivers {
  if (!isDay(options.today))
    throw new RangeError(`today must be a day written YYYY-MM-DD, not ${options.today}`);
  const syntax: Diagnostic[] = [];
  const files: PolicyFile[] = [];
  for (const t of texts) {
    const { ast, diagnostics } = parsePolicy(t.text, { file: t.file });
    appendAll(syntax, diagnostics);
    files.push(ast);
  }
  const parsed = parseWaivers(files, {
    today: options.today,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.qnx ? { qnx: options.qnx } : {}),
  });
  return { ...parsed, diagnostics: [...syntax, ...parsed.diagnostics] };
}
