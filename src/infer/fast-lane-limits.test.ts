import {
  ABILITY_NAME_CHARS,
  AS_NON_ROOT,
  AS_ROOT,
  ERROR_KEY,
  INFO_KEY,
  LACKS_ABILITY,
  MAX_LINE_BYTES,
  MAX_PID_CHARS,
  MAX_PREFIX,
  SURE_HEX_DIGITS,
  SURE_VALUE_DIGITS,
  MONTHS,
  OF_TYPE,
  PATH_FORMS,
  PID_CLOSE,
  PID_OPEN,
  PROCESS_NAME_CHARS,
  TYPE,
  TYPE_NAME_CHARS,
  USES_ABILITY,
  byteClass,
  isContinuationStart,
  isKeyBefore,
  isTrailingBlank,
} from '../trace/grammar';
import { expectSameLearning, learn, type Learned } from '../test-utils/learn-both-ways';
import { FastLane, MAX_EXACT_HEX, MAX_RECORD } from './fast-lane';
import { MAX_EXACT_DIGITS } from './value-set';

// The fast lane and the parser read one grammar (src/trace/grammar.ts). At
// each of its limits and for each of its words, these tests learn lines just
// inside and just outside both ways (learn-both-ways.ts: the results must be
// equal) AND pin where each side draws the line: the lane takes exactly the
// records inside (so a lane that read less, or more, than the grammar fails a
// count), and the parser reads exactly the records inside (so a parser that
// read another limit than the lane fails a count or the comparison).

/** Learns `lines` (bytes as Latin-1: any byte value) both ways; the lane's view. Asserts they agree. */
function both(lines: string[]): Learned {
  // A last line: the lane sees a line only when the next one rules out a continuation.
  const text = Buffer.from(lines.join('\n') + '\n#end\n', 'latin1');
  const traces = [{ file: 'l.log', text }];
  const withLane = learn(traces, true, 1 << 20);
  expectSameLearning(withLane, learn(traces, false, 1 << 20));
  return withLane;
}

/**
 * How many of `tested` the lane takes, after two records of their skeleton
 * (`first`, which the lane learns from: the first two of a shape in a row
 * are both new). Asserts both ways agree.
 */
function takenOf(first: string[], tested: string[]): { taken: number; learned: Learned } {
  const learned = both([...first, ...tested]);
  return { taken: learned.taken, learned };
}

const ability = (pid: string, rest: string): string =>
  `${INFO_KEY} sbin/a ${PID_OPEN}${pid}${PID_CLOSE}${TYPE}a_t ${USES_ABILITY}${rest}${AS_ROOT}`;

/** The rule ids of the diagnostics, but for the last line's (`#end`, not understood). */
const ruleIds = (l: Learned): string[] => l.diagnostics.slice(0, -1).map((d) => d.ruleId ?? '');

describe('the lane and the parser share the prefix limit (MAX_PREFIX)', () => {
  const record = (pid: number): string => ability(String(pid), 'IO');
  /** A line whose `info:` is at index `at`, after a serial-console stamp. */
  const prefixed = (at: number, pid: number): string => `[1]${' '.repeat(at - 3)}${record(pid)}`;

  test.each([MAX_PREFIX - 2, MAX_PREFIX - 1])('a key at index %i starts a record: taken', (at) => {
    const { taken, learned } = takenOf([record(1), record(2)], [prefixed(at, 3), prefixed(at, 4)]);
    expect(taken).toBe(2);
    expect(learned.summaries[0]!.records).toBe(4);
  });

  test.each([MAX_PREFIX, MAX_PREFIX + 1])('a key at index %i starts nothing: not taken', (at) => {
    const { taken, learned } = takenOf([record(1), record(2)], [prefixed(at, 3), prefixed(at, 4)]);
    expect(taken).toBe(0);
    expect(learned.summaries[0]!.records).toBe(2);
    expect(ruleIds(learned).filter((r) => r === 'trace-unknown-line')).toHaveLength(2);
  });

  // A line that starts with blanks continues a wrapped record, unless it holds a key within the
  // limit: then it starts a record of its own (an empty prefix is a logger's).
  const wrapped = (at: number, pid: number): string[] => [
    `${INFO_KEY} sbin/a ${PID_OPEN}${pid}${PID_CLOSE}${TYPE}a_t ${PATH_FORMS[0]![0]}/a`,
    `${' '.repeat(at)}${INFO_KEY} x`,
  ];
  test.each([
    [MAX_PREFIX - 1, 0, 8],
    [MAX_PREFIX, 2, 4],
    [MAX_PREFIX + 1, 2, 4],
  ])(
    'a continuation line with a key at index %i: taken %i, records %i',
    (at, expected, records) => {
      const { taken, learned } = takenOf(
        [...wrapped(at, 1), ...wrapped(at, 2)],
        [...wrapped(at, 3), ...wrapped(at, 4)],
      );
      expect(taken).toBe(expected);
      // Below the limit each continuation is a record (of unknown form) too.
      expect(learned.summaries[0]!.events.attach).toBe(4);
      expect(learned.summaries[0]!.records).toBe(records);
    },
  );
});

describe('the lane and the parser share the month names (MONTHS)', () => {
  test('a slog2info prefix is read after each month, in any case, and after no other three letters', () => {
    const record = (pid: number): string => ability(String(pid), 'IO');
    const months = new Set(MONTHS);
    const words: string[] = [];
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    for (const a of letters)
      for (const b of letters) for (const c of letters) words.push(a + b + c);
    const cased = MONTHS.flatMap((m) => [m[0]!.toUpperCase() + m.slice(1), m.toUpperCase()]);
    const tested = [...words, ...cased].map(
      (w, i) => `${w} 12 10:00:00.123    secpolmonitor.1  2   ${record(3 + i)}`,
    );
    const learned = both([record(1), record(2), ...tested]);
    // Each month's line, in each case, is a record the lane takes; every other is no record.
    expect(learned.taken).toBe(3 * MONTHS.length);
    expect(learned.summaries[0]!.records).toBe(2 + 3 * MONTHS.length);
    // And `#end`.
    expect(learned.diagnostics).toHaveLength(words.length - months.size + 1);
  });
});

describe('the lane and the parser share the record words', () => {
  test.each(PATH_FORMS.map(([verb, kind, ok]) => [verb, kind, ok]))(
    'path verb `%s`: a %s event, taken; one letter short, of unknown form both ways',
    (verb, kind, ok) => {
      const record = (pid: number, v: string): string =>
        `${ERROR_KEY} sbin/a ${PID_OPEN}${pid}${PID_CLOSE}${OF_TYPE}a_t ${v}/dev/x${ok ? '' : ': no rule'}`;
      const full = takenOf([record(1, verb), record(2, verb)], [record(3, verb), record(4, verb)]);
      expect(full.taken).toBe(2);
      expect(full.learned.summaries[0]!.events[kind as 'attach' | 'link']).toBe(4);
      const cut = verb.slice(0, -2) + ' ';
      const short = takenOf([record(1, cut), record(2, cut)], [record(3, cut), record(4, cut)]);
      expect(short.taken).toBe(0);
      expect(short.learned.summaries[0]!.events.unknown).toBe(4);
    },
  );

  // The canonical record of each form, and each of its words with its last letter dropped.
  const words = [
    INFO_KEY,
    PID_OPEN,
    PID_CLOSE,
    OF_TYPE,
    TYPE,
    USES_ABILITY,
    LACKS_ABILITY,
    AS_ROOT,
    AS_NON_ROOT,
  ];
  const forms = (pid: number): string[] => [
    `${INFO_KEY} sbin/a ${PID_OPEN}${pid}${PID_CLOSE}${TYPE}a_t ${USES_ABILITY}IO${AS_ROOT}`,
    `${INFO_KEY} sbin/a ${PID_OPEN}${pid}${PID_CLOSE}${OF_TYPE}a_t ${LACKS_ABILITY}IO(5)${AS_NON_ROOT}`,
  ];
  test('each record word: the canonical record is taken; a word cut short, same result both ways', () => {
    const canonical = takenOf([...forms(1), ...forms(2)], [...forms(3), ...forms(4)]);
    // Two forms, alternating: the first of each is new, the later six are taken.
    expect(canonical.taken).toBe(6);
    expect(canonical.learned.summaries[0]!.events.ability).toBe(8);
    for (const word of words) {
      const cut = (pid: number): string[] =>
        forms(pid)
          .filter((f) => f.includes(word))
          .map((f) =>
            f.replace(word, word.trimEnd().slice(0, -1) + word.slice(word.trimEnd().length)),
          );
      const short = takenOf([...cut(1), ...cut(2)], [...cut(3), ...cut(4)]);
      expect(short.learned.summaries[0]!.events.ability).toBe(0);
    }
  });
});

describe('the lane and the parser share the character classes', () => {
  // Every byte value but the newline, in one field of an otherwise canonical record. A byte of
  // the field's class: the lane takes the record (and nothing is refused); any other: it leaves
  // it to the parser.
  const bytes = Array.from({ length: 256 }, (_, c) => c).filter((c) => c !== 10);
  const cases: Array<[string, string, (ch: string, pid: number) => string]> = [
    [
      'process name',
      PROCESS_NAME_CHARS,
      (ch, pid) =>
        `${INFO_KEY} sbin/a${ch}b ${PID_OPEN}${pid}${PID_CLOSE}${TYPE}a_t ${USES_ABILITY}IO${AS_ROOT}`,
    ],
    ['ability name', ABILITY_NAME_CHARS, (ch, pid) => ability(String(pid), `IO${ch}X`)],
    [
      'type name of a type id',
      TYPE_NAME_CHARS,
      (ch, pid) => ability(String(pid), `CHANNEL_CONNECT(1) (b${ch}_t)`),
    ],
  ];
  test.each(cases)('%s: class [%s]', (_, chars, record) => {
    const inClass = byteClass(chars);
    for (const c of bytes) {
      const ch = String.fromCharCode(c);
      const { taken, learned } = takenOf(
        [record(ch, 1), record(ch, 2)],
        [record(ch, 3), record(ch, 4)],
      );
      if (inClass[c] === 1) {
        expect([c, taken, learned.result.refusedCount]).toEqual([c, 2, 0]);
      } else expect([c, taken]).toEqual([c, 0]);
    }
  });

  test('the byte before a key: each one a key may follow, printable, is taken; no other starts a record', () => {
    const record = (pid: number): string => ability(String(pid), 'IO');
    for (let c = 32; c <= 126; c++) {
      const ch = String.fromCharCode(c);
      const line = (pid: number): string => `[1]${ch}${record(pid)}`;
      const { taken, learned } = takenOf([record(1), record(2)], [line(3), line(4)]);
      const key = isKeyBefore(c);
      expect([c, taken, learned.summaries[0]!.records]).toEqual([c, key ? 2 : 0, key ? 4 : 2]);
    }
  });
});

describe('the lane and the parser share the line-end and continuation bytes', () => {
  // Every byte value but the newline.
  const bytes = Array.from({ length: 256 }, (_, c) => c).filter((c) => c !== 10);

  test('a byte last on a line: trimmed (and the record taken) exactly when the parser trims it', () => {
    const record = (pid: number): string => ability(String(pid), 'IO');
    for (const c of bytes) {
      const ch = String.fromCharCode(c);
      const { taken } = takenOf([record(1), record(2)], [record(3) + ch, record(4) + ch]);
      expect([c, taken]).toEqual([c, isTrailingBlank(c) ? 2 : 0]);
    }
  });

  test('a byte first on a line: the record continues (and is taken whole) exactly when the parser continues it', () => {
    const wrap = (pid: number, ch: string): string[] => [
      `${INFO_KEY} sbin/a ${PID_OPEN}${pid}${PID_CLOSE}${TYPE}a_t ${USES_ABILITY.trimEnd()}`,
      `${ch}IO${AS_ROOT}`,
    ];
    for (const c of bytes) {
      const ch = String.fromCharCode(c);
      const { taken, learned } = takenOf(
        [...wrap(1, ch), ...wrap(2, ch)],
        [...wrap(3, ch), ...wrap(4, ch)],
      );
      const continues = isContinuationStart(c);
      expect([c, taken, learned.summaries[0]!.events.ability]).toEqual([
        c,
        continues ? 2 : 0,
        continues ? 4 : 0,
      ]);
    }
  });
});

describe('the lane and the validator share the digit limits', () => {
  const line = (pid: string, rest: string): string => ability(pid, rest);

  test.each([
    [MAX_PID_CHARS - 1, 2],
    [MAX_PID_CHARS, 2],
    [MAX_PID_CHARS + 1, 0],
  ])('a pid of %i digits: taken %i; refused past the limit', (digits, expected) => {
    const { taken, learned } = takenOf(
      [line('1', 'IO'), line('2', 'IO')],
      [line('3'.repeat(digits), 'IO'), line('4'.repeat(digits), 'IO')],
    );
    expect(taken).toBe(expected);
    expect(learned.result.refusedCount).toBe(expected === 0 ? 2 : 0);
  });

  // After `SETUID` with no value the atom's values are whole: long values need no bounds.
  test.each([
    [SURE_VALUE_DIGITS - 1, 2],
    [SURE_VALUE_DIGITS, 2],
    [SURE_VALUE_DIGITS + 1, 0],
  ])(
    'a value of %i digits: taken %i; refused past the limit (above 2^64-1)',
    (digits, expected) => {
      const { taken, learned } = takenOf(
        [line('0', 'SETUID'), line('1', 'SETUID(1)'), line('2', 'SETUID(2)')],
        [line('3', `SETUID(${'7'.repeat(digits)})`), line('4', `SETUID(${'8'.repeat(digits)})`)],
      );
      expect(taken).toBe(expected);
      expect(learned.result.refusedCount).toBe(expected === 0 ? 2 : 0);
    },
  );

  test.each([
    [SURE_HEX_DIGITS, 2],
    [SURE_HEX_DIGITS + 1, 0],
  ])(
    'a hex value of %i digits: taken %i; refused past the limit (above 2^64-1)',
    (digits, expected) => {
      const { taken, learned } = takenOf(
        [line('0', 'SETUID'), line('1', 'SETUID(0x1)'), line('2', 'SETUID(0x2)')],
        [
          line('3', `SETUID(0x${'a'.repeat(digits)})`),
          line('4', `SETUID(0x${'b'.repeat(digits)})`),
        ],
      );
      expect(taken).toBe(expected);
      expect(learned.result.refusedCount).toBe(expected === 0 ? 2 : 0);
    },
  );

  test('a long run with leading zeros goes to the parser, which accepts its small value', () => {
    const zeros = '0'.repeat(SURE_VALUE_DIGITS);
    const { taken, learned } = takenOf(
      [line('0', 'SETUID'), line('1', 'SETUID(1)'), line('2', 'SETUID(2)')],
      [line('3', `SETUID(${zeros}7)`), line('4', `SETUID(0x${zeros}8)`)],
    );
    expect(taken).toBe(0);
    expect(learned.result.refusedCount).toBe(0);
  });

  // Without a whole value first, the atom needs bounds: the lane reads values as Numbers only
  // while exact, as toBound does (value-set.ts). Nines: a value past the limit would round.
  test.each([
    ['', MAX_EXACT_DIGITS, 2],
    ['', MAX_EXACT_DIGITS + 1, 0],
    ['0x', MAX_EXACT_HEX, 2],
    ['0x', MAX_EXACT_HEX + 1, 0],
  ])('a value `%s` of %i digits where bounds count: taken %i', (hex, digits, expected) => {
    const nines = hex === '' ? '9' : 'f';
    const { taken, learned } = takenOf(
      [line('1', `SETUID(${hex}1)`), line('2', `SETUID(${hex}2)`)],
      [
        line('3', `SETUID(${hex}${nines.repeat(digits)})`),
        line('4', `SETUID(${hex}1${'0'.repeat(digits - 1)})`),
      ],
    );
    expect(taken).toBe(expected);
    expect(learned.result.refusedCount).toBe(0);
  });
});

describe('the lane keeps within the parser’s line limit (MAX_LINE_BYTES)', () => {
  test('the lane reads records up to MAX_RECORD bytes, within the parser’s longest line', () => {
    expect(MAX_RECORD).toBeLessThan(MAX_LINE_BYTES);
  });

  /** A path record of exactly `length` bytes. */
  const sized = (length: number, pid: number): string => {
    const head = `${INFO_KEY} sbin/a ${PID_OPEN}${pid}${PID_CLOSE}${TYPE}a_t ${PATH_FORMS[0]![0]}/`;
    return head + 'p'.repeat(length - head.length);
  };

  test.each([
    [MAX_RECORD - 1, 2],
    [MAX_RECORD, 2],
    [MAX_RECORD + 1, 0],
  ])('a record of %i bytes: taken %i', (length, expected) => {
    const { taken } = takenOf(
      [sized(length, 1), sized(length, 2)],
      [sized(length, 3), sized(length, 4)],
    );
    expect(taken).toBe(expected);
  });

  test.each([
    [MAX_RECORD, 2],
    [MAX_RECORD + 1, 0],
  ])('a wrapped record of %i bytes once joined: taken %i', (length, expected) => {
    // Cut at its last blank, the rest on a line of its own after a tab.
    const wrap = (pid: number): string[] => {
      const r = sized(length, pid);
      const at = r.lastIndexOf(' ');
      return [r.slice(0, at), `\t${r.slice(at + 1)}`];
    };
    const { taken, learned } = takenOf([...wrap(1), ...wrap(2)], [...wrap(3), ...wrap(4)]);
    expect(taken).toBe(expected);
    expect(learned.summaries[0]!.events.attach).toBe(4);
  });

  test.each([
    [MAX_LINE_BYTES - 1, false],
    [MAX_LINE_BYTES, false],
    [MAX_LINE_BYTES + 1, true],
  ])('a line of %i bytes: cut and reported %s, the same both ways', (length, cut) => {
    const { taken, learned } = takenOf(
      [sized(100, 1), sized(100, 2)],
      [sized(length, 3), sized(100, 4)],
    );
    expect(taken).toBe(1);
    expect(ruleIds(learned).includes('trace-line-too-long')).toBe(cut);
    expect(learned.summaries[0]!.events.attach).toBe(4);
  });
});

describe('the cost of a record taken', () => {
  test('take makes no closure (V8 would allocate its context on every call, whatever the path)', () => {
    // Compiled JavaScript: an arrow or a function expression in take is a closure over its scope.
    // Comments left out: their words are not code.
    const source = FastLane.prototype.take
      .toString()
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    expect(source).not.toMatch(/=>|\bfunction\b/);
  });
});
