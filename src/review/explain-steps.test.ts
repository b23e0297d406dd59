/**
 * `explainSteps` (src/review/explain.ts): what it builds per atom. An atom
 * without failures is evidence from its counts alone: its event is not built
 * and it is not judged; a failing atom's event is built for each of the two
 * passes. Sections come in their fixed order, failures by place within each.
 */
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { parseTraceText } from '../trace/push-parser';
import { TalliedAtom, tallyEvents } from '../infer/review-tally';
import { explainSteps, type ExplainStep } from './explain';

const trace = [
  'info: bin/a (pid:1) type a_t uses ability SETUID(5) as root',
  'info: bin/a (pid:1) type b_t uses ability SETUID(6) as root',
  'info: bin/c (pid:3) of type a_t attached channel to path /dev/ok',
  'error: bin/a (pid:1) type a_t lacks ability IO as root',
  'error: bin/b (pid:2) type z_t lacks ability IO as root',
  'error: bin/a (pid:1) type c_t lacks ability SETUID(5) as root',
  'info: bin/a (pid:1) type c_t uses ability SETUID(5) as root',
].join('\n');

const model = buildModel(
  parsePolicies([
    {
      file: 'p.secpol',
      text: 'type a_t;\ntype b_t;\ntype c_t;\nallow a_t self:ability setuid:5;\nallow b_t self:ability setuid:6;\nallow_attach a_t /dev/ok;\n',
    },
  ]).policy,
);

function run(): { steps: ExplainStep[]; groups: number; eventsOf: Map<number, number> } {
  const summary = tallyEvents(parseTraceText(trace, 't.log').events);
  const eventsOf = new Map<number, number>();
  const getter = Object.getOwnPropertyDescriptor(TalliedAtom.prototype, 'event')!.get!;
  const spy = jest.spyOn(TalliedAtom.prototype, 'event', 'get').mockImplementation(function (
    this: TalliedAtom,
  ) {
    eventsOf.set(this.row, (eventsOf.get(this.row) ?? 0) + 1);
    return getter.call(this) as TalliedAtom['event'];
  });
  try {
    const steps: ExplainStep[] = [];
    const it = explainSteps(model, summary);
    let next = it.next();
    for (; !next.done; next = it.next()) steps.push(next.value);
    return { steps, groups: next.value, eventsOf };
  } finally {
    spy.mockRestore();
  }
}

describe('explainSteps', () => {
  it('builds no event for an atom without failures, and one per pass for a failing atom', () => {
    const atoms = tallyEvents(parseTraceText(trace, 't.log').events).atoms;
    const { eventsOf } = run();
    const built = [];
    for (let i = 0; i < atoms.length; i++) {
      const a = atoms.at(i) as TalliedAtom;
      built.push(`${a.failures > 0 ? 'failing' : 'ok'} ${eventsOf.get(a.row) ?? 0}`);
    }
    expect(built.sort()).toEqual(['failing 2', 'failing 2', 'failing 2', 'ok 0', 'ok 0', 'ok 0']);
  });

  it('yields each section with its count, then its failures in place order', () => {
    const { steps, groups } = run();
    expect(groups).toBe(3);
    expect(
      steps.map((s) =>
        s.kind === 'section'
          ? `${s.reason} ${s.count}`
          : `${s.failure.line} ${s.failure.type} ${s.failure.hint ?? ''}`,
      ),
    ).toEqual([
      'no-type 1',
      '5 z_t ',
      'no-ability 2',
      '4 a_t ',
      '6 c_t bin/a did this as a_t (t.log:1): launch it with `on -T a_t ...` rather than widen c_t',
    ]);
  });
});
