/**
 * A seeded generated trace in memory, for tests (src/bench/generate-trace.ts
 * writes it; this collects it).
 */
import { PassThrough } from 'node:stream';
import { generateTrace } from '../bench/generate-trace';
import { parseTrace } from '../trace/parse-trace';
import type { TraceEvent } from '../trace/event';

/** The bytes of the generator's trace of about `lines` lines for `seed` (2 % garbage unless told). */
export async function generatedTrace(seed: number, lines: number, garbage = 0.02): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (c: Buffer) => parts.push(c));
  await generateTrace({ seed, lines, out, garbage });
  out.end();
  return Buffer.concat(parts);
}

/** The events of the generator's trace of about `lines` lines for `seed`, parsed as `gen-SEED.log`. */
export async function traceEvents(seed: number, lines: number): Promise<TraceEvent[]> {
  const out = new PassThrough();
  const done = generateTrace({ seed, lines, out }).then(() => out.end());
  const events: TraceEvent[] = [];
  for await (const e of parseTrace(out, { file: `gen-${seed}.log` })) events.push(e);
  await done;
  return events;
}
