/**
 * learnAndTally's ways of reading a trace file give one summary, byte for
 * byte: the tally in a worker beside the learner (two threads; here in this
 * thread, the compiled worker being absent from the sources) and both passes
 * in this thread, on generated traces with records of unknown form and lines
 * not understood, plain and gzip. (One pass, for pipes: summarize.test.ts.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { generatedTrace } from '../test-utils/generated-trace';
import { learnAndTally } from './learn-and-tally';
import { summaryLines } from '../infer/summary-codec';
import type { CliIo } from './io';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'learn-and-tally-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function io(threads: string): CliIo {
  const nowhere = new Writable({ write: (_c, _e, cb) => cb() });
  return {
    stdin: new PassThrough(),
    stdout: nowhere,
    stderr: nowhere,
    env: { SECPOL_LEARN_THREADS: threads },
    cwd: dir,
  };
}

/** The summary file `summarize` writes for `file` read as `learnAndTally` is told. */
async function summaryOf(file: string, threads: string, besideBytes?: number): Promise<string> {
  const options = besideBytes === undefined ? {} : { besideBytes };
  const learned = await learnAndTally([file], {}, io(threads), options);
  return [...summaryLines({ inputs: [{ file, events: learned.eventCount }], learned })].join('');
}

describe('learnAndTally', () => {
  it('gives one summary with the tally beside the learner or after it', async () => {
    for (const [seed, gzip] of [
      [3, false],
      [4, true],
    ] as const) {
      const trace = Buffer.concat([
        await generatedTrace(seed, 1500, 0.05),
        Buffer.from('not a record\nerror: x (pid:1) something else\n'),
      ]);
      const file = `t${seed}.log${gzip ? '.gz' : ''}`;
      fs.writeFileSync(path.join(dir, file), gzip ? gzipSync(trace) : trace);
      const after = await summaryOf(file, '1');
      expect(after).toMatch(/"entry":"review-atom"/);
      expect(await summaryOf(file, '2', 0)).toBe(after);
      // Below the size from which the tally goes beside: after the learner, as with one thread.
      expect(await summaryOf(file, '2')).toBe(after);
    }
  });
});
