/**
 * The review part of a summary: accesses and records of an unknown form
 * round-trip (the tally the review commands judge, deep equality, on sample,
 * generated and hostile traces), and a line whose record text does not read
 * back as that one record, or whose counts and places do not fit it, is
 * warned about at FILE:LINE and nothing from it is kept.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatedTrace } from '../test-utils/generated-trace';
import { learnBytes } from '../test-utils/learn-summary';
import {
  reviewAtomJson,
  ReviewAtomWriter,
  SummaryDecoder,
  summaryChunks,
  summaryLines,
  SUMMARY_SCHEMA,
} from './summary-codec';
import {
  AtomRecordJson,
  readsAsItself,
  REVIEW_ATOM_FIELDS,
  reviewAtomLine,
} from './summary-review';
import { writeRecord } from './summary-fields';
import { SummaryBytes } from './summary-bytes';
import { TracePushParser } from '../trace/push-parser';
import { parseRecord } from '../trace/record';
import { isShape } from './atom-table';
import { SummaryLineReader } from './summary-lines';
import type { Summary } from './summary';
import { SecpolgenerateParser } from '../trace/secpolgenerate';
import type { TraceEvent, TracePosition } from '../trace/event';
import {
  emptyReviewSummary,
  tallyEvents,
  TalliedAtom,
  type ReviewAtom,
  type ReviewSummary,
} from './review-tally';
// Review atoms compare by what they tell (the lane's hold a record's shape).
import '../test-utils/atom-equality';

const SAMPLES = path.resolve(__dirname, '..', '..', 'samples');

function decode(text: string, file = 'part.jsonl'): Summary {
  const decoder = new SummaryDecoder(file);
  const reader = new SummaryLineReader(decoder);
  reader.feed(Buffer.from(text));
  reader.end();
  return decoder.result();
}
/** A summary's text, checked against the bytes `summarize` writes of it (summaryChunks). */
const encode = (s: Summary): string => {
  const text = [...summaryLines(s)].join('');
  expect(Buffer.concat([...summaryChunks(s)]).equals(Buffer.from(text))).toBe(true);
  return text;
};

/** The events secpolgenerate output gives. */
function parseSecpolgenerate(text: string, file: string): TraceEvent[] {
  const events: TraceEvent[] = [];
  const parser = new SecpolgenerateParser({ file, onEvent: (e) => events.push(e) });
  parser.feed(Buffer.from(text));
  parser.end();
  return events;
}

const seed = (): Summary =>
  learnBytes('t.log', fs.readFileSync(path.join(SAMPLES, 'seed-walkthrough', 'trace.log')));

describe('the review part of a summary', () => {
  it('round-trips the tally of every sample trace and of generated traces with unknown records', async () => {
    const traces = fs
      .readdirSync(SAMPLES, { recursive: true, encoding: 'utf8' })
      .filter((f) => path.basename(f) === 'trace.log')
      .sort()
      .map((f) => ({ f, bytes: fs.readFileSync(path.join(SAMPLES, f)) as Buffer }));
    traces.push({ f: 'gen.log', bytes: await generatedTrace(7, 3000, 0.05) });
    let unknown = 0;
    for (const { f, bytes } of traces) {
      const s = learnBytes(f, bytes);
      expect(s.learned.review!.atoms.length).toBeGreaterThan(0);
      unknown += s.learned.review!.unknown.length;
      const back = decode(encode(s));
      expect(back.learned.review).toEqual(s.learned.review);
      expect(back.learned.notUnderstoodCount).toBe(s.learned.notUnderstoodCount);
    }
    expect(unknown).toBeGreaterThan(0);
  });

  it('reads only the parts asked for', () => {
    const text = encode(seed());
    const review = new SummaryDecoder('p.jsonl', { learned: false, review: true });
    new SummaryLineReader(review).feed(Buffer.from(text));
    const r = review.result();
    expect(r.learned.inferred.requirements.byKey.size).toBe(0);
    expect(r.learned.review!.atoms.length).toBe(seed().learned.review!.atoms.length);
    const learned = new SummaryDecoder('p.jsonl', { learned: true, review: false });
    new SummaryLineReader(learned).feed(Buffer.from(text));
    const l = learned.result();
    expect(l.learned.inferred.requirements.byKey.size).toBeGreaterThan(0);
    expect(l.learned.review).toEqual(emptyReviewSummary());
  });

  it('writes a secpolgenerate item, whose record does not name its value, as the record of its access', () => {
    const events = parseSecpolgenerate(
      'allow fs_t self:ability { setuid:1000-1005 nonroot };\n',
      'errors.txt',
    );
    expect(events[0]!.record).not.toMatch(/1000/);
    const s = seed();
    s.learned.review = tallyEvents(events);
    const back = decode(encode(s)).learned.review!;
    expect(back.atoms.map((a) => a.event.record)).toEqual([
      'error: - (pid:-) type fs_t lacks ability SETUID(1000 - 1005) as non-root',
    ]);
    expect(back.atoms.at(0)!.failures).toBe(1);
    expect(back.atoms.at(0)!.event.position).toEqual(events[0]!.position);
  });

  it('round-trips every item of the secpolgenerate sample, connects to a type without its id included', () => {
    const file = path.join(SAMPLES, 'secpolgenerate', 'errors.txt');
    const events = parseSecpolgenerate(fs.readFileSync(file, 'utf8'), 'errors.txt');
    expect(
      events.some(
        (e) => e.kind === 'ability' && e.argument.kind === 'type-id' && !e.argument.value,
      ),
    ).toBe(true);
    const s = seed();
    s.learned.review = tallyEvents(events);
    const back = decode(encode(s));
    expect(back.learned.notUnderstood.map((d) => d.message)).toEqual([]);
    const keys = (r: ReviewSummary | undefined): string[] =>
      r!.atoms.map((a) => `${a.key} ${a.failures} ${a.successes}`);
    expect(keys(back.learned.review)).toEqual(keys(s.learned.review));
  });

  describe('lines that are not what the format says', () => {
    const lines = encode(seed()).trimEnd().split('\n');
    const header = lines[0]!;
    const failed = lines.find(
      (l) => l.includes('"entry":"review-atom"') && l.includes('"record":"error:'),
    )!;
    const succeeded = lines.find(
      (l) => l.includes('"entry":"review-atom"') && l.includes('"record":"info:'),
    )!;
    const change = (line: string, f: (a: Record<string, unknown>) => void): string => {
      const a = JSON.parse(line) as Record<string, unknown>;
      f(a);
      return JSON.stringify(a);
    };
    const record = (JSON.parse(failed) as { record: string }).record;
    const bad: Array<[string, string]> = [
      ['a record of another form', change(failed, (a) => (a.record = 'hello'))],
      ['a record with a control', change(failed, (a) => (a.record = `${record}\u001b[2J`))],
      ['a record with a newline', change(failed, (a) => (a.record = `${record}\n${record}`))],
      [
        'a record with a logger prefix',
        change(failed, (a) => (a.record = `Jan 1 00:00:00 ${record}`)),
      ],
      [
        'a record as monitor JSON',
        change(
          failed,
          (a) =>
            (a.record = JSON.stringify({ schema: 'secpol-learn/trace-event@1', record: record })),
        ),
      ],
      [
        'a record of an unknown form',
        change(
          failed,
          (a) => (a.record = 'error: a (pid:1) type t_t sent an unregistered sigevent'),
        ),
      ],
      ['a record too long', change(failed, (a) => (a.record = `${record}${' '.repeat(70_000)}`))],
      ['a record that is a number', change(failed, (a) => (a.record = 7))],
      ['no failure counted for a failure', change(failed, (a) => (a.failures = 0))],
      ['no success counted for a success', change(succeeded, (a) => (a.successes = 0))],
      ['a negative count', change(succeeded, (a) => (a.successes = -1))],
      [
        'more failure places than failures',
        change(succeeded, (a) => (a.failurePlaces = [{ file: 't.log', line: 90 }])),
      ],
      [
        'failure places out of order',
        change(failed, (a) => {
          a.failures = 2;
          a.failurePlaces = [
            { file: 't.log', line: 5 },
            { file: 't.log', line: 1 },
          ];
          a.first = { file: 't.log', line: 1 };
        }),
      ],
      [
        'a failure place before the first record',
        change(succeeded, (a) => {
          a.failures = 1;
          a.failurePlaces = [{ file: 'a.log', line: 1 }];
        }),
      ],
      [
        'a first failure elsewhere',
        change(failed, (a) => (a.failurePlaces = [{ file: 't.log', line: 99 }])),
      ],
      [
        'a place with a control',
        change(failed, (a) => (a.first = { file: 't\u0007.log', line: 1 })),
      ],
      ['a place at line 0', change(failed, (a) => (a.first = { file: 't.log', line: 0 }))],
      [
        'an unknown entry holding a known record',
        JSON.stringify({
          schema: SUMMARY_SCHEMA,
          entry: 'unknown',
          record,
          place: { file: 't.log', line: 1 },
        }),
      ],
    ];

    it.each(bad)('%s: warned at FILE:LINE, nothing from it kept', (_label, line) => {
      const s = decode([header, line, ''].join('\n'), 'dev.jsonl');
      expect(s.learned.review).toEqual(emptyReviewSummary());
      expect(s.learned.notUnderstood).toHaveLength(1);
      const d = s.learned.notUnderstood[0]!;
      expect([d.file, d.line, d.ruleId]).toEqual(['dev.jsonl', 2, 'summary-bad-line']);
      expect(d.message).toMatch(/^summary line not read: the (access|unknown record)/);
      expect(d.message).not.toMatch(/\u001b|\u0007/);
    });

    it('keeps the first 1,000 records of an unknown form by place, however many lines hold them', () => {
      const unknown = (line: number): string =>
        JSON.stringify({
          schema: SUMMARY_SCHEMA,
          entry: 'unknown',
          record: 'error: a (pid:1) type t_t sent an unregistered sigevent',
          place: { file: 'u.log', line },
        });
      const lines = Array.from({ length: 4500 }, (_, i) => unknown(4500 - i));
      const r = decode([header, ...lines, ''].join('\n')).learned.review!;
      expect(r.unknown.map((u) => u.position.line)).toEqual(
        Array.from({ length: 1000 }, (_, i) => i + 1),
      );
      expect(r.unknownCount).toBe(4500);
    });

    it('the valid lines themselves are kept, and a repeated access is one access counted twice', () => {
      const s = decode([header, failed, succeeded, failed, ''].join('\n'));
      expect(s.learned.notUnderstood).toEqual([]);
      const r = s.learned.review!;
      expect(r.atoms).toHaveLength(2);
      expect([r.events, r.failures, r.successes]).toEqual([3, 2, 1]);
    });
  });
});

/** Record texts a hostile trace may hold: quotes, backslashes, controls, blanks, non-ASCII, surrogates. */
const HOSTILE_RECORDS = [
  'error: a (pid:1) type t_t lacks ability IO as root',
  'info: a (pid:1) type t_t uses ability SETUID(1000) as non-root',
  'error: a (pid:2) type t_t lacks ability PATHSPACE as root',
  'info: a (pid:1) type t_t uses ability CHANNEL_CONNECT(3) (fs_t) as root',
  'error: a (pid:1) type t_t created link to path /a"b\\c',
  "error: a (pid:1) of type t_t failed to attach to path /q'r: EPERM",
  'error: a (pid:1) type t_t sent an unregistered sigevent',
  'info:',
  'error: a (pid:1) type t_t lacks ability IO as root ',
  'error: a (pid:1)  type t_t lacks ability IO as root',
  'error: a (pid:1) type t_t lacks ability IO as root\r',
  'error: a (pid:1) type t_t lacks\tability IO as root',
  'error: a\u001b[31m (pid:1) type t_t lacks ability IO as root',
  'error: a (pid:1) type t_t lacks ability IO as root\u007f',
  'error: \u00e9t\u00e9 (pid:1) type t_t lacks ability IO as root',
  'error: a (pid:1) of type t_t created link to path /x\u2028y',
  'error: a (pid:1) of type t_t created link to path /x\u2029y',
  'error: a (pid:1) of type t_t created link to path /\ud800z',
  'error: a (pid:1) of type t_t created link to path /\udfff',
  'error: a (pid:1) of type t_t created link to path /\ud83d\ude00',
  '\ufeffinfo: a (pid:1) type t_t uses ability IO as root',
  'Jan 1 00:00:00 info: a (pid:1) type t_t uses ability IO as root',
  '{"schema":"secpol-learn/trace-event@1","record":"info: a (pid:1) type t_t uses ability IO as root"}',
  ' info: a (pid:1) type t_t uses ability IO as root',
  `error: a (pid:1) of type t_t created link to path /${'x'.repeat(70_000)}`,
];

describe('writing review atoms without parsing them again', () => {
  it('a text that reads as itself is what the trace parser reads from it alone (parseRecordText)', () => {
    const itself: string[] = [];
    for (const text of HOSTILE_RECORDS) {
      if (!readsAsItself(text)) continue;
      itself.push(text);
      for (const line of [1, 7]) {
        const place = { file: 'h.log', line };
        const events: TraceEvent[] = [];
        let warned = false;
        const parser = new TracePushParser({
          file: place.file,
          firstLine: line,
          times: false,
          onEvent: (e) => events.push(e),
          onDiagnostic: () => (warned = true),
        });
        parser.feed(Buffer.from(`${text}\n`));
        parser.end();
        expect(events).toEqual([parseRecord(text, place)]);
        expect(events[0]!.record).toBe(text);
        if (events[0]!.kind !== 'unknown') expect(warned).toBe(false);
      }
    }
    expect(itself).toEqual(HOSTILE_RECORDS.slice(0, 8));
  });

  it('writes every atom of sample, generated and hostile traces as it writes the atom as plain data (the record from its shape, the line from the columns)', async () => {
    const hostile = Buffer.from(
      HOSTILE_RECORDS.flatMap((r) => [r, r.replace('(pid:1)', '(pid:9)'), r]).join('\n'),
    );
    const traces: Array<[string, Buffer]> = [
      ['h.log', hostile],
      ['gen.log', await generatedTrace(11, 3000, 0.05)],
      ['s.log', fs.readFileSync(path.join(SAMPLES, 'seed-walkthrough', 'trace.log'))],
    ];
    let fast = 0;
    let slow = 0;
    // The review lane's atoms hold a shape of their record, the others its text or event.
    let shapes = 0;
    const records = new AtomRecordJson();
    for (const [file, bytes] of traces) {
      const writer = new ReviewAtomWriter();
      const bytesWriter = new ReviewAtomWriter();
      for (const a of learnBytes(file, bytes).learned.review!.atoms) {
        if (!(a instanceof TalliedAtom)) throw new Error('the tally holds rows');
        // A plain atom is written through its event (recordOf), the way every atom was.
        const plain: ReviewAtom = {
          key: a.key,
          event: a.event,
          object: a.object,
          value: a.value,
          failures: a.failures,
          successes: a.successes,
          failurePlaces: a.failurePlaces,
        };
        const expected = reviewAtomLine(plain);
        expect(reviewAtomLine(a)).toEqual(expected);
        // The record's JSON from a shape's pieces, and the whole line from the table's columns.
        expect(records.of(a)).toBe(JSON.stringify(expected.record));
        expect(writer.line(a)).toBe(
          `${JSON.stringify({ schema: SUMMARY_SCHEMA, entry: 'review-atom', ...writeRecord(REVIEW_ATOM_FIELDS, expected) })}\n`,
        );
        // And as bytes from the columns (chunks of 100 bytes: lines cut anywhere).
        const out = new SummaryBytes(100);
        bytesWriter.writeRow(a.table, a.row, out);
        const chunks: Buffer[] = [];
        for (let c = out.full(); c !== undefined; c = out.full()) chunks.push(c);
        chunks.push(out.end());
        expect(Buffer.concat(chunks).toString()).toBe(writer.line(a));
        if (readsAsItself(a.event.record)) fast++;
        else slow++;
        if (isShape(a.heldFirst()[0])) shapes++;
      }
    }
    expect(fast).toBeGreaterThan(100);
    expect(slow).toBeGreaterThan(3);
    expect(shapes).toBeGreaterThan(10);
  });

  it('writes a summary as bytes (summaryChunks) exactly as the UTF-8 of its lines, hostile file names and records alike', () => {
    const hostile = HOSTILE_RECORDS.flatMap((r) => [r, r.replace('(pid:1)', '(pid:9)'), r]).join(
      '\n',
    );
    const names = [
      'a"b\\c/d',
      '\u0001\u001f',
      '\u00e9\u2028',
      '\ud800',
      '\ud83d\ude00',
      'plain.log',
    ];
    for (const name of names) {
      const text = `${hostile}\n${fs.readFileSync(path.join(SAMPLES, 'seed-walkthrough', 'trace.log'), 'latin1')}`;
      const s = learnBytes(name, Buffer.from(text, 'latin1'));
      expect(s.learned.review!.atoms.length).toBeGreaterThan(10);
      // encode checks the bytes against the lines.
      expect(encode(s)).toContain(JSON.stringify(name));
    }
  });

  it('writes an atom line by hand exactly as JSON.stringify writes it, hostile strings escaped alike', () => {
    const strings = [
      'plain',
      'a"b\\c/d',
      Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(''),
      '\u007f\u0085\u00ad\u2028\u2029\u202e\ufeff',
      '\ud800',
      'x\udfffy',
      '\udc00\ud800',
      '\ud83d\ude00',
      '',
    ];
    const at = (file: string, line: number): TracePosition => ({ file, line });
    const files = new Map<string, string>();
    for (const s of strings)
      for (const places of [
        [],
        [at(s, 1)],
        Array.from({ length: 8 }, (_, i) => at(`${s}${i % 2}`, i + 1)),
      ]) {
        const l = {
          record: `error: ${s}`,
          first: at(s, Number.MAX_SAFE_INTEGER),
          failures: places.length,
          successes: Number.MAX_SAFE_INTEGER,
          failurePlaces: places,
        };
        const expected = `${JSON.stringify({ schema: SUMMARY_SCHEMA, entry: 'review-atom', ...writeRecord(REVIEW_ATOM_FIELDS, l) })}\n`;
        expect(reviewAtomJson(l, files)).toBe(expected);
      }
  });
});
