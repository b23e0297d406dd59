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
});
