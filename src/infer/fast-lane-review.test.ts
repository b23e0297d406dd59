import { expectSameReview, review } from '../test-utils/review-both-ways';
import { MAX_UNKNOWN } from './review-tally';
import { ShardLearner, mergeShards, type ShardResult } from './shard-learner';

// The review lane (src/infer/fast-lane.ts with a ReviewTally) must be invisible: see
// review-both-ways.ts. These tests pin what it takes besides records of known values.

const EVERYTHING = { names: [], abilities: false, paths: false };

/** Records of unknown form (three skeletons, one wrapped, one cut off) between known records. */
function unknownTrace(rounds: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < rounds; i++) {
    lines.push(`error: usr/sbin/sshd (pid:${i}) sent an unregistered sigevent to sbin/a`);
    lines.push(`info: sbin/a (pid:${i}) type a_t uses ability IO as root`);
    // No `NAME (pid:N)`: the whole record is the skeleton.
    lines.push(`info: qnet: node ${i % 3} is odd`);
    lines.push(`error: proc/boot/ln (pid:${1000 + i})`);
    lines.push(`       sent an unregistered sigevent to usr/bin/b`);
    // Cut off: the parser warns (trace-truncated-record), so the lane leaves these to it.
    lines.push(`error: sbin/a (pid:${i}) type a_t lacks ability`);
  }
  return lines;
}

/** A review learner's result for `pieces` of one file (each a learner: a thread), merged. */
function learned(pieces: string[][], withLane: boolean, maxListed: number): ShardResult {
  let firstLine = 1;
  const results = pieces.map((lines) => {
    // Told every record (`onReviewed`), a learner parses each: the lane is off.
    const learner = new ShardLearner(EVERYTHING, maxListed, {
      review: true,
      ...(withLane ? {} : { onReviewed: () => undefined }),
    });
    const parser = learner.piece('u.log', firstLine);
    parser.feed(Buffer.from(lines.join('\n') + '\n'));
    learner.endPiece(parser);
    firstLine += lines.length;
    return learner.result();
  });
  return mergeShards(results, maxListed);
}

/** What a review reads of a merged result. */
function view(r: ShardResult): unknown {
  const s = r.review!;
  return {
    atoms: s.atoms.map((a) => [a.key, a.event, a.failures, a.successes, a.failurePlaces]),
    counts: [s.events, s.failures, s.successes, s.unknownCount, r.eventCount, r.lines],
    unknown: s.unknown,
    notUnderstood: r.notUnderstood,
    notUnderstoodCount: r.notUnderstoodCount,
    records: r.records,
  };
}

describe('the review lane', () => {
  test('records of unknown form: the parser reads the first MAX_UNKNOWN, the lane counts and notes the rest', () => {
    // 500 rounds: 2,000 records of unknown form, 500 of them cut off.
    const lines = unknownTrace(500);
    const traces = [{ file: 'u.log', text: Buffer.from(lines.join('\n') + '\n') }];
    for (const chunk of [1 << 20, 4096, 0]) {
      const withLane = review(traces, true, chunk);
      const without = review(traces, false, chunk);
      expectSameReview(withLane, without);
      expect(without.summary.unknownCount).toBe(2000);
      expect(withLane.summary.unknown).toHaveLength(MAX_UNKNOWN);
      expect(withLane.diagnostics.filter((d) => d.ruleId === 'trace-unknown-record')).toHaveLength(
        2000,
      );
      // Past the first MAX_UNKNOWN (four in each round), the three skeletons of whole records
      // are the lane's: three in each of the last 250 rounds, but the first of them, matched
      // while the MAX_UNKNOWNth record (cut off, the round before's last) is still open.
      // Read in pieces, a line whose next is not in the same piece is the parser's.
      if (chunk === 1 << 20) expect(withLane.unknownTaken).toBe(3 * 250 - 1);
      else expect(withLane.unknownTaken).toBeGreaterThan(600);
    }
    // Below MAX_UNKNOWN records of unknown form, none is the lane's.
    const few = unknownTrace(200);
    const small = [{ file: 'u.log', text: Buffer.from(few.join('\n') + '\n') }];
    const withLane = review(small, true);
    expectSameReview(withLane, review(small, false));
    expect(withLane.unknownTaken).toBe(0);
  });

  test('records of unknown form on one thread and on two: the same lists and counts as the parser alone', () => {
    const lines = unknownTrace(700);
    const half = 6 * 350;
    for (const maxListed of [50, 100_000]) {
      const parsed = learned([lines], false, maxListed);
      expect(parsed.review!.unknownCount).toBe(2800);
      for (const pieces of [[lines], [lines.slice(0, half), lines.slice(half)]]) {
        expect(view(learned(pieces, true, maxListed))).toStrictEqual(view(parsed));
        expect(view(learned(pieces, false, maxListed))).toStrictEqual(view(parsed));
      }
    }
  });
});
