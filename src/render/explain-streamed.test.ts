/**
 * `explain`'s JSON, markdown and text from the streamed explanation
 * (`explainJsonLines`, `explainMarkdownSteps`, `explainTextRows` written as
 * bytes, over `explainSteps`) are the bytes of the documents built whole
 * (`explainJson`, `explainMarkdown`, `explainText` over
 * `explainFailures(judgeSummary(...))`): generated traces, one with no
 * failure, and hostile text (controls and U+2028, which the parser reads as
 * `?`; pipes, backticks, brackets, `<`) in two sections.
 */
import { bigPolicy } from '../bench/bench-inputs';
import { tallyEvents } from '../infer/review-tally';
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import type { TraceEvent } from '../trace/event';
import { parseTraceText } from '../trace/push-parser';
import { generatedTrace } from '../test-utils/generated-trace';
import { explainFailures, explainSteps } from '../review/explain';
import { judgeSummary } from '../review/trace-review';
import { Writable } from 'node:stream';
import {
  ExplainFailureBytes,
  explainJson,
  explainJsonLines,
  explainText,
  explainTextRows,
  type ExplainHead,
} from './explain-output';
import { writeRows } from '../cli/write-lines';
import type { ExplainedFailure } from '../review/explain';
import { explainMarkdown, explainMarkdownSteps } from './explain-markdown';

const POLICY = [
  'type fs_t;',
  'type init_t;',
  'allow init_t self:ability { io pathspace };',
  'allow fs_t self:ability { setuid:1000-1009 };',
  'allow fs_t init_t:channel connect;',
  'allow_attach fs_t /dev/fsF;',
].join('\n');

const HOSTILE = [
  'error: bin/a\u2028b (pid:1) of type fs_t failed to attach to path /dev/x|y`z\u0085: no rule',
  'error: bin/a (pid:1) of type fs_t failed to attach to path /dev/[a]\u2029<b>: no rule',
  'info: bin/a (pid:1) of type init_t attached channel to path /dev/[a]\u2029<b>',
  'error: bin/c (pid:2) type init_t lacks ability SETUID(5) as root',
  'error: bin/c (pid:2) type fs_t lacks ability SETUID(5) as non-root',
].join('\n');

async function generated(): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  for (const [file, seed] of [
    ['z.log', 41],
    ['a.log', 42],
  ] as const)
    events.push(...parseTraceText(await generatedTrace(seed, 3000), file).events);
  return events;
}

/** Lines as `writeLines` writes them: each ended by a newline. */
function written(lines: Generator<string, number, undefined>): { text: string; groups: number } {
  let text = '';
  let next = lines.next();
  for (; !next.done; next = lines.next()) text += `${next.value}\n`;
  return { text, groups: next.value };
}

describe('explain streamed as built whole', () => {
  it.each([
    ['generated traces', generated, `${bigPolicy(20)}\n${POLICY}`],
    [
      'a trace without failures',
      async (): Promise<TraceEvent[]> =>
        parseTraceText('info: bin/a (pid:1) type init_t uses ability IO as root\n', 'ok.log')
          .events,
      POLICY,
    ],
    [
      'hostile text',
      async (): Promise<TraceEvent[]> => parseTraceText(HOSTILE, 'h.log').events,
      POLICY,
    ],
  ])('JSON, markdown and text (%s)', async (_name, events, policy) => {
    const model = buildModel(parsePolicies([{ file: 'p.secpol', text: policy }]).policy);
    const summary = tallyEvents(await events());
    const files = { traceFiles: ['z.log', 'a.log'], policyFiles: ['p.secpol'] };
    const whole = explainFailures(judgeSummary(model, summary), files);
    const head: ExplainHead = {
      traceFiles: [...files.traceFiles].sort(),
      policyFiles: files.policyFiles,
      failures: summary.failures,
    };
    const groups = whole.sections.reduce((n, s) => n + s.failures.length, 0);
    const json = written(explainJsonLines(explainSteps(model, summary), head));
    expect(json.text).toBe(explainJson(whole));
    expect(json.groups).toBe(groups);
    // The steps read the summary, not change it: a second run over the same one.
    const md = explainMarkdownSteps(explainSteps(model, summary), head);
    expect(md.text).toBe(explainMarkdown(whole));
    expect(md.groups).toBe(groups);
    // The text as `explain` writes it: a failure's lines as bytes (ExplainFailureBytes).
    const chunks: Buffer[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, cb): void {
        chunks.push(chunk);
        cb();
      },
    });
    const bytes = new ExplainFailureBytes();
    const rows = explainTextRows(explainSteps(model, summary));
    expect(await writeRows(out, rows, (f: ExplainedFailure, b) => bytes.write(f, b))).toBe(groups);
    expect(Buffer.concat(chunks).toString()).toBe(explainText(whole));
  });
});
