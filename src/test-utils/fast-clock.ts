/**
 * A clock for the built executable in end-to-end tests: a file for
 * `node --require FILE` that makes `Date.now` advance five seconds on each
 * call. The progress bar (src/cli/progress.ts) shows only after two seconds
 * of reading, so under this clock it draws on the first bytes read: a test
 * can then see where the bar goes on a real terminal (never over a prompt),
 * however small its trace and however fast the machine. Nothing else of the
 * CLI reads `Date.now` (waiver expiry reads the date: SECPOL_LEARN_TODAY).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Writes the preload into `dir`; its path, for `node --require`. */
export function writeFastClock(dir: string): string {
  const file = path.join(dir, 'fast-clock.js');
  writeFileSync(file, 'let t = Date.now();\nDate.now = () => (t += 5000);\n');
  return file;
}
