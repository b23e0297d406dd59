import fc from 'fast-check';
import { applyPatch } from 'diff';
import { lineEditDiffParts } from './line-edit-diff';
import { unifiedDiffParts } from './unified-diff';

const diff = (parts: ReturnType<typeof unifiedDiffParts>): string =>
  parts.map((p) => p.header + p.body).join('');

describe('lineEditDiffParts', () => {
  // Where lines repeat, Myers may align a change one copy earlier: both diffs are right, so the
  // bytes are compared on distinct lines and every diff is applied.
  it('prints what jsdiff prints for in-place line edits, and applies', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b x &', 'on -T t_t c', '', 'waitfor /d'), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.boolean(),
        (raw, edit, eol, finalEol, distinct) => {
          const lines = distinct ? raw.map((l, i) => `${l} ${i}`) : raw;
          const before = lines.join(eol) + (finalEol ? eol : '');
          const after =
            lines.map((l, i) => (edit[i] ? `on -T n_t ${l}` : l)).join(eol) + (finalEol ? eol : '');
          const change = [{ file: 'b.build', before, after }];
          const ours = diff(lineEditDiffParts(change, '/'));
          if (distinct) expect(ours).toBe(diff(unifiedDiffParts(change, '/')));
          if (before !== after) expect(applyPatch(before, ours)).toBe(after);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
