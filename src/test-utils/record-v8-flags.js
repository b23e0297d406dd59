// Preloaded (`node -r`) by src/cli/executable-v8-flags.test.ts: writes each V8 flag the
// process sets to stderr as `v8-flag FLAG`, then sets it.
const v8 = require('node:v8');
const set = v8.setFlagsFromString;
v8.setFlagsFromString = (flag) => {
  process.stderr.write(`v8-flag ${flag}\n`);
  set(flag);
};
