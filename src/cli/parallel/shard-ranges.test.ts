import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findRecordBoundary, shardRanges } from './shard-ranges';

const SEED = [
  'error: sbin/devf-ram (pid:2670618) type fs_user_t lacks ability ',
  '       PATHSPACE as root',
  '',
  'error: sbin/devf-ram (pid:2773018) of type fs_nonuser_t failed to attach',
  '       to path /: no rule',
  'info: proc/boot/ln (pid:1) of type fs_t created link to path /tmp/x',
  '',
].join('\n');

describe('findRecordBoundary', () => {
  it('skips continuation lines (blank or tab first)', () => {
    const buf = Buffer.from(SEED);
    const at = findRecordBoundary(buf, 10);
    // The next line that is not a continuation is the blank line after `PATHSPACE as root`.
    expect(buf.subarray(at).toString().startsWith('\nerror:')).toBe(true);
    const tab = Buffer.from('x\n\tcont\n cont\ninfo: a\n');
    expect(tab.subarray(findRecordBoundary(tab, 1)).toString()).toBe('info: a\n');
  });

  it('returns -1 when no boundary follows', () => {
    expect(findRecordBoundary(Buffer.from('abc\n  more'), 1)).toBe(-1);
    expect(findRecordBoundary(Buffer.from('abc\n'), 1)).toBe(-1);
  });
});

describe('shardRanges', () => {
  it('covers the file exactly, every range starting at a record boundary', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shard-'));
    const file = path.join(dir, 't.log');
    const text = SEED.repeat(50);
    await fs.writeFile(file, text);
    const bytes = Buffer.from(text);
    for (const n of [1, 2, 3, 7, 40]) {
      const ranges = await shardRanges(file, bytes.length, n);
      expect(ranges[0]!.start).toBe(0);
      expect(ranges[ranges.length - 1]!.end).toBe(bytes.length);
      for (let i = 0; i < ranges.length; i++) {
        const r = ranges[i]!;
        expect(r.end).toBeGreaterThan(r.start);
        if (i > 0) {
          expect(r.start).toBe(ranges[i - 1]!.end);
          expect(bytes[r.start - 1]).toBe(10);
          expect([32, 9]).not.toContain(bytes[r.start]);
        }
      }
      expect(ranges.length).toBeLessThanOrEqual(n);
    }
    await fs.rm(dir, { recursive: true });
  });

  it('gives one range when the file has no boundary after its start', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shard-'));
    const file = path.join(dir, 't.log');
    const text = 'info: a\n' + '   continued\n'.repeat(10_000);
    await fs.writeFile(file, text);
    expect(await shardRanges(file, Buffer.byteLength(text), 4)).toEqual([
      { start: 0, end: Buffer.byteLength(text) },
    ]);
    await fs.rm(dir, { recursive: true });
  });
});
