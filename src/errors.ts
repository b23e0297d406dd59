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

/**
 * A file could not be read or written (or locked, or backed up): "cannot
 * write policy.secpol: read-only file system". Exit 2 like any input error.
 */
export class FileError extends InputError {
  override name = 'FileError';
  constructor(file: string, action: string, cause: unknown) {
    super(file, '', { cause });
    this.message = `cannot ${action} ${file}: ${ioErrorWords(cause)}`;
  }
}

/** What the user may fix, in words, for the system errors reading and writing files meet. */
const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory',
  ENOENT: 'no such file or directory',
  EEXIST: 'already exists',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EBUSY: 'device or resource busy',
  ETXTBSY: 'text file busy',
  EXDEV: 'not on the same file system',
  EIO: 'input/output error',
  EPIPE: 'broken pipe',
  ESPIPE: 'cannot seek (a pipe)',
  ENXIO: 'no such device or address',
  ENODEV: 'no such device',
  EAGAIN: 'resource temporarily unavailable',
  Z_DATA_ERROR: 'corrupt gzip data',
  Z_BUF_ERROR: 'gzip data cut short',
};

/**
 * A system error in words ("read-only file system"); other errors by their
 * message, without the code and the call Node puts around it
 * ("EXYZ: some words, open 'f'" → "some words"): no raw code reaches the user.
 */
export function ioErrorWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && ERRNO_WORDS[code]) return ERRNO_WORDS[code];
  const message = error instanceof Error ? error.message : String(error);
  const words = /^[A-Z][A-Z0-9_]+: ([^,]+)/.exec(message)?.[1] ?? message;
  // Other zlib codes (Z_...): its message says what is wrong with the data.
  if (code?.startsWith('Z_')) return `not valid gzip data (${words})`;
  return words === code ? 'system error' : words;
}
