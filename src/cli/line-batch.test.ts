import { LineBatch } from './line-batch';

describe('LineBatch', () => {
  test('lines as the stream would encode the joined string, across growth and takes', () => {
    const lines = [
      'error: sbin/devf-ram (pid:2670618) type fs_user_t lacks ability PATHSPACE as root',
      'info: usr/bin/tövch (pid:1) of type fs_t attached channel to path /dev/fsF€',
      'error: a (pid:1) of type t failed to attach to path /😀: no rule',
      // A lone surrogate is written as U+FFFD by both.
      'error: a (pid:1) of type t failed to attach to path /\ud800x: no rule',
      'x'.repeat(300),
    ];
    const batch = new LineBatch(16);
    expect(batch.empty).toBe(true);
    const first = lines.slice(0, 3);
    for (const l of first) batch.addLine(l);
    expect(batch.empty).toBe(false);
    const a = batch.take();
    expect(batch.empty).toBe(true);
    for (const l of lines.slice(3)) batch.addLine(l);
    const b = batch.take();
    // The first batch is not overwritten by the second (a stream may still hold it).
    expect(a.equals(Buffer.from(first.map((l) => `${l}\n`).join('')))).toBe(true);
    expect(
      b.equals(
        Buffer.from(
          lines
            .slice(3)
            .map((l) => `${l}\n`)
            .join(''),
        ),
      ),
    ).toBe(true);
  });

  test('bytes, decimals and line ends as the text of the line', () => {
    const numbers = [0, 1, 9, 10, 99, 100, 2 ** 30, 2 ** 31, 2 ** 32 + 1, 10 ** 15 - 1, 10 ** 15];
    numbers.push(2 ** 53 - 1, 2 ** 53 - 10, 999_999_999_999_999, 123_456_789_012_345);
    for (let i = 0; i < 200; i++) numbers.push(Math.floor(Math.random() * 2 ** 53));
    // Past 2^53 (a count merged from summaries) and beyond 16 digits: String(n), whatever it is.
    numbers.push(2 ** 53, 2 ** 53 + 2, 117093590310669970, 2 ** 64, 1e21, 1.5e300, Infinity);
    const batch = new LineBatch(4);
    const text: string[] = [];
    for (const n of numbers) {
      batch.bytes(Buffer.from('n€='));
      batch.decimal(n);
      batch.endLine();
      text.push(`n€=${n}\n`);
    }
    expect(batch.take().toString('utf8')).toBe(text.join(''));
  });

  test('pieces of every length up to past the short ones, across growth and takes', () => {
    const batch = new LineBatch(4);
    const pieces: Buffer[] = [];
    let all = '';
    for (let n = 0; n <= 70; n++) {
      const piece = Buffer.from(
        String.fromCharCode(...Array.from({ length: n }, (_, i) => 97 + ((n + i) % 26))),
      );
      pieces.push(piece);
      batch.bytes(piece);
      if (n % 9 === 0) all += batch.take().toString('latin1');
    }
    all += batch.take().toString('latin1');
    expect(all).toBe(Buffer.concat(pieces).toString('latin1'));
  });
});
