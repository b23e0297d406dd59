import { PassThrough } from 'node:stream';
import { createProgress } from './progress';

function stream(tty: boolean): PassThrough & { isTTY?: boolean; text: () => string } {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; text: () => string };
  if (tty) s.isTTY = true;
  const chunks: string[] = [];
  s.on('data', (c: Buffer) => chunks.push(c.toString()));
  s.text = () => chunks.join('');
  return s;
}

describe('createProgress', () => {
  it('prints nothing on a pipe, however long the read', async () => {
    const s = stream(false);
    let t = 0;
    const p = createProgress(s, {}, { label: 'reading', now: () => t });
    p.expect(1000);
    for (let i = 0; i < 10; i++) {
      t += 5000;
      p.advance(100);
    }
    p.done();
    await new Promise((r) => setImmediate(r));
    expect(s.text()).toBe('');
  });

  it('draws on a terminal after the delay, in colour unless NO_COLOR, and erases itself', async () => {
    for (const env of [{}, { NO_COLOR: '1' }]) {
      const s = stream(true);
      let t = 0;
      const p = createProgress(s, env, { label: 'reading', now: () => t });
      p.expect(1_000_000);
      p.advance(100_000); // before the delay: nothing
      t = 3000;
      p.advance(400_000);
      p.done();
      await new Promise((r) => setImmediate(r));
      const out = s.text();
      expect(out).toContain('reading [############------------]  50%');
      expect(out.includes('\x1b[36m')).toBe(!('NO_COLOR' in env));
      expect(out.endsWith('\r\x1b[K')).toBe(true);
    }
  });

  it('stays silent for short reads on a terminal', async () => {
    const s = stream(true);
    let t = 0;
    const p = createProgress(s, {}, { label: 'reading', now: () => t });
    p.advance(10);
    t = 1500;
    p.advance(10);
    p.done();
    await new Promise((r) => setImmediate(r));
    expect(s.text()).toBe('');
  });
});
