/**
 * `explainSteps` (src/review/explain.ts): what it builds and judges per atom.
 * An atom without failures is evidence from its counts alone: its event is
 * not built and it is not judged. A failing atom of a family of two atoms or
 * more that share one verdict is judged once per family and its event built
 * for the second pass only (but the family's first, which is judged); any
 * other failing atom (a family of one atom too) is built and judged in each
 * of the two passes. Sections come
 * in their fixed order, failures by place within each.
 */
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { parseTraceText } from '../trace/push-parser';
import { TalliedAtom, tallyEvents } from '../infer/review-tally';
import type { ProcessEvent } from '../trace/event';
import * as evaluateModule from '../policy/evaluate';
import { explainFailures, explainSteps, type ExplainStep, type ExplainedFailure } from './explain';
import { judgeSummary } from './trace-review';
import { explainFailureText } from '../render/explain-output';

const trace = [
  'info: bin/a (pid:1) type a_t uses ability SETUID(5) as root',
  'info: bin/a (pid:1) type b_t uses ability SETUID(6) as root',
  'info: bin/c (pid:3) of type a_t attached channel to path /dev/ok',
  'error: bin/a (pid:1) type a_t lacks ability IO as root',
  'error: bin/b (pid:2) type z_t lacks ability IO as root',
  'error: bin/a (pid:1) type c_t lacks ability SETUID(5) as root',
  'info: bin/a (pid:1) type c_t uses ability SETUID(5) as root',
  'error: bin/a (pid:1) type c_t lacks ability SETUID(7) as root',
  'error: bin/c (pid:3) of type a_t failed to attach to path /dev/no: no rule',
].join('\n');

const model = buildModel(
  parsePolicies([
    {
      file: 'p.secpol',
      text: 'type a_t;\ntype b_t;\ntype c_t;\nallow a_t self:ability setuid:5;\nallow b_t self:ability setuid:6;\nallow_attach a_t /dev/ok;\n',
    },
  ]).policy,
);

/** What was judged: `process kind object` per call of the evaluator. */
function judgedAs(calls: unknown[][]): string[] {
  return calls
    .map(([, e]) => {
      const event = e as ProcessEvent;
      const object = event.kind === 'ability' ? event.ability.policyName : event.path;
      return `${event.process} ${event.securityType} ${event.kind} ${object}`;
    })
    .sort();
}

function run(): {
  steps: ExplainStep[];
  groups: number;
  eventsOf: Map<number, number>;
  judged: string[];
} {
  const summary = tallyEvents(parseTraceText(trace, 't.log').events);
  const eventsOf = new Map<number, number>();
  const getter = Object.getOwnPropertyDescriptor(TalliedAtom.prototype, 'event')!.get!;
  const spy = jest.spyOn(TalliedAtom.prototype, 'event', 'get').mockImplementation(function (
    this: TalliedAtom,
  ) {
    eventsOf.set(this.row, (eventsOf.get(this.row) ?? 0) + 1);
    return getter.call(this) as TalliedAtom['event'];
  });
  const evaluations = jest.spyOn(evaluateModule, 'evaluate');
  try {
    const steps: ExplainStep[] = [];
    const it = explainSteps(model, summary);
    let next = it.next();
    for (; !next.done; next = it.next()) steps.push(next.value);
    return { steps, groups: next.value, eventsOf, judged: judgedAs(evaluations.mock.calls) };
  } finally {
    spy.mockRestore();
    evaluations.mockRestore();
  }
}

describe('explainSteps', () => {
  it('judges a family whose atoms share their verdict once, and any other failing atom per pass', () => {
    // Before: each failing atom judged in both passes (10 judgements). c_t's setuid (5 and 7) is
    // one family judged once; each io family and the attach hold one atom: judged per pass.
    expect(run().judged).toEqual([
      'bin/a a_t ability io',
      'bin/a a_t ability io',
      'bin/a c_t ability setuid',
      'bin/b z_t ability io',
      'bin/b z_t ability io',
      'bin/c a_t attach /dev/no',
      'bin/c a_t attach /dev/no',
    ]);
  });

  it('builds no event for an atom without failures, and at most one per pass for a failing atom', () => {
    const atoms = tallyEvents(parseTraceText(trace, 't.log').events).atoms;
    const { eventsOf } = run();
    const built = [];
    for (let i = 0; i < atoms.length; i++) {
      const a = atoms.at(i) as TalliedAtom;
      built.push(`${a.failures > 0 ? 'failing' : 'ok'} ${eventsOf.get(a.row) ?? 0}`);
    }
    expect(built.filter((b) => b.startsWith('ok'))).toEqual(['ok 0', 'ok 0', 'ok 0']);
    expect(built.filter((b) => b.startsWith('failing')).every((b) => /[12]$/.test(b))).toBe(true);
    // The family's second atom is built for the second pass only; the path atom for both.
    const total = [...eventsOf.values()].reduce((n, k) => n + k, 0);
    expect(total).toBeLessThan(2 * 5);
  });

  it('yields each section with its count, then its failures in place order', () => {
    const { steps, groups } = run();
    expect(groups).toBe(5);
    expect(
      steps.map((s) =>
        s.kind === 'section'
          ? `${s.reason} ${s.count}`
          : `${s.failure.line} ${s.failure.type} ${s.failure.hint ?? ''}`,
      ),
    ).toEqual([
      'no-type 1',
      '5 z_t ',
      'no-ability 3',
      '4 a_t ',
      '6 c_t bin/a did this as a_t (t.log:1): launch it with `on -T a_t ...` rather than widen c_t',
      '8 c_t ',
      'no-attach-rule 1',
      '9 a_t ',
    ]);
  });
});

describe('explainSteps: what a family shares', () => {
  const familyTrace = [
    'error: bin/d (pid:4) type d_t lacks ability SETUID(1) as root',
    'error: bin/d (pid:4) type d_t lacks ability SETUID(2) as root',
    'error: bin/e (pid:5) type e_t lacks ability SETUID(1) as root',
    'error: bin/e (pid:5) type e_t lacks ability SETUID(2) as root',
  ].join('\n');
  const familyModel = buildModel(
    parsePolicies([
      {
        file: 'p.secpol',
        text: 'type d_t;\ntype e_t;\nallow d_t self:ability -setuid;\nallow e_t self:ability setuid;\n',
      },
    ]).policy,
  );

  function failures(): ExplainedFailure[] {
    const summary = tallyEvents(parseTraceText(familyTrace, 't.log').events);
    return [...explainSteps(familyModel, summary)].flatMap((s) =>
      s.kind === 'failure' ? [s.failure] : [],
    );
  }

  it("gives a family's atoms one frozen list of the rules its verdict consulted or allows it by", () => {
    // Before: a list made per failure (not the same array, not frozen).
    const [d1, d2, e1, e2] = failures();
    expect(d1!.reason).toBe('negated');
    expect(d1!.consulted).toEqual([
      { file: 'p.secpol', line: 3, column: 24, summary: expect.stringContaining('setuid') },
    ]);
    expect(d2!.consulted).toBe(d1!.consulted);
    expect(Object.isFrozen(d1!.consulted)).toBe(true);
    expect(e1!.reason).toBe('allowed-now');
    expect(e2!.consulted).toBe(e1!.consulted);
    expect(e1!.consulted.map((c) => c.line)).toEqual([4]);
  });

  it('prints a shared list the same for each atom', () => {
    const [d1, d2] = failures();
    const lines = (f: ExplainedFailure): string[] =>
      explainFailureText(f)
        .split('\n')
        .filter((l) => l.startsWith('  consulted:'));
    expect(lines(d1!)).toHaveLength(1);
    expect(lines(d2!)).toEqual(lines(d1!));
  });

  it("writes a hint's lines past 2^31 and 2^32 as their decimal text", () => {
    // Guards toFixed(0) in the hint (it keeps the line's text out of V8's number-string cache):
    // the same digits as String(n) for a line a Smi cannot hold. Passes before too: the output
    // does not change.
    const text = [
      'info: bin/f (pid:6) type b_t uses ability IO as root',
      'info: bin/f (pid:6) type m_t uses ability IO as root',
      'error: bin/f (pid:6) type d_t lacks ability IO as root',
    ].join('\n');
    const events = parseTraceText(text, 't.log').events;
    events[0]!.position.line = 2 ** 31 + 7;
    events[1]!.position.line = 2 ** 40 + 3;
    const hints = [...explainSteps(familyModel, tallyEvents(events))].flatMap((s) =>
      s.kind === 'failure' ? [s.failure.hint] : [],
    );
    expect(hints).toEqual([
      `bin/f did this as b_t (t.log:${String(2 ** 31 + 7)}), m_t (t.log:1099511627779): launch it with \`on -T b_t ...\` rather than widen d_t`,
    ]);
  });

  it('lists the other types in the hint by name, whatever order they were noted in', () => {
    const text = [
      'info: bin/f (pid:6) type z_t uses ability IO as root',
      'info: bin/f (pid:6) type b_t uses ability IO as root',
      'info: bin/f (pid:6) type m_t uses ability IO as root',
      'error: bin/f (pid:6) type d_t lacks ability IO as root',
    ].join('\n');
    const summary = tallyEvents(parseTraceText(text, 't.log').events);
    const hints = [...explainSteps(familyModel, summary)].flatMap((s) =>
      s.kind === 'failure' ? [s.failure.hint] : [],
    );
    expect(hints).toEqual([
      'bin/f did this as b_t (t.log:2), m_t (t.log:3), z_t (t.log:1): launch it with `on -T b_t ...` rather than widen d_t',
    ]);
  });
});

describe('explainSteps: sections from the place order', () => {
  it('gives each section its failures in place order when the sections interleave, as explainFailures does', () => {
    // Guards the per-section scan of the place order (no array of the atoms by section):
    // passes before too, the output being the same.
    const lines: string[] = [];
    for (let k = 0; k < 12; k++) {
      lines.push(`error: bin/g (pid:${k}) type z_t lacks ability IO as root`);
      lines.push(`error: bin/g (pid:${k}) type a_t lacks ability SETUID(${100 + k}) as root`);
      lines.push(
        `error: bin/g (pid:${k}) of type a_t failed to attach to path /dev/x${k}: no rule`,
      );
    }
    // Out of place: the traces' files sort by name, not by the order their records came in.
    const events = [
      ...parseTraceText(lines.slice(18).join('\n'), 'a.log').events,
      ...parseTraceText(lines.slice(0, 18).join('\n'), 'b.log').events,
    ];
    const summary = tallyEvents(events);
    const streamed = [...explainSteps(model, summary)].map((s) =>
      s.kind === 'section' ? `${s.reason} ${s.count}` : `${s.failure.file}:${s.failure.line}`,
    );
    const whole = explainFailures(judgeSummary(model, summary), {
      traceFiles: [],
      policyFiles: [],
    }).sections.flatMap((s) => [
      `${s.reason} ${s.failures.length}`,
      ...s.failures.map((f) => `${f.file}:${f.line}`),
    ]);
    expect(streamed).toEqual(whole);
    expect(streamed.filter((s) => !s.includes(':'))).toEqual([
      'no-type 1',
      'range-not-covered 12',
      'no-attach-rule 12',
    ]);
    expect(streamed[1]).toBe('a.log:1');
  });
});
