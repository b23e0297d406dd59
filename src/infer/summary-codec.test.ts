/**
 * The summary codec carries every field the learner makes (round trip with
 * deep equality of results learned from generated and sample traces, cut
 * into random chunks), and refuses, line by line with FILE:LINE, whatever a
 * trace record could not have produced.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { generatedTrace } from '../test-utils/generated-trace';
import { learnBytes } from '../test-utils/learn-summary';
import { SummaryDecoder, summaryChunks, summaryLines, SUMMARY_SCHEMA } from './summary-codec';
import { SummaryLineReader, MAX_SUMMARY_LINE, startsAsSummary } from './summary-lines';
import { ATOM_FIELDS, EVIDENCE_FIELDS } from './summary-fields';
import { mergeSummaries, type Summary } from './summary';
// Review atoms compare by what they tell (the lane's hold a record's shape).
import '../test-utils/atom-equality';
import { InputError } from '../errors';

const SAMPLES = path.resolve(__dirname, '..', '..', 'samples');

/** Reads summary text as the CLI does, in chunks cut at `cuts`. */
function decode(text: string, file = 'part.jsonl', cuts: number[] = []): Summary {
  const decoder = new SummaryDecoder(file);
  const reader = new SummaryLineReader(decoder);
  const bytes = Buffer.from(text);
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const to = Math.min(c, bytes.length);
    reader.feed(bytes.subarray(at, to));
    at = Math.max(at, to);
  }
  reader.feed(bytes.subarray(at));
  reader.end();
  return decoder.result();
}

/** A summary's text, checked against the bytes `summarize` writes of it (summaryChunks). */
const encode = (s: Summary): string => {
  const text = [...summaryLines(s)].join('');
  expect(Buffer.concat([...summaryChunks(s)]).equals(Buffer.from(text))).toBe(true);
  return text;
};

const sampleTraces = (): string[] =>
  fs
    .readdirSync(SAMPLES, { recursive: true, encoding: 'utf8' })
    .filter((f) => path.basename(f) === 'trace.log')
    .sort();

describe('summary codec', () => {
  it('round-trips what the learner makes from every sample trace (deep equality)', () => {
    for (const f of sampleTraces()) {
      const s = learnBytes(f, fs.readFileSync(path.join(SAMPLES, f)));
      expect(s.learned.inferred.requirements.byKey.size).toBeGreaterThan(0);
      expect(decode(encode(s))).toEqual(s);
    }
  });

  it('round-trips generated traces cut anywhere, and writes the same bytes again', async () => {
    const traces = await Promise.all([1, 2, 3].map((seed) => generatedTrace(seed, 3000, 0.05)));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.array(fc.nat(400_000), { maxLength: 6 }),
        (i, cuts) => {
          const s = learnBytes(`dev-${i}.log`, traces[i]!);
          const text = encode(s);
          const back = decode(text, 'part.jsonl', cuts);
          expect(back).toEqual(s);
          expect(encode(back)).toBe(text);
        },
      ),
      { seed: 18, numRuns: 10 },
    );
  });

  it('names every field of every atom and evidence the learner makes (a new field is one line in summary-fields.ts)', async () => {
    const s = learnBytes('a.log', await generatedTrace(4, 4000, 0));
    const seed = learnBytes(
      'b.log',
      fs.readFileSync(path.join(SAMPLES, 'seed-walkthrough', 'trace.log')),
    );
    const atomFields = new Set([...Object.keys(ATOM_FIELDS), 'key']);
    const evidenceFields = new Set(Object.keys(EVIDENCE_FIELDS));
    for (const sum of [s, seed]) {
      for (const r of sum.learned.inferred.requirements.byKey.values()) {
        for (const k of Object.keys(r)) expect([k, atomFields.has(k)]).toEqual([k, true]);
        for (const k of Object.keys(r.evidence))
          expect([k, evidenceFields.has(k)]).toEqual([k, true]);
      }
    }
  });

  it('starts with the header and tells itself from a trace and from monitor JSON by its first bytes', () => {
    const text = encode(
      learnBytes('t.log', fs.readFileSync(path.join(SAMPLES, 'seed-walkthrough', 'trace.log'))),
    );
    expect(text.split('\n')[0]).toMatch(/^\{"schema":"secpol-learn\/summary@2","entry":"header",/);
    for (const line of text.trimEnd().split('\n'))
      expect(Object.keys(JSON.parse(line))[0]).toBe('schema');
    expect(startsAsSummary(Buffer.from(text))).toBe(true);
    expect(
      startsAsSummary(Buffer.from('{"schema":"secpol-learn/trace-event@1","record":"x"}')),
    ).toBe(false);
    expect(startsAsSummary(Buffer.from('error: a (pid:1) type t lacks ability IO as root\n'))).toBe(
      false,
    );
  });
});

describe('summary lines that are not what the format says', () => {
  const base = learnBytes(
    't.log',
    fs.readFileSync(path.join(SAMPLES, 'seed-walkthrough', 'trace.log')),
  );
  const lines = encode(base).trimEnd().split('\n');
  const header = lines[0]!;
  const atomLine = lines.find(
    (l) => l.includes('"entry":"atom"') && l.includes('"kind":"ability"'),
  )!;
  const atom = JSON.parse(atomLine) as Record<string, unknown>;
  const withAtom = (change: (a: Record<string, unknown>) => void): string => {
    const copy = JSON.parse(JSON.stringify(atom)) as Record<string, unknown>;
    change(copy);
    return JSON.stringify(copy);
  };
  const ev = (a: Record<string, unknown>): Record<string, unknown> =>
    a.evidence as Record<string, unknown>;

  const bad: Array<[string, string]> = [
    ['type with a statement', withAtom((a) => (a.type = 'x_t; allow evil_t self:ability { io }'))],
    ['type keyword', withAtom((a) => (a.type = 'allow'))],
    ['unnamed type', withAtom((a) => (a.type = '-'))],
    ['ability named like a block flag', withAtom((a) => (a.object = 'noinherit'))],
    ['ability with a brace', withAtom((a) => (a.object = 'io }'))],
    ['process with a newline', withAtom((a) => (a.process = 'a\nallow x_t self:ability { io };'))],
    ['pid with a space', withAtom((a) => (ev(a).pids = ['1 2']))],
    ['pids not sorted', withAtom((a) => (ev(a).pids = ['2', '1']))],
    [
      'too many pids',
      withAtom((a) => (ev(a).pids = ['1', '2', '3', '4', '5', '6', '7', '8', '9'])),
    ],
    ['file name with an escape', withAtom((a) => (ev(a).first = { file: 'a\u001b[2Jb', line: 1 }))],
    ['file name with a newline', withAtom((a) => (ev(a).last = { file: 'a\n# x', line: 1 }))],
    ['line zero', withAtom((a) => (ev(a).first = { file: 'a', line: 0 }))],
    ['count negative', withAtom((a) => (ev(a).failures = -1))],
    ['count fraction', withAtom((a) => (ev(a).successes = 0.5))],
    ['sample with bidi', withAtom((a) => (ev(a).sample = 'a\u202eb'))],
    [
      'range above 2^64-1',
      withAtom((a) => ((a.whole = false), (a.ranges = [['0', '18446744073709551616']]))),
    ],
    ['range reversed', withAtom((a) => ((a.whole = false), (a.ranges = [['5', '1']])))],
    ['range not decimal', withAtom((a) => ((a.whole = false), (a.ranges = [['0x1', '2']])))],
    ['whole with values', withAtom((a) => ((a.whole = true), (a.ranges = [['1', '2']])))],
    ['path on an ability', withAtom((a) => ((a.kind = 'attach'), (a.object = '/dev/x')))],
    [
      'path glob',
      withAtom((a) => {
        a.kind = 'attach';
        a.object = '/dev/*';
        delete a.domain;
        delete a.whole;
        delete a.ranges;
        delete a.deniedWhole;
        delete a.deniedRanges;
      }),
    ],
    [
      'path comment',
      withAtom((a) => {
        a.kind = 'link';
        a.object = '//x';
        delete a.domain;
        delete a.whole;
        delete a.ranges;
        delete a.deniedWhole;
        delete a.deniedRanges;
      }),
    ],
    ['kind unknown', withAtom((a) => (a.kind = 'mount'))],
    ['domain unknown', withAtom((a) => (a.domain = 'sudo'))],
    ['missing evidence', withAtom((a) => delete a.evidence)],
    ['object a number', withAtom((a) => (a.object = 7))],
    ['an array', '[1,2]'],
    ['another schema', atomLine.replace(SUMMARY_SCHEMA, 'secpol-learn/summary@3')],
    ['unknown entry', atomLine.replace('"entry":"atom"', '"entry":"grant"')],
    ['not JSON', '{"schema":'],
    [
      'refused with a control',
      JSON.stringify({
        schema: SUMMARY_SCHEMA,
        entry: 'refused',
        severity: 'warning',
        message: 'x\u0007',
        file: 'a',
        line: 1,
      }),
    ],
    [
      'linker with a space',
      JSON.stringify({ schema: SUMMARY_SCHEMA, entry: 'linker', process: 'a b' }),
    ],
  ];

  it.each(bad)('%s: warned at FILE:LINE, nothing from it kept', (_label, line) => {
    const s = decode([header, line, ''].join('\n'), 'dev.jsonl');
    expect(s.learned.inferred.requirements.byKey.size).toBe(0);
    expect(s.learned.inferred.requirements.linkers.size).toBe(0);
    expect(s.learned.inferred.refused).toEqual([]);
    expect(s.learned.notUnderstoodCount).toBe(1);
    expect(s.learned.notUnderstood).toHaveLength(1);
    const d = s.learned.notUnderstood[0]!;
    expect([d.file, d.line, d.ruleId]).toEqual(['dev.jsonl', 2, 'summary-bad-line']);
    expect(d.message).toMatch(/^summary line not read: /);
  });

  it('the valid atom line itself is kept (the cases above fail only by their change)', () => {
    const s = decode([header, atomLine, ''].join('\n'));
    expect(s.learned.inferred.requirements.byKey.size).toBe(1);
    expect(s.learned.notUnderstoodCount).toBe(0);
  });

  it('reads ranges out of order or overlapping as they are, and merges them as sorted and joined', () => {
    const withRanges = (ranges: string[][], deniedRanges: string[][]): Summary =>
      decode(
        [
          header,
          withAtom((a) =>
            Object.assign(a, { whole: false, ranges, deniedWhole: false, deniedRanges }),
          ),
          '',
        ].join('\n'),
      );
    const a = withRanges(
      [
        ['9', '12'],
        ['1', '3'],
      ],
      [
        ['7', '8'],
        ['2', '6'],
        ['5', '5'],
      ],
    );
    const [read] = a.learned.inferred.requirements.byKey.values();
    expect(read!.ranges).toEqual([
      ['9', '12'],
      ['1', '3'],
    ]);
    const b = withRanges([['5', '6']], [['18446744073709551615', '18446744073709551615']]);
    for (const merged of [mergeSummaries([a, b]), mergeSummaries([b, a])]) {
      const [r] = merged.learned.inferred.requirements.byKey.values();
      expect(r!.ranges).toEqual([
        ['1', '3'],
        ['5', '6'],
        ['9', '12'],
      ]);
      expect(r!.deniedRanges).toEqual([
        ['2', '6'],
        ['7', '8'],
        ['18446744073709551615', '18446744073709551615'],
      ]);
    }
  });

  it('drops fields no table names, and a __proto__ key changes nothing', () => {
    const s = decode(
      [
        header,
        withAtom((a) => ((a.extra = 'x'), (ev(a).more = 1))),
        '{"schema":"secpol-learn/summary@2","entry":"linker","process":"a","__proto__":{"polluted":1}}',
        '',
      ].join('\n'),
    );
    const [r] = s.learned.inferred.requirements.byKey.values();
    expect(Object.keys(r!)).not.toContain('extra');
    expect(Object.keys(r!.evidence)).not.toContain('more');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect([...s.learned.inferred.requirements.linkers]).toEqual(['a']);
  });

  it('skips a line longer than the bound and non-UTF-8 lines, reading on', () => {
    const long = `{"x":"${'a'.repeat(MAX_SUMMARY_LINE)}"}`;
    const text = Buffer.concat([
      Buffer.from(`${header}\n${long}\n`),
      Buffer.from([0xff, 0xfe, 0x0a]),
      Buffer.from(`${atomLine}\n`),
    ]);
    const decoder = new SummaryDecoder('big.jsonl');
    const reader = new SummaryLineReader(decoder);
    reader.feed(text);
    reader.end();
    const r = decoder.result();
    expect(r.learned.notUnderstood.map((d) => d.line)).toEqual([2, 3]);
    expect(r.learned.inferred.requirements.byKey.size).toBe(1);
  });

  it('a first line that is not a header of this version is an input error naming FILE:1', () => {
    expect(() =>
      decode('{"schema":"secpol-learn/summary@3","entry":"header"}\n', 'p.jsonl'),
    ).toThrow(
      new InputError(
        'p.jsonl:1',
        'not a summary this version reads (it reads secpol-learn/summary@2)',
      ),
    );
    // Version 1 had no review tally: `check` of it would judge nothing.
    expect(() =>
      decode(header.replace(SUMMARY_SCHEMA, 'secpol-learn/summary@1'), 'p.jsonl'),
    ).toThrow(
      new InputError(
        'p.jsonl:1',
        'a secpol-learn/summary@1 file, from an earlier version without the review tally (this version reads secpol-learn/summary@2): summarize its traces again',
      ),
    );
    expect(() => decode(header.replace('"events":', '"events":-'), 'p.jsonl')).toThrow(
      /^p\.jsonl:1: /,
    );
    expect(() => decode('', 'p.jsonl')).toThrow(/p\.jsonl:1: an empty summary/);
  });
});
