/**
 * Test helper: the properties every planned patch must have as text. Each
 * change's statement (with its provenance comments) prints as text the parser
 * reads back as the same node; the printed patch is a fixpoint of `fmt`
 * (printPolicy of its parse); no block flag other than a non-root change's
 * `nonroot` appears.
 */
import type { PolicyPatch } from '../plan/patch';
import { parsePolicy } from '../policy/parse';
import { printPolicy, printStatement } from '../policy/print';
import { commentedStatement } from '../render/rule-text';

/** The value without positions (and undefined fields). */
export function stripPositions(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => (key === 'position' ? undefined : v)),
  );
}

/** Asserts the properties above; returns the printed patch. */
export function expectPatchRoundTrips(patch: PolicyPatch, explain: boolean): string {
  const statements = patch.changes.map((c) => commentedStatement(c, { explain }));
  const text = statements.map(printStatement).join('');
  const { ast, diagnostics } = parsePolicy(text, { file: 'patch.secpol' });
  expect(diagnostics).toEqual([]);
  expect(stripPositions(ast.statements)).toEqual(stripPositions(statements));
  expect(printPolicy(ast)).toBe(text);
  patch.changes.forEach((c, i) => {
    const s = ast.statements[i]!;
    const flags =
      s.type === 'allow-ability' ? s.items.filter((x) => x.type === 'ability-flag') : [];
    expect(flags.map((f) => f.name)).toEqual(c.domain === 'non-root' ? ['nonroot'] : []);
  });
  return text;
}
