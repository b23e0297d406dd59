/**
 * Every JSON output follows one versioning convention (docs/json-schema.md):
 * a document starts with `schema` (`secpol-learn/NAME`) and `schemaVersion`
 * (an integer); each JSON Lines record carries `schema` as
 * `secpol-learn/NAME@VERSION`. Checked on every JSON golden under samples/
 * (each compared byte for byte with its command's output elsewhere) and on
 * the outputs that have no golden (lint, generate).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../test-utils/run-cli';

const SAMPLES = path.resolve(__dirname, '..', '..', 'samples');

/** The JSON goldens, relative to samples/. */
function goldens(ext: '.json' | '.jsonl'): string[] {
  return readdirSync(SAMPLES, { recursive: true, encoding: 'utf8' })
    .filter((f) => path.basename(f).startsWith('expected') && f.endsWith(ext))
    .sort();
}

/** The document's schema name; fails unless it opens with the convention's two keys. */
function documentSchema(text: string): string {
  const doc = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(doc).slice(0, 2)).toEqual(['schema', 'schemaVersion']);
  expect(doc.schema).toMatch(/^secpol-learn\/[a-z][a-z-]*$/);
  expect(Number.isInteger(doc.schemaVersion) && (doc.schemaVersion as number) >= 1).toBe(true);
  return doc.schema as string;
}

describe('one JSON versioning convention', () => {
  it('every JSON golden is a document with schema and schemaVersion first', () => {
    const names = new Set(
      goldens('.json').map((f) => documentSchema(readFileSync(path.join(SAMPLES, f), 'utf8'))),
    );
    // Every document kind with a golden is seen (a golden dropped from samples/ fails here).
    expect([...names].sort()).toEqual([
      'secpol-learn/check',
      'secpol-learn/diff',
      'secpol-learn/explain',
      'secpol-learn/harden',
      'secpol-learn/learn',
      'secpol-learn/migrate',
      'secpol-learn/query',
      'secpol-learn/tidy',
      'secpol-learn/types',
    ]);
  });

  it('every JSON Lines record names its schema and version in one marker', () => {
    const files = goldens('.jsonl');
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      for (const line of readFileSync(path.join(SAMPLES, f), 'utf8').split('\n')) {
        if (line === '') continue;
        const record = JSON.parse(line) as Record<string, unknown>;
        expect(Object.keys(record)[0]).toBe('schema');
        expect(record.schema).toBe('secpol-learn/trace-event@1');
      }
    }
  });

  it('lint and generate, which have no JSON golden, follow it too', async () => {
    const seed = (f: string): string => path.join('samples', 'seed-walkthrough', f);
    const lint = await runCli(['lint', '--format', 'json', seed('policy.secpol')]);
    expect(documentSchema(lint.stdout)).toBe('secpol-learn/lint');
    const generate = await runCli(['generate', '--format', 'json', seed('trace.log')]);
    expect(generate.code).toBe(0);
    expect(documentSchema(generate.stdout)).toBe('secpol-learn/learn');
  });
});
