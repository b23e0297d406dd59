#!/usr/bin/env node
/**
 * The `secpol-learn` executable: runs the CLI on the real process and exits
 * with its code. All logic lives in `cli/run.ts` and the library.
 */
import { applyExecutableV8Flags } from './cli/executable-v8-flags';
import { run } from './cli/run';
import { processIo } from './cli/io';
import { ExitCode, ioErrorWords } from './errors';

if (require.main === module) {
  applyExecutableV8Flags();
  // `secpol-learn check ... | head`: the reader is gone. Stop writing quietly, as Unix tools
  // do, but never let the closed pipe decide the exit status: the command runs to its end
  // (later writes to the closed stream are dropped) and exits with its own code, so
  // `set -o pipefail` still sees check's or diff's 1. Output files are written atomically.
  // Any other failure to write standard output (a full disk, an I/O error) is said in words, exit 2.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
        stream.destroy();
        return;
      }
      if (stream === process.stdout)
        process.stderr.write(
          `secpol-learn: cannot write standard output: ${ioErrorWords(error)}\n`,
        );
      process.exit(ExitCode.USAGE);
    });
  }
  run(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`secpol-learn: internal error: ${String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
