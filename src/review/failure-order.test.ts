/**
 * The failure order (failure-order.ts) read from a tally's columns: the
 * same order as its atoms read one by one, and no atom object made for it.
 */
import { shiftAtomLines, TalliedAtom, tallyEvents, type ReviewAtom } from '../infer/review-tally';
import { parseTraceText } from '../trace/push-parser';
import { generatedTrace } from '../test-utils/generated-trace';
import type { TraceEvent } from '../trace/event';
import { failurePlaceOrder } from './failure-order';

async function events(): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for (const [file, seed] of [
    ['z.log', 31],
    ['B.log', 32],
    ['a.log', 33],
  ] as const)
    out.push(...parseTraceText(await generatedTrace(seed, 2000), file).events);
  return out;
}

describe('failurePlaceOrder', () => {
  it("reads a tally's places from its columns: the order of its atoms read one by one", async () => {
    const summary = tallyEvents(await events());
    const asArray: ReviewAtom[] = [...summary.atoms];
    const want = [...failurePlaceOrder(asArray)];
    expect(want.length).toBeGreaterThan(100);
    const places = jest.spyOn(TalliedAtom.prototype, 'failurePlaces', 'get');
    const failures = jest.spyOn(TalliedAtom.prototype, 'failures', 'get');
    try {
      expect([...failurePlaceOrder(summary.atoms)]).toEqual(want);
      // No atom view per atom (each would be an object, and its places an array of objects).
      expect(places).not.toHaveBeenCalled();
      expect(failures).not.toHaveBeenCalled();
    } finally {
      places.mockRestore();
      failures.mockRestore();
    }
  });

  it('orders the failures of one file by line, then atom order (a radix sort by line)', async () => {
    const summary = tallyEvents(parseTraceText(await generatedTrace(34, 3000), 'one.log').events);
    // Lines past 2^16: sorted by both halves of a line.
    shiftAtomLines(summary.atoms, 65_000);
    const atoms = [...summary.atoms];
    const line = (i: number): number => atoms[i]!.failurePlaces[0]!.line;
    const want = atoms
      .map((_, i) => i)
      .filter((i) => atoms[i]!.failures > 0)
      .sort((x, y) => line(x) - line(y) || x - y);
    expect(want.length).toBeGreaterThan(100);
    // Not in atom order already (a first failure can come after a later atom's).
    expect(want).not.toEqual([...want].sort((x, y) => x - y));
    expect([...failurePlaceOrder(summary.atoms)]).toEqual(want);
    // Two failing atoms of one line: by atom order.
    const at = (l: number): ReviewAtom =>
      ({ failures: 1, failurePlaces: [{ file: 'a', line: l }] }) as unknown as ReviewAtom;
    expect([...failurePlaceOrder([at(70_001), at(5), at(70_001), at(4_465)])]).toEqual([
      1, 3, 0, 2,
    ]);
  });

  it('keeps lines past 2^32 exact and orders an empty list', () => {
    const atom = (line: number): ReviewAtom =>
      ({ failures: 1, failurePlaces: [{ file: 'a', line }] }) as unknown as ReviewAtom;
    const atoms = [atom(2 ** 32 + 1), atom(2 ** 32), atom(1)];
    expect([...failurePlaceOrder(atoms)]).toEqual([2, 1, 0]);
    expect([...failurePlaceOrder([])]).toEqual([]);
  });
});
