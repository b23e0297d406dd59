#!/usr/bin/env node
/**
 * The `secpol-learn` executable: runs the CLI on the real process and exits
 * with its code. All logic lives in `cli/run.ts` and the library.
 */
import { run } from './cli/run';
import { processIo } from './cli/io';

if (require.main === module) {
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
