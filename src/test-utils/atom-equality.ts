/**
 * Deep equality (`toEqual`) of review atoms by what they tell, for tests that
 * compare whole summaries: an atom the review lane made holds its first
 * record as its skeleton's shape and pid, one read back from a summary file
 * or counted by the parser holds the text (src/infer/review-tally.ts,
 * TalliedAtom). Importing this module installs the tester.
 */
import { TalliedAtom } from '../infer/review-tally';

const atomView = (x: TalliedAtom): unknown[] => [
  x.family,
  x.value,
  x.record,
  x.position,
  x.failures,
  x.successes,
  x.failurePlaces,
];

// @types/jest does not declare Jest 30's addEqualityTesters.
(
  expect as unknown as {
    addEqualityTesters(testers: Array<(a: unknown, b: unknown) => boolean | undefined>): void;
  }
).addEqualityTesters([
  function (this: { equals: (a: unknown, b: unknown) => boolean }, a: unknown, b: unknown) {
    if (!(a instanceof TalliedAtom) || !(b instanceof TalliedAtom)) return undefined;
    return this.equals(atomView(a), atomView(b));
  },
]);
