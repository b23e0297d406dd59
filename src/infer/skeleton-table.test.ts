import { MAX_ABILITY_VALUE } from '../qnx/abilities';
import { MAX_PID_CHARS, SURE_HEX_DIGITS, SURE_VALUE_DIGITS } from '../trace/grammar';
import { DECIMAL_RUN, HEX_RUN, Runs, SkeletonTable } from './skeleton-table';

const D = String.fromCharCode(DECIMAL_RUN);
const H = String.fromCharCode(HEX_RUN);

/** Looks `record` up at an odd offset inside a larger buffer (as a line inside a chunk). */
function find<T>(table: SkeletonTable<T>, record: string, hash: number, runs = new Runs()): number {
  const chunk = Buffer.from(`xyz\n${record}\nrest`, 'latin1');
  const bytes = chunk.subarray(1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return table.find(bytes, view, 3, 3 + record.length, hash, runs);
}

describe('SkeletonTable', () => {
  test('a record fits its skeleton with any runs of the right digits; its runs are read', () => {
    const table = new SkeletonTable<string>(100, 8);
    const skeleton = `info: sbin/a (pid:${D}) type a_t uses ability IO(${D} - 0x${H}) as root`;
    expect(table.add(skeleton, 7, 'io')).toBe(0);
    const runs = new Runs();
    const record = 'info: sbin/a (pid:123456) type a_t uses ability IO(9 - 0xBeEf) as root';
    expect(find(table, record, 7, runs)).toBe(0);
    expect(table.value(0)).toBe('io');
    expect(runs.count).toBe(3);
    expect(runs.hex).toBe(0b100);
    // Bounds are offsets in the bytes given (the record starts at 3).
    const at = (r: number): string =>
      record.slice(runs.bounds[2 * r]! - 3, runs.bounds[2 * r + 1]! - 3);
    expect([at(0), at(1), at(2)]).toEqual(['123456', '9', 'BeEf']);
  });

  test('no fit: other literal bytes, an empty run, hex where decimal is, too many digits, a longer record', () => {
    const table = new SkeletonTable<string>(100, 8);
    table.add(`error: a (pid:${D}) type t lacks ability IO(${D}) as root`, 1, 'a');
    for (const record of [
      'error: a (pid:1) type t lacks ability IO(2) as rooT',
      'error: a (pid:) type t lacks ability IO(2) as root',
      'error: a (pid:1) type t lacks ability IO(0x2) as root',
      'error: a (pid:1) type t lacks ability IO(2f) as root',
      `error: a (pid:${'1'.repeat(MAX_PID_CHARS + 1)}) type t lacks ability IO(2) as root`,
      `error: a (pid:1) type t lacks ability IO(${'2'.repeat(SURE_VALUE_DIGITS + 1)}) as root`,
      'error: a (pid:1) type t lacks ability IO(2) as root ',
      'error: a (pid:1) type t lacks ability IO(2) as roo',
    ]) {
      expect(find(table, record, 1)).toBe(-2);
    }
    expect(find(table, 'error: a (pid:1) type t lacks ability IO(2) as root', 2)).toBe(-1);
    // Runs up to the limits of src/trace/grammar.ts fit.
    expect(
      find(
        table,
        `error: a (pid:${'1'.repeat(MAX_PID_CHARS)}) type t lacks ability IO(${'2'.repeat(SURE_VALUE_DIGITS)}) as root`,
        1,
      ),
    ).toBe(0);
  });

  test('literal segments of 1 to 20 bytes: one byte changed anywhere is no fit', () => {
    // The compare reads eight bytes a step, then four, then the segment's last four (a segment
    // shorter than four byte by byte): a change in each byte of each length must be seen.
    for (let n = 1; n <= 20; n++) {
      const table = new SkeletonTable<string>(10, 8);
      const before = 'abcdefghijklmnopqrst'.slice(0, n);
      const after = 'ABCDEFGHIJKLMNOPQRST'.slice(0, n);
      table.add(`${before}(${D})${after}`, 3, 'x');
      expect(find(table, `${before}(12)${after}`, 3)).toBe(0);
      for (let k = 0; k < n; k++) {
        const changed = (s: string): string => `${s.slice(0, k)}_${s.slice(k + 1)}`;
        expect(find(table, `${changed(before)}(12)${after}`, 3)).toBe(-2);
        expect(find(table, `${before}(12)${changed(after)}`, 3)).toBe(-2);
      }
    }
  });

  test('hex runs: up to SURE_HEX_DIGITS; every run the table takes is a value the validator accepts', () => {
    const table = new SkeletonTable<string>(100, 8);
    table.add(`a (pid:${D}) IO(0x${H})`, 1, 'a');
    expect(find(table, `a (pid:1) IO(0x${'f'.repeat(SURE_HEX_DIGITS)})`, 1)).toBe(0);
    expect(find(table, `a (pid:1) IO(0x${'f'.repeat(SURE_HEX_DIGITS + 1)})`, 1)).toBe(-2);
    // The largest run of each kind is at most 2^64-1, and one digit more can exceed it.
    expect(16n ** BigInt(SURE_HEX_DIGITS) - 1n).toBeLessThanOrEqual(MAX_ABILITY_VALUE);
    expect(10n ** BigInt(SURE_VALUE_DIGITS) - 1n).toBeLessThanOrEqual(MAX_ABILITY_VALUE);
    expect(16n ** BigInt(SURE_HEX_DIGITS + 1) - 1n).toBeGreaterThan(MAX_ABILITY_VALUE);
    expect(10n ** BigInt(SURE_VALUE_DIGITS + 1) - 1n).toBeGreaterThan(MAX_ABILITY_VALUE);
  });

  test('one copy of each skeleton, at most maxChain under one hash, at most maxSkeletons in all', () => {
    const table = new SkeletonTable<number>(10, 3);
    expect(table.add(`a${D}`, 5, 0)).toBe(0);
    expect(table.add(`a${D}`, 5, 1)).toBe(-1);
    expect(table.add(`b${D}`, 5, 2)).toBe(1);
    expect(table.add(`c${D}`, 5, 3)).toBe(2);
    expect(table.add(`d${D}`, 5, 4)).toBe(-1);
    expect(find(table, 'c12', 5)).toBe(2);
    expect(find(table, 'e12', 5)).toBe(-4);
    for (let i = 0; i < 20; i++) table.add(`x${i}${D}`, 100 + i, i);
    expect(table.size).toBe(10);
  });

  test('a skeleton by index: its hash, and whether a record fits it (the slots grow meanwhile)', () => {
    const table = new SkeletonTable<number>(5000, 8);
    const text = (i: number): string =>
      `error: p${i} (pid:${D}) type t lacks ability IO(0x${H}) as root`;
    const hash = (i: number): number => (i * 40503) & 0x3fffffff;
    // Past the first slots' half: the table doubles, every skeleton still found by hash.
    for (let i = 0; i < 2000; i++) expect(table.add(text(i), hash(i), i)).toBe(i);
    const chunk = Buffer.from(
      'error: p1234 (pid:42) type t lacks ability IO(0xfF) as root',
      'latin1',
    );
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.length);
    const runs = new Runs();
    expect(table.fits(1234, chunk, view, 0, chunk.length, runs)).toBe(true);
    expect([runs.count, runs.hex, runs.bounds[0], runs.bounds[1]]).toEqual([2, 0b10, 18, 20]);
    expect(table.fits(1235, chunk, view, 0, chunk.length, runs)).toBe(false);
    expect(table.fits(1234, chunk, view, 0, chunk.length - 1, runs)).toBe(false);
    for (let i = 0; i < 2000; i += 13) {
      expect(table.hashOf(i)).toBe(hash(i));
      const record = text(i).replace(D, '7').replace(H, 'a0');
      expect(find(table, record, hash(i))).toBe(i);
    }
  });

  test('thousands of long skeletons (the arenas grow): each found, with its value', () => {
    const table = new SkeletonTable<number>(5000, 8);
    const text = (i: number): string =>
      `info: usr/bin/p${i} (pid:${D}) of type t${i}_t attached channel to path /dev/${'x'.repeat(i % 97)}${i}`;
    for (let i = 0; i < 3000; i++)
      expect(table.add(text(i), (i * 2654435761) & 0x3fffffff, i)).toBe(i);
    for (let i = 0; i < 3000; i += 7) {
      const record = text(i).replace(D, String(i * 31));
      expect(table.value(find(table, record, (i * 2654435761) & 0x3fffffff))).toBe(i);
    }
  });
});
