import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { learnFromTraces, planPolicyPatch, formatRules, type Plan } from '../../api/learning';
import { parsePolicies } from '../../policy/parse';
import { buildModel } from '../../policy/model/build-model';
import { generatedTrace } from '../../test-utils/generated-trace';
import { alsoAllows, readEdit } from './edit';
import { answersText, readAnswers, replay } from './answers';
import { guardEntries, reviewedPatch, waiverEntries } from './outputs';
import { policySays } from './policy-says';
import {
  current,
  decide,
  pending,
  rebase,
  startSession,
  undo,
  type Choice,
  type SessionState,
} from './session';

const SEED = path.resolve(__dirname, '..', '..', '..', 'samples', 'seed-walkthrough');
const seedText = (f: string): string => readFileSync(path.join(SEED, f), 'utf8');

function seedPlan(): Plan {
  const { policy } = parsePolicies([{ file: 'policy.secpol', text: seedText('policy.secpol') }]);
  return planPolicyPatch(learnFromTraces([{ file: 'trace.log', text: seedText('trace.log') }]), {
    policy,
  });
}

function must(r: { state: SessionState } | { error: string }): SessionState {
  if ('error' in r) throw new Error(r.error);
  return r.state;
}

/** Every output of a session, as text. */
function outputs(plan: Plan, s: SessionState): string[] {
  return [
    formatRules({ ...plan, patch: reviewedPatch(s) }, { explain: true }),
    guardEntries(s).join(''),
    waiverEntries(s).join(''),
    answersText(s),
  ];
}

describe('review session on the seed walkthrough', () => {
  const plan = seedPlan();

  it('asks about each planned item, in the plan order', () => {
    const s = startSession(plan.patch);
    expect(s.groups.map((g) => g.id)).toEqual([
      'fs_nonuser_t connect fs_t',
      'fs_nonuser_t attach /',
      'fs_nonuser_t link /tmp/',
      'fs_user_t ability root pathspace',
    ]);
    expect(s.groups[0]!.hint).toMatchObject({ process: 'usr/bin/touch', to: 'fs_user_t' });
    expect(s.groups[0]!.evidence.first).toMatchObject({ file: 'trace.log', line: 19 });
  });

  it('allowing every group gives suggest --explain’s rules byte for byte', () => {
    let s = startSession(plan.patch);
    for (const g of s.groups) s = must(decide(s, g.id, { choice: 'allow' }));
    expect(pending(s)).toEqual([]);
    expect(formatRules({ ...plan, patch: reviewedPatch(s) }, { explain: true })).toBe(
      seedText('expected.secpol'),
    );
  });

  it('launch-as, never and waive grant nothing and write a note, a guard rule, a waiver', () => {
    let s = startSession(plan.patch);
    const [connect, attach, link, pathspace] = s.groups;
    s = must(
      decide(s, connect!.id, { choice: 'launch-as', process: 'usr/bin/touch', as: 'fs_user_t' }),
    );
    s = must(decide(s, attach!.id, { choice: 'never' }));
    s = must(
      decide(s, link!.id, { choice: 'waive', reason: 'ln probes /tmp', until: '2027-06-30' }),
    );
    s = must(decide(s, pathspace!.id, { choice: 'allow' }));
    const patch = reviewedPatch(s);
    expect(patch.changes.map((c) => `${c.type} ${c.kind}`)).toEqual(['fs_user_t ability']);
    expect(patch.review.map((r) => r.code)).toContain('launch-as');
    // pathspace is allowed with its hint, as suggest prints it; the connect was launched as fs_user_t.
    expect(patch.launches).toEqual([
      { process: 'sbin/devf-ram', from: 'fs_user_t', to: 'fs_t', reason: 'wrong-type' },
      { process: 'usr/bin/touch', from: 'fs_nonuser_t', to: 'fs_user_t', reason: 'wrong-type' },
    ]);
    expect(guardEntries(s)).toEqual([
      '# never: needed by sbin/devf-ram (first seen trace.log:4)\nallow_attach fs_nonuser_t /;\n',
    ]);
    expect(waiverEntries(s)).toEqual([
      '# reason: ln probes /tmp\n# until: 2027-06-30\nallow_link fs_nonuser_t /tmp/;\n',
    ]);
  });

  it('refuses what cannot be a decision, in words', () => {
    const s = startSession(plan.patch);
    const [connect, attach] = s.groups;
    expect(decide(s, attach!.id, { choice: 'waive', reason: '  ' })).toEqual({
      error: 'a waiver needs a reason',
    });
    expect(decide(s, attach!.id, { choice: 'waive', reason: 'x', until: '2027-02-30' })).toEqual({
      error: '`2027-02-30` is not a date written YYYY-MM-DD',
    });
    expect(decide(s, connect!.id, { choice: 'allow-edited', edit: 'x' })).toEqual({
      error: 'a connect has nothing to edit (allow it or not)',
    });
    expect(decide(s, attach!.id, { choice: 'allow-edited', edit: '/dev/x;' })).toMatchObject({
      error: expect.stringContaining('is not one path') as unknown,
    });
    expect(
      decide(s, connect!.id, { choice: 'launch-as', process: 'p', as: 'fs_nonuser_t' }),
    ).toEqual({ error: 'fs_nonuser_t is the type it ran as' });
  });

  it('an edited path says which other groups of the type it also allows', () => {
    const s = startSession(plan.patch);
    const attach = s.groups[1]!;
    const r = readEdit(attach, '/...');
    if (!('node' in r)) throw new Error(r.error);
    const also = alsoAllows(attach, s.groups, s.patch.changes, r.node);
    expect(also.coversSuggestion).toBe(true);
    expect(also.groups).toEqual([]);
    const link = s.groups[2]!;
    const l = readEdit(link, '/...');
    if (!('node' in l)) throw new Error(l.error);
    // `/...` as a link rule covers /tmp/, and nothing else the session asks about is a link.
    expect(alsoAllows(link, s.groups, s.patch.changes, l.node).coversSuggestion).toBe(true);
  });

  it('says what the policy says, in explain’s words', () => {
    const { policy } = parsePolicies([{ file: 'policy.secpol', text: seedText('policy.secpol') }]);
    const model = buildModel(policy);
    const s = startSession(plan.patch);
    expect(s.groups.map((g) => policySays(g, s.patch.changes, model))).toEqual([
      'no channel connect rule',
      'no attach rule',
      'no link rule',
      'missing ability',
    ]);
  });

  it('does not ask about groups a waiver already covers', () => {
    const s = startSession(plan.patch, (g) =>
      g.key.kind === 'link' ? { file: 'w.secpol', line: 3, reason: 'r' } : undefined,
    );
    expect(pending(s).map((g) => g.key.kind)).toEqual(['connect', 'attach', 'ability']);
  });
});

describe('rebase (review --follow): a growing stream', () => {
  it('keeps the decisions over the newer plan and asks the new groups', () => {
    const { policy } = parsePolicies([{ file: 'policy.secpol', text: seedText('policy.secpol') }]);
    const trace = seedText('trace.log');
    const planOf = (text: string): Plan =>
      planPolicyPatch(learnFromTraces([{ file: 'trace.log', text }]), { policy });
    const early = startSession(planOf(trace.split('\n').slice(0, 3).join('\n') + '\n').patch);
    expect(early.groups.map((g) => g.id)).toEqual(['fs_user_t ability root pathspace']);
    const decided = must(decide(early, early.groups[0]!.id, { choice: 'never' }));
    const later = rebase(decided, planOf(trace).patch);
    expect(later.decisions).toEqual(decided.decisions);
    expect(pending(later).map((g) => g.key.kind)).toEqual(['connect', 'attach', 'link']);
    expect(rebase(later, later.patch)).toEqual(later);
  });
});

describe('ranges: an edited range and what it also allows', () => {
  const trace = [
    'error: usr/bin/app (pid:10) type app_t lacks ability INTERRUPT(14) as root',
    'error: usr/bin/app (pid:10) type app_t lacks ability INTERRUPT(15) as root',
  ].join('\n');

  it('reads the edit with the policy parser, and lists the values it adds', () => {
    const plan = planPolicyPatch(learnFromTraces([{ file: 't.log', text: `${trace}\n` }]));
    const s = startSession(plan.patch);
    expect(s.groups.map((g) => `${g.id} = ${g.suggested}`)).toEqual([
      'app_t ability root interrupt = interrupt:14-15',
    ]);
    const g = s.groups[0]!;
    const r = readEdit(g, '0x0-0x1f');
    if (!('node' in r)) throw new Error(r.error);
    expect(alsoAllows(g, s.groups, s.patch.changes, r.node)).toEqual({
      coversSuggestion: true,
      groups: [],
      extraValues: ['0-13', '16-31'],
    });
    const narrow = readEdit(g, '14');
    if (!('node' in narrow)) throw new Error(narrow.error);
    expect(alsoAllows(g, s.groups, s.patch.changes, narrow.node).coversSuggestion).toBe(false);
    const s2 = must(decide(s, g.id, { choice: 'allow-edited', edit: '0x0-0x1f' }));
    expect(formatRules({ ...plan, patch: reviewedPatch(s2) })).toContain('interrupt:0x0-0x1f');
  });
});

describe('answers file', () => {
  const plan = seedPlan();

  it('names the line of a bad decision, and refuses what is not an answers file', () => {
    const text = answersText(
      must(
        decide(startSession(plan.patch), startSession(plan.patch).groups[0]!.id, {
          choice: 'allow',
        }),
      ),
    );
    expect(readAnswers(text.replace('"allow"', '"maybe"'))).toEqual({
      line: 5,
      message:
        'decision 1: "choice" "maybe" is not one of allow, allow-edited, launch-as, never, waive',
    });
    expect(readAnswers('{\n  "schema": "x"\n}\n')).toMatchObject({ line: 1 });
    expect(readAnswers('{\n  "schema": \n}\n')).toMatchObject({
      line: 3,
      message: expect.stringContaining('not JSON') as unknown,
    });
  });

  it('reports stale decisions and keeps the rest', () => {
    const doc = {
      schema: 'secpol-learn/review-answers',
      schemaVersion: 1,
      decisions: [
        { type: 'gone_t', kind: 'ability', domain: 'root', object: 'io', choice: 'allow' },
        {
          type: 'fs_user_t',
          kind: 'ability',
          domain: 'root',
          object: 'pathspace',
          choice: 'allow',
        },
      ],
    };
    const read = readAnswers(JSON.stringify(doc, null, 2));
    if (!('answers' in read)) throw new Error(read.message);
    const r = replay(startSession(plan.patch), read.answers);
    expect(r.stale.map((x) => [x.line, x.why])).toEqual([
      [5, 'no failure of the traces needs it any more'],
    ]);
    expect(pending(r.state).map((g) => g.key.kind)).toEqual(['connect', 'attach', 'link']);
    expect(current(r.state)?.key.kind).toBe('connect');
  });
});

/** A random decision for a group, from a seed. */
const choiceArb: fc.Arbitrary<Choice> = fc.oneof(
  fc.constant<Choice>({ choice: 'allow' }),
  fc.constant<Choice>({ choice: 'never' }),
  fc.constant<Choice>({ choice: 'skip' }),
  fc.record({
    choice: fc.constant('waive' as const),
    reason: fc.stringMatching(/^[a-z][a-z ]{0,20}[a-z]$/),
    until: fc.constantFrom('2027-06-30', '2030-01-01'),
  }),
  fc.record({
    choice: fc.constant('launch-as' as const),
    process: fc.constant('some/proc'),
    as: fc.constantFrom('other_t', 'spare_t'),
  }),
);

describe('properties on generated traces', () => {
  let plans: Plan[] = [];
  beforeAll(async () => {
    plans = [];
    for (const seed of [3, 11]) {
      const text = await generatedTrace(seed, 400, 0);
      plans.push(planPolicyPatch(learnFromTraces([{ file: 'gen.log', text }])));
    }
  });

  const run = (plan: Plan, steps: Array<[number, Choice]>): SessionState => {
    let s = startSession(plan.patch);
    for (const [i, c] of steps) {
      const g = s.groups[i % s.groups.length]!;
      const next = decide(
        s,
        g.id,
        c.choice === 'launch-as' ? { ...c, process: g.processes[0]! } : c,
      );
      if ('state' in next) s = next.state;
    }
    return s;
  };
  const stepsArb = fc.array(fc.tuple(fc.nat(), choiceArb), { maxLength: 12 });

  it('replaying the answers of a session reproduces its outputs byte for byte', () => {
    fc.assert(
      fc.property(fc.nat(1), stepsArb, (p, steps) => {
        const plan = plans[p]!;
        const s = run(plan, steps);
        const read = readAnswers(answersText(s));
        if (!('answers' in read)) throw new Error(read.message);
        const r = replay(startSession(plan.patch), read.answers);
        expect(r.stale).toEqual([]);
        expect(outputs(plan, r.state)).toEqual(outputs(plan, s));
      }),
      { seed: 17, numRuns: 60 },
    );
  });

  it('undo returns exactly the previous state', () => {
    fc.assert(
      fc.property(fc.nat(1), stepsArb, fc.nat(), choiceArb, (p, steps, i, c) => {
        const plan = plans[p]!;
        const before = run(plan, steps);
        const snapshot = JSON.stringify(before.decisions);
        const g = before.groups[i % before.groups.length]!;
        const next = decide(before, g.id, c);
        if ('error' in next) return;
        expect(JSON.stringify(before.decisions)).toBe(snapshot);
        const back = undo(next.state);
        expect(back).toEqual(before);
        expect(outputs(plan, back)).toEqual(outputs(plan, before));
      }),
      { seed: 23, numRuns: 60 },
    );
  });

  it('decisions about different groups commute', () => {
    fc.assert(
      fc.property(fc.nat(1), fc.nat(), fc.nat(), choiceArb, choiceArb, (p, i, j, a, b) => {
        const plan = plans[p]!;
        const s0 = startSession(plan.patch);
        const ga = s0.groups[i % s0.groups.length]!;
        const gb = s0.groups[j % s0.groups.length]!;
        fc.pre(ga.id !== gb.id);
        // launch-as names a process that needed the group: the group's first one.
        const fit = (g: typeof ga, c: Choice): Choice =>
          c.choice === 'launch-as' ? { ...c, process: g.processes[0]! } : c;
        const ab = must(decide(must(decide(s0, ga.id, fit(ga, a))), gb.id, fit(gb, b)));
        const ba = must(decide(must(decide(s0, gb.id, fit(gb, b))), ga.id, fit(ga, a)));
        expect(outputs(plan, ab)).toEqual(outputs(plan, ba));
      }),
      { seed: 29, numRuns: 60 },
    );
  });
});
