/**
 * The merge of shard results not used again (`mergeShards`' `owned`, a
 * two-thread read's): the same bytes as the merge that leaves its inputs
 * alone, the requirements merged into the first shard's set and let go from
 * the others' as they are merged (never held three times).
 */
import { generatedTrace } from '../test-utils/generated-trace';
import { cutLines, learnBytes } from '../test-utils/learn-summary';
import { mergeShards, type ShardResult } from './shard-learner';
import { MAX_LISTED_LINES } from './summary';
import { SummaryLearner } from './summary-learner';
import { summaryLines } from './summary-codec';

const encode = (learned: ShardResult): string =>
  [...summaryLines({ inputs: [], learned })].join('');

describe('merging owned shard results', () => {
  let trace: Buffer;
  beforeAll(async () => {
    trace = await generatedTrace(7, 3000, 0.05);
  });
  const shards = (cuts: number[]): ShardResult[] =>
    cutLines(trace, cuts).map((b, i) => learnBytes(`dev-${i}.log`, b).learned);

  it.each([[[0.5]], [[0.2, 0.6]], [[0.1, 0.3, 0.5, 0.9]]])(
    'gives the bytes the merge of untouched results gives (cut at %j)',
    (at) => {
      const cuts = at.map((f) => Math.floor(f * trace.length));
      const expected = encode(mergeShards(shards(cuts), MAX_LISTED_LINES));
      const owned = shards(cuts);
      const ranges = [...owned[0]!.inferred.requirements.byKey.values()].filter(
        (r) => (r.ranges?.length ?? 0) > 1,
      );
      expect(ranges.length).toBeGreaterThan(0);
      const first = owned[0]!.inferred.requirements;
      const others = owned.slice(1).map((r) => r.inferred.requirements);
      const merged = mergeShards(owned, MAX_LISTED_LINES, true);
      expect(merged.inferred.requirements).toBe(first);
      for (const o of others) expect(o.byKey.size).toBe(0);
      expect(encode(merged)).toBe(expected);
    },
  );

  it('calls beforeReviews once, the requirements merged and the review tables not yet', () => {
    const cuts = [Math.floor(0.5 * trace.length)];
    const expected = encode(mergeShards(shards(cuts), MAX_LISTED_LINES));
    const owned = shards(cuts);
    const sizes = owned.map((r) => r.review!.atoms.length);
    const calls: { movedFrom: number; atoms: number[] }[] = [];
    const merged = mergeShards(owned, MAX_LISTED_LINES, true, () =>
      calls.push({
        movedFrom: owned[1]!.inferred.requirements.byKey.size,
        atoms: owned.map((r) => r.review!.atoms.length),
      }),
    );
    expect(calls).toEqual([{ movedFrom: 0, atoms: sizes }]);
    expect(sizes.every((n) => n > 0)).toBe(true);
    expect(encode(merged)).toBe(expected);
  });

  /** Each part learned as a threaded reader's shard (`shardResult`: values as numbers). */
  const numeric = (cuts: number[]): ShardResult[] =>
    cutLines(trace, cuts).map((b, i) => {
      const learner = new SummaryLearner({ names: [], abilities: false, paths: false }, 1000);
      const parser = learner.piece(`dev-${i}.log`);
      parser.feed(b);
      learner.endPiece(parser);
      return learner.shardResult();
    });

  it.each([[[0.5]], [[0.1, 0.3, 0.5, 0.9]]])(
    'merges shards’ values as numbers into the bytes of their strings (cut at %j), owned or not',
    (at) => {
      const cuts = at.map((f) => Math.floor(f * trace.length));
      const expected = encode(mergeShards(shards(cuts), MAX_LISTED_LINES));
      const owned = numeric(cuts);
      const ability = [...owned[0]!.inferred.requirements.byKey.values()].filter(
        (r) => r.kind === 'ability',
      );
      expect(ability.length).toBeGreaterThan(0);
      // No decimal string made for a shard: its ranges wait for the merge.
      expect(ability.every((r) => r.ranges!.length === 0 && r.deniedRanges!.length === 0)).toBe(
        true,
      );
      expect(owned[0]!.values!.size).toBe(ability.length);
      const atReviews: number[] = [];
      const merged = mergeShards(owned, MAX_LISTED_LINES, true, () =>
        atReviews.push(ability.filter((r) => r.ranges!.length > 0).length),
      );
      expect(atReviews).toEqual([0]);
      expect(merged.values).toBeUndefined();
      expect(encode(merged)).toBe(expected);
      const inputs = numeric(cuts);
      expect(encode(mergeShards(inputs, MAX_LISTED_LINES))).toBe(expected);
      // Left alone: merged again, the same bytes.
      expect(encode(mergeShards(inputs, MAX_LISTED_LINES))).toBe(expected);
    },
  );
});
