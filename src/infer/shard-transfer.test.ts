import fc from 'fast-check';
import { PassThrough } from 'node:stream';
import { generateTrace } from '../bench/generate-trace';
import { BLOCK_ROWS } from './atom-columns';
import { AtomTable } from './atom-table';
import {
  AtomRows,
  ReviewTally,
  mergeOwnedReviewSummaries,
  mergeReviewSummaries,
  shiftAtomLines,
  type ReviewSummary,
  type TalliedAtom,
} from './review-tally';
import { ShardLearner, mergeShards, type ShardResult } from './shard-learner';
import { packShardResult, unpackShardResult, type PackedShard } from './shard-transfer';
import { packTable, unpackTable } from './table-transfer';
import { abilityEvent, pathEvent } from './test-events';
import { RequirementAccumulator } from './requirement-accumulator';
import type { AbilityEvent } from '../trace/event';
import type { RequirementValues } from './value-set';

/** A generated trace's bytes. */
async function traceBytes(seed: number, lines: number): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await generateTrace({ seed, lines, out, garbage: 0.02 });
  out.end();
  return Buffer.concat(chunks);
}

/** One shard's review result: `bytes` learned as a piece whose first line is line 1. */
function shard(bytes: Buffer): ShardResult {
  const learner = new ShardLearner({ names: [], abilities: false, paths: false }, 1000, {
    review: true,
  });
  const parser = learner.piece('t.log');
  parser.feed(bytes);
  learner.endPiece(parser);
  return learner.result();
}

/** As a worker posts it and the reader takes it: packed, every buffer moved, unpacked. */
function crossed(r: ShardResult): {
  got: ShardResult;
  message: PackedShard;
  transfer: ArrayBuffer[];
} {
  const { packed, transfer } = packShardResult(r);
  const message = structuredClone(packed, { transfer });
  return { got: unpackShardResult(message), message, transfer };
}

/** What a message holds besides containers: typed arrays (each of a transferred buffer) and numbers. */
function leaves(v: unknown, transfer: Set<ArrayBuffer>, out: string[]): void {
  if (v === undefined || typeof v === 'number') return;
  if (ArrayBuffer.isView(v)) {
    if (!transfer.has(v.buffer as ArrayBuffer)) out.push('a typed array not transferred');
    return;
  }
  if (Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype) {
    for (const x of Object.values(v as object)) leaves(x, transfer, out);
    return;
  }
  out.push(typeof v === 'object' ? (v as object).constructor.name : typeof v);
}

/** A review summary as text: atoms by what they tell, counts, unknown records. */
const canon = (s: ReviewSummary): string =>
  JSON.stringify({
    ...s,
    atoms: s.atoms.map((a) => {
      const t = a as TalliedAtom;
      return [t.key, t.record, t.position, t.failures, t.successes, t.failurePlaces];
    }),
  });

describe('a shard result crossing threads', () => {
  it('is typed arrays and numbers only, every buffer transferred (no object graph cloned)', async () => {
    const bytes = await traceBytes(3, 4000);
    const r = shard(bytes);
    const { packed, transfer } = packShardResult(r);
    const odd: string[] = [];
    leaves(packed, new Set(transfer), odd);
    expect(odd).toEqual([]);
    structuredClone(packed, { transfer });
    expect(transfer.every((b) => b.byteLength === 0)).toBe(true);
  });

  it('merges into what one thread gives, lines shifted after the crossing (generated traces)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        async (seed, at) => {
          const bytes = await traceBytes(seed, 1500);
          // At a record boundary (src/cli/parallel/shard-ranges.ts): not before a continuation line.
          let cut = bytes.indexOf(0x0a, Math.floor(bytes.length * at)) + 1;
          while (bytes[cut] === 0x20 || bytes[cut] === 0x09) cut = bytes.indexOf(0x0a, cut) + 1;
          const whole = shard(bytes);
          const first = shard(bytes.subarray(0, cut));
          const { got: second } = crossed(shard(bytes.subarray(cut)));
          // As read-parallel.ts shifts a later shard's lines by the lines before it.
          shiftAtomLines(second.review!.atoms, first.lines);
          for (const u of second.review!.unknown) u.position.line += first.lines;
          const merged = mergeShards([first, second], 1000, true);
          expect(canon(merged.review!)).toBe(canon(whole.review!));
          expect(merged.eventCount).toBe(whole.eventCount);
          expect(merged.records).toEqual(whole.records);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('keeps texts past latin1, events held whole, wide columns and lines past 2^32', () => {
    const t = new ReviewTally();
    const events = [
      pathEvent({ kind: 'attach', type: 'a_t', path: '/dev/路径', line: 3, severity: 'error' }),
      pathEvent({ kind: 'attach', type: 'a_t', path: '/dev/路径', line: 5, severity: 'error' }),
      pathEvent({
        kind: 'attach',
        type: 'a_t',
        path: '/dev/路径',
        line: 2 ** 33,
        severity: 'error',
      }),
      abilityEvent({
        type: 'b_t',
        ability: 'SETUID',
        argument: { kind: 'value', value: String(2 ** 40) },
        line: 7,
      }),
      { ...abilityEvent({ type: 'c_t', ability: 'IO', line: 9 }), time: 12 },
    ];
    for (const e of events) t.add(e);
    const s = t.result();
    const before = canon(s);
    const table = (s.atoms as AtomRows).table;
    const { packed, transfer } = packTable(table);
    const got = unpackTable(structuredClone(packed, { transfer }));
    expect(canon({ ...s, atoms: new AtomRows(got, (s.atoms as AtomRows).order) })).toBe(before);
    // Counted into again after the crossing: its places become a map, its hash is made again.
    const again = new ReviewTally();
    for (const e of events) again.add(e);
    const both = mergeOwnedReviewSummaries([
      { ...s, atoms: new AtomRows(got, undefined) },
      again.result(),
    ]);
    const copies = new ReviewTally();
    for (const e of [...events, ...events]) copies.add(e);
    expect(canon({ ...both, unknown: [] })).toBe(canon({ ...copies.result(), unknown: [] }));
  });
});

describe('a merge of tables it owns', () => {
  it('gives each block of a table counted in back as it goes, with the same result', () => {
    const tally = (from: number): ReviewSummary => {
      const t = new ReviewTally();
      for (let i = 0; i < BLOCK_ROWS + 100; i++) {
        t.add(
          abilityEvent({
            type: 'a_t',
            ability: 'SETUID',
            argument: { kind: 'value', value: String(from + i) },
            line: 1 + i,
            severity: i % 3 === 0 ? 'error' : 'info',
          }),
        );
      }
      return t.result();
    };
    const copied = mergeReviewSummaries(tally(0), tally(500));
    const first = tally(0);
    const second = tally(500);
    const counted: AtomTable = (first.atoms as AtomRows).table;
    const block = counted.a.blocks[0]!;
    const owned = mergeOwnedReviewSummaries([first, second]);
    expect(canon(owned)).toBe(canon(copied));
    // The last table is taken over; the first's rows are counted into it, its blocks let go of now.
    expect((owned.atoms as AtomRows).table).toBe((second.atoms as AtomRows).table);
    expect(counted.columns().every((c) => c.bytes() === 0)).toBe(true);
    expect(block.buffer.byteLength).toBe(0);
  });

  it('orders the rows of a merge (runs in order) by merging the runs, not by a sort', () => {
    const tally = (lines: number[]): ReviewSummary => {
      const t = new ReviewTally();
      for (const line of lines) {
        t.add(
          abilityEvent({
            type: 'a_t',
            ability: 'SETUID',
            argument: { kind: 'value', value: String(line % 7) },
            line,
            severity: 'error',
          }),
        );
      }
      return t.result();
    };
    const a = [1, 4, 9, 12, 20, 31];
    const b = [2, 3, 10, 11, 40];
    const c = [5, 6, 7, 8, 13];
    const copied = mergeReviewSummaries(tally(a), tally(b), tally(c));
    const sort = jest.spyOn(Int32Array.prototype, 'sort');
    const owned = mergeOwnedReviewSummaries([tally(a), tally(b), tally(c)]);
    expect(sort).not.toHaveBeenCalled();
    sort.mockRestore();
    expect(canon(owned)).toBe(canon(copied));
    expect((owned.atoms as AtomRows).order).toBeDefined();
  });
});

describe('a shard’s values crossing threads as numbers', () => {
  /** A shard of requirements learned from `events`, its values handed over as numbers. */
  const learned = (events: AbilityEvent[]): ShardResult => {
    const accumulator = new RequirementAccumulator();
    for (const e of events) accumulator.add(e);
    const values: RequirementValues = new Map();
    return {
      inferred: accumulator.takeValues(values),
      eventCount: events.length,
      notUnderstood: [],
      notUnderstoodCount: 0,
      lines: events.length,
      records: {},
      values,
    };
  };
  const check = (value: string, line: number, ability = 'SETUID'): AbilityEvent =>
    abilityEvent({
      type: 'a_t',
      ability,
      argument: value.includes('-')
        ? { kind: 'range', start: value.split('-')[0]!, end: value.split('-')[1]! }
        : { kind: 'value', value },
      severity: line % 2 === 0 ? 'error' : 'info',
      line,
    });

  it('keep bounds past 2^53 exactly, whole sets, and merge into the one-thread ranges', () => {
    const first = [
      check('18446744073709551000-18446744073709551615', 1),
      check('9007199254740993', 2),
      check('5', 3),
      check('7-9', 4),
      check('1', 5, 'IO'),
      abilityEvent({ type: 'a_t', ability: 'IO', line: 6 }),
    ];
    const second = [
      check('10', 7),
      check('9007199254740990-9007199254740994', 8),
      check('18446744073709551614', 12),
      check('3', 10, 'IO'),
    ];
    const { packed, transfer } = packShardResult(learned(second));
    const odd: string[] = [];
    leaves(packed, new Set(transfer), odd);
    expect(odd).toEqual([]);
    const got = unpackShardResult(structuredClone(packed, { transfer }));
    expect([...got.values!.keys()]).toEqual([...learned(second).values!.keys()]);
    const merged = mergeShards([learned(first), got], 10, true);
    const accumulator = new RequirementAccumulator();
    for (const e of [...first, ...second]) accumulator.add(e);
    const whole = accumulator.take().requirements;
    const ranges = (r: ShardResult['inferred']['requirements']): unknown =>
      [...r.byKey.values()].map((q) => [q.key, q.whole, q.ranges, q.deniedWhole, q.deniedRanges]);
    expect(ranges(merged.inferred.requirements)).toEqual(ranges(whole));
    expect(ranges(whole)).toContainEqual([
      expect.any(String),
      false,
      [
        ['5', '5'],
        ['7', '9'],
        ['10', '10'],
        ['9007199254740990', '9007199254740994'],
        ['18446744073709551000', '18446744073709551615'],
      ],
      false,
      [
        ['7', '9'],
        ['9007199254740990', '9007199254740994'],
        ['18446744073709551614', '18446744073709551614'],
      ],
    ]);
  });
});
