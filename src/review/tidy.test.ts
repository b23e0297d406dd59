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

  it('groups types with identical grants, the attribute declared before its members', () => {
    const one = 'type a_t;\ntype b_t;\nallow a_t self:ability io;\nallow b_t self:ability io;\n';
    const r = run(one);
    expect(r.after).toBe(
      'attribute a_alike;\ntype a_t, a_alike;\ntype b_t, a_alike;\nallow a_alike self:ability io;\n',
    );
    expect(r.proof.unexplained).toEqual([]);
    // A rule before its declaration is not grouped (the attribute would be used before it is declared).
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

/** Tidies a policy split over files, as the CLI does: one plan, edits applied per file, the proof. */
function tidyFiles(
  files: Array<{ file: string; text: string }>,
  equivalentOnly: boolean,
): { plan: TidyPlan; after: Array<{ file: string; text: string }>; proof: TidyProof } {
  const parsed = parsePolicies(files);
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const before = buildModel(parsed.policy);
  const plan = planTidy(parsed.policy, before, { equivalentOnly });
  const after = applyEdits(files, plan.edits);
  const reparsed = parsePolicies(after);
  expect(reparsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { plan, after, proof: proveTidy(before, buildModel(reparsed.policy), plan.proposals) };
}

describe('tidy of a policy split over files (one policy, as secpolcompile concatenates it)', () => {
  it('groups types with identical grants declared in different files', () => {
    const r = tidyFiles(
      [
        { file: 'a.secpol', text: '# a\ntype a_t;\nallow a_t self:ability io;\n' },
        { file: 'b.secpol', text: 'type b_t;\nallow b_t self:ability io;\n# end\n' },
      ],
      false,
    );
    expect(r.after).toEqual([
      {
        file: 'a.secpol',
        text: '# a\nattribute a_alike;\ntype a_t, a_alike;\nallow a_alike self:ability io;\n',
      },
      { file: 'b.secpol', text: 'type b_t, a_alike;\n# end\n' },
    ]);
    expect(r.plan.proposals.map((p) => p.does)).toEqual([
      "attribute a_alike for a_t, b_t (identical grants, declared in a.secpol, b.secpol): a_t's rules name a_alike, the others' rules go",
    ]);
    expect(r.proof.unexplained).toEqual([]);
  });

  it('declares the attribute before the first member in concatenation order, with its rules, in that file', () => {
    // z_t is declared first (a.secpol): the attribute goes before it and takes z_t's rules, though
    // c_t comes first by name; c.secpol keeps only c_t's membership.
    const r = tidyFiles(
      [
        { file: 'a.secpol', text: 'type z_t;\nallow z_t self:ability { io pathspace };\n' },
        { file: 'b.secpol', text: 'type c_t;\nallow c_t self:ability { io pathspace };\n' },
      ],
      false,
    );
    expect(r.after.map((f) => f.text)).toEqual([
      'attribute z_alike;\ntype z_t, z_alike;\nallow z_alike self:ability { io pathspace };\n',
      'type c_t, z_alike;\n',
    ]);
    expect(r.plan.proposals.map((p) => p.does)).toEqual([
      "attribute z_alike for c_t, z_t (identical grants, declared in a.secpol, b.secpol): z_t's rules name z_alike, the others' rules go",
    ]);
    expect(r.proof.unexplained).toEqual([]);
  });

  it("merges one subject's rules across files into the first, naming the rules that join it", () => {
    const r = tidyFiles(
      [
        {
          file: 'base.secpol',
          text: 'type devc_pty_t;\nallow_attach devc_pty_t { /dev/ttyp0 /dev/ttyp1 };\nallow devc_pty_t self:ability io;\n',
        },
        {
          file: 'boards/extra.secpol',
          text: 'allow_attach devc_pty_t /dev/ttyp2;\nallow devc_pty_t self:ability { io pathspace };\n',
        },
      ],
      true,
    );
    expect(r.after.map((f) => f.text)).toEqual([
      'type devc_pty_t;\nallow_attach devc_pty_t {\n    /dev/ttyp0\n    /dev/ttyp1\n    /dev/ttyp2\n};\nallow devc_pty_t self:ability {\n    io\n    pathspace\n};\n',
      '',
    ]);
    expect(r.plan.proposals.map((p) => p.does)).toEqual([
      'merge 2 allow_attach rules of devc_pty_t into one (boards/extra.secpol:1 joins it)',
      'merge 2 ability blocks of devc_pty_t with the same flags into one (1 repeated item dropped) (boards/extra.secpol:2 joins it)',
    ]);
    // The numbered family spans both files: one glob for the three, refused here as a widening.
    expect(r.plan.refused.map((p) => p.glob?.replaces)).toEqual([
      ['/dev/ttyp0', '/dev/ttyp1', '/dev/ttyp2'],
    ]);
    expect(r.proof.entries).toEqual([]);
  });

  it('leaves a rule where it is when it uses a name declared after the rule it would join', () => {
    const files = [
      { file: 'a.secpol', text: 'type a_t;\nallow a_t self:ability io;\n' },
      {
        file: 'b.secpol',
        text: 'ability iofunc/dup;\nallow a_t self:ability iofunc/dup;\ntype b_t;\nallow a_t b_t:channel connect;\nallow a_t self:ability io;\nallow a_t self:ability { iofunc/dup pathspace };\n',
      },
    ];
    const r = tidyFiles(files, true);
    // iofunc/dup is declared in b.secpol: the two blocks using it merge there; the repeated `io`
    // block joins a.secpol's.
    expect(r.after.map((f) => f.text)).toEqual([
      files[0]!.text,
      'ability iofunc/dup;\nallow a_t self:ability {\n    iofunc/dup\n    pathspace\n};\ntype b_t;\nallow a_t b_t:channel connect;\n',
    ]);
    expect(r.plan.proposals.map((p) => p.does)).toEqual([
      'merge 2 ability blocks of a_t with the same flags into one (1 repeated item dropped) (b.secpol:5 joins it)',
      'merge 2 ability blocks of a_t with the same flags into one (1 repeated item dropped)',
    ]);
    expect(r.proof.entries).toEqual([]);
  });

  it('on generated policies split over files: the proof holds and every file parses', () => {
    let across = 0;
    fc.assert(
      fc.property(
        grownPolicy,
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (text, cuts, equivalentOnly) => {
          const { ast, diagnostics } = parsePolicy(text, { file: 'x' });
          if (diagnostics.some((d) => d.severity === 'error')) return;
          // The statements dealt into files at the cut points, each printed as its own file.
          const n = ast.statements.length;
          const at = [...new Set(cuts.map((c) => (n === 0 ? 0 : c % (n + 1))))].sort(
            (a, b) => a - b,
          );
          const bounds = [0, ...at, n];
          const files = bounds.slice(1).map((end, i) => ({
            file: `part${i}.secpol`,
            text: ast.statements.slice(bounds[i], end).map(printStatement).join(''),
          }));
          const r = tidyFiles(files, equivalentOnly);
          if (r.plan.proposals.some((p) => p.does.includes(' join'))) across++;
          if (equivalentOnly) expect(r.proof.entries).toEqual([]);
          expect(r.proof.unexplained).toEqual([]);
          // Tidying the tidied files again proposes no merge.
          const again = tidyFiles(r.after, true);
          expect(again.plan.proposals.filter((p) => p.kind === 'merge')).toEqual([]);
        },
      ),
      { numRuns: 200, seed: 19 },
    );
    // The generated splits do merge rules across files.
    expect(across).toBeGreaterThan(10);
  });
});
