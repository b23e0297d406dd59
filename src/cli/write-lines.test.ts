import { Writable } from 'node:stream';
import { skipLines, writeLines } from './write-lines';

/** A reader that takes one write per turn of the event loop, noting the bytes it has taken. */
class SlowReader extends Writable {
  taken = 0;
  chunks: Buffer[] = [];
  constructor() {
    super({ highWaterMark: 1 << 14 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    setImmediate(() => {
      this.taken += chunk.length;
      this.chunks.push(chunk);
      cb();
    });
  }
}

function* numbered(n: number, produced: { bytes: number }): Generator<string, string, undefined> {
  for (let i = 0; i < n; i++) {
    const line = `line ${i} ${'x'.repeat(90)}`;
    produced.bytes += line.length + 1;
    yield line;
  }
  return 'done';
}

describe('writeLines', () => {
  it('writes every line, painted, and returns what the generator returns', async () => {
    const out = new SlowReader();
    const produced = { bytes: 0 };
    const value = await writeLines(out, numbered(3, produced), (l) => `<${l}>`);
    expect(value).toBe('done');
    await new Promise<void>((res) => out.end(res));
    const text = Buffer.concat(out.chunks).toString();
    expect(text.split('\n')).toEqual([
      `<line 0 ${'x'.repeat(90)}>`,
      `<line 1 ${'x'.repeat(90)}>`,
      `<line 2 ${'x'.repeat(90)}>`,
      '',
    ]);
  });

  it('waits for a slow reader: the lines are produced about as fast as they are taken', async () => {
    const out = new SlowReader();
    const produced = { bytes: 0 };
    let ahead = 0;
    const lines = numbered(50_000, produced);
    const watched = (function* (): Generator<string, string, undefined> {
      let next = lines.next();
      for (; !next.done; next = lines.next()) {
        ahead = Math.max(ahead, produced.bytes - out.taken);
        yield next.value;
      }
      return next.value;
    })();
    await writeLines(out, watched);
    await new Promise<void>((res) => out.end(res));
    expect(out.taken).toBe(produced.bytes);
    // Never much more than one batch (64 KiB) and the stream's buffer ahead of the reader.
    expect(ahead).toBeLessThan(3 * (1 << 16));
  });

  it('a destroyed stream (a closed reader) does not hang it: the rest is produced and dropped', async () => {
    const out = new SlowReader();
    out.destroy();
    const produced = { bytes: 0 };
    await expect(writeLines(out, numbered(5_000, produced))).resolves.toBe('done');
    expect(out.taken).toBe(0);
  });

  it('a reader that goes away while a batch waits for drain: the wait ends, the rest is dropped', async () => {
    const out = new SlowReader();
    const produced = { bytes: 0 };
    const lines = numbered(20_000, produced);
    const watched = (function* (): Generator<string, string, undefined> {
      let next = lines.next();
      for (; !next.done; next = lines.next()) {
        // Past the first batch the stream is waiting for drain: the reader leaves then.
        if (produced.bytes > 3 * (1 << 16) && !out.destroyed) setImmediate(() => out.destroy());
        yield next.value;
      }
      return next.value;
    })();
    await expect(writeLines(out, watched)).resolves.toBe('done');
    expect(out.taken).toBeLessThan(produced.bytes);
  });

  it('a write that fails on a stream that does not destroy itself (a full disk) does not hang it', async () => {
    const out = new Writable({
      highWaterMark: 1 << 10,
      autoDestroy: false,
      write: (_chunk, _enc, cb) => setImmediate(() => cb(new Error('ENOSPC'))),
    });
    const errors: Error[] = [];
    out.on('error', (e) => errors.push(e));
    const produced = { bytes: 0 };
    await expect(writeLines(out, numbered(5_000, produced))).resolves.toBe('done');
    expect(errors).toHaveLength(1);
    expect(out.destroyed).toBe(false);
  });

  it('skipLines runs the generator to its end', () => {
    const produced = { bytes: 0 };
    expect(skipLines(numbered(10, produced))).toBe('done');
    expect(produced.bytes).toBe(10 * 98);
  });
});
