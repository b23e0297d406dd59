/**
 * Properties of the printer over generated policies: printing then parsing
 * gives back the same tree (comments included, positions aside), and the
 * formatter is idempotent on its own output and on re-spaced input.
 */
import fc from 'fast-check';
import type { PolicyFile } from './ast';
import { parsePolicy } from './parse';
import { policyFileArbitrary } from './policy.arbitrary';
import { printPolicy, printStatement } from './print';

/** The tree without positions (and without undefined fields). */
function strip(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => (key === 'position' ? undefined : v)),
  );
}

function reparse(text: string): PolicyFile {
  const { ast, diagnostics } = parsePolicy(text, { file: 'gen.secpol' });
  expect(diagnostics).toEqual([]);
  return ast;
}

describe('printPolicy properties', () => {
  it('parse(print(ast)) equals ast, comments included', () => {
    fc.assert(
      fc.property(policyFileArbitrary, (ast) => {
        expect(strip(reparse(printPolicy(ast)))).toEqual(strip(ast));
      }),
      { numRuns: 300 },
    );
  });

  it('is idempotent: fmt(fmt(x)) == fmt(x)', () => {
    fc.assert(
      fc.property(policyFileArbitrary, (ast) => {
        const once = printPolicy(reparse(printPolicy(ast)));
        expect(printPolicy(reparse(once))).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the meaning of re-spaced text (extra blank lines, indentation, spaces after `;`)', () => {
    fc.assert(
      fc.property(
        policyFileArbitrary,
        fc.constantFrom('\n\n\n', '\n\t  ', '\n   \n'),
        (ast, gap) => {
          const printed = printPolicy(ast);
          const spaced = printed.split('\n').join(gap);
          const a = reparse(spaced);
          expect(strip(a)).toEqual(strip(reparse(printed)));
          const once = printPolicy(a);
          expect(printPolicy(reparse(once))).toBe(once);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('printPolicy on a policy and on generated nodes', () => {
  it('prints the files of a policy in order, separated by a blank line', () => {
    const a = parsePolicy('type a_t;', { file: 'a' }).ast;
    const b = parsePolicy('type  b_t;', { file: 'b' }).ast;
    expect(printPolicy({ type: 'policy', files: [a, b] })).toBe('type a_t;\n\ntype b_t;\n');
  });

  it('prints a generated rule as a multi-line block with its comments', () => {
    expect(
      printStatement({
        type: 'allow-ability',
        subjects: { type: 'type-set', braced: false, names: [{ type: 'name', value: 'a_t' }] },
        braced: true,
        items: [
          {
            type: 'ability-grant',
            negated: false,
            name: { type: 'name', value: 'setuid' },
            ranges: [
              {
                type: 'range-number',
                start: { type: 'number', text: '0x10', value: '16' },
                open: true,
              },
            ],
            trailingComment: { type: 'comment', text: '# from trace.log:3' },
          },
        ],
        leadingComments: [{ type: 'comment', text: '# added' }],
      }),
    ).toBe('# added\nallow a_t self:ability {\n    setuid:0x10- # from trace.log:3\n};\n');
  });
});
