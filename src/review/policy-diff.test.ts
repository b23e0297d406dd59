/**
 * The semantic diff: symmetry (diff A B mirrors diff B A) on the samples and
 * on generated policies, identity (a policy against itself, or a reprint of
 * itself, differs in nothing), and the widening rules.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parsePolicies, parsePolicy } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { printPolicy } from '../policy/print';
import { policyFileArbitrary } from '../policy/policy.arbitrary';
import type { PolicyModel } from '../policy/model/types';
import { diffPolicies, type DiffEntry } from './policy-diff';

const samples = path.join(__dirname, '..', '..', 'samples');

function model(text: string, file = 'p.secpol'): PolicyModel {
  const { policy } = parsePolicies([{ file, text }]);
  return buildModel(policy);
}

const MIRROR: Record<DiffEntry['change'], DiffEntry['change']> = {
  added: 'removed',
  removed: 'added',
  widened: 'narrowed',
  narrowed: 'widened',
  changed: 'changed',
};

/** An entry's identity with its direction undone, so A→B and B→A compare equal. */
function mirrored(e: DiffEntry): string {
  const obj = e.object.includes(' → ') ? e.object.split(' → ').reverse().join(' → ') : e.object;
  return JSON.stringify([
    MIRROR[e.change],
    e.kind,
    e.type,
    e.domain ?? '',
    obj,
    e.new ?? '',
    e.old ?? '',
  ]);
}
function plain(e: DiffEntry): string {
  return JSON.stringify([
    e.change,
    e.kind,
    e.type,
    e.domain ?? '',
    e.object,
    e.old ?? '',
    e.new ?? '',
  ]);
}

function expectSymmetric(a: PolicyModel, b: PolicyModel): void {
  const ab = diffPolicies(a, b).entries.map(plain).sort();
  const ba = diffPolicies(b, a).entries.map(mirrored).sort();
  expect(ba).toEqual(ab);
}

describe('diffPolicies', () => {
  const policies = [
    'seed-walkthrough',
    'multi-process-boot',
    'review-harden',
    'merge-into-blocks',
  ].map((c) => readFileSync(path.join(samples, c, 'policy.secpol'), 'utf8'));

  it('is symmetric over every pair of sample policies', () => {
    for (const a of policies) for (const b of policies) expectSymmetric(model(a), model(b));
  });

  it('is symmetric on the review-diff sample and finds each kind of change', () => {
    const dir = path.join(samples, 'review-diff');
    const read = (f: string): { file: string; text: string } => ({
      file: f,
      text: readFileSync(path.join(dir, f), 'utf8'),
    });
    const a = buildModel(
      parsePolicies([read('old/base.secpol'), read('old/services.secpol')]).policy,
    );
    const b = buildModel(parsePolicies([read('new/policy.secpol')]).policy);
    expectSymmetric(a, b);
    const d = diffPolicies(a, b);
    expect(d.summary).toEqual({ added: 4, removed: 1, widened: 2, narrowed: 1, changed: 0 });
    expect(d.entries.find((e) => e.kind === 'attach')).toMatchObject({
      change: 'widened',
      old: 'allow_attach devc_t /dev/ser1',
      new: 'allow_attach devc_t /dev/ser*',
    });
  });

  it('a policy against itself, and against its reprint, differs in nothing', () => {
    for (const text of policies) {
      expect(diffPolicies(model(text), model(text)).entries).toEqual([]);
      const reprinted = printPolicy(parsePolicy(text, { file: 'p' }).ast);
      expect(diffPolicies(model(text), model(reprinted, 'other.secpol')).entries).toEqual([]);
    }
  });

  it('compares connect sets as sets: equal sets and the singles inside them differ in nothing', () => {
    const types = 'type a; type b; type c; type d; type e;\n';
    const set = model(
      `${types}allow { a b } { c d self }:channel connect;\nallow a c:channel connect;`,
    );
    // The same set written in another order, without the single grant it already holds.
    const same = model(`${types}allow { b a } { self d c }:channel connect;`);
    expect(diffPolicies(set, same).entries).toEqual([]);
    // A set with one more object: one added connect per subject, nothing else.
    const wider = model(`${types}allow { a b } { c d self e }:channel connect;`);
    const text = (e: DiffEntry): string => `${e.change} ${e.type} → ${e.object}`;
    expect(diffPolicies(set, wider).entries.map(text)).toEqual(['added a → e', 'added b → e']);
    expect(diffPolicies(wider, set).entries.map(text)).toEqual(['removed a → e', 'removed b → e']);
    // A set split into single rules is the same grant.
    const split = model(
      `${types}allow { a b } c:channel connect;\nallow { a b } d:channel connect;\nallow { a b } self:channel connect;`,
    );
    expect(diffPolicies(set, split).entries).toEqual([]);
  });

  it('reads values, not text: 0x10 = 16, and two items that unite equal one', () => {
    const a = model('type a; allow a self:ability { setuid:16 setuid:17-20 };');
    const b = model('type a;\nallow a self:ability setuid:0x10-20;');
    expect(diffPolicies(a, b).entries).toEqual([]);
  });

  it('pairs a path whose relabel changed, and a pattern with the one path it now covers', () => {
    const d = diffPolicies(
      model('type a; type b; allow_attach a /dev/x; allow_attach a /dev/y; allow_link a /tmp/t;'),
      model(
        'type a; type b; allow_attach a /dev/x b; allow_attach a /dev/y*; allow_link a /tmp/t;',
      ),
    );
    expect(d.entries.map((e) => `${e.change} ${e.object}`)).toEqual([
      'changed /dev/x → /dev/x b',
      'widened /dev/y → /dev/y*',
    ]);
  });

  it('nonroot adds the non-root domain; a negation removes an ability', () => {
    const d = diffPolicies(
      model('type a; allow a self:ability io;'),
      model('type a; allow a self:ability { nonroot io };'),
    );
    expect(d.entries).toMatchObject([
      { change: 'added', kind: 'ability', domain: 'non-root', object: 'io' },
    ]);
    const n = diffPolicies(
      model('type a; allow a self:ability { io pathspace };'),
      model('type a; allow a self:ability { io pathspace }; allow a self:ability -io;'),
    );
    expect(n.entries).toMatchObject([{ change: 'removed', object: 'io', domain: 'root' }]);
  });

  it('is symmetric on generated policies', () => {
    fc.assert(
      fc.property(policyFileArbitrary, policyFileArbitrary, (x, y) => {
        const a = buildModel({ type: 'policy', files: [x] });
        const b = buildModel({ type: 'policy', files: [y] });
        expectSymmetric(a, b);
        expect(diffPolicies(a, a).entries).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('diff: connect grants in policy words', () => {
  it('prints a connect rule through the printer and an any-type connect in fixed words', () => {
    const before = model('type a_t;\ntype b_t;\n');
    const after = model(
      'type a_t;\ntype b_t;\nallow a_t b_t:channel connect;\nallow b_t self:ability { channel_connect };\n',
    );
    const connects = diffPolicies(before, after)
      .entries.filter((e) => e.kind === 'connect')
      .map((e) => e.new);
    expect(connects.sort()).toEqual([
      'allow a_t b_t:channel connect',
      'allow b_t *:channel connect (any type)',
    ]);
  });
});
