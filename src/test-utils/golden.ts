/**
 * Golden files for tests: compare actual output with an expected file beside
 * the sample, or (re)write the expected file when `UPDATE=1` is set or it is
 * missing, so reviewers read the change in the expected file's diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Asserts `actual` equals the file at `expectedPath`; writes it instead under `UPDATE=1` or when absent. */
export function expectGolden(actual: string, expectedPath: string): void {
  if (process.env.UPDATE === '1' || !existsSync(expectedPath)) {
    writeFileSync(expectedPath, actual);
    return;
  }
  expect(actual).toBe(readFileSync(expectedPath, 'utf8'));
}
