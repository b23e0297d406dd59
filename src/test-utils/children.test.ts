import { spawn } from 'node:child_process';
import { killTrackedChildren, track } from './children';

describe('track', () => {
  it('kills a child left running, and forgets one that exited', async () => {
    const sleeper = track(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']));
    const quick = track(spawn(process.execPath, ['-e', '']));
    await new Promise((res) => quick.once('exit', res));
    const exited = new Promise<NodeJS.Signals | null>((res) =>
      sleeper.once('exit', (_code, signal) => res(signal)),
    );
    expect(killTrackedChildren()).toBe(1);
    expect(await exited).toBe('SIGKILL');
    expect(killTrackedChildren()).toBe(0);
  });
});
