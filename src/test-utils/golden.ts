/**
 * Golden files for tests: compare actual output with an expected file beside
 * the sample. `UPDATE=1` (re)writes the expected file instead, so reviewers
 * read the change in its diff. A missing expected file fails the test unless
 * `UPDATE=1`: a deleted golden must never pass silently.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Asserts `actual` equals the file at `expectedPath`; writes it instead under `UPDATE=1`. */
export function expectGolden(actual: string, expectedPath: string): void {
  if (process.env.UPDATE === '1') {
    writeFileSync(expectedPath, actual);
    return;
  }
  if (!existsSync(expectedPath))
    throw new Error(
      `golden file ${expectedPath} is missing: run the test with UPDATE=1 to write it, then review it`,
    );
  expect(actual).toBe(readFileSync(expectedPath, 'utf8'));
}
