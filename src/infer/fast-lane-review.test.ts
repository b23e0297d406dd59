import { expectSameReview, review } from '../test-utils/review-both-ways';
import { AtomTable } from './atom-table';
import { MAX_UNKNOWN, TalliedAtom } from './review-tally';
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

  test('hex and zero-led values: counted into the atom of their number, a new atom keeping the record as written', () => {
    // Every skeleton met first (each twice, so the lane knows it); then records whose values
    // are hex, zero-led or decimal, of values met and new, each form first and the other after.
    const forms = (pid: string, v: string[]): string[] => [
      `error: usr/sbin/sshd (pid:${pid}) type fs_t lacks ability SETUID(${v[0]}) as root`,
      `info: sbin/a (pid:${pid}) type a_t uses ability MAP_FIXED(${v[1]} - ${v[2]}) as non-root`,
      `error: sbin/a (pid:${pid}) type a_t lacks ability MAP_FIXED(${v[0]}-${v[3]}) as root`,
      `info: sbin/a (pid:${pid}) type a_t uses ability CHANNEL_CONNECT(${v[3]}) (b_t) as root`,
      `[  12.5] error: sbin/b (pid:${pid}) type b_t lacks ability PRIORITY(${v[2]}) as root`,
      `info: sbin/b (pid:${pid}) type b_t uses`,
      `   ability SETGID(${v[1]}) as root`,
    ];
    const written = [
      (n: bigint) => n.toString(),
      (n: bigint) => `0x${n.toString(16)}`,
      (n: bigint) => `0X00${n.toString(16).toUpperCase()}`,
      (n: bigint) => `000${n.toString()}`,
    ];
    // The records after are written in four patterns (`i % 4`): each pattern's skeletons, twice.
    const warm: string[] = [];
    for (let w = 0; w < 8; w++) {
      warm.push(
        ...forms(
          String(7 + w),
          [1, 2, 3, 4].map((k) => written[(w + k - 1) % 4]!(5n)),
        ),
      );
    }
    warm.push('#warm');
    // Values within a value key's number (15 digits) and past it: as written, the parser's.
    const edges = [999_999_999_999_999n, 10n ** 15n, 0xfffffffffffffn, 0x1fffffffffffffn];
    const tested: string[] = [];
    let lane = 0;
    for (let i = 0; i < 400; i++) {
      const number = (k: number): bigint =>
        i % 50 === 49 ? edges[(i + k) % 4]! : BigInt(((i * 7 + k * 13) % 90) * 4096 + k);
      const values = [0, 1, 2, 3].map(number);
      const texts = values.map((n, k) => written[(i + k) % 4]!(n));
      const lines = forms(String(100 + i), texts);
      tested.push(...lines);
      // Each record is the lane's but where a value's decimal is past 15 digits, or (hex)
      // past 13 hex digits.
      const fits = (n: bigint, k: number): boolean =>
        n < 10n ** 15n && (!texts[k]!.startsWith('0') || n <= 0xfffffffffffffn);
      const ok = values.map(fits);
      lane += [ok[0]!, ok[1]! && ok[2]!, ok[0]! && ok[3]!, ok[3]!, ok[2]!, ok[1]!].filter(
        Boolean,
      ).length;
    }
    const text = (lines: string[]): Buffer => Buffer.from(lines.join('\n') + '\n');
    const warmOnly = review([{ file: 'h.log', text: text(warm) }], true);
    // A last line: the lane sees a record only when the line after it is there.
    const traces = [{ file: 'h.log', text: text([...warm, ...tested, '#end']) }];
    for (const chunk of [1 << 20, 0]) {
      const withLane = review(traces, true, chunk);
      expectSameReview(withLane, review(traces, false, chunk));
      if (chunk === 1 << 20) expect(withLane.taken - warmOnly.taken).toBe(lane);
      for (const a of withLane.summary.atoms) {
        // The first record as held rebuilds the record as written.
        expect((a as TalliedAtom).record).toBe(a.event.record);
      }
    }
  });

  test('a record of the value its skeleton last counted: into that row without a look-up; a new value: one look-up', () => {
    // Two skeletons, each met twice first (the lane then knows it); then runs of one value
    // (the lane's row of the skeleton), values met before and new values.
    const records = (pid: number, v: number): string[] => [
      `error: sbin/a (pid:${pid}) type a_t lacks ability SETUID(${v}) as root`,
      `info: sbin/b (pid:${pid}) type b_t uses ability PUBLIC_CHANNEL as root`,
    ];
    const lines: string[] = [];
    for (let i = 0; i < 2; i++) lines.push(...records(i, 1));
    const repeats = 300;
    for (let i = 0; i < repeats; i++) lines.push(...records(10 + i, 7));
    const values = 50;
    for (let i = 0; i < values; i++) lines.push(...records(500 + i, 1000 + i));
    // Values met before, the skeleton's last row another: a look-up each.
    for (let i = 0; i < values; i++) lines.push(...records(900 + i, 1000 + i));
    lines.push('#end');
    const traces = [{ file: 'c.log', text: Buffer.from(lines.join('\n') + '\n') }];
    const find = jest.spyOn(AtomTable.prototype, 'find');
    try {
      const withLane = review(traces, true, 1 << 20);
      const looked = find.mock.calls.length;
      // Every record but each skeleton's first.
      expect(withLane.taken).toBe(lines.length - 1 - 2);
      // The repeats find their row in the skeleton; a new value is looked up once (not again
      // when its row is made), a value met before once.
      expect(looked).toBeLessThanOrEqual(2 * values + 8);
      find.mockClear();
      expectSameReview(withLane, review(traces, false, 1 << 20));
    } finally {
      find.mockRestore();
    }
  });

  test('remembered rows of values past 2^31 and 2^32: a record of another value that agrees in the low bits is not counted into the row', () => {
    // Values that differ only above bit 31 or 32, up to a value key's largest number, each met
    // in runs: the row a skeleton last counted must compare the whole value.
    const big = [
      2 ** 31 + 9,
      9,
      2 ** 32 + 9,
      2 ** 33 + 9,
      999_999_999_999_999,
      999_999_999_999_998,
    ];
    const records = (pid: number, v: number, w: number): string[] => [
      `error: sbin/a (pid:${pid}) type a_t lacks ability SETUID(${v}) as root`,
      `info: sbin/a (pid:${pid}) type a_t uses ability MAP_FIXED(${v}-${w}) as non-root`,
    ];
    const lines: string[] = [];
    for (let i = 0; i < 2; i++) lines.push(...records(i, 1, 2));
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < big.length; k++) {
        for (let i = 0; i < 5; i++) {
          lines.push(...records(100 * round + 10 * k + i, big[k]!, big[(k + 1) % big.length]!));
        }
      }
    }
    lines.push('#end');
    const traces = [{ file: 'w.log', text: Buffer.from(lines.join('\n') + '\n') }];
    const find = jest.spyOn(AtomTable.prototype, 'find');
    try {
      const withLane = review(traces, true, 1 << 20);
      // Every record but each skeleton's first; a run's later records without a look-up.
      expect(withLane.taken).toBe(lines.length - 1 - 2);
      expect(find.mock.calls.length).toBeLessThanOrEqual(2 * 3 * big.length + 8);
      const alone = review(traces, false, 1 << 20);
      expectSameReview(withLane, alone);
      expect(withLane.summary.atoms).toHaveLength(2 + 2 * big.length);
    } finally {
      find.mockRestore();
    }
  });

  test('a path with a run of blanks: counted by the lane after its first record, which keeps the text the parser joined', () => {
    // The parser joins runs of blanks in the text an atom's first record keeps; the lane would
    // keep the bytes, so it never makes such an atom (its skeleton says so: digit runs hold no
    // blank). Files read out of name order: a record before its row's first is the parser's.
    const record = (pid: number, path: string): string =>
      `error: bin/f (pid:${pid}) of type fs_t failed to attach to path ${path}: bad op`;
    const lines = (from: number): string[] =>
      Array.from({ length: 30 }, (_, k) => record(from + k, k % 3 === 0 ? '/dev/a  b' : '/dev/c'));
    const text = (l: string[]): Buffer => Buffer.from(l.join('\n') + '\n');
    const traces = [
      { file: 'z.log', text: text(lines(100)) },
      { file: 'a.log', text: text(lines(200)) },
    ];
    for (const chunk of [1 << 20, 4096, 0]) {
      const withLane = review(traces, true, chunk);
      expectSameReview(withLane, review(traces, false, chunk));
      expect(withLane.summary.atoms.map((a) => a.event.record)).toEqual([
        'error: bin/f (pid:200) of type fs_t failed to attach to path /dev/a b: bad op',
        'error: bin/f (pid:201) of type fs_t failed to attach to path /dev/c: bad op',
      ]);
      if (chunk === 1 << 20) expect(withLane.taken).toBeGreaterThan(40);
    }
  });

  test("pieces read out of order: a record before the row its skeleton last counted is the parser's", () => {
    // One file in three pieces, read last piece first: the rows' first records move earlier.
    const piece = (from: number, n: number): string[] =>
      Array.from({ length: n }, (_, k) =>
        k % 2 === 0
          ? `error: sbin/a (pid:${from + k}) type a_t lacks ability SETUID(${k % 6}) as root`
          : `info: sbin/b (pid:${from + k}) type b_t uses ability PUBLIC_CHANNEL as root`,
      );
    const text = (lines: string[]): Buffer => Buffer.from(lines.join('\n') + '\n');
    const traces = [
      { file: 'o.log', firstLine: 201, text: text(piece(201, 100)) },
      { file: 'o.log', firstLine: 1, text: text(piece(1, 100)) },
      { file: 'o.log', firstLine: 101, text: text(piece(101, 100)) },
    ];
    for (const chunk of [1 << 20, 4096, 0]) {
      expectSameReview(review(traces, true, chunk), review(traces, false, chunk));
    }
  });
});
