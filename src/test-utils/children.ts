/**
 * Child processes that tests start, killed when the test ends however it ends
 * (`reap-children.ts`, run after each test through jest.config.js). A test
 * that fails or times out while its child still runs would otherwise leave
 * the child running, and its pipes would keep jest (in band on a 2-core
 * machine) from ever exiting: CI would wait for its time limit, not fail.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

/** Registers `child` to be killed after the current test unless it has exited; returns it. */
export function track<T extends ChildProcess>(child: T): T {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Kills (SIGKILL) every tracked child still running; returns how many there were. */
export function killTrackedChildren(): number {
  const n = live.size;
  for (const child of live) {
    child.kill('SIGKILL');
    child.stdout?.destroy();
    child.stderr?.destroy();
    child.stdin?.destroy();
  }
  live.clear();
  return n;
}

/** How a child ended; resolves at once for a child that already has. Call it right after spawning. */
export function exitOf(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
}

/** `p`, or a rejection naming `what` was awaited when it takes longer than `ms`: a stuck step says which. */
export async function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${ms} ms for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
