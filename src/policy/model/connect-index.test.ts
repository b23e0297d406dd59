/**
 * Connect sets kept as sets (issue 15): a rule naming several objects is one
 * set shared by its subjects, and the index answers exactly as the expanded
 * (subject, object) map did.
 */
import { policyFrom } from '../../test-utils/policy-builders';
import { buildModel } from './build-model';
import { allows } from '../grants';
import { lintPolicy } from '../lint';
import { printPolicy } from '../print';
import type { ConnectGrant, PolicyModel } from './types';
import fc from 'fast-check';
import { policyFileArbitrary } from '../policy.arbitrary';
import type { Policy } from '../ast';
import { normaliseAbilityName } from '../../qnx/abilities';

/**
 * The expansion the model made before sets were kept, from the text: every (subject, object)
 * of every connect rule and `channel_connect:` item, in policy order.
 */
function reference(policy: Policy, model: PolicyModel): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  const members = (n: string): string[] => model.attributes.get(n)?.members ?? [n];
  const subjectsOf = (names: string[]): string[] => [...new Set(names.flatMap(members))];
  const add = (subject: string, object: string, what: string): void => {
    const m = out.get(subject) ?? new Map<string, string[]>();
    out.set(subject, m);
    m.set(object, [...(m.get(object) ?? []), what]);
  };
  for (const file of policy.files)
    for (const s of file.statements) {
      if (s.type === 'allow-connect') {
        for (const subject of subjectsOf(s.subjects.names.map((n) => n.value)))
          for (const n of s.objects.names)
            for (const o of n.value === 'self' ? [subject] : members(n.value))
              add(subject, o, `allow-connect@${s.position!.start.line}`);
      } else if (s.type === 'allow-ability') {
        for (const subject of subjectsOf(s.subjects.names.map((n) => n.value)))
          for (const item of s.items) {
            if (item.type !== 'ability-grant' || item.negated) continue;
            if (normaliseAbilityName(item.name.value) !== 'channel_connect') continue;
            const objects = item.ranges
              ? item.ranges.flatMap((r) => (r.type === 'range-name' ? members(r.name.value) : []))
              : ['*'];
            for (const o of objects) add(subject, o, `ability@${s.position!.start.line}`);
          }
      }
    }
  return out;
}

/** The expanded map the model held before sets were kept: object → grants, in policy order. */
function expanded(model: PolicyModel, type: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [object, list] of model.grants.get(type)!.connects)
    out.set(
      object,
      list.map((c: ConnectGrant) => `${c.via}@${c.origin.line}`),
    );
  return out;
}

describe('connect sets', () => {
  it('answer as the expansion did, on generated policies', () => {
    fc.assert(
      fc.property(policyFileArbitrary, (file) => {
        // Through the printer and parser: positions for every rule.
        const policy = policyFrom(printPolicy({ type: 'policy', files: [file] }));
        const model = buildModel(policy);
        const want = reference(policy, model);
        for (const [type, g] of model.grants) {
          const got = new Map(
            [...g.connects].map(([o, list]) => [
              o,
              list.map((c) => `${c.via}@${c.origin.statement.position!.start.line}`),
            ]),
          );
          // default_priv's any-type connect is not a written object.
          got.delete('*');
          const expected = new Map(want.get(type) ?? []);
          expected.delete('*');
          // In the same order: objects as first granted, grants in policy order.
          expect([...got]).toEqual([...expected]);
        }
      }),
      { numRuns: 150 },
    );
  });

  const text = `
attribute grp;
type a, grp;
type b, grp;
type c;
allow a c:channel connect;
allow { a b } { c self grp c }:channel connect;
allow a self:ability { channel_connect:b,c };
allow a b:channel connect;
`;
  const model = buildModel(policyFrom(text));

  it('answers get, has and iteration as the expanded map, in policy order', () => {
    expect(expanded(model, 'a')).toEqual(
      new Map([
        ['c', ['allow-connect@6', 'allow-connect@7', 'allow-connect@7', 'ability@8']],
        ['a', ['allow-connect@7', 'allow-connect@7']],
        ['b', ['allow-connect@7', 'ability@8', 'allow-connect@9']],
      ]),
    );
    expect(expanded(model, 'b')).toEqual(
      new Map([
        ['c', ['allow-connect@7', 'allow-connect@7']],
        ['b', ['allow-connect@7', 'allow-connect@7']],
        ['a', ['allow-connect@7']],
      ]),
    );
    const b = model.grants.get('b')!.connects;
    expect(b.has('a')).toBe(true);
    expect(b.has('x')).toBe(false);
    expect(b.get('x')).toBeUndefined();
    expect(b.get('a')![0]).toMatchObject({ object: 'a', via: 'allow-connect' });
  });

  it('shares one set between the subjects of a rule', () => {
    const [sa] = model.grants.get('a')!.connects.sets();
    const [sb] = model.grants.get('b')!.connects.sets();
    expect(sa!.set).toBe(sb!.set);
    // One grant per rule, not per object.
    expect(model.grants.get('b')!.connects.rules()).toHaveLength(1);
  });

  it('builds a 100,000 × 100,000 set as one set, and answers from it', () => {
    const n = 100_000;
    const names = Array.from({ length: n }, (_, i) => `t${i}`).join(' ');
    const policy = policyFrom(`allow { ${names} } { ${names} }:channel connect;\n`);
    const big = buildModel(policy);
    const first = big.grants.get('t0')!.connects;
    const last = big.grants.get(`t${n - 1}`)!.connects;
    // The work done: one shared set of n objects, one reference per subject.
    expect(first.sets()).toHaveLength(1);
    expect(first.sets()[0]!.set).toBe(last.sets()[0]!.set);
    expect(first.sets()[0]!.set.objects).toHaveLength(n);
    expect([...first.singleObjects()]).toHaveLength(0);
    const connect = (type: string, object: string): boolean =>
      allows(big, { kind: 'connect', type, domain: 'root', object }).allowed;
    expect(connect(`t${n - 1}`, 't0')).toBe(true);
    expect(connect('t7', `t${n - 1}`)).toBe(true);
    expect(connect('t7', 'other_t')).toBe(false);
    // Lint compares the rules, not their expansion: no duplicate in one rule.
    expect(
      lintPolicy(
        policyFrom(`allow { ${names} } { ${names} }:channel connect;\n`),
      ).diagnostics.filter((d) => d.ruleId === 'report-duplicate-rule'),
    ).toEqual([]);
  });

  it('lint still reports a connect repeated across two rules, through a set', () => {
    const d = lintPolicy(
      policyFrom(
        'type a;\ntype b;\ntype c;\nallow a { b c }:channel connect;\nallow a { c b }:channel connect;\n',
      ),
    ).diagnostics.filter((x) => x.ruleId === 'report-duplicate-rule');
    expect(d.map((x) => `${x.line}: ${x.message}`)).toEqual([
      '5: duplicate channel connect rule a → b (first at test.secpol:4:1)',
    ]);
  });
});

describe("a shared ability block's channel_connect items", () => {
  const policy = policyFrom(
    [
      'type a; type b; type c; type d;',
      'allow a d:channel connect;',
      'allow { a b c } self:ability { channel_connect:d channel_connect:b,c };',
      'allow a b:channel connect;',
    ].join('\n'),
  );
  const model = buildModel(policy);

  it('are indexed once for the block: every subject reads the same grants', () => {
    const ofA = model.grants.get('a')!.connects.get('d')!;
    const ofB = model.grants.get('b')!.connects.get('d')!;
    expect(ofB).toHaveLength(1);
    expect(ofA[1]).toBe(ofB[0]);
  });

  it("keep policy order with the type's own rules", () => {
    const a = model.grants.get('a')!.connects;
    expect(a.get('b')!.map((g) => `${g.via}@${g.origin.line}`)).toEqual([
      'ability@3',
      'allow-connect@4',
    ]);
    expect(a.rules().map(({ grant, set }) => `${grant.object}${set ? '+' : ''}`)).toEqual([
      'd',
      'd',
      'b+',
      'b',
    ]);
    expect([...a.singleObjects()].map(([o, l]) => `${o}:${l.length}`)).toEqual(['d:2', 'b:1']);
    expect(a.sets()).toHaveLength(1);
    expect(a.has('c')).toBe(true);
    expect(model.grants.get('c')!.connects.has('a')).toBe(false);
  });
});
