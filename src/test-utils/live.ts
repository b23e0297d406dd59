/**
 * Helpers of the `--follow` tests (src/cli/follow.test.ts,
 * src/cli/suggest-follow.test.ts): the seed walkthrough cut in two for a live
 * writer, a condition to wait for (never a duration), and a captured stream.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';

const ROOT = path.join(__dirname, '..', '..');
/** The seed walkthrough's policy. */
export const SEED_POLICY = path.join(ROOT, 'samples', 'seed-walkthrough', 'policy.secpol');
/** The seed walkthrough's trace. */
export const SEED = readFileSync(
  path.join(ROOT, 'samples', 'seed-walkthrough', 'trace.log'),
  'utf8',
);
/** The seed trace's first record (its first uncovered failure, line 1). */
export const SEED_FIRST = SEED.split('\n').slice(0, 3).join('\n') + '\n';
/**
 * The rest of the seed trace. (The sample's last line has no newline: a live
 * writer's line is complete once its newline is in.)
 */
export const SEED_REST = `${SEED.split('\n').slice(3).join('\n')}\n`;

/** Resolves when `ok()` holds (checked every 10 ms: a condition, not a duration, is waited for). */
export async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((res) => setTimeout(res, 10));
}

/** A stream that keeps what is written to it, as text. */
export function capture(): { stream: Writable; text: () => string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk: Buffer, _enc, cb): void {
        text += chunk.toString();
        cb();
      },
    }),
    text: () => text,
  };
}
