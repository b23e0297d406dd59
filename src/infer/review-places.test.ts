/**
 * A review tally that keeps no failure place after an atom's first
 * (`places: false`, for `harden`, which lists none): the same atoms, counts
 * and first places as a tally that keeps them, through the review lane and
 * the parser alike, in one piece or several merged, and through the parallel
 * reader's tasks (byte ranges, a gzip file).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readTracesParallel } from '../cli/parallel/read-parallel';
import { ShardLearner, mergeShards, type ShardResult } from './shard-learner';

const EVERYTHING = { names: [], abilities: false, paths: false };

/** Three atoms, each failing several times, with successes between. */
function trace(rounds: number): string {
  const lines: string[] = [];
  for (let i = 0; i < rounds; i++) {
    lines.push(`error: sbin/a (pid:${i}) type a_t lacks ability IO as root`);
    lines.push(`info: sbin/a (pid:${i}) type a_t uses ability PATHSPACE as root`);
    lines.push(`error: sbin/b (pid:${i}) type b_t lacks ability SETUID(${i % 2}) as non-root`);
  }
  return lines.join('\n') + '\n';
}

/** The review tally of `text` cut into `pieces` (one learner each, merged). */
function learned(
  text: string,
  pieces: number,
  mode: { places: boolean; lane: boolean },
): ShardResult {
  const lines = text.split('\n').slice(0, -1);
  const size = Math.ceil(lines.length / pieces);
  const results: ShardResult[] = [];
  for (let k = 0; k < lines.length; k += size) {
    const learner = new ShardLearner(EVERYTHING, 10, {
      review: true,
      places: mode.places,
      // Told every record, a learner parses each: the lane is off.
      ...(mode.lane ? {} : { onReviewed: () => undefined }),
    });
    const parser = learner.piece('t.log', k + 1);
    parser.feed(Buffer.from(lines.slice(k, k + size).join('\n') + '\n'));
    learner.endPiece(parser);
    results.push(learner.result());
  }
  return mergeShards(results, 10);
}

function atoms(r: ShardResult, placesKept: number) {
  return [...r.review!.atoms].map((a) => ({
    key: a.key,
    failures: a.failures,
    successes: a.successes,
    places: a.failurePlaces.slice(0, placesKept).map((p) => `${p.file}:${p.line}`),
  }));
}

describe.each([
  { lane: true, pieces: 1 },
  { lane: false, pieces: 1 },
  { lane: true, pieces: 3 },
])('review tally without places (lane $lane, $pieces piece(s))', ({ lane, pieces }) => {
  it('keeps the atoms, counts and first failure place; no further place counted in', () => {
    const text = trace(12);
    const kept = learned(text, pieces, { places: true, lane });
    const none = learned(text, pieces, { places: false, lane });
    expect(atoms(none, 1)).toEqual(atoms(kept, 1));
    expect(none.review!.failures).toBe(kept.review!.failures);
    expect(none.review!.successes).toBe(kept.review!.successes);
    // Kept: up to MAX_GROUP_PLACES each; without: one per piece at most (merged first places).
    expect(Math.max(...[...kept.review!.atoms].map((a) => a.failurePlaces.length))).toBe(8);
    for (const a of none.review!.atoms) expect(a.failurePlaces.length).toBeLessThanOrEqual(pieces);
  });
});

describe('the parallel reader passes `places` to every task', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'places-'));
    await fs.writeFile(path.join(dir, 'a.log'), trace(400));
    await fs.writeFile(path.join(dir, 'b.log.gz'), gzipSync(trace(30)));
  });
  afterAll(() => fs.rm(dir, { recursive: true }));

  it.each([true, false])('places %s', async (places) => {
    const io = {
      stdin: new PassThrough(),
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      env: {},
      cwd: dir,
    };
    const r = await readTracesParallel(['a.log', 'b.log.gz'], EVERYTHING, io, 10, {
      threads: 3,
      minBytes: 0,
      inProcess: true,
      review: true,
      places,
    });
    const most = Math.max(...[...r!.review!.atoms].map((a) => a.failurePlaces.length));
    // Kept: 8 per atom; without: one per task at most (three byte ranges and the gzip file).
    if (places) expect(most).toBe(8);
    else expect(most).toBeLessThanOrEqual(4);
  });
});
