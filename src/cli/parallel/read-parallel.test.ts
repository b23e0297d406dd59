import { createWriteStream, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { generateTrace } from '../../bench/generate-trace';
import { inferFromTraces } from '../learn-inputs';
import { learn } from '../../plan/learn';
import { toJson } from '../../render/json';
import type { CliIo } from '../io';
import { readTracesParallel, startGate } from './read-parallel';
import type { ShardResult } from '../../infer/shard-learner';

function fakeIo(cwd: string): CliIo {
  return {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    env: {},
    cwd,
  };
}

async function trace(file: string, seed: number, lines: number): Promise<void> {
  const out = createWriteStream(file);
  await generateTrace({ seed, lines, out, garbage: 0.02 });
  await new Promise<void>((resolve) => out.end(resolve));
}

/** The JSON `suggest` would print for an inference result. */
function asJson(r: Awaited<ReturnType<typeof inferFromTraces>>): string {
  return toJson(
    learn(r.inferred, undefined, {
      mode: 'generate',
      combine: false,
      traceFiles: r.traceFiles,
      eventCount: r.eventCount,
      notUnderstood: r.notUnderstood,
    }),
  );
}

/** A parallel result as `inferFromTraces` would return it for `files`. */
function asInferred(
  par: ShardResult,
  files: string[],
): Awaited<ReturnType<typeof inferFromTraces>> {
  return {
    inferred: par.inferred,
    eventCount: par.eventCount,
    traceFiles: files,
    notUnderstood: par.notUnderstoodCount,
    records: par.records,
  };
}

describe('readTracesParallel', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'par-'));
    await trace(path.join(dir, 'a.log'), 7, 20_000);
    await trace(path.join(dir, 'b.log'), 8, 5_000);
  });
  afterAll(() => fs.rm(dir, { recursive: true }));

  it('merges shards into the single-thread result, byte for byte', async () => {
    const filter = { names: [], abilities: false, paths: false };
    const io = fakeIo(dir);
    const one = await inferFromTraces(
      ['b.log', 'a.log'],
      {},
      { ...io, env: { SECPOL_LEARN_THREADS: '1' } },
    );
    for (const threads of [2, 3, 8]) {
      const par = await readTracesParallel(['b.log', 'a.log'], filter, io, 1000, {
        threads,
        minBytes: 0,
        inProcess: true,
      });
      expect(par).toBeDefined();
      expect(par!.eventCount).toBe(one.eventCount);
      expect(par!.notUnderstoodCount).toBe(one.notUnderstood);
      const text =
        (await fs.readFile(path.join(dir, 'a.log'), 'latin1')) +
        (await fs.readFile(path.join(dir, 'b.log'), 'latin1'));
      expect(par!.lines).toBe(text.split('\n').length - 1); // one line per newline
      expect(asJson(asInferred(par!, ['b.log', 'a.log']))).toBe(asJson(one));
    }
  });

  it('lists the same lines not understood, at the same FILE:LINE', async () => {
    const filter = { names: [], abilities: false, paths: false };
    const io = fakeIo(dir);
    const one = await readTracesParallel(['a.log'], filter, io, 50, { threads: 1, minBytes: 0 });
    expect(one).toBeUndefined(); // one thread: the caller reads the file itself
    const two = await readTracesParallel(['a.log'], filter, io, 50, {
      threads: 2,
      minBytes: 0,
      inProcess: true,
    });
    const three = await readTracesParallel(['a.log'], filter, io, 50, {
      threads: 5,
      minBytes: 0,
      inProcess: true,
    });
    const places = (r: typeof two): string[] =>
      r!.notUnderstood.map((d) => `${d.file}:${d.line}:${d.ruleId}`);
    expect(places(two)).toHaveLength(50);
    expect(places(three)).toEqual(places(two));
    expect(three!.inferred.refused).toEqual(two!.inferred.refused);
  });

  it('learns each gzip file whole in a lane of its own: the single-thread result, byte for byte', async () => {
    const filter = { names: [], abilities: false, paths: false };
    const io = fakeIo(dir);
    for (const [from, to] of [
      ['a.log', 'a2.log.gz'],
      ['b.log', 'b2.log.gz'],
    ]) {
      await fs.writeFile(path.join(dir, to), gzipSync(await fs.readFile(path.join(dir, from))));
    }
    const files = ['b2.log.gz', 'a.log', 'a2.log.gz'];
    const one = await inferFromTraces(files, {}, { ...io, env: { SECPOL_LEARN_THREADS: '1' } });
    for (const threads of [2, 3]) {
      const par = await readTracesParallel(files, filter, io, 100_000, {
        threads,
        minBytes: 0,
        inProcess: true,
      });
      expect(par).toBeDefined();
      expect(par!.eventCount).toBe(one.eventCount);
      expect(par!.notUnderstoodCount).toBe(one.notUnderstood);
      expect(asJson(asInferred(par!, files))).toBe(asJson(one));
      // Lines not understood in a gzip file keep their FILE:LINE in it.
      const inGzip = par!.notUnderstood.filter((d) => d.file === 'a2.log.gz').map((d) => d.line);
      const inPlain = par!.notUnderstood.filter((d) => d.file === 'a.log').map((d) => d.line);
      expect(inGzip.length).toBeGreaterThan(100);
      expect(inGzip).toEqual(inPlain);
    }
  });

  it('asks for one collection after the threads are merged, none when one thread reads', async () => {
    const filter = { names: [], abilities: false, paths: false };
    const io = fakeIo(dir);
    let merges = 0;
    const afterMerge = (): void => {
      merges++;
    };
    const one = await readTracesParallel(['a.log'], filter, io, 50, {
      threads: 1,
      minBytes: 0,
      afterMerge,
    });
    expect(one).toBeUndefined();
    expect(merges).toBe(0);
    const two = await readTracesParallel(['a.log', 'b.log'], filter, io, 50, {
      threads: 2,
      minBytes: 0,
      inProcess: true,
      afterMerge,
    });
    expect(two).toBeDefined();
    expect(merges).toBe(1);
  });

  it('asks for one collection before the review tables are merged, none when one thread reads', async () => {
    const filter = { names: [], abilities: false, paths: false };
    const io = fakeIo(dir);
    let collections = 0;
    const beforeReviews = (): void => {
      collections++;
    };
    const options = { minBytes: 0, afterMerge: () => undefined, beforeReviews };
    expect(
      await readTracesParallel(['a.log'], filter, io, 50, { ...options, threads: 1 }),
    ).toBeUndefined();
    expect(collections).toBe(0);
    const two = await readTracesParallel(['a.log', 'b.log'], filter, io, 50, {
      ...options,
      threads: 2,
      inProcess: true,
      summarize: true,
    });
    expect(two?.review).toBeDefined();
    expect(collections).toBe(1);
  });

  it('declines standard input among files, small inputs and a small lone gzip file', async () => {
    const filter = { names: [], abilities: false, paths: false };
    const io = fakeIo(dir);
    expect(
      await readTracesParallel(['-', 'a.log'], filter, io, 10, { threads: 2, minBytes: 0 }),
    ).toBeUndefined();
    expect(await readTracesParallel(['a.log'], filter, io, 10, { threads: 2 })).toBeUndefined();
    await fs.writeFile(path.join(dir, 'z.log.gz'), gzipSync(Buffer.from('info: x\n')));
    expect(await readTracesParallel(['z.log.gz'], filter, io, 10, { threads: 2 })).toBeUndefined();
  });
});

describe('startGate', () => {
  it('opens once every worker has started (or at once for none); later starts change nothing', async () => {
    const opened: string[] = [];
    const none = startGate(0);
    void none.all.then(() => opened.push('none'));
    const two = startGate(2);
    void two.all.then(() => opened.push('two'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toEqual(['none']);
    two.one();
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toEqual(['none']);
    two.one();
    two.one();
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toEqual(['none', 'two']);
  });
});
