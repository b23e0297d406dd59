/**
 * Deep equality (`toEqual`) of review atoms by what they tell, for tests that
 * compare whole summaries: an atom the review lane made holds its first
 * record as its skeleton's shape and pid, one read back from a summary file
 * or counted by the parser holds the text (src/infer/review-tally.ts,
 * TalliedAtom); and of atom lists by their atoms in order (a table's rows
 * are laid out as they were counted or merged). Importing this module
 * installs the testers.
 */
import { AtomRows, TalliedAtom } from '../infer/review-tally';

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
    addEqualityTesters(
      testers: Array<(a: unknown, b: unknown, testers: unknown[]) => boolean | undefined>,
    ): void;
  }
).addEqualityTesters([
  function (this: { equals: (a: unknown, b: unknown) => boolean }, a: unknown, b: unknown) {
    if (!(a instanceof TalliedAtom) || !(b instanceof TalliedAtom)) return undefined;
    return this.equals(atomView(a), atomView(b));
  },
  function (
    this: { equals: (a: unknown, b: unknown, testers: unknown[]) => boolean },
    a: unknown,
    b: unknown,
    testers: unknown[],
  ) {
    if (!(a instanceof AtomRows) && !(b instanceof AtomRows)) return undefined;
    const items = (x: unknown): unknown => (x instanceof AtomRows ? [...x] : x);
    // The atoms compare by the tester above: passed on.
    return this.equals(items(a), items(b), testers);
  },
]);
