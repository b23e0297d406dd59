import type { Writable } from 'node:stream';

/**
 * Resolves at the stream's 'drain' or at `other` ('error', 'close'), whichever
 * comes first, and removes both listeners: a wait per slow batch that left the
 * other one behind made Node warn of a leak (MaxListenersExceededWarning) on
 * stderr past ten waits.
 */
export function drained(stream: Writable, other: 'error' | 'close'): Promise<void> {
  return new Promise<void>((res) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off(other, done);
      res();
    };
    stream.once('drain', done);
    stream.once(other, done);
  });
}
