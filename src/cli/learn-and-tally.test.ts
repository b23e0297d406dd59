/**
 * learnAndTally's ways of reading a trace file give one summary, byte for
 * byte: one reading in this thread (with one thread or two: a file too small
 * for the threaded readers), and the threaded readers' one reading (pieces of
 * a plain file, a gzip file as a stream cut into batches) against their two
 * readings, one learning and one tallying, on generated traces with records
 * of unknown form and lines not understood, plain and gzip. (Pipes:
 * summarize.test.ts.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { generatedTrace } from '../test-utils/generated-trace';
import { learnAndTally } from './learn-and-tally';
import { summaryLines } from '../infer/summary-codec';
import { MAX_LISTED_LINES } from '../infer/summary';
import { readTracesParallel } from './parallel/read-parallel';
import { EVERYTHING } from '../test-utils/learn-both-ways';
import type { ShardResult } from '../infer/shard-learner';
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

/** The summary file `summarize` writes for `file` read with `threads`. */
async function summaryOf(file: string, threads: string): Promise<string> {
  return summaryText(file, await learnAndTally([file], {}, io(threads)));
}

function summaryText(file: string, learned: ShardResult): string {
  return [...summaryLines({ inputs: [{ file, events: learned.eventCount }], learned })].join('');
}

describe('learnAndTally', () => {
  it('gives one summary with one thread or two', async () => {
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
      const one = await summaryOf(file, '1');
      expect(one).toMatch(/"entry":"review-atom"/);
      expect(await summaryOf(file, '2')).toBe(one);
    }
  });

  it('gives one summary from the threaded readers reading once', async () => {
    for (const [seed, gzip] of [
      [8, false],
      [9, true],
    ] as const) {
      const trace = Buffer.concat([
        await generatedTrace(seed, 3000, 0.05),
        Buffer.from('not a record\nerror: x (pid:1) something else\n'),
      ]);
      const file = `p${seed}.log${gzip ? '.gz' : ''}`;
      fs.writeFileSync(path.join(dir, file), gzip ? gzipSync(trace) : trace);
      // Cut into pieces (plain) or batches (gzip), each learned and tallied, then merged; as
      // two readings, one learning, one tallying (the threaded path of 4456670).
      const options = { minBytes: 0, inProcess: true, threads: 3 };
      const read = (more: object): Promise<ShardResult | undefined> =>
        readTracesParallel([file], EVERYTHING, io('3'), MAX_LISTED_LINES, { ...options, ...more });
      const threaded = await read({ summarize: true });
      const learned = await read({});
      const tallied = await read({ review: true });
      expect(threaded).toBeDefined();
      const twice = summaryText(file, { ...learned!, review: tallied!.review! });
      expect(twice).toMatch(/"entry":"review-atom"/);
      expect(summaryText(file, threaded!)).toBe(twice);
    }
  });

  it("gives the threaded readers' summary, header and all, from one reading in this thread", async () => {
    for (const [seed, gzip] of [
      [10, false],
      [11, true],
    ] as const) {
      const trace = Buffer.concat([
        await generatedTrace(seed, 2000, 0.05),
        Buffer.from('not a record\n\nerror: x (pid:1) something else'),
      ]);
      const file = `h${seed}.log${gzip ? '.gz' : ''}`;
      fs.writeFileSync(path.join(dir, file), gzip ? gzipSync(trace) : trace);
      const options = { minBytes: 0, inProcess: true, threads: 2, summarize: true };
      const threaded = await readTracesParallel(
        [file],
        EVERYTHING,
        io('2'),
        MAX_LISTED_LINES,
        options,
      );
      const one = await summaryOf(file, '1');
      // Physical lines: the generated ones, the three added, the last without its newline.
      const lines = trace.toString('latin1').split('\n').length;
      expect(one.slice(0, one.indexOf('\n'))).toContain(`"lines":${lines},`);
      expect(summaryText(file, threaded!)).toBe(one);
    }
  });
});
