/**
 * Error classes the CLI maps to exit codes (in one place: `cli/run.ts`).
 *
 * Library code throws these for conditions the user can fix; anything else
 * that escapes is a bug and is reported as an internal error with a stack.
 */

/** Exit codes used by every command. */
export const ExitCode = {
  /** The command did its job and found nothing to report. */
  OK: 0,
  /** The command's finding: uncovered failures, lint errors, a policy difference. */
  FINDING: 1,
  /** Bad usage or unreadable input. */
  USAGE: 2,
} as const;

/** The command line is wrong (unknown option, missing argument, bad value). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An input could not be read or is not what it must be; the message names the file. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    /** The file as the user named it. */
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}
