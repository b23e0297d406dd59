/**
 * The committed src/render/precompiled-templates.ts must be exactly a fresh
 * precompile of templates/*.hbs: a template edited (or added) without
 * regenerating fails here. `UPDATE=1` rewrites the file, as for golden files.
 * Kept apart from the tests that import the generated module, so it runs
 * (and regenerates) even when that module is broken.
 */
import { readFileSync } from 'node:fs';
import { expectGolden } from '../test-utils/golden';
import { PRECOMPILED_TEMPLATES_FILE, precompiledTemplatesSource } from './precompile-templates';

describe('precompiled-templates.ts', () => {
  it('is byte for byte a fresh precompile of templates/*.hbs (UPDATE=1 regenerates it)', () => {
    expectGolden(precompiledTemplatesSource(), PRECOMPILED_TEMPLATES_FILE);
  });

  it('is deterministic', () => {
    expect(precompiledTemplatesSource()).toBe(precompiledTemplatesSource());
  });

  it('holds every built-in template', () => {
    const text = readFileSync(PRECOMPILED_TEMPLATES_FILE, 'utf8');
    for (const name of ['snippet', 'draft', 'report', 'explain', 'diff', 'harden'])
      expect(text).toContain(`\n  "${name}": {"`);
  });
});
