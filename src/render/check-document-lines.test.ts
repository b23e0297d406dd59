/**
 * `check`'s JSON and SARIF written as lines (pretty-json-lines.ts,
 * `checkJsonLines`, `sarifLines`, `checkFindings`): the same text as the
 * whole document made at once, and a failure judged and its text made only
 * when it is written.
 */
import { parseWaiverTexts } from '../api/waivers';
import { bigPolicy } from '../bench/bench-inputs';
import { tallyEvents } from '../infer/review-tally';
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import type { TraceEvent } from '../trace/event';
import { parseTraceText } from '../trace/push-parser';
import { generatedTrace } from '../test-utils/generated-trace';
import {
  checkResult,
  checkVerdict,
  type CheckInput,
  type CheckResult,
} from '../review/check-result';
import { checkFindings, checkLists, type CheckFindingLists } from '../review/check-stream';
import * as evaluation from '../policy/evaluate';
import { waiverForEvent } from '../review/waivers';
import { checkSummaryResult } from '../test-utils/check-summary-result';
import { judgeSummary, uncoveredGroups, type TraceReview } from '../review/trace-review';
import type { SarifFinding } from '../review/sarif-finding';
import { escapeJsonControls } from '../diagnostics/safe-text';
import {
  CHECK_RULES,
  WAIVER_RULES,
  checkJson,
  checkJsonLines,
  checkSarifFindings,
  checkSarifRuleIds,
} from './check-output';
import { formatSarif, sarifLines, toSarif } from './sarif';
import { prettyJsonLines } from './pretty-json-lines';

const POLICY = `${bigPolicy(20)}\ntype fs_t;\ntype init_t;\nallow init_t self:ability { io pathspace };\nallow_attach fs_t /dev/fsF;\n`;

const WAIVERS = [
  '# reason: init_t channels are probed',
  'allow fs_user_t init_t:channel connect;',
  '# reason: matches nothing',
  'allow init_t self:ability prot_exec;',
  '# reason: long gone',
  '# until: 2020-01-01',
  'allow fs_t self:ability io;',
].join('\n');

/** The document text as lines joined, with the newline the command ends it with. */
function text(lines: Iterable<string>): string {
  return `${[...lines].join('\n')}\n`;
}

/**
 * The SARIF findings as check made them from the whole judgement: each
 * failure relates the rules consulted for the last uncovered group (in the
 * tally's order) whose first failure place is the failure's.
 */
function wholeFindings(r: CheckResult, review: TraceReview): SarifFinding[] {
  const byPlace = new Map(
    uncoveredGroups(review).map((g) => {
      const p = g.failurePlaces[0] ?? g.event.position;
      return [`${p.file}:${p.line}`, g.verdict.allowed ? [] : g.verdict.consulted];
    }),
  );
  const consulted = (u: { file: string; line: number }): evaluation.ConsultedRule[] =>
    byPlace.get(`${u.file}:${u.line}`) ?? [];
  const lists: CheckFindingLists = {
    uncovered: r.uncovered.map((failure) => ({ failure, consulted: consulted(failure) })),
    waived: (r.waivers?.waived ?? []).map((failure) => ({
      failure,
      consulted: consulted(failure),
    })),
  };
  return [...checkSarifFindings(r, lists)];
}

describe('check JSON and SARIF as lines', () => {
  const policy = parsePolicies([{ file: 'p.secpol', text: POLICY }]);
  const model = buildModel(policy.policy);
  const parsed = parseWaiverTexts([{ file: 'w.secpol', text: WAIVERS }], {
    today: '2026-12-03',
    policy: policy.policy,
  });
  let events: TraceEvent[];
  beforeAll(async () => {
    events = [];
    for (const [file, seed] of [
      ['z.log', 31],
      ['a.log', 32],
    ] as const)
      events.push(...parseTraceText(await generatedTrace(seed, 3000), file).events);
    // Failures of one first place (a library caller's events may share one): SARIF relates the
    // rules of the last of them in the tally's order to all, uncovered or waived. The record at
    // one uncovered failure's place moved to another's, and a waived failure's to a third's.
    const groups = uncoveredGroups(judgeSummary(model, tallyEvents(events)));
    const rules = (g: (typeof groups)[number]): string =>
      JSON.stringify(g.verdict.allowed ? [] : g.verdict.consulted);
    const waived = (g: (typeof groups)[number]): boolean =>
      waiverForEvent(parsed.set, g.event) !== undefined;
    const at = (p: { file: string; line: number }) => (e: TraceEvent) =>
      e.kind !== 'unknown' && e.position.file === p.file && e.position.line === p.line;
    const uncovered = groups.filter((g) => !waived(g) && g.failurePlaces.length > 0);
    const move = (from: (typeof groups)[number], exclude: (typeof groups)[number][]): void => {
      const to = uncovered.find((g) => rules(g) !== rules(from) && !exclude.includes(g))!;
      const moved = events.findIndex(at(from.failurePlaces[0]!));
      const onto = events.find(at(to.failurePlaces[0]!))!;
      const e = events[moved]!;
      if (e.kind === 'unknown') throw new Error('a process event');
      events[moved] = { ...e, position: { ...onto.position }, process: `${e.process}\u202e` };
      exclude.push(to);
    };
    const taken = [uncovered[3]!];
    move(uncovered[3]!, taken);
    move(
      groups.find((g) => waived(g) && g.failurePlaces.length > 0)!,
      taken,
    );
  });

  const inputOf = (waive: boolean, strict: boolean): CheckInput => ({
    traceFiles: ['z.log', 'a.log'],
    policyFiles: ['p.secpol'],
    notUnderstood: [{ severity: 'warning', file: 'a.log', line: 2, message: 'x\u0085y' }],
    notUnderstoodCount: 4,
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
  });

  /** `check --format sarif`'s lines: judged through for the verdict, again as written. */
  const sarifOf = (evs: TraceEvent[], input: CheckInput): Generator<string, void, undefined> => {
    const judged = checkFindings(model, tallyEvents(evs), input);
    const rules = input.waivers ? [...CHECK_RULES, ...WAIVER_RULES] : CHECK_RULES;
    return sarifLines(
      checkSarifFindings(judged.result, judged.lists),
      rules,
      checkSarifRuleIds(judged.result, judged.verdict),
      { version: '1' },
    );
  };

  it.each([
    ['without waivers', false, false],
    ['with waivers, strict', true, true],
  ])('writes the whole document’s text (%s)', (_name, waive, strict) => {
    const input = inputOf(waive, strict);
    const review = judgeSummary(model, tallyEvents(events));
    const whole = checkResult(review, input);
    expect(whole.uncovered.length).toBeGreaterThan(100);
    const places = [...whole.uncovered, ...(whole.waivers?.waived ?? [])].map(
      (u) => `${u.file}:${u.line}`,
    );
    // Two places of two failures each, one of them (with waivers) an uncovered and a waived one.
    expect(new Set(places).size).toBe(places.length - 2);
    if (waive) {
      expect(whole.waivers!.waived.length).toBeGreaterThan(0);
      const waivedPlaces = new Set(whole.waivers!.waived.map((u) => `${u.file}:${u.line}`));
      expect(whole.uncovered.some((u) => waivedPlaces.has(`${u.file}:${u.line}`))).toBe(true);
    }
    const rules = waive ? [...CHECK_RULES, ...WAIVER_RULES] : CHECK_RULES;
    const sarif = formatSarif(toSarif(wholeFindings(whole, review), rules, { version: '1' }));

    const judged = checkFindings(model, tallyEvents(events), input);
    expect(judged.verdict).toEqual(checkVerdict(whole));
    expect(text(sarifOf(events, input))).toBe(sarif);
    expect(sarif).toContain('\\u202e');

    const json = `${escapeJsonControls(JSON.stringify(jsonDoc(whole), null, 2))}\n`;
    expect(text(checkJsonLines(checkSummaryResult(model, tallyEvents(events), input)))).toBe(json);
    expect(checkJson(whole)).toBe(json);
    // Judged again as written: the same document, the same verdict.
    const lists = checkLists(model, tallyEvents(events), input);
    expect(lists.verdict).toEqual(checkVerdict(whole));
    expect(lists.result.uncovered).toEqual([]);
    expect(text(checkJsonLines(lists.result, lists.lists))).toBe(json);
  });

  it.each([
    ['without waivers', false],
    ['with waivers', true],
  ])('writes the whole document’s text with no failure (%s)', (_name, waive) => {
    const input = inputOf(waive, false);
    const review = judgeSummary(model, tallyEvents([]));
    const whole = checkResult(review, input);
    const rules = waive ? [...CHECK_RULES, ...WAIVER_RULES] : CHECK_RULES;
    const sarif = formatSarif(toSarif(wholeFindings(whole, review), rules, { version: '1' }));
    expect(text(sarifOf([], input))).toBe(sarif);
    expect(sarif).not.toContain('"ruleId": "uncovered-failure"');
  });

  it('judges a SARIF result as it writes it, after the verdict’s judging', () => {
    const evaluate = jest.spyOn(evaluation, 'evaluate');
    try {
      const lines = sarifOf(events, inputOf(false, false));
      const first = lines.next();
      // The log's head (its rules) is written once the tally is judged through.
      const judgedForVerdict = evaluate.mock.calls.length;
      expect(first.done).toBe(false);
      let atFirstResult = -1;
      for (let next = lines.next(); !next.done; next = lines.next())
        if (atFirstResult < 0 && next.value.includes('"ruleId": "uncovered-failure"'))
          atFirstResult = evaluate.mock.calls.length - judgedForVerdict;
      const judgedAsWritten = evaluate.mock.calls.length - judgedForVerdict;
      expect(judgedAsWritten).toBeGreaterThan(100);
      expect(atFirstResult).toBeGreaterThan(0);
      expect(atFirstResult).toBeLessThan(judgedAsWritten / 10);
    } finally {
      evaluate.mockRestore();
    }
  });

  it('prints an array’s item only as it writes it', () => {
    let read = 0;
    function* items(): Generator<object> {
      for (let i = 0; i < 5; i++) {
        read++;
        yield { i, s: 'a\nb' };
      }
    }
    const lines = prettyJsonLines({ a: 1, list: [], b: [] }, [
      { key: 'list', depth: 1, items: items() },
    ]);
    const seen: string[] = [];
    for (const line of lines) {
      seen.push(line);
      // The items written, and the one after them (read to know whether a comma follows).
      expect(read).toBeLessThanOrEqual(seen.filter((l) => l.startsWith('    {')).length + 1);
    }
    expect(`${seen.join('\n')}\n`).toBe(
      `${JSON.stringify({ a: 1, list: [0, 1, 2, 3, 4].map((i) => ({ i, s: 'a\nb' })), b: [] }, null, 2)}\n`,
    );
  });

  it('leaves an empty array as it is, and finds the array’s key where the text holds it too', () => {
    const doc = { s: '\n  "list": []', deep: { x: { list: [] } }, list: [] };
    const expected = (list: unknown[], deep: unknown[]): string =>
      JSON.stringify({ ...doc, deep: { x: { list: deep } }, list }, null, 2);
    expect([...prettyJsonLines(doc, [{ key: 'list', depth: 1, items: [] }])].join('\n')).toBe(
      expected([], []),
    );
    expect(
      [
        ...prettyJsonLines(doc, [
          { key: 'list', depth: 1, items: [[1, 2], 'x'] },
          { key: 'list', depth: 3, items: [{ y: [] }] },
        ]),
      ].join('\n'),
    ).toBe(expected([[1, 2], 'x'], [{ y: [] }]));
  });
});

/** `check --format json`'s document as it was made whole. */
function jsonDoc(r: CheckResult): object {
  return {
    schema: 'secpol-learn/check',
    schemaVersion: 1,
    passed: r.passed,
    strict: r.strict,
    traceFiles: r.traceFiles,
    policyFiles: r.policyFiles,
    summary: r.summary,
    uncovered: r.uncovered,
    guardViolations: [],
    notUnderstood: r.notUnderstood.map((d) => ({
      file: d.file,
      line: d.line,
      message: d.message,
      ruleId: d.ruleId ?? '',
    })),
    ...(r.waivers
      ? {
          waived: r.waivers.waived,
          waivers: r.waivers.counts,
          waiverWarnings: r.waivers.warnings.map((d) => ({
            file: d.file,
            line: d.line,
            column: d.column ?? 1,
            message: d.message,
            ruleId: d.ruleId ?? '',
          })),
        }
      : {}),
  };
}
