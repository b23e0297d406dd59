/**
 * Tests of the push parser and parseTrace: prefixes, CRLF, gzip, huge lines,
 * cut-off records, the real-world corpus logs, and fast-check properties
 * (random bytes, random chunk cuts, generated traces against ground truth).
 */
import { readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as fc from 'fast-check';
import { MAX_LINE_BYTES } from './grammar';
import { TracePushParser, parseTraceText } from './push-parser';
import { parseTrace } from './parse-trace';
import { prefixTime } from './prefix';
import { parseRecord } from './record';
import { formatEvent, formatEventJson, formatParsedEvent } from '../render/trace-event';
import { hasUnsafeCharacter } from '../diagnostics/safe-text';
import type { TraceEvent } from './event';
import type { Diagnostic } from '../diagnostics/diagnostic';
import { generateTrace } from '../bench/generate-trace';
import { corpusPath, describeWithCorpus } from '../test-utils/corpus';

const SEED = readFileSync('samples/seed-walkthrough/trace.log');

async function collect(
  input: Readable,
  file = 'f',
): Promise<{ events: TraceEvent[]; diagnostics: Diagnostic[] }> {
  const events: TraceEvent[] = [];
  const diagnostics: Diagnostic[] = [];
  const gen = parseTrace(input, { file, onDiagnostic: (d) => diagnostics.push(d) });
  for await (const e of gen) events.push(e);
  return { events, diagnostics };
}

describe('prefixes and line ends', () => {
  test('slog2info, serial console and ISO prefixes are stripped and give times', () => {
    const { events, diagnostics } = parseTraceText(
      [
        'Jan 01 00:00:05.123    secpolmonitor.1234    0   error: a (pid:1) type t lacks ability IO as root\r',
        '[  12.345678] error: a (pid:1) type t lacks ability IO as root',
        '2024-05-01T10:00:00.123Z error: a (pid:1) type t lacks ability IO as root  ',
        '\x1b[31minfo: a (pid:1) type t uses ability IO as root\x1b[0m',
      ].join('\n'),
    );
    expect(diagnostics).toEqual([]);
    expect(events.map((e) => e.time)).toEqual([5.123, 12.345678, 1714557600.123, undefined]);
    expect(new Set(events.map((e) => e.record)).size).toBe(2);
  });

  test('syslog priorities and logger tags are stripped; runs of blanks read as one', () => {
    const { events, diagnostics } = parseTraceText(
      [
        'secpolmonitor[1234]: error: a (pid:1) type t lacks ability IO as root',
        '<6>error: a (pid:2) type t lacks ability IO as root',
        'qnx-target secpolmonitor: info: a (pid:3) type t uses ability IO as root',
        'error:  a (pid:4) type t lacks ability\tPATHSPACE   as root',
      ].join('\n'),
    );
    expect(diagnostics).toEqual([]);
    expect(events.map((e) => `${e.kind} ${e.record}`)).toEqual([
      'ability error: a (pid:1) type t lacks ability IO as root',
      'ability error: a (pid:2) type t lacks ability IO as root',
      'ability info: a (pid:3) type t uses ability IO as root',
      'ability error: a (pid:4) type t lacks ability PATHSPACE as root',
    ]);
  });

  test('a mention of error: inside prose is not a record', () => {
    const { events, diagnostics } = parseTraceText('The tool said error: something\n');
    expect(events).toEqual([]);
    expect(diagnostics.map((d) => d.line)).toEqual([1]);
  });

  test('gzip input is detected by magic bytes', async () => {
    const { events } = await collect(Readable.from([gzipSync(SEED)]));
    expect(events).toHaveLength(12);
  });

  test('a one-byte first chunk still works', async () => {
    const { events } = await collect(Readable.from([SEED.subarray(0, 1), SEED.subarray(1)]));
    expect(events).toHaveLength(12);
  });

  test('the generator return value is the summary', async () => {
    const gen = parseTrace(Readable.from([SEED]), { file: 's' });
    let r = await gen.next();
    while (!r.done) r = await gen.next();
    expect(r.value).toMatchObject({
      records: 12,
      lines: 28,
      events: { ability: 6, attach: 5, link: 1, unknown: 0 },
    });
  });
});

describe('control characters', () => {
  it('reads them as `?` and says so at the line, so no report replays them to a terminal', () => {
    const { events, diagnostics } = parseTraceText(
      [
        'error: bin/a (pid:1) type a\x1b]0;pwned\x07_t lacks ability IO as root',
        'error: bin/b (pid:2) type b\r_t lacks ability IO as root',
        'error: bin/c (pid:3) type c\u009b2J_t lacks ability IO as root',
        'error: bin/d (pid:4) type d_t lacks\tability IO as root',
        '',
      ].join('\n'),
      't.log',
    );
    expect(events.map((e) => e.record)).toEqual([
      'error: bin/a (pid:1) type a?]0;pwned?_t lacks ability IO as root',
      'error: bin/b (pid:2) type b?_t lacks ability IO as root',
      'error: bin/c (pid:3) type c?2J_t lacks ability IO as root',
      // A tab is a blank, not a control character.
      'error: bin/d (pid:4) type d_t lacks ability IO as root',
    ]);
    expect(diagnostics.map((d) => `${d.line} ${d.ruleId}`)).toEqual([
      '1 trace-control-character',
      '2 trace-control-character',
      '3 trace-control-character',
    ]);
    expect(events.every((e) => !/[\x00-\x08\x0a-\x1f\x7f-\x9f]/.test(e.record))).toBe(true);
  });

  it('counts a line with control characters that is not a record once', () => {
    const { diagnostics, summary } = parseTraceText(
      'boot\x07 done\ninfo: a (pid:1) type t uses ability IO as root\n',
    );
    expect(diagnostics.map((d) => `${d.line} ${d.ruleId}`)).toEqual(['1 trace-unknown-line']);
    expect(diagnostics[0]!.message).toContain('control characters');
    expect(summary.diagnostics).toBe(1);
    expect(summary.records).toBe(1);
  });
});

describe('byte-order mark', () => {
  it('does not lose line 1 of a trace that starts with a UTF-8 BOM', () => {
    const text =
      'error: bin/a (pid:1) type a_t lacks ability IO as root\ninfo: b (pid:2) type t uses ability IO as root\n';
    const plain = parseTraceText(text, 't.log');
    const bom = parseTraceText(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
      't.log',
    );
    expect(bom.diagnostics).toEqual([]);
    expect(bom.events).toEqual(plain.events);
    expect(bom.events[0]!.position).toEqual({ file: 't.log', line: 1 });
  });

  it('reads U+FEFF elsewhere as any other character', () => {
    const { events, diagnostics } = parseTraceText(
      'info: b (pid:2) type t uses ability IO as root\n\ufeffinfo: c (pid:3) type t uses ability IO as root\n',
    );
    expect(events).toHaveLength(1);
    expect(diagnostics.map((d) => `${d.line} ${d.ruleId}`)).toEqual(['2 trace-unknown-line']);
  });
});

describe('huge lines and cut-off records', () => {
  test('a huge line is capped and reported, the next record survives', () => {
    const huge = 'x'.repeat(MAX_LINE_BYTES * 3);
    const { events, diagnostics, summary } = parseTraceText(
      `${huge}\ninfo: a (pid:1) type t uses ability IO as root\n`,
    );
    expect(events).toHaveLength(1);
    expect(diagnostics.map((d) => d.ruleId)).toEqual(['trace-line-too-long', 'trace-unknown-line']);
    expect(summary.firstDiagnosticPlaces).toEqual(['-:1', '-:1']);
  });
  test.each([MAX_LINE_BYTES - 1, MAX_LINE_BYTES, MAX_LINE_BYTES + 1])(
    'a record line of %i bytes, fed whole or in pieces: kept up to MAX_LINE_BYTES, cut past it',
    (length) => {
      const head = 'info: a (pid:1) type t attached channel to path /';
      const line = head + 'p'.repeat(length - head.length);
      for (const piece of [1 << 20, 1000]) {
        const events: TraceEvent[] = [];
        const rules: string[] = [];
        const parser = new TracePushParser({
          file: '-',
          onEvent: (e) => events.push(e),
          onDiagnostic: (d) => rules.push(d.ruleId ?? ''),
        });
        const bytes = Buffer.from(`${line}
#end
`);
        for (let at = 0; at < bytes.length; at += piece)
          parser.feed(bytes.subarray(at, at + piece));
        parser.end();
        expect(events.map((e) => e.record.length)).toEqual([Math.min(length, MAX_LINE_BYTES)]);
        expect(rules.includes('trace-line-too-long')).toBe(length > MAX_LINE_BYTES);
      }
    },
  );
});

describeWithCorpus('real-world corpus logs: one event per record', () => {
  test('the corpus page excerpt: one truncated record, prose lines reported', () => {
    const f = corpusPath('qnxdocs700_secpolmonitor__page_excerpt.txt');
    const { events, diagnostics, summary } = parseTraceText(readFileSync(f), 'excerpt');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'unknown',
      process: 'sbin/devf-ram',
      record: 'error: sbin/devf-ram (pid:2670618) type fs_user_t lacks abili',
    });
    expect(summary.truncatedRecords).toBe(1);
    expect(diagnostics.filter((d) => d.ruleId === 'trace-unknown-line').map((d) => d.line)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
  });

  test.each([
    ['blog_security_policy_in_qnx__secpolmonitor_aps.log', 5, { ability: 5 }, 0],
    ['blog_security_policy_in_qnx__secpolmonitor_log_nonroot.log', 5, { ability: 5 }, 0],
    // secpolcompile's message: one record (unknown form) with its two indented lines joined.
    ['blog_security_policy_in_qnx__secpolcompile_error.log', 1, { unknown: 1 }, 0],
    ['blog_security_policy_in_qnx__on_operation_not_permitted.log', 0, {}, 1],
  ])('%s', (name, records, kinds, notUnderstood) => {
    const { events, summary } = parseTraceText(readFileSync(corpusPath(name)), name);
    expect(events).toHaveLength(records);
    expect(summary.records).toBe(records);
    expect(summary.events).toMatchObject(kinds);
    expect(summary.diagnostics).toBe(notUnderstood);
  });

  test('the nonroot log keeps address ranges exact', () => {
    const { events } = parseTraceText(
      readFileSync(corpusPath('blog_security_policy_in_qnx__secpolmonitor_log_nonroot.log')),
    );
    expect(events[0]).toMatchObject({
      argument: { kind: 'range', start: '337416937472', end: '337416992071' },
      domain: 'non-root',
    });
  });
});

describe('properties', () => {
  test('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        parseTraceText(Buffer.from(bytes));
      }),
      { numRuns: 300 },
    );
  });

  test('random text built from record pieces never throws', () => {
    const piece = fc.constantFrom(
      'info:',
      'error:',
      ' (pid:',
      ')',
      ' type ',
      ' of type ',
      'ability ',
      '(',
      ' - ',
      ' as root',
      '\n',
      '\r\n',
      '  ',
      'x',
      ': ',
      '[ 1.0] ',
      '\x1b[0m',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), (ps) => void parseTraceText(ps.join(''))),
      { numRuns: 300 },
    );
  });

  test('random chunk cuts of a real trace give the same events as one chunk', () => {
    const whole = parseTraceText(SEED, 's');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: SEED.length - 1 }), { maxLength: 20 }),
        (cuts) => {
          const events: TraceEvent[] = [];
          const p = new TracePushParser({ file: 's', onEvent: (e) => events.push(e) });
          let at = 0;
          for (const c of [...cuts].sort((a, b) => a - b)) {
            p.feed(SEED.subarray(at, c));
            at = c;
          }
          p.feed(SEED.subarray(at));
          p.end();
          expect(events).toEqual(whole.events);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('huge lines never lose a following well-formed record', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 * MAX_LINE_BYTES }),
        fc.constantFrom('x', ' ', 'é'),
        (n, ch) => {
          const { events } = parseTraceText(
            `${ch.repeat(n)}\nerror: a (pid:1) type t lacks ability IO as root\n`,
          );
          expect(events.filter((e) => e.kind === 'ability')).toHaveLength(1);
        },
      ),
      { numRuns: 20 },
    );
  });

  test('generated traces give exactly the generator ground truth', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), async (seed) => {
        const sink = new PassThrough();
        const chunks: Buffer[] = [];
        sink.on('data', (c: Buffer) => chunks.push(c));
        const truth = await generateTrace({ seed, lines: 3000, out: sink, garbage: 0.02 });
        sink.end();
        const { summary } = parseTraceText(Buffer.concat(chunks), 'gen');
        expect(summary.lines).toBe(truth.lines);
        expect(summary.records).toBe(truth.records);
        expect(summary.events).toEqual(truth.events);
        expect(summary.diagnostics).toBe(truth.garbageLines);
        expect(summary.truncatedRecords).toBe(0);
      }),
      { numRuns: 10 },
    );
  });
});

describe('prefix times', () => {
  test('ISO times: offsets, no offset read as UTC, fractions to the millisecond, bad dates none', () => {
    expect(prefixTime('2024-05-01T10:00:00Z')).toBe(1714557600);
    expect(prefixTime('2024-05-01 10:00:00.5')).toBe(1714557600.5);
    expect(prefixTime('2024-05-01T12:00:00.1239+02:00')).toBe(1714557600.123);
    expect(prefixTime('2024-05-01T08:30:00-0130')).toBe(1714557600);
    expect(prefixTime('2024-13-01T10:00:00Z')).toBeUndefined();
    expect(prefixTime('2024-05-01T25:00:00Z')).toBeUndefined();
  });

  test('times: false reads the same events without their times, and the same diagnostics', async () => {
    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on('data', (c: Buffer) => parts.push(c));
    await generateTrace({ seed: 11, lines: 5000, out, garbage: 0.02 });
    out.end();
    const text = Buffer.concat(parts);
    // A generated trace, and its `monitor --json` form (times from the objects).
    const timed = parseTraceText(text, 'g');
    const jsonl = timed.events.map((e) => formatEventJson(e)).join('\n');
    for (const [input, withTimes] of [
      [text, timed],
      [jsonl, parseTraceText(jsonl, 'g')],
    ] as const) {
      expect(withTimes.events.filter((e) => e.time !== undefined).length).toBeGreaterThan(500);
      const untimed = parseTraceText(input, 'g', false);
      expect(untimed.events.every((e) => !('time' in e))).toBe(true);
      const strip = (e: TraceEvent): TraceEvent => {
        const copy = { ...e };
        delete copy.time;
        return copy;
      };
      expect(untimed.events).toStrictEqual(withTimes.events.map(strip));
      expect(untimed.diagnostics).toEqual(withTimes.diagnostics);
      expect({ ...untimed.summary, hasTimes: true }).toEqual(withTimes.summary);
    }
  });
});

describe('repeated records', () => {
  test('a record identical to the one before gives the event parseRecord gives, at its own place', () => {
    const records = [
      'error: sbin/a (pid:1) type t lacks ability SETUID(5) as root',
      'info: sbin/a (pid:1) of type t attached channel to path /dev/x',
      'error: sbin/a (pid:1) of type t failed to attach to path /x: no rule',
      'error: sbin/a (pid:1) sent an unregistered sigevent',
      'error: sbin/a (pid:1) type t lacks ability PATHSPACE as', // cut off: unknown, truncated
    ];
    const lines: string[] = [];
    for (const r of records) lines.push(r, r, `[ 7.5] ${r}`, r, `2024-05-01T10:00:00Z ${r}`);
    const { events, diagnostics } = parseTraceText(lines.join('\n'), 'f');
    expect(events).toHaveLength(lines.length);
    events.forEach((e, i) => {
      const time = i % 5 === 2 ? 7.5 : i % 5 === 4 ? 1714557600 : undefined;
      // Same fields, same keys (no `time: undefined`), a position of its own.
      expect(e).toStrictEqual(
        parseRecord(records[Math.floor(i / 5)]!, { file: 'f', line: i + 1 }, time),
      );
      if (i > 0) expect(e).not.toBe(events[i - 1]);
    });
    // Every copy of the cut-off record is reported, not only the first.
    expect(diagnostics.map((d) => d.line)).toEqual([21, 22, 23, 24, 25]);
  });
});

describe('canonical records', () => {
  /** Each event with what the parser said of its record (onEvent's `canonical`). */
  function parsed(text: string | Buffer): Array<[TraceEvent, boolean | undefined]> {
    const out: Array<[TraceEvent, boolean | undefined]> = [];
    const parser = new TracePushParser({ file: 'f', onEvent: (e, c) => out.push([e, c]) });
    parser.feed(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'));
    parser.end();
    return out;
  }

  test('an event is canonical exactly when its record is its printed line, repeats too', () => {
    const canonical = 'error: sbin/a (pid:1) type t lacks ability SETUID(5) as root';
    const hex = 'error: sbin/a (pid:1) type t lacks ability SETUID(0x5) as root';
    const lines = [canonical, canonical, `[ 7.5] ${canonical}`, hex, hex, `[ 7.5] ${hex}`];
    lines.push('error: sbin/a (pid:1) of type t failed', '  to attach to path /x: no rule');
    const events = parsed(lines.join('\n'));
    expect(events.map(([, c]) => c)).toEqual([true, true, true, false, false, false, true]);
    for (const [e, c] of events) expect(formatParsedEvent(e, c)).toBe(formatEvent(e));
  });

  test('a record with control, bidirectional or invisible characters prints them as `?`', () => {
    const lines = [
      'error: sbin/a (pid:1) of type t failed to attach to path /x\x1b[2Jy: no rule',
      'error: sbin/a (pid:1) of type t failed to attach to path /x\u202ey\u200b: no rule',
      'error: sbin/a\u0085 (pid:1) type t lacks ability SETUID(5) as root',
      'error: sbin/a (pid:1) type t\x07 lacks ability SETUID(5) as root',
    ];
    const events = parsed(lines.join('\n'));
    expect(events).toHaveLength(4);
    for (const [e, c] of events) {
      expect(c).toBe(true);
      expect(formatParsedEvent(e, c)).toBe(formatEvent(e));
      expect(hasUnsafeCharacter(formatParsedEvent(e, c))).toBe(false);
    }
  });

  test('on generated traces a canonical event prints its record, and most are canonical', async () => {
    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on('data', (c: Buffer) => parts.push(c));
    await generateTrace({ seed: 5, lines: 5000, out, garbage: 0.02 });
    out.end();
    const events = parsed(Buffer.concat(parts));
    for (const [e, c] of events) if (c) expect(e.record).toBe(formatEvent(e));
    expect(events.filter(([, c]) => c).length).toBeGreaterThan(events.length / 2);
  });
});

describe('monitor --json lines as input', () => {
  test('each object is read by its record and time: the events of the text form', async () => {
    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on('data', (c: Buffer) => parts.push(c));
    await generateTrace({ seed: 5, lines: 3000, out });
    out.end();
    const text = parseTraceText(Buffer.concat(parts), 'g').events;
    const jsonl = text.map((e) => formatEventJson(e)).join('\n');
    const { events, diagnostics } = parseTraceText(jsonl, 'j');
    expect(diagnostics).toEqual([]);
    const strip = (e: TraceEvent): object => ({ ...e, position: undefined });
    expect(events.map(strip)).toEqual(text.map(strip));
    expect(events.map((e) => e.position.line)).toEqual(text.map((_, i) => i + 1));
  });

  test('other JSON or another schema is a line not understood; a record with a control character is refused', () => {
    const good = formatEventJson(parseTraceText(SEED, 's').events[0]!);
    const lines = [
      '{"schema":"other@1","record":"error: a (pid:1) type t lacks ability IO as root"}',
      '{"schema":"secpol-learn/trace-event@1","record":"error: a (pid:1) type t\\nlacks ability IO as root"}',
      '{"schema":"secpol-learn/trace-event@1","record":"not a record"}',
      '{"schema":"secpol-learn/trace-event@1","record":5}',
      '[1,2]',
      '{broken',
      good,
    ];
    const { events, diagnostics } = parseTraceText(lines.join('\n'), 'j');
    expect(diagnostics.map((d) => [d.line, d.ruleId])).toEqual(
      [1, 2, 3, 4, 5, 6].map((l) => [
        l,
        l === 2 ? 'trace-control-character' : 'trace-unknown-line',
      ]),
    );
    expect(events.map((e) => e.record)).toEqual([parseTraceText(SEED, 's').events[0]!.record]);
  });

  test.each([
    ['C1 CSI', '\\u009b'],
    ['C1 next line', '\\u0085'],
    ['bidi override', '\\u202e'],
    ['zero-width space', '\\u200b'],
    ['byte-order mark', '\\ufeff'],
  ])('a JSON record hiding a %s behind a JSON escape is refused with its line', (_, escape) => {
    const line = `{"schema":"secpol-learn/trace-event@1","record":"error: a (pid:1) of type t failed to attach to path /dev/a${escape}b: no rule"}`;
    const { events, diagnostics } = parseTraceText(`${line}\n`, 'j.jsonl');
    expect(events).toEqual([]);
    expect(diagnostics).toEqual([
      expect.objectContaining({ file: 'j.jsonl', line: 1, ruleId: 'trace-control-character' }),
    ]);
  });
});

describe('escape sequences and invisible characters in text records', () => {
  test('colour around the record and its severity is removed; inside the record it is refused as `?`', () => {
    const lines = [
      '\x1b[32m[  1.5]\x1b[0m \x1b[31merror:\x1b[0m a (pid:1) of type t failed to attach to path /dev/ser1: no rule\x1b[0m',
      'error: a (pid:1) of type t failed to attach to path /dev/se\x1b[1mr1: no rule',
    ];
    const { events, diagnostics } = parseTraceText(lines.join('\n'), 'c.log');
    expect(events.map((e) => (e.kind === 'attach' ? e.path : e.kind))).toEqual([
      '/dev/ser1',
      '/dev/se?[1mr1',
    ]);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        file: 'c.log',
        line: 2,
        ruleId: 'trace-control-character',
        message: expect.stringContaining('escape sequence inside the record'),
      }),
    ]);
  });

  test('a record with an escape sequence is marked altered, with its line reported once', () => {
    const { events, diagnostics, summary } = parseTraceText(
      [
        'error: a (pid:1) of type t failed to attach to path /dev/ser1: no rule',
        'error: a (pid:1) of type t failed to attach to path /dev/se\x1b[1mr1: no rule',
        // Wrapped: the control is on the continuation line; the record starts on line 3.
        'error: a (pid:1) of type t failed to attach to path',
        '  /dev/se\x07r2: no rule',
        // Cut short by the `?`: still its one warning, no `trace-truncated-record` beside it.
        'error: a (pid:1) of type t attached \x1b[1mchannel',
        // The same text as line 2 after the parser's `?`, but a literal `?`: not altered.
        'error: a (pid:1) of type t failed to attach to path /dev/se?[1mr1: no rule',
      ].join('\n'),
      'c.log',
    );
    expect(events.map((e) => [e.position.line, e.kind, e.altered ?? false])).toEqual([
      [1, 'attach', false],
      [2, 'attach', true],
      [3, 'attach', true],
      [5, 'unknown', true],
      [6, 'attach', false],
    ]);
    expect(diagnostics.map((d) => `${d.line} ${d.ruleId}`)).toEqual([
      '2 trace-control-character',
      '4 trace-control-character',
      '5 trace-control-character',
    ]);
    expect(summary.diagnostics).toBe(3);
    expect(summary.truncatedRecords).toBe(0);
    // A clean event has no `altered` field at all: JSON output of clean traces is unchanged.
    expect('altered' in events[0]!).toBe(false);
  });

  test('a byte-order mark starting the file is not part of line 1; one elsewhere is read as `?`', () => {
    const record = 'error: a (pid:1) of type t failed to attach to path /dev/ser1: no rule';
    const { events, diagnostics } = parseTraceText(`\ufeff${record}\n\ufeff${record}\n`, 'b.log');
    expect(events.map((e) => e.kind)).toEqual(['attach']);
    // One diagnostic for the line, naming both what is wrong with it.
    expect(diagnostics.map((d) => [d.line, d.ruleId])).toEqual([[2, 'trace-unknown-line']]);
    expect(diagnostics[0]!.message).toMatch(/invisible characters in the line, read as `\?`/);
  });

  // Speed is the benchmark's business (docs/performance.md), not a timed test's.
  test('a line of many escape sequences is one record with one warning', () => {
    const line = `error: a (pid:1) of type t failed to attach to path /dev/a${'\x1b[m'.repeat(20_000)}b: no rule`;
    const { events, diagnostics } = parseTraceText(line, 'many.log');
    expect(events).toHaveLength(1);
    expect(diagnostics[0]).toEqual(expect.objectContaining({ ruleId: 'trace-control-character' }));
  });

  test.each(['\u202e', '\u200b', '\u2066', '\u0085', '\u009b'])(
    'U+%s in a text record is read as `?` with a warning at its line',
    (c) => {
      const { events, diagnostics } = parseTraceText(
        `error: a (pid:1) of type t failed to attach to path /dev/a${c}b: no rule\n`,
        'u.log',
      );
      expect(events.map((e) => (e.kind === 'attach' ? e.path : e.kind))).toEqual(['/dev/a?b']);
      expect(diagnostics.map((d) => [d.file, d.line, d.ruleId])).toEqual([
        ['u.log', 1, 'trace-control-character'],
      ]);
    },
  );
});
