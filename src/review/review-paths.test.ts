/**
 * The review commands' reading path, differentially: the review tally judged
 * once per atom (trace-review.ts) against a tiny reference of the old reviewer
 * (every record evaluated on its own and grouped as read), on the samples,
 * generated traces and the real-world corpus; and `check`, `explain` and
 * `harden` output through one thread, several byte ranges and a stream cut
 * into batches, byte for byte.
 */
import { createWriteStream, promises as fs, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { generateTrace } from '../bench/generate-trace';
import { bigPolicy } from '../bench/bench-inputs';
import { parseTraceText } from '../trace/push-parser';
import type { TraceEvent } from '../trace/event';
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import type { PolicyModel } from '../policy/model/types';
import { evaluate } from '../policy/evaluate';
import { normaliseAbilityName } from '../qnx/abilities';
import { argumentValueText } from '../trace/event-text';
import { judgeSummary, placeKey, reviewEvents, type TraceReview } from './trace-review';
import { checkResult } from './check-result';
import { checkSummaryResult } from '../test-utils/check-summary-result';
import { explainFailures, explainSteps } from './explain';
import { hardenPolicy, hardenFromSummary } from './harden';
import { checkJson } from '../render/check-output';
import {
  explainFailureText,
  explainJson,
  explainText,
  explainTextRows,
} from '../render/explain-output';
import { hardenJson } from '../render/harden-format';
import { scanTraces } from '../cli/review-inputs';
import { tallyEvents } from '../infer/review-tally';
import type { CliIo } from '../cli/io';
import { corpusPath, describeWithCorpus } from '../test-utils/corpus';

/** The old reviewer, as small as it gets: each record grouped as read, each group judged when first met. */

/** explainTextRows with each failure as its text (ExplainFailureBytes writes the same bytes). */
function* textLines(steps: ReturnType<typeof explainSteps>): Generator<string, number, undefined> {
  const rows = explainTextRows(steps);
  let next = rows.next();
  for (; !next.done; next = rows.next())
    yield typeof next.value === 'string' ? next.value : explainFailureText(next.value);
  return next.value;
}

function referenceReview(model: PolicyModel, events: TraceEvent[]): TraceReview {
  const out: TraceReview = {
    groups: [],
    events: 0,
    failures: 0,
    successes: 0,
    unknown: [],
    unknownCount: 0,
    used: new Set(),
  };
  const byKey = new Map<string, TraceReview['groups'][number]>();
  for (const e of events) {
    if (e.kind === 'unknown') {
      out.unknownCount++;
      if (out.unknown.length < 1000) out.unknown.push(e);
      continue;
    }
    out.events++;
    const object = e.kind === 'ability' ? normaliseAbilityName(e.ability.policyName) : e.path;
    const value = e.kind === 'ability' ? argumentValueText(e.argument) : '';
    const domain = e.kind === 'ability' ? e.domain : '';
    const key = [e.securityType, e.process, e.kind, object, value, domain].join('\0');
    let g = byKey.get(key);
    if (!g) {
      const verdict = evaluate(model, e);
      if (verdict.allowed) for (const r of verdict.grants) out.used.add(placeKey(r));
      for (const r of verdict.mayHaveAllowed ?? []) out.used.add(placeKey(r));
      g = { key, event: e, object, failures: 0, successes: 0, failurePlaces: [], verdict };
      byKey.set(key, g);
      out.groups.push(g);
    }
    if (e.severity === 'error') {
      g.failures++;
      out.failures++;
      if (g.failurePlaces.length < 8) g.failurePlaces.push(e.position);
    } else {
      g.successes++;
      out.successes++;
    }
  }
  return out;
}

/** The review and what each command would print from it. */
function printed(model: PolicyModel, review: TraceReview): string[] {
  const files = { traceFiles: ['t.log'], policyFiles: ['p.secpol'] };
  const check = checkResult(review, {
    ...files,
    notUnderstood: [],
    notUnderstoodCount: 0,
    guardViolations: [],
    strict: false,
  });
  return [
    checkJson(check),
    explainJson(explainFailures(review, files)),
    hardenJson(hardenPolicy(model, review, files), ''),
  ];
}

function expectSameReview(model: PolicyModel, events: TraceEvent[]): void {
  const expected = referenceReview(model, events);
  const actual = reviewEvents(model, events);
  expect(actual).toEqual(expected);
  expect(printed(model, actual)).toEqual(printed(model, expected));
  const input = {
    traceFiles: [],
    policyFiles: [],
    notUnderstood: [],
    notUnderstoodCount: 0,
    guardViolations: [],
    strict: false,
  };
  expect(checkSummaryResult(model, tallyEvents(events), input)).toEqual(
    checkResult(expected, input),
  );
  const files = { traceFiles: [], policyFiles: [] };
  expect(hardenFromSummary(model, tallyEvents(events), files)).toEqual(
    hardenPolicy(model, expected, files),
  );
  // explain's text as `explain` writes it (each line of explainTextRows ended by a newline),
  // streamed from the tally, is the text of the whole explanation.
  const pieces = textLines(explainSteps(model, tallyEvents(events)));
  let written = '';
  let next = pieces.next();
  for (; !next.done; next = pieces.next()) written += `${next.value}\n`;
  expect(written).toBe(explainText(explainFailures(expected, { traceFiles: [], policyFiles: [] })));
  expect(next.value).toBe(expected.groups.filter((g) => g.failures > 0).length);
}

function modelOf(text: string, file = 'p.secpol'): PolicyModel {
  return buildModel(parsePolicies([{ file, text }]).policy);
}

const samples = path.join(__dirname, '..', '..', 'samples');

describe('review path against the reference reviewer', () => {
  it.each(['seed-walkthrough', 'multi-process-boot', 'review-harden', 'merge-into-blocks'])(
    'samples/%s',
    (name) => {
      const dir = path.join(samples, name);
      const model = modelOf(readFileSync(path.join(dir, 'policy.secpol'), 'utf8'));
      const { events } = parseTraceText(readFileSync(path.join(dir, 'trace.log')), 'trace.log');
      expectSameReview(model, events);
    },
  );

  it('generated traces (every record form, repeats, garbage) against a policy of their types', async () => {
    const model = modelOf(
      `${bigPolicy(20)}\ntype fs_t;\ntype init_t;\nallow init_t self:ability { io pathspace };\nallow_attach fs_t /dev/fsF;\n`,
    );
    for (const seed of [1, 2, 3]) {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (c: Buffer) => chunks.push(c));
      await generateTrace({ seed, lines: 4000, out, garbage: 0.02 });
      out.end();
      const { events } = parseTraceText(Buffer.concat(chunks), `g${seed}.log`);
      expectSameReview(model, events);
    }
  });

  it('hostile records (refused by learning) and untyped processes are judged too', () => {
    const trace = [
      'error: bin/a (pid:1) type - lacks ability IO as root',
      'error: bin/a (pid:2) type a_t lacks ability NONROOT as root',
      'error: bin/b;x (pid:3) of type a_t failed to attach to path /dev/x: no rule',
      'error: bin/b (pid:4) type a_t lacks ability SETUID(99999999999999999999999) as root',
      'info: bin/b (pid:5) type a_t uses ability SETUID(7) as root',
    ].join('\n');
    const model = modelOf('type a_t;\nallow a_t self:ability { setuid:7 };\n');
    const { events } = parseTraceText(trace, 't.log');
    expect(events.filter((e) => e.kind !== 'unknown')).toHaveLength(5);
    expectSameReview(model, events);
    expect(reviewEvents(model, events).groups).toHaveLength(5);
  });

  it("explain names every other type the access succeeded as, at each type's first place", () => {
    const trace = [
      'info: usr/bin/x (pid:1) type c_t uses ability SETUID(5) as root',
      'info: usr/bin/x (pid:1) type b_t uses ability SETUID(5) as root',
      'info: usr/bin/x (pid:1) type c_t uses ability SETUID(5) as root',
      'error: usr/bin/x (pid:1) type a_t lacks ability SETUID(5) as root',
      'info: usr/bin/y (pid:2) type b_t uses ability SETUID(6) as root',
      'error: usr/bin/y (pid:2) type a_t lacks ability SETUID(6) as root',
    ].join('\n');
    const model = modelOf('type a_t;\ntype b_t;\ntype c_t;\n');
    const { events } = parseTraceText(trace, 't.log');
    expectSameReview(model, events);
    let text = '';
    for (const piece of textLines(explainSteps(model, tallyEvents(events)))) {
      text += `${piece}\n`;
    }
    expect(text).toContain('usr/bin/x did this as b_t (t.log:2), c_t (t.log:1): launch it with');
    expect(text).toContain('usr/bin/y did this as b_t (t.log:5): launch it with');
  });
});

describeWithCorpus('review path against the reference reviewer: real-world corpus', () => {
  it('every corpus trace against every corpus policy that parses', () => {
    const dir = path.dirname(corpusPath('INDEX.md'));
    const names = readdirSync(dir);
    const traces = names.filter((n) => n.endsWith('.log'));
    const models = names
      .filter((n) => n.endsWith('.secpol'))
      .map((n) => parsePolicies([{ file: n, text: readFileSync(path.join(dir, n), 'utf8') }]))
      .filter((p) => p.diagnostics.every((d) => d.severity !== 'error'))
      .map((p) => buildModel(p.policy));
    expect(traces.length).toBeGreaterThan(0);
    expect(models.length).toBeGreaterThan(0);
    for (const t of traces) {
      const { events } = parseTraceText(readFileSync(path.join(dir, t)), t);
      for (const model of models) expectSameReview(model, events);
    }
  });
});

function fakeIo(cwd: string, stdin?: Buffer): CliIo {
  const input = new PassThrough();
  if (stdin) input.end(stdin);
  else input.end();
  return { stdin: input, stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd };
}

/** What check, explain and harden print (JSON) for one scan, and what the scan named on stderr. */
async function commandsOutput(
  args: Record<string, unknown>,
  model: PolicyModel,
  io: CliIo,
  parallel: Parameters<typeof scanTraces>[4],
): Promise<string[]> {
  let stderr = '';
  io.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const scan = await scanTraces(args, model, io, undefined, parallel);
  const review = judgeSummary(model, scan.summary);
  const files = { traceFiles: scan.traceFiles, policyFiles: ['p.secpol'] };
  const checkInput = {
    ...files,
    notUnderstood: scan.notUnderstood,
    notUnderstoodCount: scan.notUnderstoodCount,
    guardViolations: [],
    strict: true,
  };
  const check = checkResult(review, checkInput);
  // The gate straight from the tally (what `check` prints as text and JSON) decides the same.
  expect(checkSummaryResult(model, scan.summary, checkInput)).toEqual(check);
  return [
    checkJson(check),
    explainJson(explainFailures(review, files)),
    hardenJson(hardenPolicy(model, review, files), ''),
    JSON.stringify([...scan.records]),
    stderr,
  ];
}

describe('review path on one and several threads', () => {
  let dir: string;
  const model = modelOf(
    `${bigPolicy(10)}\ntype fs_t;\ntype init_t;\nallow init_t self:ability { io };\nallow_attach fs_t /dev/fsF;\n`,
  );
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'review-paths-'));
    for (const [name, seed] of [
      ['a.log', 11],
      ['b.log', 12],
    ] as const) {
      const out = createWriteStream(path.join(dir, name));
      await generateTrace({ seed, lines: 15_000, out, garbage: 0.02 });
      await new Promise<void>((resolve) => out.end(resolve));
    }
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('byte ranges of files on 2 and 3 lanes give the one-thread bytes', async () => {
    const args = { traces: ['b.log', 'a.log'] };
    const one = await commandsOutput(args, model, fakeIo(dir), { threads: 1 });
    expect(JSON.parse(one[0]!).uncovered.length).toBeGreaterThan(0);
    for (const threads of [2, 3]) {
      const many = await commandsOutput(args, model, fakeIo(dir), {
        threads,
        minBytes: 0,
        inProcess: true,
      });
      expect(many).toEqual(one);
    }
  });

  it('standard input cut into batches gives the one-thread bytes', async () => {
    const bytes = await fs.readFile(path.join(dir, 'a.log'));
    const args = { traces: ['-'] };
    const one = await commandsOutput(args, model, fakeIo(dir, bytes), { threads: 1 });
    const many = await commandsOutput(args, model, fakeIo(dir, bytes), {
      threads: 2,
      minBytes: 0,
      inProcess: true,
    });
    expect(many).toEqual(one);
  });

  it('the -f filter applies on every path', async () => {
    const args = { traces: ['a.log'], f: ['devf-ram'] };
    const one = await commandsOutput(args, model, fakeIo(dir), { threads: 1 });
    const many = await commandsOutput(args, model, fakeIo(dir), {
      threads: 2,
      minBytes: 0,
      inProcess: true,
    });
    expect(many).toEqual(one);
    const check = JSON.parse(one[0]!) as { uncovered: Array<{ process: string }> };
    expect(check.uncovered.every((u) => u.process.endsWith('devf-ram'))).toBe(true);
  });
});
