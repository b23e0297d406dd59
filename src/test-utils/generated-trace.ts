/**
 * A seeded generated trace in memory, for tests (src/bench/generate-trace.ts
 * writes it; this collects it).
 */
import { PassThrough } from 'node:stream';
import { generateTrace } from '../bench/generate-trace';

/** The bytes of the generator's trace of about `lines` lines for `seed` (2 % garbage unless told). */
export async function generatedTrace(seed: number, lines: number, garbage = 0.02): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (c: Buffer) => parts.push(c));
  await generateTrace({ seed, lines, out, garbage });
  out.end();
  return Buffer.concat(parts);
}
