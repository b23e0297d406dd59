/**
 * Learning one stream on several threads: batches cut at record boundaries,
 * learned in real worker threads (the TypeScript worker through ts-node) and
 * in this thread, merged to the one-thread result byte for byte.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { generatedTrace } from '../../test-utils/generated-trace';
import { inferFromTraces } from '../learn-inputs';
import type { CliIo } from '../io';
import { learn } from '../../plan/learn';
import { toJson } from '../../render/json';
import { lastCut, readStreamParallel } from './read-stream-parallel';
import { readTracesParallel } from './read-parallel';
import type { ShardResult } from '../../infer/shard-learner';

const filter = { names: [], abilities: false, paths: false };

function io(cwd: string, stdin: Buffer = Buffer.alloc(0), env: NodeJS.ProcessEnv = {}): CliIo {
  return {
    stdin: Readable.from([stdin]),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    env,
    cwd,
  };
}

/** The JSON `generate` prints for a result, and the FILE:LINE of every line not understood. */
function printed(r: ShardResult, files: string[]): { json: string; places: string[] } {
  const json = toJson(
    learn(r.inferred, undefined, {
      mode: 'generate',
      combine: false,
      traceFiles: files,
      eventCount: r.eventCount,
      notUnderstood: r.notUnderstoodCount,
    }),
  );
  return { json, places: r.notUnderstood.map((d) => `${d.file}:${d.line}:${d.ruleId}`) };
}

/** Feeds `bytes` in chunks of uneven sizes, as pipes deliver them. */
async function* unevenChunks(bytes: Buffer): AsyncGenerator<Buffer> {
  const sizes = [1, 7000, 65536, 333, 200_000, 12];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

/** The JSON of a one-thread `inferFromTraces` result over standard input. */
function oneThreadJson(one: Awaited<ReturnType<typeof inferFromTraces>>): string {
  const r = {
    inferred: one.inferred,
    eventCount: one.eventCount,
    notUnderstood: [],
    notUnderstoodCount: one.notUnderstood,
    lines: 0,
    records: {},
  };
  return printed(r, ['-']).json;
}

/** `bytes` as standard input, cut into 50 kB batches, all learned in this thread. */
function inThisThread(bytes: Buffer): Promise<ShardResult> {
  return readStreamParallel(
    unevenChunks(bytes),
    { file: '-', filter, maxListed: 100_000 },
    {
      threads: 1,
      minBytes: 0,
      workerFile: undefined,
      onBytes: () => undefined,
      youngGenerationMb: 12,
      batchBytes: 50_000,
      // No worker started: nothing to collect after.
      afterMerge: () => {
        throw new Error('afterMerge without workers');
      },
    },
  );
}

describe('readStreamParallel', () => {
  let dir: string;
  let trace: Buffer;
  let workerFile: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stream-'));
    trace = Buffer.concat([await generatedTrace(21, 12_000), await generatedTrace(22, 6_000)]);
    // The TypeScript worker, run through ts-node as the compiled one runs under node.
    workerFile = path.join(dir, 'worker.js');
    writeFileSync(
      workerFile,
      `require(${JSON.stringify(require.resolve('ts-node/register/transpile-only'))});\nrequire(${JSON.stringify(path.join(__dirname, 'stream-worker.ts'))});\n`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the one-thread result, byte for byte, with workers and in this thread', async () => {
    const one = await inferFromTraces([], {}, io(dir, trace, { SECPOL_LEARN_THREADS: '1' }));
    const expected = oneThreadJson(one);
    const plainOne = await inThisThread(trace);
    for (const threads of [2, 3]) {
      let bytes = 0;
      let merges = 0;
      const par = await readStreamParallel(
        unevenChunks(trace),
        { file: '-', filter, maxListed: 100_000 },
        {
          threads,
          minBytes: 0,
          workerFile,
          onBytes: (n) => (bytes += n),
          youngGenerationMb: 12,
          batchBytes: 50_000,
          afterMerge: () => merges++,
        },
      );
      expect(merges).toBe(1); // asked once the workers' results are merged
      expect(bytes).toBe(trace.length);
      expect(par.lines).toBe(18_000);
      expect(printed(par, ['-']).json).toBe(expected);
      // Every line not understood at its place in the whole stream, as one thread reads it.
      expect(printed(par, ['-']).places).toEqual(printed(plainOne, ['-']).places);
    }
    expect(printed(plainOne, ['-']).json).toBe(expected);
    expect(plainOne.notUnderstood.length).toBeGreaterThan(100);
  }, 60_000);

  it('reads secpolgenerate output whole, in one parser, as one thread does (its rules span batches)', async () => {
    // An errors view of a few hundred kB: rules of several lines that 50 kB batches would cut.
    const rules: string[] = [];
    for (let i = 0; i < 6000; i++)
      rules.push(
        `allow t${i % 700}_t self:ability {\n    pathspace\n    setuid:${i}\n};\nallow_attach t${i % 700}_t {\n    /dev/svc${i}\n};\n`,
      );
    const input = Buffer.from(rules.join(''));
    const one = await inferFromTraces([], {}, io(dir, input, { SECPOL_LEARN_THREADS: '1' }));
    expect(one.eventCount).toBe(18_000);
    const expected = oneThreadJson(one);
    for (const threads of [1, 2]) {
      const par = await readStreamParallel(
        unevenChunks(input),
        { file: '-', filter, maxListed: 100_000 },
        {
          threads,
          minBytes: 0,
          workerFile,
          onBytes: () => undefined,
          youngGenerationMb: 12,
          batchBytes: 50_000,
        },
      );
      expect(par.notUnderstoodCount).toBe(0);
      expect(printed(par, ['-']).json).toBe(expected);
    }
  }, 60_000);

  it('reads an over-long line as one thread does: cut to MAX_LINE_BYTES, reported, lines after it in place', async () => {
    const records = await generatedTrace(23, 3000);
    const huge = Buffer.alloc(3 * 1024 * 1024, 'x');
    const input = Buffer.concat([records, huge, Buffer.from('\n'), records, huge, huge]);
    const one = await inferFromTraces([], {}, io(dir, input, { SECPOL_LEARN_THREADS: '1' }));
    const here = await inThisThread(input);
    const asOne = oneThreadJson(one);
    expect(printed(here, ['-']).json).toBe(asOne);
    const tooLong = here.notUnderstood.filter((d) => d.ruleId === 'trace-line-too-long');
    expect(tooLong.map((d) => d.line)).toEqual([3001, 6002]);
    expect(here.lines).toBe(6002);
  });

  it('reads standard input and a lone gzip file this way from readTracesParallel; a corrupt one is an input error', async () => {
    writeFileSync(path.join(dir, 't.log.gz'), gzipSync(trace));
    writeFileSync(path.join(dir, 't.log'), trace);
    const one = await readTracesParallel(['t.log'], filter, io(dir), 1000, {
      threads: 2,
      minBytes: 0,
      inProcess: true,
    });
    for (const [files, stdin] of [
      [['-'], trace],
      [['t.log.gz'], undefined],
    ] as const) {
      const par = await readTracesParallel([...files], filter, io(dir, stdin), 1000, {
        threads: 2,
        minBytes: 0,
        inProcess: true,
      });
      expect(par).toBeDefined();
      const file = files[0];
      const rename = (r: ShardResult): string =>
        printed(r, [file]).json.replaceAll('"t.log"', JSON.stringify(file));
      expect(printed(par!, [file]).json).toBe(rename(one!));
      expect(par!.lines).toBe(one!.lines);
    }
    writeFileSync(
      path.join(dir, 'bad.log.gz'),
      Buffer.concat([gzipSync(trace).subarray(0, 5000), Buffer.from('junk')]),
    );
    await expect(
      readTracesParallel(['bad.log.gz'], filter, io(dir), 1000, {
        threads: 2,
        minBytes: 0,
        inProcess: true,
      }),
    ).rejects.toThrow(/^cannot read bad\.log\.gz: (corrupt gzip data|gzip data cut short)$/);
  });
});

describe('lastCut', () => {
  it('cuts after a newline that a non-continuation line follows, never inside a wrapped record', () => {
    const text = Buffer.from(
      'error: a (pid:1) type t uses\n       ability X as root\ninfo: b\n  cont\n',
    );
    expect(text.subarray(0, lastCut(text, false)).toString()).toBe(
      'error: a (pid:1) type t uses\n       ability X as root\n',
    );
    expect(lastCut(Buffer.from('  a\n  b\n  c'), false)).toBe(0);
    expect(lastCut(Buffer.from('  a\n  b\n  c'), true)).toBe(8);
  });
});
