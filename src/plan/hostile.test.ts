/**
 * Hostile traces: fields built to inject rules (paths, types, ability names,
 * target types, process names and pids with policy syntax in them) never
 * produce a rule other than the one a safe record stands for.
 */
import fc from 'fast-check';
import { inferRequirements } from '../infer/infer-requirements';
import { abilityEvent, pathEvent } from '../infer/test-events';
import { parsePolicies } from '../policy/parse';
import { statementLines } from '../render/rule-text';
import { expectPatchRoundTrips } from '../test-utils/planned-round-trip';
import { planPatch } from './plan-patch';

const nasty = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      '/',
      'a',
      '_',
      ';',
      '{',
      '}',
      '#',
      ' ',
      '\n',
      '*',
      '.',
      '?',
      '[',
      'x',
      '-',
      ':',
    ),
    maxLength: 12,
  }),
  fc.constantFrom(
    '/dev/a; allow_attach x_t /...',
    '/...',
    '/dev/*',
    'a_t { io }',
    'io};allow a_t self:ability{default_priv',
    'x_t\n#',
    '//',
    '//x',
    'DEFAULT_PRIV',
    'NONROOT',
    'UNLOCK',
    'NOINHERIT',
    'default_priv',
    'allow',
    'type',
    'range',
    'gain_priv',
    'link',
    'attach',
    'self',
    '/dev/a\u202eb',
    '/dev/a\u2028b',
    '/dev/a\x07',
    'iofunc/exec',
  ),
);

describe('hostile trace fields', () => {
  it('produce only rules made of safe tokens, one statement per planned change', () => {
    fc.assert(
      fc.property(nasty, nasty, nasty, nasty, (p, t, a, proc) => {
        const events = [
          pathEvent({
            kind: 'attach',
            type: 'a_t',
            path: p.startsWith('/') ? p : `/${p}`,
            process: 'bin/x',
          }),
          abilityEvent({ type: t, ability: 'IO' }),
          abilityEvent({ type: 'a_t', ability: a }),
          abilityEvent({
            type: 'a_t',
            ability: 'SETTYPEID',
            argument: { kind: 'type-id', value: '1', typeName: t },
          }),
          abilityEvent({ type: 'a_t', ability: 'PATHSPACE', process: proc, pid: proc }),
        ];
        const patch = planPatch(undefined, inferRequirements(events), { mode: 'generate' });
        expectPatchRoundTrips(patch, true);
        const text = patch.changes
          .map((c) => statementLines(c, { explain: true }).join('\n'))
          .join('\n');
        const { policy, diagnostics } = parsePolicies([{ file: 'x', text }]);
        expect(diagnostics).toEqual([]);
        expect(policy.files[0]!.statements).toHaveLength(patch.changes.length);
        for (const s of policy.files[0]!.statements) {
          if (s.type === 'allow-attach')
            for (const path of s.paths) expect(path.path).toMatch(/^\/[^\s;{}#*?[\]]*$/);
          if (s.type === 'allow-ability')
            expect(s.items.some((i) => i.type === 'ability-flag')).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
