import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  MAX_GROUP_PLACES,
  MAX_UNKNOWN,
  AtomRows,
  TalliedAtom,
  atomList,
  atomPlaces,
  linkingProcesses,
  atomBuffers,
  mergeOwnedReviewSummaries,
  mergeReviewSummaries,
  shiftAtomLines,
  tallyEvents,
  ReviewTally,
  argumentText,
  type RecordShape,
  type ReviewAtom,
  type ReviewSummary,
} from './review-tally';
import { abilityEvent, pathEvent } from './test-events';
import { AtomTable } from './atom-table';
import type { ProcessEvent, TraceEvent } from '../trace/event';
import '../test-utils/atom-equality';
import { parseTraceText } from '../trace/push-parser';
import * as record from '../trace/record';
import { parseRecord } from '../trace/record';
import { hostileRecord, recordLine } from '../test-utils/hostile-corpus';

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

/** A summary as text: its atoms by what they tell, in order (not how a table lays them out). */
const canon = (s: ReviewSummary): string =>
  JSON.stringify({
    ...s,
    atoms: s.atoms.map((a) => {
      const t = a as TalliedAtom;
      return [t.key, t.record, t.position, t.failures, t.successes, t.failurePlaces];
    }),
  });

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

  it('merges shards it owns (the first table counted into, columns transferred) as it merges copies', () => {
    fc.assert(
      fc.property(fc.array(eventArb), fc.array(eventArb), fc.array(eventArb), (a, b, c) => {
        const pieces = [a, b, c].map((x) => tallyEvents(inPlaceOrder(x)));
        const whole = canon(mergeReviewSummaries(...pieces));
        // As a worker hands its result over: the column buffers moved, not copied.
        const moved = pieces.map((s) => structuredClone(s, { transfer: atomBuffers(s.atoms) }));
        expect(pieces.every((s) => atomBuffers(s.atoms).every((b) => b.byteLength === 0))).toBe(
          true,
        );
        expect(canon(mergeOwnedReviewSummaries(moved))).toBe(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('copies a row of one failure place or none without an array of its places', () => {
    /** SETUID(`failed`) failed and SETUID(2) used at lines 1 and 2 of `file`, shifted by `offset`. */
    const piece = (file: string, offset: number, failed = 1): ReviewSummary => {
      const s = tallyEvents(
        parseTraceText(
          `error: sbin/a (pid:1) type a_t lacks ability SETUID(${failed}) as root\n` +
            'info: sbin/a (pid:1) type a_t uses ability SETUID(2) as root\n',
          file,
        ).events,
      );
      shiftAtomLines(s.atoms, offset);
      return s;
    };
    const pairs = jest.spyOn(AtomTable.prototype, 'placePairs');
    let merged: ReviewSummary;
    try {
      // Rows new to the merge, and rows of no failure met again.
      merged = mergeReviewSummaries(piece('b.log', 0), piece('a.log', 10, 3));
      expect(pairs).not.toHaveBeenCalled();
    } finally {
      pairs.mockRestore();
    }
    // Rows of one place each meeting: their places merged by place.
    const all = mergeReviewSummaries(piece('b.log', 5), merged, piece('a.log', 20));
    expect([...all.atoms].map((a) => [a.value, a.failures, a.successes, a.failurePlaces])).toEqual([
      ['3', 1, 0, [{ file: 'a.log', line: 11 }]],
      ['2', 0, 4, []],
      [
        '1',
        3,
        0,
        [
          { file: 'a.log', line: 21 },
          { file: 'b.log', line: 1 },
          { file: 'b.log', line: 6 },
        ],
      ],
    ]);
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
    expect(s.atoms.at(0)!.failures).toBe(n);
    expect(s.atoms.at(0)!.failurePlaces.map((p) => p.line)).toEqual(
      Array.from({ length: MAX_GROUP_PLACES }, (_, i) => i + 1),
    );
    expect(s.atoms.at(0)!.event.position.line).toBe(1);
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

  it("is plain data: a worker's structured clone, merged, gives it back", () => {
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
    const view = (x: ReviewSummary): unknown[] =>
      x.atoms.map((a) => [
        a.key,
        a.event,
        a.object,
        a.value,
        a.failures,
        a.successes,
        a.failurePlaces,
      ]);
    // A worker hands its table over by structured clone: typed arrays and plain data.
    const copy = structuredClone(s);
    expect(copy.atoms).not.toBeInstanceOf(AtomRows);
    // The copy's rows lost their methods: `atomList` (the merge, the line shift) gives them back.
    expect([...atomList(copy.atoms)]).toEqual([...s.atoms]);
    expect(atomPlaces(copy.atoms.at(0)!)).toEqual([
      { file: 'trace.log', line: 1 },
      { file: 'trace.log', line: 1 },
    ]);
    expect(view(mergeReviewSummaries(copy))).toEqual(view(s));
    expect(s.atoms.map((a) => a.value)).toEqual(['14', '1 (fs_t)', '']);
  });
});

/** Every sample trace under samples/ (the parser's events, as the review reads them). */
function sampleEvents(): TraceEvent[] {
  const root = path.join(__dirname, '..', '..', 'samples');
  const out: TraceEvent[] = [];
  for (const dir of readdirSync(root)) {
    const d = path.join(root, dir);
    for (const f of readdirSync(d)) {
      if (!f.endsWith('.log')) continue;
      out.push(...parseTraceText(readFileSync(path.join(d, f)), `${dir}/${f}`, false).events);
    }
  }
  return out;
}

/** The first event of each key by place, as a plain reader finds it: the reference for `event`. */
function firstByKey(events: TraceEvent[]): Map<string, ProcessEvent> {
  const out = new Map<string, ProcessEvent>();
  for (const e of inPlaceOrder(events)) {
    if (e.kind === 'unknown') continue;
    const one = tallyEvents([e]).atoms.at(0)!;
    if (!out.has(one.key)) out.set(one.key, e);
  }
  return out;
}

describe('compact atoms (a record text, not an event)', () => {
  const held = (a: ReviewAtom): unknown => (a as TalliedAtom).heldFirst()[0];

  it('keeps only the text of records the parser read, and parses back the very first event', () => {
    const events = sampleEvents();
    expect(events.length).toBeGreaterThan(100);
    const s = tallyEvents(events);
    const first = firstByKey(events);
    expect(s.atoms.length).toBe(first.size);
    for (const a of s.atoms) {
      expect(typeof held(a)).toBe('string');
      expect(a.event).toEqual(first.get(a.key));
      expect(a.key).toBe(
        [
          a.event.securityType,
          a.event.process,
          a.event.kind,
          a.object,
          a.value,
          a.event.kind === 'ability' ? a.event.domain : '',
        ].join('\0'),
      );
    }
  });

  it('does the same for hostile records (fragments in types, processes and fields)', () => {
    fc.assert(
      fc.property(fc.array(hostileRecord, { minLength: 1, maxLength: 12 }), (records) => {
        const text = records.map(recordLine).join('\n');
        const events = parseTraceText(text, 'h.log', false).events;
        const s = tallyEvents(events);
        const first = firstByKey(events);
        for (const a of s.atoms) {
          expect(a.event).toEqual(first.get(a.key));
          // A record the parser altered (a character read as `?`) keeps its event whole: parsing
          // its text again would lose the `altered` mark (trace/event.ts AlteredMark).
          expect(typeof held(a)).toBe(a.event.altered ? 'object' : 'string');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a made-up event whole when its record text reads otherwise', () => {
    const e = abilityEvent({ type: 'a_t', ability: 'IO', line: 1 });
    const odd: ProcessEvent = { ...e, record: e.record.replace('a_t', 'z_t') };
    const timed: ProcessEvent = {
      ...abilityEvent({ type: 'b_t', ability: 'IO', line: 2 }),
      time: 5,
    };
    const s = tallyEvents([odd, timed]);
    expect(s.atoms.map((a) => a.event)).toEqual([odd, timed]);
    expect(s.atoms.map((a) => a.event.securityType)).toEqual(['a_t', 'b_t']);
    expect(held(s.atoms.at(0)!)).toBe(odd);
    expect(held(s.atoms.at(1)!)).toBe(timed);
  });

  it('merges atoms given as plain fields (read back from a file) with tallied ones', () => {
    const a = abilityEvent({
      type: 'a_t',
      ability: 'SETUID',
      argument: { kind: 'value', value: '3' },
      line: 4,
    });
    const b = abilityEvent({
      type: 'a_t',
      ability: 'SETUID',
      argument: { kind: 'value', value: '3' },
      line: 2,
    });
    const tallied = tallyEvents([a]);
    const t = tallyEvents([b]).atoms.at(0)!;
    const plain: ReviewSummary = {
      ...tallyEvents([b]),
      atoms: [
        {
          key: t.key,
          event: t.event,
          object: t.object,
          value: t.value,
          failures: t.failures,
          successes: t.successes,
          failurePlaces: t.failurePlaces,
        },
      ],
    };
    const merged = mergeReviewSummaries(tallied, plain).atoms;
    expect(merged).toHaveLength(1);
    expect(merged.at(0)!.event).toEqual(b);
    expect(merged.at(0)!.failures).toBe(2);
    expect(merged.at(0)!.failurePlaces.map((p) => p.line)).toEqual([2, 4]);
  });

  it('names the linking processes from the atoms, without parsing their records', () => {
    const s = tallyEvents([
      pathEvent({ kind: 'link', type: 'a_t', path: '/tmp/x', process: 'bin/mk' }),
      pathEvent({ kind: 'attach', type: 'a_t', path: '/dev/x', process: 'bin/at', line: 2 }),
    ]);
    expect([...linkingProcesses(s.atoms)]).toEqual(['bin/mk']);
  });

  it('shifts the lines of a list of atoms once, however many of them share one table', () => {
    const events = [1, 2, 3].map((line) =>
      parseTraceText(
        `error: bin/x (pid:1) type a_t lacks ability SETUID(${line}) as root\n`,
        'x.log',
        false,
      ).events.map((e) => ({ ...e, position: { file: 'x.log', line } })),
    );
    const s = tallyEvents(events.flat());
    const views = [...s.atoms];
    shiftAtomLines(views, 10);
    expect(views.map((a) => [a.event.position.line, a.failurePlaces[0]!.line])).toEqual([
      [11, 11],
      [12, 12],
      [13, 13],
    ]);
  });
});

describe("a shaped atom's event (built from its shape, not parsed)", () => {
  /** Names with the characters records carry, and some the parser treats specially. */
  const name = fc.constantFrom('sbin/devf-ram', 'a', '-', 'x(1)', 'p (pid:', 'u-2', 'b)c');
  const type = fc.constantFrom('fs_t', 'a_t', '-', 't(1)', 'x-y', 'default');
  const ability = fc.constantFrom('IO', 'SETUID', 'MAP_FIXED', 'iofunc/exec', 'A (x)', 'a b');
  // Up to 15 digits: held as numbers (the built event); 16: held as text (parsed).
  const number = fc.oneof(
    fc.integer({ min: 0, max: 9 }),
    fc.integer({ min: 0, max: 999_999_999_999_999 }),
    fc.constant(2 ** 53 - 1),
  );
  /** A skeleton's pieces and its value text: records as the review lane shapes them. */
  const shaped = fc.oneof(
    fc
      .record({
        severity: fc.constantFrom('info', 'error'),
        process: name,
        type,
        ability,
        domain: fc.constantFrom('root', 'non-root', 'nobody'),
        runs: fc.constantFrom('none', 'value', 'range', 'type-id'),
        dash: fc.constantFrom('-', ' - ', '--'),
        typeName: fc.constantFrom('fs_t', 'x-1', 'a b'),
        a: number,
        b: number,
      })
      .map((f) => {
        const verb = f.severity === 'info' ? 'uses' : 'lacks';
        const head = [
          `${f.severity}: ${f.process} (pid:`,
          `) type ${f.type} ${verb} ability ${f.ability}`,
        ];
        const tail = ` as ${f.domain}`;
        const v = ((): [RecordShape, string] => {
          switch (f.runs as RecordShape['runs']) {
            case 'none':
              return [{ pieces: [head[0]!, head[1]! + tail], runs: 'none' }, ''];
            case 'value':
              return [
                { pieces: [...head.slice(0, 1), `${head[1]}(`, `)${tail}`], runs: 'value' },
                `${f.a}`,
              ];
            case 'range':
              return [
                { pieces: [...head.slice(0, 1), `${head[1]}(`, f.dash, `)${tail}`], runs: 'range' },
                `${f.a}-${f.b}`,
              ];
            case 'type-id':
              return [
                { pieces: [head[0]!, `${head[1]}(`, `) (${f.typeName})${tail}`], runs: 'type-id' },
                `${f.a} (${f.typeName})`,
              ];
          }
        })();
        return v;
      }),
    fc
      .record({
        severity: fc.constantFrom('info', 'error'),
        process: name,
        type,
        form: fc.constantFrom(
          'attached channel to path ',
          'created link to path ',
          'failed to attach to path ',
          'failed to link to path ',
        ),
        path: fc.constantFrom('/dev/x', '/a b', '/tmp/: no rule', '/p: conflict', '/q bad op', ''),
      })
      .map((f): [RecordShape, string] => [
        {
          pieces: [`${f.severity}: ${f.process} (pid:`, `) of type ${f.type} ${f.form}${f.path}`],
          runs: 'none',
        },
        '',
      ]),
  );

  it('equals the parse of its record text, field by field and in key order', () => {
    fc.assert(
      fc.property(shaped, fc.integer({ min: 0, max: 2 ** 31 - 1 }), ([shape, value], pid) => {
        const tally = new ReviewTally();
        const t = tally.table;
        const family = t.familyId('f', () => ({
          type: 't',
          process: 'p',
          kind: 'ability',
          object: 'o',
          domain: '',
        }));
        const v = t.valueKey(value);
        const r = tally.addFirst(family, v.kind, v.a, v.b, shape, t.fileId('a.log'), 7, true, pid);
        const atom = new TalliedAtom(t, r);
        const parsed = parseRecord(atom.record, { file: 'a.log', line: 7 });
        // The lane shapes only records the parser reads as a process event.
        fc.pre(parsed !== undefined && parsed.kind !== 'unknown');
        const event = atom.event;
        expect(event).toStrictEqual(parsed);
        expect(JSON.stringify(event)).toBe(JSON.stringify(parsed));
        expect(atom.event).not.toBe(event);
      }),
      { numRuns: 2000 },
    );
  });

  it("reads a row's shape afresh when its table was cleared and holds another there", () => {
    const tally = new ReviewTally();
    const t = tally.table;
    const shapeOf = (process: string): RecordShape => ({
      pieces: [`error: ${process} (pid:`, ') type fs_t lacks ability SETUID(', ') as root'],
      runs: 'value',
    });
    const eventOf = (process: string): ProcessEvent => {
      const family = t.familyId(process, () => ({
        type: 'fs_t',
        process,
        kind: 'ability',
        object: 'setuid',
        domain: 'root',
      }));
      const v = t.valueKey('5');
      const r = tally.addFirst(
        family,
        v.kind,
        v.a,
        v.b,
        shapeOf(process),
        t.fileId('a'),
        1,
        true,
        3,
      );
      return new TalliedAtom(t, r).event;
    };
    expect(eventOf('a').process).toBe('a');
    t.clear();
    expect(eventOf('b').process).toBe('b');
  });

  it('builds the events of a shape without parsing each row (rows parsed only when held as text)', () => {
    const tally = new ReviewTally();
    const t = tally.table;
    const family = t.familyId('f', () => ({
      type: 'fs_t',
      process: 'a',
      kind: 'ability',
      object: 'setuid',
      domain: 'root',
    }));
    const shape: RecordShape = {
      pieces: ['error: a (pid:', ') type fs_t lacks ability SETUID(', ') as root'],
      runs: 'value',
    };
    const rows = [1, 2, 3].map((n) => {
      const v = t.valueKey(String(n));
      return tally.addFirst(family, v.kind, v.a, v.b, shape, t.fileId('a.log'), n, true, 40 + n);
    });
    const hex = tally.add(
      parseTraceText('error: a (pid:9) type fs_t lacks ability SETUID(0x10) as root\n', 'a.log')
        .events[0]!,
    )!;
    // The shape's own event is parsed once, when first asked for.
    expect(new TalliedAtom(t, rows[0]!).event.pid).toBe('41');
    const spy = jest.spyOn(record, 'parseRecord');
    try {
      const events = rows.map((r) => new TalliedAtom(t, r).event);
      expect(events.map((e) => [e.pid, e.kind === 'ability' && argumentText(e)])).toEqual([
        ['41', '1'],
        ['42', '2'],
        ['43', '3'],
      ]);
      expect(spy).not.toHaveBeenCalled();
      expect(hex.event).toMatchObject({ pid: '9', argument: { kind: 'value', value: '16' } });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});
