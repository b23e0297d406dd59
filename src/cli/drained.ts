import type { Writable } from 'node:stream';

/**
 * Resolves at the stream's 'drain', 'error' or 'close', whichever comes
 * first, and removes the three listeners. A write that failed emits 'error'
 * and, on a stream that does not destroy itself, neither 'drain' nor
 * 'close': waiting for one of those alone never ended. A wait per slow batch
 * that left a listener behind made Node warn of a leak
 * (MaxListenersExceededWarning) on stderr past ten waits.
 */
export function drained(stream: Writable): Promise<void> {
  return new Promise<void>((res) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      res();
    };
    stream.once('drain', done);
    stream.once('error', done);
    stream.once('close', done);
  });
}

/** True when nothing more can be written to `stream`: destroyed (a closed reader) or failed. */
export function gone(stream: Writable): boolean {
  return stream.destroyed || stream.errored !== null;
}
