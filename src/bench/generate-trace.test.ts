/**
 * Tests of the seeded trace generator: deterministic per seed, every record
 * form present, line count honoured.
 */
import { PassThrough } from 'node:stream';
import { generateTrace, type TraceGroundTruth } from './generate-trace';

async function gen(
  seed: number,
  lines: number,
): Promise<{ text: string; truth: TraceGroundTruth }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const truth = await generateTrace({ seed, lines, out });
  out.end();
  return { text: Buffer.concat(chunks).toString('utf8'), truth };
}

describe('generateTrace', () => {
  test('is deterministic for a seed and differs between seeds', async () => {
    const a = await gen(7, 2000);
    expect((await gen(7, 2000)).text).toBe(a.text);
    expect((await gen(8, 2000)).text).not.toBe(a.text);
    expect(a.truth.bytes).toBe(Buffer.byteLength(a.text));
  });
  test('writes every record form', async () => {
    const { text, truth } = await gen(1, 5000);
    expect(truth.lines).toBeGreaterThanOrEqual(5000);
    for (const needle of [
      'uses ability',
      'lacks ability',
      ' - ',
      ') (',
      'as non-root',
      'iofunc/exec',
      '0x',
      'attached channel',
      'failed to attach',
      'created link',
      'failed to create link',
      'failed to link',
      'unregistered',
      '#garbage',
      '\r\n',
      '[',
      'Jan 01',
      'Z error',
      '\n       ',
    ]) {
      expect(text).toContain(needle);
    }
    expect(truth.garbageLines).toBeGreaterThan(0);
  });
});
