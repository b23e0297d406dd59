/**
 * `check` streamed (check-stream.ts): the text written as the failures are
 * judged equals the text of the whole result, with and without waivers, on
 * generated traces of several files; and it is a stream (the first line
 * comes out before the last failure is judged).
 */
import { formatDiagnosticLine } from '../diagnostics/diagnostic';
import { formatCheck } from '../api/review';
import { parseWaiverTexts } from '../api/waivers';
import { bigPolicy } from '../bench/bench-inputs';
import {
  TalliedAtom,
  firstFailurePlace,
  tallyEvents,
  type ReviewAtom,
  type ReviewSummary,
} from '../infer/review-tally';
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import type { PolicyModel } from '../policy/model/types';
import type { TraceEvent } from '../trace/event';
import { parseTraceText } from '../trace/push-parser';
import { generatedTrace } from '../test-utils/generated-trace';
import { checkSummary, guardLine, uncoveredLines, waiverLines } from '../render/check-output';
import { checkResult, type CheckInput } from './check-result';
import { checkStream } from './check-stream';
import { checkSummaryResult } from '../test-utils/check-summary-result';
import { failurePlaceOrder } from './failure-order';
import { judgeSummary } from './trace-review';

const POLICY = `${bigPolicy(20)}\ntype fs_t;\ntype init_t;\nallow init_t self:ability { io pathspace };\nallow_attach fs_t /dev/fsF;\n`;

/** Waivers that cover some of the generated failures, one that covers none, one expired. */
const WAIVERS = [
  '# reason: init_t channels are probed',
  'allow fs_user_t init_t:channel connect;',
  '# reason: sockets are retried',
  '# until: 2099-01-01',
  'allow_attach screen_t /dev/socket/x;',
  '# reason: matches nothing',
  'allow init_t self:ability prot_exec;',
  '# reason: long gone',
  '# until: 2020-01-01',
  'allow fs_t self:ability io;',
].join('\n');

function policyOf(text: string): { model: PolicyModel; policy: ReturnType<typeof parsePolicies> } {
  const policy = parsePolicies([{ file: 'p.secpol', text }]);
  return { model: buildModel(policy.policy), policy };
}

/** The events of generated traces, as files read in an order that is not their sorted one. */
async function traceEvents(): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  for (const [file, seed] of [
    ['z.log', 21],
    ['B.log', 22],
    ['a.log', 23],
  ] as const)
    events.push(...parseTraceText(await generatedTrace(seed, 3000), file).events);
  return events;
}

/** What `check` prints, streamed: the uncovered lines as judged, then the lines after them. */
function streamedText(model: PolicyModel, summary: ReviewSummary, input: CheckInput): string {
  const lines: string[] = [];
  const stream = uncoveredLines(checkStream(model, summary, input));
  let next = stream.next();
  for (; !next.done; next = stream.next()) lines.push(next.value);
  const verdict = next.value;
  const more = input.notUnderstoodCount - input.notUnderstood.length;
  lines.push(
    ...input.guardViolations.map(guardLine),
    ...input.notUnderstood.map(formatDiagnosticLine),
    ...(more > 0 ? [`secpol-learn: ${more} more line(s) not understood, not listed`] : []),
    ...waiverLines(verdict),
    checkSummary(verdict),
  );
  return lines.map((l) => `${l}\n`).join('');
}

describe('check streamed', () => {
  const { model, policy } = policyOf(POLICY);
  let events: TraceEvent[];
  beforeAll(async () => {
    events = await traceEvents();
  });

  it.each([
    ['without waivers', false, false],
    ['with waivers', true, false],
    ['with waivers, strict', true, true],
  ])('the streamed text is the whole result’s text (%s)', (_name, waive, strict) => {
    const parsed = parseWaiverTexts([{ file: 'w.secpol', text: WAIVERS }], {
      today: '2026-12-02',
      policy: policy.policy,
    });
    const input: CheckInput = {
      traceFiles: ['z.log', 'B.log', 'a.log'],
      policyFiles: ['p.secpol'],
      notUnderstood: [],
      notUnderstoodCount: 3,
      guardViolations: [],
      ...(waive
        ? {
            waivers: {
              set: parsed.set,
              warnings: parsed.diagnostics.filter((d) => d.severity === 'warning'),
            },
          }
        : {}),
      strict,
    };
    const whole = checkSummaryResult(model, tallyEvents(events), input);
    expect(whole.summary.uncovered).toBeGreaterThan(100);
    if (waive) {
      expect(whole.waivers!.counts).toHaveLength(2);
      expect(whole.waivers!.warnings.length).toBe(2);
    }
    // The uncovered lines span the three files, in sorted order (B < a < z).
    expect(new Set(whole.uncovered.map((u) => u.file))).toEqual(
      new Set(['B.log', 'a.log', 'z.log']),
    );
    const text = formatCheck(whole);
    expect(streamedText(model, tallyEvents(events), input)).toBe(text);
    // And the whole judgement, sorted by place after the fact, says the same.
    expect(formatCheck(checkResult(judgeSummary(model, tallyEvents(events)), input))).toBe(text);
    expect(checkResult(judgeSummary(model, tallyEvents(events)), input)).toEqual(whole);
  });

  it('writes its first line before it judges its last failure', () => {
    const input: CheckInput = {
      traceFiles: ['z.log', 'B.log', 'a.log'],
      policyFiles: ['p.secpol'],
      notUnderstood: [],
      notUnderstoodCount: 0,
      guardViolations: [],
      strict: false,
    };
    const summary = tallyEvents(events);
    const failing = failurePlaceOrder(summary.atoms).length;
    expect(failing).toBeGreaterThan(100);
    // Each judgement asks for its atom's event at most once (an atom of a family judged once
    // may be judged without it: family-verdicts.ts); ordering them asks for none.
    const judged = jest.spyOn(TalliedAtom.prototype, 'event', 'get');
    try {
      const stream = uncoveredLines(checkStream(model, summary, input));
      expect(judged).not.toHaveBeenCalled();
      const first = stream.next();
      expect(first.done).toBe(false);
      expect(judged.mock.calls.length).toBeLessThan(failing / 10);
      let rest = stream.next();
      while (!rest.done) rest = stream.next();
      expect(judged.mock.calls.length).toBeLessThanOrEqual(failing);
    } finally {
      judged.mockRestore();
    }
  });

  it('judges an atom without its group: no key made, only the first failure place read', () => {
    const input: CheckInput = {
      traceFiles: ['z.log', 'B.log', 'a.log'],
      policyFiles: ['p.secpol'],
      notUnderstood: [],
      notUnderstoodCount: 0,
      guardViolations: [],
      strict: false,
    };
    const summary = tallyEvents(events);
    for (const a of summary.atoms)
      expect(firstFailurePlace(a)).toEqual(a.failures > 0 ? a.failurePlaces[0] : undefined);
    const whole = checkResult(judgeSummary(model, tallyEvents(events)), input);
    const key = jest.spyOn(TalliedAtom.prototype, 'key', 'get');
    try {
      expect(checkSummaryResult(model, summary, input)).toEqual(whole);
      expect(key).not.toHaveBeenCalled();
    } finally {
      key.mockRestore();
    }
  });

  it('orders failures by file (as byPlace compares names), then line, ties in atom order', () => {
    const atom = (file: string, line: number, failures = 1): ReviewAtom =>
      ({
        failures,
        failurePlaces: failures > 0 ? [{ file, line }] : [],
      }) as unknown as ReviewAtom;
    const atoms = [
      atom('b', 2),
      atom('a', 9),
      atom('b', 1),
      atom('B', 5),
      atom('a', 9),
      atom('b', 1, 0),
      atom('a', 3),
      atom('b', 2),
    ];
    expect([...failurePlaceOrder(atoms)]).toEqual([3, 6, 1, 4, 2, 0, 7]);
  });
});
