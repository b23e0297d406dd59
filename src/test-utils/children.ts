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
