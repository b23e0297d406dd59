import { Writable } from 'node:stream';
import { drained, gone } from './drained';

describe('drained', () => {
  test('twenty waits on a slow stream leave no listener behind', async () => {
    const slow = new Writable({
      highWaterMark: 4,
      write: (_chunk, _encoding, callback) => setImmediate(callback),
    });
    const errors = slow.listenerCount('error');
    for (let i = 0; i < 20; i++) {
      expect(slow.write(Buffer.alloc(64))).toBe(false);
      await drained(slow);
    }
    expect(slow.listenerCount('error')).toBe(errors);
    expect(slow.listenerCount('drain')).toBe(0);
  });

  test('resolves at close when no drain comes (a reader that went away)', async () => {
    const stuck = new Writable({ highWaterMark: 4, write: () => undefined });
    stuck.write(Buffer.alloc(64));
    const wait = drained(stuck);
    stuck.destroy();
    await wait;
    expect(stuck.listenerCount('close')).toBe(0);
  });

  test('resolves at the error of a failed write on a stream that does not destroy itself', async () => {
    const failing = new Writable({
      highWaterMark: 4,
      autoDestroy: false,
      write: (_chunk, _encoding, callback) => setImmediate(() => callback(new Error('EIO'))),
    });
    failing.on('error', () => undefined);
    expect(failing.write(Buffer.alloc(64))).toBe(false);
    await drained(failing);
    expect(gone(failing)).toBe(true);
    expect(failing.destroyed).toBe(false);
    expect(failing.listenerCount('drain')).toBe(0);
  });
});
