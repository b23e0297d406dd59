/**
 * Ability blocks kept as sets (issue 15): a block of several subjects is
 * indexed once and shared, and every reader answers as it did when the block
 * was written one subject per statement.
 */
import fc from 'fast-check';
import { parsePolicies } from '../parse';
import { buildModel } from './build-model';
import { AbilityIndex } from './ability-index';
import { allows } from '../grants';
import { evaluate } from '../evaluate';
import { lintPolicy } from '../lint';
import { parseTraceText } from '../../trace/push-parser';
import { hardenPolicy } from '../../review/harden';
import { reviewEvents } from '../../review/trace-review';
import { diffPolicies } from '../../review/policy-diff';
import { findCoverage } from '../../plan/coverage';
import { inferRequirements } from '../../infer/infer-requirements';
import { policyFrom } from '../../test-utils/policy-builders';
import type { AllowAbility, Policy, Statement } from '../ast';
import type { AbilityDomain, ProcessEvent } from '../../trace/event';

const TYPES = ['a_t', 'b_t', 'c_t', 'd_t'];
const HEAD = `${TYPES.map((t) => `type ${t};`).join('\n')}\nability app/x;\n`;
const value = fc.integer({ min: 0, max: 30 });
const subrange = fc.oneof(
  value.map(String),
  fc.tuple(value, value).map(([x, y]) => `${Math.min(x, y)}-${Math.max(x, y)}`),
);

const item = fc.oneof(
  { weight: 4, arbitrary: subrange.map((r) => `setuid:${r}`) },
  { weight: 1, arbitrary: fc.constantFrom('setuid', '-setuid', 'io', 'io', '-io', 'io:0-1') },
  { weight: 2, arbitrary: fc.constantFrom('app/x', 'app/y', 'app/x:3-9', 'app/x:7') },
  { weight: 1, arbitrary: fc.constantFrom('settypeid:b_t', 'settypeid:c_t', 'gain_priv:setuid') },
  { weight: 1, arbitrary: fc.constantFrom('channel_connect:b_t', 'channel_connect') },
  { weight: 1, arbitrary: fc.constant('default_priv') },
);

/** Subjects written in one set: distinct types, sometimes one undeclared. */
const subjects = fc.subarray([...TYPES, 'z_t'], { minLength: 1 });

const statement = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(subjects, fc.subarray(['nonroot', 'noinherit']), fc.array(item, { maxLength: 5 }))
      .map(
        ([s, flags, items]) =>
          `allow {${s.join(' ')}} self:ability { ${[...flags, ...items].join(' ')} };`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...TYPES), fc.constantFrom('/dev/x', '/dev/...'))
      .map(([t, p]) => `allow_attach ${t} ${p};`),
  },
);

const policyText = fc.array(statement, { maxLength: 6 }).map((s) => HEAD + s.join('\n') + '\n');

const parse = (text: string): Policy => {
  const { policy, diagnostics } = parsePolicies([{ file: 'p.secpol', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return policy;
};

/**
 * The same policy with each ability block written one subject per statement: the statements
 * keep the block's place and items, so every origin is the same place.
 */
function expandedForm(policy: Policy): Policy {
  return {
    ...policy,
    files: policy.files.map((f) => ({
      ...f,
      statements: f.statements.flatMap((s): Statement[] =>
        s.type === 'allow-ability'
          ? s.subjects.names.map((n): AllowAbility => ({
              ...s,
              subjects: { ...s.subjects, names: [n] },
            }))
          : [s],
      ),
    })),
  };
}

/** JSON of an answer with origins as places (the statement nodes differ between the forms). */
const text = (x: unknown): string =>
  JSON.stringify(x, (k, v: unknown) =>
    k === 'statement' ? undefined : typeof v === 'bigint' ? v.toString() : v,
  );

const domain = fc.constantFrom<AbilityDomain>('root', 'non-root');
const type = fc.constantFrom(...TYPES, 'z_t');
const record = fc.oneof(
  fc
    .tuple(type, value, domain)
    .map(([t, x, d]) => `error: usr/bin/x (pid:1) type ${t} lacks ability SETUID(${x}) as ${d}`),
  fc
    .tuple(type, fc.constantFrom('IO', 'app/x(5)', 'app/y', 'SPAWN'), domain)
    .map(([t, a, d]) => `error: usr/bin/x (pid:1) type ${t} lacks ability ${a} as ${d}`),
  fc
    .tuple(type, fc.constantFrom('SETTYPEID', 'CHANNEL_CONNECT'), fc.constantFrom('b_t', 'c_t'))
    .map(([t, a, o]) => `error: usr/bin/x (pid:1) type ${t} lacks ability ${a}(7) (${o}) as root`),
);
const eventOf = (line: string, ok: boolean): ProcessEvent => {
  const r = ok
    ? line.replace(/^error: /, 'info: ').replace(' lacks ability ', ' uses ability ')
    : line;
  const [e] = parseTraceText(r, 'trace.log').events;
  return e as ProcessEvent;
};

describe('ability blocks kept as sets', () => {
  it('answer as the blocks written one subject per statement (allows, evaluate, findCoverage, lint, harden, diff)', () => {
    const records = fc.array(fc.tuple(record, fc.boolean()), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(policyText, policyText, records, (text1, text2, rs) => {
        const shared = parse(text1);
        const expanded = expandedForm(shared);
        const ms = buildModel(shared);
        const me = buildModel(expanded);
        // Iteration: the same abilities in the same order, each with its entries in policy order.
        for (const [t, g] of me.grants) {
          const h = ms.grants.get(t)!;
          expect(text([...h.abilities])).toBe(text([...g.abilities]));
          expect(text([...h.negations])).toBe(text([...g.negations]));
          expect(text([...h.gainPriv])).toBe(text([...g.gainPriv]));
        }
        // allows, for each type, ability and domain.
        for (const t of [...TYPES, 'z_t'])
          for (const ability of ['setuid', 'io', 'app/x', 'app/y', 'settypeid', 'spawn'])
            for (const d of ['root', 'non-root'] as const)
              for (const v of [{ kind: 'whole' } as const, { kind: 'value', value: 5n } as const]) {
                const value =
                  v.kind === 'whole' ? v : { kind: 'span' as const, start: v.value, end: v.value };
                const q = { kind: 'ability', type: t, domain: d, ability, value } as const;
                expect(text(allows(ms, q))).toBe(text(allows(me, q)));
              }
        const events = rs.map(([r, ok]) => eventOf(r, ok));
        for (const e of events) {
          expect(text(evaluate(ms, e))).toBe(text(evaluate(me, e)));
          // The planner's already-allowed test (suggest).
          for (const req of inferRequirements([e]).requirements.byKey.values())
            expect(text(findCoverage(ms, req))).toBe(text(findCoverage(me, req)));
        }
        // Lint: the same diagnostics (the expanded form repeats a statement's own at its place).
        const diags = (p: Policy): string[] => [
          ...new Set(lintPolicy(p).diagnostics.map((d) => text(d))),
        ];
        expect(diags(shared)).toEqual(diags(expanded));
        const files = { traceFiles: ['trace.log'], policyFiles: ['p.secpol'] };
        expect(text(hardenPolicy(ms, reviewEvents(ms, events), files))).toBe(
          text(hardenPolicy(me, reviewEvents(me, events), files)),
        );
        // diff: nothing between the forms, and the same changes against another policy.
        expect(diffPolicies(ms, me).entries).toEqual([]);
        const other = buildModel(parse(text2));
        expect(text(diffPolicies(ms, other))).toBe(text(diffPolicies(me, other)));
        expect(text(diffPolicies(other, ms))).toBe(text(diffPolicies(other, me)));
        // Against the same policy with more statements: its blocks are the same blocks.
        const longer = parse(text1 + text2.slice(HEAD.length));
        const [ls, le] = [buildModel(longer), buildModel(expandedForm(longer))];
        expect(text(diffPolicies(ms, ls))).toBe(text(diffPolicies(me, le)));
        expect(text(diffPolicies(ls, ms))).toBe(text(diffPolicies(le, me)));
      }),
      { numRuns: 150 },
    );
  });

  it('keeps a block of several subjects once, shared by all of them', () => {
    const model = buildModel(
      policyFrom(
        'type a;\ntype b;\nallow a self:ability { io };\nallow { a b } self:ability { io setuid:1-5 -spawn gain_priv:setgid };\nallow a self:ability { setuid:9 };\n',
      ),
    );
    const a = model.grants.get('a')!;
    const b = model.grants.get('b')!;
    expect(a.abilities.parts().shares).toHaveLength(1);
    expect(a.abilities.parts().shares[0]).toBe(b.abilities.parts().shares[0]);
    // The one-entry negation and gain_priv of the block cost one entry per subject, as before.
    expect(a.negations.parts().shares).toHaveLength(0);
    // Policy order across the type's own entries and its share.
    expect(a.abilities.get('io')!.map((x) => x.origin.line)).toEqual([3, 4]);
    expect(a.abilities.get('setuid')!.map((x) => x.ranges![0]!.text)).toEqual(['1-5', '9']);
    expect([...a.abilities.keys()]).toEqual(['io', 'setuid']);
    expect(b.abilities.get('io')).toHaveLength(1);
    expect(b.negations.has('spawn')).toBe(true);
    expect(b.gainPriv.has('setgid')).toBe(true);
    expect(a.abilities.has('spawn')).toBe(false);
  });

  it('merges own entries added before, between and after shares in policy order', () => {
    const index = new AbilityIndex<string>();
    index.add('x', 'x1');
    index.addShare(
      new Map([
        ['y', ['y1']],
        ['x', ['x2', 'x3']],
      ]),
    );
    index.add('z', 'z1');
    index.add('x', 'x4');
    index.addShare(new Map([['x', ['x5']]]));
    index.add('x', 'x6');
    expect(index.get('x')).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
    expect([...index.keys()]).toEqual(['x', 'y', 'z']);
    expect(index.get('w')).toBeUndefined();
  });

  it('builds a 3,000 × 3,000 block once, and allows, diff, harden and lint answer from it', () => {
    const n = 3_000;
    const types = Array.from({ length: n }, (_, i) => `t${i}`);
    const abilities = Array.from({ length: n }, (_, i) => `app/a${i}`);
    const block = `allow {${types.join(' ')}} self:ability {${abilities.join(' ')}};`;
    const policy = policyFrom(
      [
        ...types.map((t) => `type ${t};`),
        ...abilities.map((a) => `ability ${a};`),
        block,
        'allow t7 self:ability { app/a5 };',
        '',
      ].join('\n'),
    );
    const model = buildModel(policy);
    const first = model.grants.get('t0')!.abilities.parts();
    expect(first.shares).toHaveLength(1);
    expect(first.shares[0]).toBe(model.grants.get(`t${n - 1}`)!.abilities.parts().shares[0]);
    expect(first.singles.size).toBe(0);
    const allowed = (t: string, a: string): boolean =>
      allows(model, {
        kind: 'ability',
        type: t,
        domain: 'root',
        ability: a,
        value: { kind: 'whole' },
      }).allowed;
    expect(allowed(`t${n - 1}`, 'app/a0')).toBe(true);
    expect(allowed('t7', `app/a${n - 1}`)).toBe(true);
    expect(allowed('t7', 'app/other')).toBe(false);
    // diff and harden read the block once, not per subject (expanded: 9M facts, out of memory).
    const again = buildModel(policy);
    expect(diffPolicies(model, again).entries).toEqual([]);
    const seen = eventOf('error: usr/bin/x (pid:1) type t7 lacks ability app/a5 as root', true);
    const h = hardenPolicy(model, reviewEvents(model, [seen]), {
      traceFiles: ['trace.log'],
      policyFiles: ['test.secpol'],
    });
    expect(h.findings.filter((f) => f.code === 'type-not-seen')).toHaveLength(n - 1);
    // t7's own repeat of app/a5 allowed nothing (the block did): the one removal.
    expect(h.removals.map((o) => o.line)).toEqual([2 * n + 2]);
    // One duplicate, found without expanding the block for the other 2,999 subjects.
    expect(
      lintPolicy(policy)
        .diagnostics.filter((d) => d.ruleId === 'report-duplicate-rule')
        .map((d) => `${d.line}: ${d.message}`),
    ).toEqual([
      `${2 * n + 2}: duplicate grant of \`app/a5\` to t7 (first at test.secpol:${2 * n + 1}:${block.indexOf('app/a5 ') + 1})`,
    ]);
  });
});
