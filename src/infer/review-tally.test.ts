import fc from 'fast-check';
import {
  MAX_GROUP_PLACES,
  MAX_UNKNOWN,
  mergeReviewSummaries,
  tallyEvents,
  type ReviewSummary,
} from './review-tally';
import { abilityEvent, pathEvent } from './test-events';
import type { TraceEvent } from '../trace/event';

/** Random records over few keys and places, so atoms repeat and places tie across files. */
const eventArb: fc.Arbitrary<TraceEvent> = fc.oneof(
  fc
    .record({
      type: fc.constantFrom('a_t', 'b_t', '-'),
      ability: fc.constantFrom('IO', 'INTERRUPT', 'SETUID'),
      value: fc.integer({ min: 0, max: 4 }),
      pid: fc.integer({ min: 1, max: 20 }),
      file: fc.constantFrom('a.log', 'b.log'),
      line: fc.integer({ min: 1, max: 60 }),
      info: fc.boolean(),
      root: fc.boolean(),
    })
    .map((f) =>
      abilityEvent({
        type: f.type,
        ability: f.ability,
        severity: f.info ? 'info' : 'error',
        pid: String(f.pid),
        file: f.file,
        line: f.line,
        domain: f.root ? 'root' : 'non-root',
        argument: f.ability === 'IO' ? { kind: 'none' } : { kind: 'value', value: String(f.value) },
      }),
    ),
  fc
    .record({
      kind: fc.constantFrom('attach' as const, 'link' as const),
      path: fc.constantFrom('/a', '/b', '/dev/x'),
      pid: fc.integer({ min: 1, max: 20 }),
      file: fc.constantFrom('a.log', 'b.log'),
      line: fc.integer({ min: 1, max: 60 }),
      info: fc.boolean(),
    })
    .map((f) =>
      pathEvent({
        kind: f.kind,
        type: 'a_t',
        path: f.path,
        pid: String(f.pid),
        file: f.file,
        line: f.line,
        severity: f.info ? 'info' : 'error',
      }),
    ),
  fc
    .record({ file: fc.constantFrom('a.log', 'b.log'), line: fc.integer({ min: 1, max: 60 }) })
    .map((f): TraceEvent => ({
      kind: 'unknown',
      severity: 'error',
      record: `error: something new at ${f.line}`,
      position: { file: f.file, line: f.line },
    })),
);

/** Records in place order (file, line, then text): what one reader of the whole trace meets. */
function inPlaceOrder(events: TraceEvent[]): TraceEvent[] {
  return [...events].sort((a, b) =>
    a.position.file !== b.position.file
      ? a.position.file < b.position.file
        ? -1
        : 1
      : a.position.line - b.position.line ||
        (a.record < b.record ? -1 : a.record > b.record ? 1 : 0),
  );
}

const canon = (s: ReviewSummary): string => JSON.stringify(s);

describe('review tally', () => {
  it('merges associatively and commutatively, and equals one tally of the records in place order', () => {
    fc.assert(
      fc.property(fc.array(eventArb), fc.array(eventArb), fc.array(eventArb), (a, b, c) => {
        // Each piece is read in place order (a byte range of a trace); pieces come in any order.
        const [sa, sb, sc] = [a, b, c].map((x) => tallyEvents(inPlaceOrder(x))) as [
          ReviewSummary,
          ReviewSummary,
          ReviewSummary,
        ];
        const whole = canon(tallyEvents(inPlaceOrder([...a, ...b, ...c])));
        expect(canon(mergeReviewSummaries(sa, sb, sc))).toBe(whole);
        expect(canon(mergeReviewSummaries(sc, sa, sb))).toBe(whole);
        expect(canon(mergeReviewSummaries(mergeReviewSummaries(sb, sa), sc))).toBe(
          canon(mergeReviewSummaries(sa, mergeReviewSummaries(sc, sb))),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same summary whatever order the records of a piece arrive in', () => {
    fc.assert(
      fc.property(fc.array(eventArb), fc.integer(), (events, seed) => {
        const shuffled = fc.sample(fc.shuffledSubarray(events, { minLength: events.length }), {
          seed,
          numRuns: 1,
        })[0]!;
        // Atoms' first records and places do not depend on arrival; only ties of equal places
        // (one file named twice) keep the arrival order, and those are equal records.
        const a = tallyEvents(inPlaceOrder(events));
        const b = tallyEvents(shuffled);
        expect(b.atoms.map((x) => [x.key, x.failures, x.successes, x.event.position])).toEqual(
          a.atoms.map((x) => [x.key, x.failures, x.successes, x.event.position]),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the first places and unknown records by place, bounded, and counts the rest', () => {
    const n = 3 * MAX_GROUP_PLACES;
    const lines = Array.from({ length: n }, (_, i) => n - i);
    const events = lines.map((line) => abilityEvent({ type: 'a_t', ability: 'IO', line }));
    const s = tallyEvents(events);
    expect(s.atoms).toHaveLength(1);
    expect(s.atoms[0]!.failures).toBe(n);
    expect(s.atoms[0]!.failurePlaces.map((p) => p.line)).toEqual(
      Array.from({ length: MAX_GROUP_PLACES }, (_, i) => i + 1),
    );
    expect(s.atoms[0]!.event.position.line).toBe(1);
    const unknown: TraceEvent[] = Array.from({ length: MAX_UNKNOWN + 5 }, (_, i) => ({
      kind: 'unknown',
      severity: 'error',
      record: 'error: ?',
      position: { file: 't.log', line: MAX_UNKNOWN + 5 - i },
    }));
    const u = mergeReviewSummaries(
      tallyEvents(unknown.slice(0, 10)),
      tallyEvents(unknown.slice(10)),
    );
    expect(u.unknownCount).toBe(MAX_UNKNOWN + 5);
    expect(u.unknown).toHaveLength(MAX_UNKNOWN);
    expect(u.unknown[0]!.position.line).toBe(1);
  });

  it('is plain data: a JSON round trip gives it back', () => {
    const s = tallyEvents([
      abilityEvent({ type: 'a_t', ability: 'INTERRUPT', argument: { kind: 'value', value: '14' } }),
      abilityEvent({
        type: 'a_t',
        ability: 'CHANNEL_CONNECT',
        argument: { kind: 'type-id', value: '1', typeName: 'fs_t' },
        severity: 'info',
      }),
      pathEvent({ kind: 'attach', type: 'b_t', path: '/dev/x', code: 'conflict' }),
    ]);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(s.atoms.map((a) => a.value)).toEqual(['14', '1 (fs_t)', '']);
  });
});
