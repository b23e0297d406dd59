/**
 * `tidy`: the proof on generated policies (equivalent refactors pass; a
 * widening nobody stated is always caught), the output re-parses and `fmt`
 * is a fixpoint of it, and what the proof claims is what parsing the output
 * gives. The CLI's goldens and exit codes are in src/cli/commands/tidy.test.ts.
 */
import fc from 'fast-check';
import type { PolicyFile, Statement } from '../policy/ast';
import { parsePolicies, parsePolicy } from '../policy/parse';
import { printPolicy, printStatement } from '../policy/print';
import { buildModel } from '../policy/model/build-model';
import { policyFileArbitrary } from '../policy/policy.arbitrary';
import { diffPolicies } from './policy-diff';
import { applyEdits, planTidy, type TidyPlan } from './tidy';
import { proveTidy, type TidyProof } from './tidy-proof';

/** A generated file with some statements repeated and numbered paths added: something to tidy. */
const grownPolicy: fc.Arbitrary<string> = fc
  .tuple(
    policyFileArbitrary,
    fc.array(fc.nat(), { maxLength: 4 }),
    fc.array(fc.tuple(fc.constantFrom('a_t', 'tty_t', 'run'), fc.nat({ max: 12 })), {
      maxLength: 6,
    }),
  )
  .map(([file, repeats, numbered]) => {
    const statements: Statement[] = [...file.statements];
    for (const r of repeats)
      if (file.statements.length > 0) statements.push(file.statements[r % file.statements.length]!);
    const grown: PolicyFile = { ...file, statements };
    const paths = numbered.map(([t, n]) => `allow_attach ${t} /dev/ttyp${n};\n`).join('');
    return printPolicy(grown) + paths;
  });

interface Run {
  text: string;
  plan: TidyPlan;
  after: string;
  proof: TidyProof;
}

function tidy(text: string, equivalentOnly: boolean): Run | undefined {
  const parsed = parsePolicies([{ file: 'gen.secpol', text }]);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const before = buildModel(parsed.policy);
  const plan = planTidy(parsed.policy, before, { equivalentOnly });
  const after = applyEdits([{ file: 'gen.secpol', text }], plan.edits)[0]!.text;
  const reparsed = parsePolicies([{ file: 'gen.secpol', text: after }]);
  expect(reparsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return {
    text,
    plan,
    after,
    proof: proveTidy(before, buildModel(reparsed.policy), plan.proposals),
  };
}

describe('tidy proof on generated policies', () => {
  it('--equivalent-only: refactors grant exactly the same (no difference at all)', () => {
    fc.assert(
      fc.property(grownPolicy, (text) => {
        const r = tidy(text, true);
        if (!r) return;
        expect(r.plan.proposals.every((p) => p.widens === undefined)).toBe(true);
        expect(r.proof.entries).toEqual([]);
      }),
      { numRuns: 300, seed: 19 },
    );
  });

  it('with widenings: every difference is one a proposal states', () => {
    fc.assert(
      fc.property(grownPolicy, (text) => {
        const r = tidy(text, false);
        if (!r) return;
        expect(r.proof.unexplained).toEqual([]);
        // A glob is proposed for every family of numbered tty paths of a subject.
        for (const p of r.plan.proposals.filter((x) => x.kind === 'glob'))
          expect(p.glob!.replaces.length).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 300, seed: 19 },
    );
  });

  it('a widening no proposal states is always caught', () => {
    fc.assert(
      fc.property(grownPolicy, fc.boolean(), policyFileArbitrary, (text, equivalentOnly, extra) => {
        const r = tidy(text, equivalentOnly);
        if (!r) return;
        // Something the tidied policy grants on top: a generated statement appended to it.
        const more = extra.statements.map(printStatement).join('');
        const widened = parsePolicies([{ file: 'gen.secpol', text: r.after + more }]);
        if (widened.diagnostics.some((d) => d.severity === 'error')) return;
        const before = buildModel(parsePolicies([{ file: 'gen.secpol', text }]).policy);
        const proof = proveTidy(before, buildModel(widened.policy), r.plan.proposals);
        const real = diffPolicies(
          buildModel(parsePolicies([{ file: 'gen.secpol', text: r.after }]).policy),
          buildModel(widened.policy),
        );
        // Whatever the appended rules change beyond the tidied policy shows as unexplained.
        const stated = (e: (typeof real.entries)[number]): boolean =>
          e.kind === 'attribute' ? r.plan.proposals.some((p) => p.attribute === e.object) : false;
        if (real.entries.some((e) => !stated(e)))
          expect(proof.unexplained.length).toBeGreaterThan(0);
      }),
      { numRuns: 300, seed: 19 },
    );
  });

  it('a new ability grant slipped into the refactor fails the proof, with or without widenings', () => {
    fc.assert(
      fc.property(grownPolicy, fc.boolean(), (text, equivalentOnly) => {
        const r = tidy(text, equivalentOnly);
        if (!r) return;
        const before = buildModel(parsePolicies([{ file: 'gen.secpol', text }]).policy);
        const after = buildModel(
          parsePolicies([
            { file: 'gen.secpol', text: `${r.after}\nallow smuggled_t self:ability setuid:0;\n` },
          ]).policy,
        );
        expect(proveTidy(before, after, r.plan.proposals).unexplained.length).toBeGreaterThan(0);
      }),
      { numRuns: 100, seed: 19 },
    );
  });

  it('the output parses, fmt is a fixpoint of it, and parsing it gives the differences the proof claims', () => {
    fc.assert(
      fc.property(grownPolicy, fc.boolean(), (text, equivalentOnly) => {
        const r = tidy(text, equivalentOnly);
        if (!r) return;
        const { ast, diagnostics } = parsePolicy(r.after, { file: 'gen.secpol' });
        expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const formatted = printPolicy(ast);
        expect(printPolicy(parsePolicy(formatted, { file: 'x' }).ast)).toBe(formatted);
        const claim = r.proof.entries;
        const before = buildModel(parsePolicies([{ file: 'gen.secpol', text }]).policy);
        expect(diffPolicies(before, buildModel({ type: 'policy', files: [ast] })).entries).toEqual(
          claim,
        );
      }),
      { numRuns: 200, seed: 19 },
    );
  });

  it('tidying the tidied policy again proposes no merge (a fixpoint of the merges)', () => {
    fc.assert(
      fc.property(grownPolicy, (text) => {
        const r = tidy(text, true);
        if (!r) return;
        const again = tidy(r.after, true)!;
        expect(again.plan.proposals).toEqual([]);
      }),
      { numRuns: 200, seed: 19 },
    );
  });
});

describe('tidy proposals', () => {
  const run = (text: string, equivalentOnly = false): Run => tidy(text, equivalentOnly)!;

  it('merges blocks only when their flags agree (a nonroot block stays apart)', () => {
    const r = run(
      'allow a_t self:ability { io };\nallow a_t self:ability { nonroot setuid:1-5 };\nallow a_t self:ability { pathspace };\n',
    );
    expect(r.after).toBe(
      'allow a_t self:ability {\n    io\n    pathspace\n};\nallow a_t self:ability { nonroot setuid:1-5 };\n',
    );
    expect(r.proof.entries).toEqual([]);
  });

  it('keeps comments and the bytes of what it does not touch, CRLF included', () => {
    const text =
      '# head\r\ntype a_t; # keep\r\nallow_link a_t /tmp/x;\r\n# between\r\nallow_link a_t /tmp/y;\r\n';
    const r = run(text, true);
    expect(r.after).toBe(
      '# head\r\ntype a_t; # keep\r\nallow_link a_t {\r\n    /tmp/x\r\n    /tmp/y\r\n};\r\n# between\r\n',
    );
  });

  it('does not group types granted through a set of subjects or an attribute', () => {
    const r = run(
      'type a_t;\ntype b_t;\ntype c_t;\nallow { a_t b_t } self:ability io;\nallow c_t self:ability io;\n',
    );
    expect(r.plan.proposals.filter((p) => p.kind === 'attribute')).toEqual([]);
  });

  it('does not group types that connect to themselves (self differs per type)', () => {
    const r = run(
      'type a_t;\ntype b_t;\nallow a_t self:channel connect;\nallow b_t self:channel connect;\n',
    );
    expect(r.plan.proposals).toEqual([]);
  });

  it('groups types with identical grants per file, the attribute declared before its members', () => {
    const one = 'type a_t;\ntype b_t;\nallow a_t self:ability io;\nallow b_t self:ability io;\n';
    const r = run(one);
    expect(r.after).toBe(
      'attribute a_alike;\ntype a_t, a_alike;\ntype b_t, a_alike;\nallow a_alike self:ability io;\n',
    );
    expect(r.proof.unexplained).toEqual([]);
    // The same types split over two files (or a rule before its declaration) are not grouped.
    const files = [
      { file: 'a.secpol', text: 'type a_t;\nallow a_t self:ability io;\n' },
      { file: 'b.secpol', text: 'type b_t;\nallow b_t self:ability io;\n' },
    ];
    const { policy } = parsePolicies(files);
    const plan = planTidy(policy, buildModel(policy), { equivalentOnly: false });
    expect(plan.proposals).toEqual([]);
    expect(
      run('allow a_t self:ability io;\ntype a_t;\ntype b_t;\nallow b_t self:ability io;\n').plan
        .proposals,
    ).toEqual([]);
  });

  it('folds only plain numbered paths: no file type, no relabel, two or more', () => {
    const r = run('allow_attach a_t { /dev/ser1 mount:/dev/ser2 /dev/ser3 b_t /dev/ttyp0 };\n');
    expect(r.plan.proposals).toEqual([]);
  });
});
