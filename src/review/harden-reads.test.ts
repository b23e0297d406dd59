/**
 * What `harden` reads of the judged trace: an atom's event and verdict only
 * (never its key, object or failure places unless a waiver reader asks for
 * the group), and the records of the grants the over-broad checks may report
 * only (only those are validated and kept for a narrower rule).
 */
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { parseTraceText } from '../trace/push-parser';
import type { ProcessEvent } from '../trace/event';
import type { ReviewAtom, ReviewSummary } from '../infer/review-tally';
import { tallyEvents } from '../infer/review-tally';
import { validateEvent } from '../infer/validate-event';
import { hardenFromSummary, hardenPolicy } from './harden';
import { reviewEvents, type EventGroup } from './trace-review';

jest.mock('../infer/validate-event', () => {
  const actual =
    jest.requireActual<typeof import('../infer/validate-event')>('../infer/validate-event');
  return { ...actual, validateEvent: jest.fn(actual.validateEvent) };
});

const files = { traceFiles: ['trace.log'], policyFiles: ['policy.secpol'] };

function modelOf(text: string) {
  const { policy, diagnostics } = parsePolicies([{ file: 'policy.secpol', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return buildModel(policy);
}

function eventsOf(trace: string): ProcessEvent[] {
  return parseTraceText(trace, 'trace.log').events.filter(
    (e): e is ProcessEvent => e.kind !== 'unknown',
  );
}

const TRACE = [
  'info: sbin/init (pid:2) type init_t uses ability SETUID(1000) as non-root',
  'info: sbin/init (pid:2) type init_t uses ability PATHSPACE as root',
  'info: sbin/init (pid:2) type init_t uses ability SETGID(5) as root',
  'error: sbin/init (pid:2) type init_t failed ability SETGID(6) as root',
].join('\n');

const POLICY = 'type init_t;\nallow init_t self:ability { setuid nonroot pathspace setgid:5 };\n';

/** An atom whose key, object and failure places throw when read. */
function guarded(a: ReviewAtom): ReviewAtom {
  const fail = (): never => {
    throw new Error('read');
  };
  return {
    event: a.event,
    value: a.value,
    failures: a.failures,
    successes: a.successes,
    get key(): string {
      return fail();
    },
    get object(): string {
      return fail();
    },
    get failurePlaces() {
      return fail();
    },
    set failurePlaces(_) {
      fail();
    },
  };
}

describe('hardenFromSummary reads', () => {
  beforeEach(() => jest.mocked(validateEvent).mockClear());

  it("no atom's key, object or failure places without a group reader", () => {
    const model = modelOf(POLICY);
    const summary = tallyEvents(eventsOf(TRACE));
    const expected = hardenPolicy(model, reviewEvents(model, eventsOf(TRACE)), files);
    const atoms = [...summary.atoms].map(guarded);
    const s: ReviewSummary = { ...summary, atoms };
    expect(hardenFromSummary(model, s, files)).toEqual(expected);
  });

  it('every group, whole, for a group reader', () => {
    const model = modelOf(POLICY);
    const groups: EventGroup[] = [];
    hardenFromSummary(model, tallyEvents(eventsOf(TRACE)), files, (g) => groups.push(g));
    expect(groups).toEqual(reviewEvents(model, eventsOf(TRACE)).groups);
  });

  it('the records of the grants that may be over-broad only (validated, kept)', () => {
    const model = modelOf(POLICY);
    const h = hardenFromSummary(model, tallyEvents(eventsOf(TRACE)), files);
    // `setuid` without a subrange: narrowed to the value the trace used.
    expect(h.findings.filter((f) => f.code === 'over-broad')).toEqual([
      expect.objectContaining({ grant: 'setuid', alternative: expect.stringContaining('1000') }),
    ]);
    // Only the setuid record is checked: pathspace and setgid:5 are never reported as broad.
    expect(
      jest
        .mocked(validateEvent)
        .mock.calls.map(([e]) => e.kind === 'ability' && e.ability.policyName),
    ).toEqual(['setuid']);
  });
});
