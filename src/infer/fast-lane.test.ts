import fc from 'fast-check';
import { generatedTrace } from '../test-utils/generated-trace';
import { expectSameLearning, learn } from '../test-utils/learn-both-ways';
import { expectSameReview, review } from '../test-utils/review-both-ways';
import { TracePushParser } from '../trace/push-parser';
import { FastLane } from './fast-lane';
import { RequirementAccumulator } from './requirement-accumulator';
import { TalliedAtom } from './review-tally';

// The lane must be invisible: see learn-both-ways.ts.

describe('the fast lane learns what the parser learns', () => {
  test('generated traces, whole and in small chunks: same result; most records taken', async () => {
    for (const seed of [1, 7, 2024]) {
      const text = await generatedTrace(seed, 20_000);
      const traces = [{ file: 'boot.log', text }];
      const without = learn(traces, false);
      expect(without.taken).toBe(0);
      // 0: one reused buffer, pieces shorter and longer than before (readChunks).
      for (const chunk of [65536, 777, 0]) {
        const withLane = learn(traces, true, chunk);
        expectSameLearning(withLane, without);
        // The lane does work: without it taking records this test would prove nothing.
        expect(withLane.taken).toBeGreaterThan(without.summaries[0]!.records * 0.4);
      }
      // The review lane too: same tally, most records counted without a parse.
      const reviewed = review(traces, true, 0);
      expectSameReview(reviewed, review(traces, false, 0));
      expect(reviewed.taken).toBeGreaterThan(without.summaries[0]!.records * 0.3);
    }
  });

  test('earlier places after later ones (files out of order, pieces out of order): same result', async () => {
    const a = await generatedTrace(8, 3000);
    const b = await generatedTrace(9, 3000);
    expectSameLearning(
      learn(
        [
          { file: 'b.log', text: b },
          { file: 'a.log', text: a },
        ],
        true,
      ),
      learn(
        [
          { file: 'b.log', text: b },
          { file: 'a.log', text: a },
        ],
        false,
      ),
    );
    // One file's second half, then its first (as parallel batches may come).
    const cut = a.indexOf('\ninfo:', a.length >> 1) + 1;
    const firstLine = a.subarray(0, cut).toString().split('\n').length;
    const pieces = [
      { file: 'a.log', text: a.subarray(cut), firstLine },
      { file: 'a.log', text: a.subarray(0, cut), firstLine: 1 },
    ];
    expectSameLearning(learn(pieces, true), learn(pieces, false));
    // The review lane counts a record only after its atom's first: earlier ones are parsed.
    expectSameReview(review(pieces, true), review(pieces, false));
    const files = [
      { file: 'b.log', text: b },
      { file: 'a.log', text: a },
    ];
    expectSameReview(review(files, true), review(files, false));
  });

  test('the same file twice (equal places), and two files: same result', async () => {
    const a = await generatedTrace(3, 3000);
    const b = await generatedTrace(4, 3000);
    const traces = [
      { file: 'a.log', text: a },
      { file: 'a.log', text: a },
      { file: 'b.log', text: b },
    ];
    expectSameLearning(learn(traces, true), learn(traces, false));
    expectSameReview(review(traces, true), review(traces, false));
    // A file met again after another (the lane numbers files by name: its number found again).
    const again = [traces[0]!, traces[2]!, traces[0]!];
    expectSameLearning(learn(again, true), learn(again, false));
    expectSameReview(review(again, true), review(again, false));
  });

  test('-f and -a filters: records the filter drops are never taken', async () => {
    const text = await generatedTrace(5, 5000);
    const traces = [{ file: 't.log', text }];
    for (const filter of [
      { names: ['sshd'], abilities: false, paths: false },
      { names: [], abilities: true, paths: false },
      { names: [], abilities: false, paths: true },
    ]) {
      const withLane = learn(traces, true, 65536, filter);
      expectSameLearning(withLane, learn(traces, false, 65536, filter));
      expect(withLane.taken).toBeGreaterThan(0);
      const reviewed = review(traces, true, 65536, filter);
      expectSameReview(reviewed, review(traces, false, 65536, filter));
      expect(reviewed.taken).toBeGreaterThan(0);
    }
  });

  test('a refused record is refused every time, at its own line', () => {
    const lines: string[] = [];
    for (let i = 0; i < 50; i++) {
      lines.push(
        `error: sbin/a (pid:${100 + i}) of type a_t failed to attach to path /x{y}: no rule`,
      );
      lines.push(`error: sbin/a (pid:${100 + i}) type a_t lacks ability IO as root`);
    }
    // Past the 100 refusals listed, the rest are only counted.
    for (let i = 0; i < 120; i++) {
      lines.push(`info: sbin/a (pid:${i}) type a_t attached channel to path /a b`);
    }
    lines.push('info: sbin/a (pid:1) type a_t uses ability IO as root');
    const traces = [{ file: 'r.log', text: Buffer.from(lines.join('\n') + '\n') }];
    const withLane = learn(traces, true);
    expectSameLearning(withLane, learn(traces, false));
    expect(withLane.result.refusedCount).toBe(170);
    expect(withLane.result.refused.map((d) => d.line).slice(0, 3)).toEqual([1, 3, 5]);
    // One skeleton per record shape, however often seen.
    expect(withLane.skeletons).toBe(3);
    // The others are taken, refused ones too. New are the first of each shape, and the second
    // of the run of `/a b` records (its first is learned from only when the second ends it).
    expect(withLane.taken).toBe(49 + 49 + 118);
  });

  test('records of unknown form: counted and noted at their own lines; cut-off ones stay with the parser', () => {
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      lines.push(`error: usr/sbin/sshd (pid:${i}) sent an unregistered sigevent to sbin/a`);
      // No `NAME (pid:N)`: the whole record is the skeleton.
      lines.push(`info: qnet: node ${i % 3} is odd`);
      lines.push(`error: proc/boot/ln (pid:${1000 + i})`);
      lines.push(`       sent an unregistered sigevent to usr/bin/b`);
      // Cut off: the parser warns (trace-truncated-record), so the lane leaves these to it.
      lines.push(`error: sbin/a (pid:${i}) type a_t lacks ability`);
      lines.push(`error: sbin/a (pid:${i}) type a_t lacks ability IO(0x${i.toString(16)}) as root`);
    }
    const traces = [{ file: 'u.log', text: Buffer.from(lines.join('\n') + '\n') }];
    const without = learn(traces, false);
    const withLane = learn(traces, true);
    expectSameLearning(withLane, without);
    expect(without.result.unknownCount).toBe(120);
    // Each unknown shape is new once (three sigevent and qnet shapes, the qnet one per node).
    expect(withLane.unknownTaken).toBe(120 - 30 - 5);
    expect(withLane.diagnostics.filter((d) => d.ruleId === 'trace-truncated-record')).toHaveLength(
      30,
    );
    // Without a way to note them, records of unknown form stay the parser's.
    const accumulator = new RequirementAccumulator();
    const lane = new FastLane(accumulator);
    const parser = new TracePushParser({
      file: 'u.log',
      times: false,
      lane,
      onEvent: (e) => accumulator.add(e),
    });
    parser.feed(traces[0]!.text);
    parser.end();
    expect(lane.unknownTaken).toBe(0);
    expect(accumulator.result().unknownCount).toBe(120);
  });

  test('hex values: read as the parser reads them, in values, ranges and type ids', () => {
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      const h = (i * 0x9e37).toString(16);
      lines.push(`error: sbin/a (pid:${i}) type a_t lacks ability IO(0x${h}) as root`);
      lines.push(
        `error: sbin/a (pid:${i}) type a_t lacks ability IO(0X${h.toUpperCase()}) as root`,
      );
      lines.push(
        `info: sbin/a (pid:${i}) type a_t uses ability MEM_PHYS(0x${h}-0xffff${h}) as root`,
      );
      lines.push(`info: sbin/a (pid:${i}) type a_t uses ability IO(${i} - 0x${h}) as root`);
      lines.push(`info: sbin/a (pid:${i}) type a_t uses ability SETTYPEID(0x${i}) (b_t) as root`);
      // Past 13 hex digits a value is the parser's while the atom needs bounds; past 32, always.
      lines.push(
        `info: sbin/a (pid:${i}) type a_t uses ability IO(0x${'f'.repeat(12 + (i % 4))}) as root`,
      );
      lines.push(
        `info: sbin/a (pid:${i}) type a_t uses ability PRIORITY(0x${'1'.repeat(31 + (i % 3))}) as root`,
      );
    }
    const traces = [{ file: 'h.log', text: Buffer.from(lines.join('\n') + '\n') }];
    const withLane = learn(traces, true);
    expectSameLearning(withLane, learn(traces, false));
    expect(withLane.taken).toBeGreaterThan(200);
    // Review: each line again, with another pid, and with decimal values: the same atoms
    // (fast-lane-review.test.ts pins which records the review lane takes).
    const again = lines.map((l) => l.replace(/\(pid:(\d+)\)/, '(pid:9$1)'));
    const decimal = [...lines, ...again].map((l) =>
      l.replace(/\(0x([0-9a-f]+)\)/i, '(1$1)'.replace(/[a-f]/gi, '7')),
    );
    const twice = [
      { file: 'h.log', text: Buffer.from([...lines, ...again, ...decimal].join('\n') + '\n') },
    ];
    const reviewed = review(twice, true);
    expectSameReview(reviewed, review(twice, false));
    expect(reviewed.taken).toBeGreaterThan(0);
  });

  test('logger prefixes: the record starts where the parser finds it', () => {
    const rest = (pid: number): string => `sbin/a (pid:${pid}) type a_t uses ability IO as root`;
    const lines = [
      `info: ${rest(1)}`,
      `[    1.5] info: ${rest(2)}`,
      `2024-05-01T10:00:00.087Z info: ${rest(3)}`,
      `Jan 12 10:00:00.123    secpolmonitor.1  2   info: ${rest(4)}`,
      `[1]info: ${rest(5)}`,
      `[1] xerror: info: ${rest(6)}`,
      // Not records for the parser: a key inside a word, a prefix that is no logger's.
      `[1] xinfo: ${rest(7)}`,
      `12 xinfo:info: ${rest(8)}`,
      `Foo 1 info: ${rest(9)}`,
      `[1]\x07 info: ${rest(10)}`,
      `info: ${rest(11)}`,
    ];
    const traces = [{ file: 'p.log', text: Buffer.from(lines.join('\n') + '\n') }];
    const withLane = learn(traces, true);
    expectSameLearning(withLane, learn(traces, false));
    expect(withLane.diagnostics.map((d) => d.line)).toEqual([7, 8, 9, 10]);
    // Line 1 is new, and line 2 too (line 1 is learned from when line 2 ends its record);
    // lines 3 to 6 are taken. The last line has no next line to rule out a continuation.
    expect(withLane.taken).toBe(4);
    expect(withLane.skeletons).toBe(1);
  });

  test('values: exact numbers, long numbers, whole-only abilities, pid lists', () => {
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      const pid = String((i * 7919) % 1000);
      lines.push(`error: sbin/a (pid:${pid}) type a_t lacks ability SETUID(${i * 3}) as root`);
      lines.push(
        `info: sbin/a (pid:${pid}) type a_t uses ability SETUID(${i} - ${100 - i}) as root`,
      );
      lines.push(
        `info: sbin/a (pid:${pid}) type a_t uses ability INTERRUPT(${'9'.repeat(16 + (i % 5))}) as root`,
      );
      lines.push(
        `error: sbin/a (pid:0${pid}) type a_t lacks ability MAP_FIXED(${'4'.repeat(20)}-${i}) as root`,
      );
      lines.push(
        `info: sbin/a (pid:${pid}) type a_t uses ability CHANNEL_CONNECT(${i}) (b_t) as non-root`,
      );
      lines.push(`info: sbin/a (pid:${pid}) type a_t uses ability PRIORITY(${i}) (b_t) as root`);
    }
    const traces = [{ file: 'v.log', text: Buffer.from(lines.join('\n') + '\n') }];
    const withLane = learn(traces, true);
    expectSameLearning(withLane, learn(traces, false));
    expect(withLane.taken).toBeGreaterThan(150);
  });

  test('runs of one skeleton, broken by records that fit its first bytes only: same result', () => {
    // The lane tries the line before's skeleton first: a record that shares its start (its
    // path one digit longer, a hex value, another ending) must still find its own skeleton.
    const a = (pid: number, v: number): string =>
      `error: sbin/a (pid:${pid}) type a_t lacks ability IO(${v}) as root`;
    const others = [
      (pid: number): string => `error: sbin/a (pid:${pid}) type a_t lacks ability IO(0x1f) as root`,
      (pid: number): string =>
        `error: sbin/a (pid:${pid}) type a_t lacks ability IO(7) as non-root`,
      (pid: number): string => `error: sbin/a (pid:${pid}) type a_t lacks ability IO(7-9) as root`,
      (pid: number): string =>
        `error: sbin/a (pid:${pid}) type a_t lacks ability IO(7) (b_t) as root`,
      (pid: number): string =>
        `info: sbin/a (pid:${pid}) of type a_t attached channel to path /dev/ser1`,
      (pid: number): string =>
        `info: sbin/a (pid:${pid}) of type a_t attached channel to path /dev/ser12`,
      (pid: number): string => `error: sbin/a (pid:${pid}) type a_t lacks ability IO(7) as root x`,
    ];
    const lines: string[] = [];
    for (let round = 0; round < 4; round++) {
      for (const [i, other] of others.entries()) {
        for (let k = 0; k < 3; k++) lines.push(a(100 * round + 10 * i + k, round * 7 + k));
        lines.push(other(round + 1000 * i));
        lines.push(other(round + 1000 * i + 1));
      }
    }
    const traces = [{ file: 'runs.log', text: Buffer.from(lines.join('\n') + '\n') }];
    const withLane = learn(traces, true);
    expectSameLearning(withLane, learn(traces, false));
    expect(withLane.taken).toBeGreaterThan(lines.length * 0.8);
    expectSameReview(review(traces, true), review(traces, false));
  });

  test('records that differ only in the digits of a path: one skeleton each, same result', () => {
    const lines: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 40; i++) {
        lines.push(
          `info: sbin/a (pid:${round * 100 + i}) of type a_t attached channel to path /proc/${i}/as`,
        );
      }
    }
    const traces = [{ file: 'p.log', text: Buffer.from(lines.join('\n') + '\n') }];
    const withLane = learn(traces, true);
    expectSameLearning(withLane, learn(traces, false));
    // Digits outside parentheses count in the hash: 40 skeletons, taken in later rounds (the
    // last line has no next line to rule out a continuation).
    expect(withLane.skeletons).toBe(40);
    expect(withLane.taken).toBe(2 * 40 - 1);
  });

  test("one skeleton whatever its runs' lengths, wherever its parentheses fall in a word", () => {
    // The hash reads four bytes at a time outside parentheses, from the record's start and
    // from after each `)`: names of 1 to 4 letters put the first `(` at each place in a word,
    // and pids of 1 to 7 digits and values of 1 to 12 (hex: 1 to 8) the rest. The skeletons
    // take turns, so no record is tried against the line before's skeleton alone.
    const names = ['a', 'ab', 'abc', 'abcd'];
    const forms = [
      (name: string, pid: string, v: string): string =>
        `error: sbin/${name} (pid:${pid}) type a_t lacks ability IO(${v}) as root`,
      (name: string, pid: string, v: string): string =>
        `info: sbin/${name} (pid:${pid}) type a_t uses ability SETUID(0x${v.slice(0, 8)}) as non-root`,
      (name: string, pid: string, v: string): string =>
        `info: sbin/${name} (pid:${pid}) type a_t uses ability CHANNEL_CONNECT(${v}) (b_t) as root`,
    ];
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) {
      const pid = '1234567'.slice(0, 1 + (i % 7));
      const v = '918273645546'.slice(0, 1 + i);
      for (const name of names) for (const form of forms) lines.push(form(name, pid, v));
    }
    const traces = [{ file: 'w.log', text: Buffer.from(lines.join('\n') + '\n') }];
    const withLane = learn(traces, true);
    expectSameLearning(withLane, learn(traces, false));
    expect(withLane.skeletons).toBe(names.length * forms.length);
    // All but each skeleton's first record and the last line (no next line to rule out a
    // continuation).
    expect(withLane.taken).toBe(lines.length - names.length * forms.length - 1);
  });

  test('records that differ only in digits inside parentheses: chains of eight, same result', () => {
    const lines: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 40; i++) {
        lines.push(
          `info: sbin/a (pid:${round * 100 + i}) type a_t uses ability CHANNEL_CONNECT(${i}) (t${i}_t) as root`,
        );
      }
    }
    const traces = [{ file: 'c.log', text: Buffer.from(lines.join('\n') + '\n') }];
    const withLane = learn(traces, true);
    expectSameLearning(withLane, learn(traces, false));
    // Eight skeletons under the one hash are kept; their records are taken in later rounds.
    expect(withLane.skeletons).toBe(8);
    expect(withLane.taken).toBe(2 * 8);
  });

  // Lines from fragments: canonical records and near misses (blanks, tabs, prefixes the lane
  // does not read, escapes, control characters, continuations, odd numbers), repeated with
  // other pids and values so that skeletons are met again. Each fragment is mostly canonical.
  const mostly = (good: string[], odd: string[]): fc.Arbitrary<string> =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...good) },
      { weight: 1, arbitrary: fc.constantFrom(...odd) },
    );
  const digitsArb = mostly(
    ['1', '42', '31337', '007', '0', '123456789012345', '0x1f', '0XbEeF'],
    [
      '18446744073709551615',
      '9'.repeat(41),
      '12a',
      '',
      '1234567890123456789012',
      '0x',
      '0xg',
      `0x${'f'.repeat(14)}`,
      `0x${'1'.repeat(33)}`,
    ],
  );
  const prefixArb = mostly(
    [
      '',
      '[    1.234567] ',
      '2024-05-01T10:00:00.087Z ',
      'Jan 12 10:00:00.123    secpolmonitor.1  2   ',
    ],
    [
      '[1.5]',
      'jan 1 ',
      'Ja ',
      'secpolmonitor[12]: ',
      '\x1b[31m',
      '[1] xinfo: ',
      '12 error: ',
      '[1] x',
      '12 x',
      '[1]\t',
      '[1]\x07 ',
      '[1]\x1b[0m ',
      ' ',
    ],
  );
  const bodyArb = fc.oneof(
    fc
      .tuple(
        mostly(['uses ability ', 'lacks ability '], ['uses  ability ']),
        mostly(
          ['IO', 'SETUID', 'MAP_FIXED', 'CHANNEL_CONNECT', 'SETTYPEID', 'iofunc/exec'],
          ['bad name'],
        ),
        mostly(
          ['', '(A)', '(A - B)', '(A-B)', '(A) (t_t)'],
          ['(A - B) (t_t)', '( A)', '(A) (bad-t)', ' (t_t)', '(A)x'],
        ),
        mostly([' as root', ' as non-root'], [' as rot', ' as root as root']),
        digitsArb,
        digitsArb,
      )
      .map(
        ([verb, name, arg, domain, a, b]) =>
          verb + name + arg.replace('A', a).replace('B', b) + domain,
      ),
    fc
      .tuple(
        fc.constantFrom(
          'attached channel to path ',
          'failed to attach to path ',
          'created link to path ',
          'failed to create link to path ',
          'failed to link to path ',
        ),
        mostly(['/a', '/dev/x 1', '/proc/12/as', '/tmp/'], ['a b', '/a  b', '//c', '/x;y', '/é']),
        mostly(['', ': no rule', ' no rule', ': conflict', ': bad op'], [':bad', ':  no rule']),
      )
      .map(([verb, path, reason]) => verb + path + reason),
    fc.constant('sent an unregistered sigevent to x'),
  );
  const recordArb = fc
    .tuple(
      prefixArb,
      mostly(['info: ', 'error: '], ['info:  ', 'error:']),
      mostly(['sbin/a', 'usr/bin/b'], ['-', '', 'bad name', 'a(b', 'x;y']),
      mostly(['type ', 'of type '], ['type  ']),
      mostly(['a_t', 'b_t', 'c_t1'], ['-', 'bad-t']),
      bodyArb,
      mostly([''], [' ', '  ', '\r', '\t', '\x0b', '\x07']),
    )
    .map(
      ([prefix, sev, name, typeForm, type, body, end]) =>
        `${prefix}${sev}${name} (pid:1) ${typeForm}${type} ${body}${end}`,
    );
  // A record wrapped at some of its blanks, continuation lines indented by blanks or tabs,
  // sometimes with a line that could start a record, a blank line or an escape after it.
  const wrappedArb = fc
    .tuple(
      recordArb,
      fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      mostly(['       ', '\t', ' '], ['  \t ', '\x1b[0m ']),
      mostly(['', ' '], ['\r', '\t']),
      mostly([''], ['\n', '\n   ', '\n  error: x', '\n  {"a":1}']),
    )
    .map(([record, cuts, indent, trail, after]) => {
      const blanks = [...record.matchAll(/ /g)].map((m) => m.index);
      const at = [...new Set(cuts.map((c) => blanks[c % Math.max(1, blanks.length)]!))]
        .filter((i) => i !== undefined)
        .sort((x, y) => x - y);
      let out = '';
      let from = 0;
      for (const i of at) {
        out += record.slice(from, i) + trail + '\n' + indent;
        from = i + 1;
      }
      return out + record.slice(from) + after;
    });
  // Records of unknown form: with `NAME (pid:N)` or without, some cut off after the type.
  const unknownArb = fc
    .tuple(
      prefixArb,
      mostly(['info: ', 'error: '], ['info:  ', 'error:']),
      mostly(['sbin/a', 'usr/bin/b'], ['-', '', 'bad name', 'a(b']),
      mostly(
        [' (pid:1) sent an unregistered sigevent to x', ' (pid:1) opened /x (0x1f) 12'],
        [' sent x 12', ' (pid:1)', ' (pid:1) type a_t lacks', ' (pid:1) of type a_t odd 3', ''],
      ),
    )
    .map(([prefix, sev, name, rest]) => `${prefix}${sev}${name}${rest}`);
  const lineArb = fc.oneof(
    { weight: 8, arbitrary: recordArb },
    { weight: 2, arbitrary: unknownArb },
    { weight: 3, arbitrary: wrappedArb },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', '   as root', '\tof type a_t', '#garbage', '\x1b[0m   x'),
    },
  );

  test('wrapped records: taken whole, continuation lines counted and skipped', () => {
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      lines.push(`error: usr/sbin/sshd (pid:${i})`);
      lines.push(`       type fs_t lacks ability SETUID(${i}) as root`);
      lines.push(`info: usr/sbin/sshd (pid:${i}) type fs_t uses`);
      lines.push(`\t ability \t SETUID(${i + 1})  `);
      lines.push(`   as root\r`);
    }
    lines.push('#end');
    const traces = [{ file: 'w.log', text: Buffer.from(lines.join('\n') + '\n') }];
    const withLane = learn(traces, true);
    expectSameLearning(withLane, learn(traces, false));
    // Each shape is new once (its two first records); the other 58 records are taken.
    expect(withLane.taken).toBe(58);
    // Review, the file read twice: the first time as learning (58 taken, new values included);
    // the second time a record at its atom's first place is the parser's, so only the `lacks
    // SETUID(i)` records whose atom began with `uses SETUID(i)` a record before are taken (29).
    const reviewed = review([...traces, ...traces], true);
    expectSameReview(reviewed, review([...traces, ...traces], false));
    expect(reviewed.taken).toBe(58 + 29);
    expect(withLane.summaries[0]!.lines).toBe(151);
  });

  test('random lines in random chunks: same result with the lane and without', () => {
    let taken = 0;
    let unknownTaken = 0;
    let reviewTaken = 0;
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(11), { minLength: 20, maxLength: 60 }),
        fc.array(digitsArb, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('\n', '\r\n'),
        // Small chunks cut lines (the parser's own path); whole ones let the lane see them.
        fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constant(65536), fc.constant(65536)),
        (pool, picks, pids, eol, chunk) => {
          // Lines from a small pool, each time with other digits, so skeletons repeat.
          const lines = picks.map((p, i) =>
            pool[p % pool.length]!.replace('(pid:1)', `(pid:${pids[i % pids.length]!})`),
          );
          const traces = [{ file: 'f.log', text: Buffer.from(lines.join(eol) + eol, 'utf8') }];
          const withLane = learn(traces, true, chunk);
          expectSameLearning(withLane, learn(traces, false, chunk));
          taken += withLane.taken;
          unknownTaken += withLane.unknownTaken;
          const reviewed = review(traces, true, chunk);
          expectSameReview(reviewed, review(traces, false, chunk));
          reviewTaken += reviewed.taken;
        },
      ),
      { numRuns: 400 },
    );
    // The random lines reach the lane's taking path, not only its refusals.
    expect(taken).toBeGreaterThan(300);
    expect(unknownTaken).toBeGreaterThan(50);
    expect(reviewTaken).toBeGreaterThan(300);
  });

  test('review: a new value the lane counts keeps its record as the skeleton shape and pid, rebuilt to the same text', () => {
    // Every argument form, a range both ways, a logger prefix, a wrapped record; pids with a
    // leading zero and past 15 digits keep their text (the pid would not read back as a Number).
    const forms = (i: number, pid: string): string[] => [
      `error: usr/sbin/sshd (pid:${pid}) type fs_t lacks ability SETUID(${i}) as root`,
      `info: proc/boot/io-sock (pid:${pid}) type io_sock_t uses ability MAP_FIXED(${i}-${i * 7}) as non-root`,
      `error: proc/boot/io-sock (pid:${pid}) type io_sock_t lacks ability MAP_FIXED(${i} - ${i * 3}) as root`,
      `info: sbin/devf-ram (pid:${pid}) type fs_t uses ability SETTYPEID(${i}) (fs_user_t) as root`,
      `[12:00:0${i % 10}] error: sbin/devf-ram (pid:${pid}) type fs_t lacks ability IO as root`,
      `error: usr/bin/touch (pid:${pid}) of type default failed to attach to path /tmp/${i}: no rule`,
      `info: usr/sbin/sshd (pid:${pid}) type fs_t uses`,
      `   ability SETGID(${i}) as root`,
    ];
    const lines: string[] = [];
    for (let i = 1; i <= 40; i++) {
      const pid = i % 5 === 0 ? `0${i}` : i % 7 === 0 ? `1234567890123456${i}` : String(100 + i);
      lines.push(...forms(i, pid));
    }
    const traces = [{ file: 's.log', text: Buffer.from(lines.join('\n') + '\n') }];
    const reviewed = review(traces, true);
    expectSameReview(reviewed, review(traces, false));
    const held = reviewed.summary.atoms.map((a) => (a as TalliedAtom).heldFirst()[0]);
    const shapes = held.filter((f) => typeof f === 'object' && 'pieces' in f).length;
    const texts = held.filter((f) => typeof f === 'string').length;
    // Each form's first record is the parser's (a text), and so is every record with a zero-led
    // or overlong pid; the other new values are the lane's (shapes).
    expect(shapes).toBeGreaterThan(100);
    expect(texts).toBeGreaterThan(50);
    for (const a of reviewed.summary.atoms) expect(a.event.record).toBe((a as TalliedAtom).record);
  });
});
