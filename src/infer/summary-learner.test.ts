/**
 * SummaryLearner, one reading for both learners, gives the summary the two
 * learners give reading alone (each with its own lane), byte for byte: on
 * generated traces with records of unknown form (wrapped, cut off, past the
 * tally's MAX_UNKNOWN), lines not understood and hex values, fed in chunks of
 * any size and cut into pieces as the threaded readers cut them, with a
 * filter too. And the tally's lane follows the learner's: it looks up few
 * records in its own table.
 */
import { generatedTrace } from '../test-utils/generated-trace';
import { EVERYTHING, feedAsRead } from '../test-utils/learn-both-ways';
import { ShardLearner, type ShardResult } from './shard-learner';
import { SummaryLearner } from './summary-learner';
import { SkeletonTable } from './skeleton-table';
import { FirstByPlace } from '../diagnostics/first-by-place';
import { summaryLines } from './summary-codec';
import type { TraceFilter } from './trace-filter';

/** Records of unknown form and odd records among known ones (fast-lane-review.test.ts's, and more). */
function oddLines(rounds: number): string {
  const lines: string[] = [];
  for (let i = 0; i < rounds; i++) {
    lines.push(`error: usr/sbin/sshd (pid:${i}) sent an unregistered sigevent to sbin/a`);
    lines.push(`info: sbin/a (pid:${i}) type a_t uses ability IO as root`);
    lines.push(`info: qnet: node ${i % 3} is odd`);
    lines.push(`error: proc/boot/ln (pid:${1000 + i})`);
    lines.push(`       sent an unregistered sigevent to usr/bin/b`);
    lines.push(`error: sbin/a (pid:${i}) type a_t lacks ability`);
    lines.push(
      `info: sbin/b (pid:0${i}) type b_t uses ability MAP_FIXED(0x${i.toString(16)}) as root`,
    );
    lines.push(
      `error: sbin/b (pid:${i}) type b_t lacks ability SETUID(${i % 7} - ${i}) as non-root`,
    );
    lines.push(`not a record ${i}`);
  }
  return lines.join('\n') + '\n';
}

/** Lines of `text` cut into `count` pieces of whole lines, with each piece's first line. */
function pieces(text: Buffer, count: number): Array<{ bytes: Buffer; firstLine: number }> {
  const lines = text.toString('latin1').split('\n');
  lines.pop();
  const out: Array<{ bytes: Buffer; firstLine: number }> = [];
  const size = Math.ceil(lines.length / count);
  for (let at = 0; at < lines.length; at += size) {
    const piece = lines.slice(at, at + size).join('\n') + '\n';
    out.push({ bytes: Buffer.from(piece, 'latin1'), firstLine: at + 1 });
  }
  return out;
}

interface Learner {
  piece(file: string, firstLine?: number): { feed(b: Buffer): void; end(): unknown };
  endPiece(parser: never): void;
  result(): ShardResult;
}

/** `learner` fed `text` as `count` pieces (one learner, as a thread is), in chunks of `chunk`. */
function fed(learner: Learner, text: Buffer, count: number, chunk: number): ShardResult {
  for (const { bytes, firstLine } of pieces(text, count)) {
    const parser = learner.piece('t.log', firstLine);
    feedAsRead(parser, bytes, chunk);
    learner.endPiece(parser as never);
  }
  return learner.result();
}

/** The summary file of a result, as `summarize` writes it. */
function summaryOf(learned: ShardResult): string {
  return [
    ...summaryLines({ inputs: [{ file: 't.log', events: learned.eventCount }], learned }),
  ].join('');
}

function bothWays(text: Buffer, filter: TraceFilter, count: number, chunk: number): void {
  const alone = {
    ...fed(new ShardLearner(filter, 50) as unknown as Learner, text, count, chunk),
    review: fed(
      new ShardLearner(filter, 50, { review: true }) as unknown as Learner,
      text,
      count,
      chunk,
    ).review!,
  };
  const once = fed(new SummaryLearner(filter, 50) as unknown as Learner, text, count, chunk);
  expect(summaryOf(once)).toBe(summaryOf(alone));
  expect(once.records).toEqual(alone.records);
  expect(once.lines).toBe(alone.lines);
}

describe('SummaryLearner', () => {
  it('gives the summary both learners give alone', async () => {
    for (const [seed, garbage] of [
      [5, 0.02],
      [6, 0.2],
    ] as const) {
      const text = Buffer.concat([
        await generatedTrace(seed, 4000, garbage),
        Buffer.from(oddLines(40)),
      ]);
      for (const [count, chunk] of [
        [1, 65536],
        [1, 0],
        [3, 977],
        [7, 0],
      ] as const) {
        bothWays(text, EVERYTHING, count, chunk);
      }
      bothWays(text, { names: ['sbin/a', 'usr/sbin/sshd'], abilities: true, paths: false }, 2, 0);
    }
    // Past the tally's MAX_UNKNOWN records of unknown form kept whole: its lane takes them.
    bothWays(Buffer.from(oddLines(400)), EVERYTHING, 1, 4096);
  });

  it('looks a record up in one table: the tally’s lane follows the learner’s', async () => {
    // Twice over: the second time every skeleton is known to both lanes.
    const once = await generatedTrace(7, 20_000, 0.02);
    const text = Buffer.concat([once, once]);
    const finds = new Map<unknown, number>();
    const real = SkeletonTable.prototype.find;
    SkeletonTable.prototype.find = function (this: unknown, ...args: Parameters<typeof real>) {
      finds.set(this, (finds.get(this) ?? 0) + 1);
      return real.apply(this, args);
    } as typeof real;
    try {
      fed(new SummaryLearner(EVERYTHING, 50) as unknown as Learner, text, 1, 65536);
    } finally {
      SkeletonTable.prototype.find = real;
    }
    const counts = [...finds.values()].sort((a, b) => a - b);
    expect(counts).toHaveLength(2);
    // The learner's table: a look-up per record but those that fit the line before's skeleton;
    // the tally's: about one per skeleton met (most of them in the first copy).
    const records = text.toString('latin1').split('\n').length - 1;
    expect(counts[1]).toBeGreaterThan(records * 0.6);
    expect(counts[0]).toBeLessThan(records / 4);
  });

  it('notes records of unknown form once: the learner’s notes, not the tally’s too', () => {
    // Past the tally's MAX_UNKNOWN: its lane takes records of unknown form too, and counts them.
    const noted = new Set<unknown>();
    const real = { add: FirstByPlace.prototype.add, dropped: FirstByPlace.prototype.dropped };
    FirstByPlace.prototype.add = function (this: FirstByPlace, d) {
      noted.add(this);
      return real.add.call(this, d);
    };
    FirstByPlace.prototype.dropped = function (this: FirstByPlace, file, line) {
      noted.add(this);
      return real.dropped.call(this, file, line);
    };
    let result: ShardResult;
    try {
      result = fed(
        new SummaryLearner(EVERYTHING, 50) as unknown as Learner,
        Buffer.from(oddLines(400)),
        1,
        4096,
      );
    } finally {
      Object.assign(FirstByPlace.prototype, real);
    }
    expect(noted.size).toBe(1);
    expect(result.review!.unknownCount).toBe(1600);
    expect(result.notUnderstoodCount).toBeGreaterThan(1600);
  });
});
