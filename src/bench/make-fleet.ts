/**
 * Writes a generated fleet of device logs for the fleet test
 * (examples/dask/test-fleet.sh): `node dist/bench/make-fleet.js DIR N`
 * writes DIR/dev-000.log … (every fifth gzipped), each a seeded boot trace
 * of its own length (src/bench/generate-trace.ts), so devices share most
 * needs and differ in some.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PassThrough } from 'node:stream';
import { generateTrace } from './generate-trace';

async function trace(seed: number, lines: number): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (c: Buffer) => parts.push(c));
  await generateTrace({ seed, lines, out, garbage: 0.01 });
  out.end();
  return Buffer.concat(parts);
}

async function main(): Promise<void> {
  const [dir, count] = process.argv.slice(2);
  const n = Number(count);
  if (!dir || !Number.isInteger(n) || n < 1) {
    process.stderr.write('usage: make-fleet DIR N\n');
    process.exitCode = 2;
    return;
  }
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const bytes = await trace(1000 + i, 300 + ((i * 137) % 1200));
    const name = `dev-${String(i).padStart(3, '0')}.log`;
    if (i % 5 === 4) fs.writeFileSync(path.join(dir, `${name}.gz`), gzipSync(bytes));
    else fs.writeFileSync(path.join(dir, name), bytes);
  }
}

void main();
