/**
 * Merge laws of summaries (associative, commutative over distinct inputs,
 * the empty summary as identity), on the written bytes (requirements and
 * review tally), for summaries learned from random parts of generated traces;
 * and a summary of parts equals the summary of the whole learned at once (but
 * for the inputs named).
 */
import fc from 'fast-check';
import { generatedTrace } from '../test-utils/generated-trace';
import { emptySummary, mergeSummaries, type Summary } from './summary';
import { summaryChunks, summaryLines } from './summary-codec';
import { cutLines, learnBytes } from '../test-utils/learn-summary';
import { ShardLearner, type ShardResult } from './shard-learner';

/** A summary's text, checked against the bytes `summarize` writes of it (summaryChunks). */
const encode = (s: Summary): string => {
  const text = [...summaryLines(s)].join('');
  expect(Buffer.concat([...summaryChunks(s)]).equals(Buffer.from(text))).toBe(true);
  return text;
};

describe('summary merge laws', () => {
  let trace: Buffer;
  beforeAll(async () => {
    trace = await generatedTrace(31, 2500, 0.05);
  });

  const parts = (cuts: number[]): Summary[] =>
    cutLines(trace, cuts).map((b, i) => learnBytes(`dev-${String(i).padStart(2, '0')}.log`, b));

  it('associative, commutative, with the empty summary as identity (bytes written)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(trace.length), { minLength: 2, maxLength: 5 }), (cuts) => {
        const [a, b, c] = parts(cuts) as [Summary, Summary, Summary];
        const ab_c = encode(mergeSummaries([mergeSummaries([a, b]), c]));
        expect(encode(mergeSummaries([a, mergeSummaries([b, c])]))).toBe(ab_c);
        expect(encode(mergeSummaries([c, b, a]))).toBe(ab_c);
        expect(encode(mergeSummaries([b, a]))).toBe(encode(mergeSummaries([a, b])));
        expect(encode(mergeSummaries([a, emptySummary()]))).toBe(encode(mergeSummaries([a])));
        expect(encode(mergeSummaries([emptySummary(), a]))).toBe(encode(mergeSummaries([a])));
      }),
      { seed: 18, numRuns: 15 },
    );
  });

  it('merges thousands of summaries at once as it merges them in a tree', () => {
    const lines = cutLines(
      trace,
      Array.from({ length: 2400 }, (_, i) => Math.floor((i * trace.length) / 2400)),
    );
    const many = lines.map((b, i) => learnBytes(`d-${String(i).padStart(5, '0')}.log`, b));
    expect(many.length).toBeGreaterThan(2000);
    const tree: Summary[] = [];
    for (let i = 0; i < many.length; i += 100) tree.push(mergeSummaries(many.slice(i, i + 100)));
    expect(encode(mergeSummaries(many))).toBe(encode(mergeSummaries(tree)));
  });

  it('the atoms and review accesses of merged parts are those of parts learned in one learner', () => {
    const cut = parts([trace.length / 3, (2 * trace.length) / 3]);
    const merged = mergeSummaries(cut).learned;
    expect(merged.inferred.requirements.byKey.size).toBeGreaterThan(20);
    expect(merged.review!.atoms.length).toBeGreaterThan(20);
    const learnWhole = (review: boolean): ShardResult => {
      const one = new ShardLearner({ names: [], abilities: false, paths: false }, 1000, { review });
      cutLines(trace, [trace.length / 3, (2 * trace.length) / 3]).forEach((b, i) => {
        const p = one.piece(`dev-${String(i).padStart(2, '0')}.log`);
        p.feed(b);
        one.endPiece(p);
      });
      return one.result();
    };
    const whole = { ...learnWhole(false), review: learnWhole(true).review! };
    expect(encode({ inputs: [], learned: merged })).toBe(
      encode({ inputs: [], learned: mergeSummaries([{ inputs: [], learned: whole }]).learned }),
    );
  });
});
