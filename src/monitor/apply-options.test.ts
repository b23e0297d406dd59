/**
 * Tests of applyMonitorOptions / MonitorFilter: kinds, successes, names,
 * unnamed processes, dedup identity (-r, -c, -S), -i and unknown events.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parseTraceText } from '../trace/push-parser';
import { formatEvent } from '../render/trace-event';
import { MonitorFilter, applyMonitorOptions, type MonitorOptions } from './apply-options';
import { generatedTrace } from '../test-utils/generated-trace';

const TRACE = [
  'error: sbin/a (pid:1) type t lacks ability IO as root',
  'info: sbin/a (pid:1) type t uses ability IO as root',
  'error: sbin/a (pid:1) of type t failed to attach to path /x: no rule',
  'error: (pid:5) type t lacks ability PROT_EXEC as non-root',
  'error: sbin/a (pid:1) type t lacks ability my/ability(1) as root',
  'error: sbin/a (pid:1) type t lacks ability my/ability(2) as root',
  'error: sbin/a (pid:1) type t lacks ability SETUID(1) as root',
  'error: sbin/a (pid:1) type t lacks ability SETUID(2) as root',
  'error: usr/bin/b (pid:2) sent an unregistered sigevent',
].join('\n');

const run = (o: MonitorOptions): string[] => {
  const f = new MonitorFilter(o);
  return parseTraceText(TRACE)
    .events.filter((e) => f.accept(e))
    .map(formatEvent);
};

describe('MonitorFilter', () => {
  test('a full map of distinct checks forgets every check at once; each shows again once', () => {
    const f = new MonitorFilter({}, 40);
    const check = (n: number): string =>
      `error: sbin/a (pid:1) type t lacks ability SETUID(${n}) as root`;
    const lines = [
      ...Array.from({ length: 20 }, (_, n) => check(n)),
      check(0),
      check(19),
      check(0),
    ];
    const shown = parseTraceText(lines.join('\n')).events.filter((e) => f.accept(e));
    // 16 distinct checks fill the id map (a tenth of 40, at least 16): the 17th starts over,
    // so SETUID(0) is shown again once; SETUID(19), seen since, stays a repeat.
    expect(shown).toHaveLength(21);
    expect(f.stats).toMatchObject({ forgotten: 16, repeats: 2 });
  });
  test('-i with a full memory of first times forgets checks too, so a late check is never removed', () => {
    const f = new MonitorFilter({ interval: 10 }, 2);
    const at = (s: number, pid: number, ability: string): string =>
      `[ ${s}.0] error: sbin/a (pid:${pid}) type t lacks ability ${ability} as root`;
    const lines = [at(0, 1, 'IO'), at(0, 2, 'IO'), at(5, 1, 'PATHSPACE'), at(5, 3, 'IO')];
    lines.push(at(20, 1, 'PATHSPACE'));
    const events = parseTraceText(lines.join('\n')).events;
    // pid 3 overflows the first times: pid 1's (0) is forgotten while its PATHSPACE check is
    // still remembered. At 20 that check is late (20 > 0 + 10): it must be shown, not removed.
    expect(events.filter((e) => f.accept(e))).toHaveLength(5);
  });
  test('bounded dedup memory forgets the oldest checks: their repeats show again, nothing is lost', () => {
    const f = new MonitorFilter({}, 2);
    const check = (pid: number): string =>
      `error: sbin/a (pid:${pid}) type t lacks ability IO as root`;
    const shown = parseTraceText([1, 2, 3, 1, 3, 2].map(check).join('\n'))
      .events.filter((e) => f.accept(e))
      .map((e) => (e.kind === 'unknown' ? '' : e.pid));
    // 3 overflows the bound of 2: pid 1's check, the oldest, is forgotten; so is 2's when 1
    // comes back. 3 is remembered (its repeat is removed); 2 shows again.
    expect(shown).toEqual(['1', '2', '3', '1', '2']);
    expect(f.stats).toMatchObject({ forgotten: 3, repeats: 1 });
    const unbounded = new MonitorFilter({});
    expect(
      parseTraceText([1, 2, 3, 1, 3, 2].map(check).join('\n')).events.filter((e) =>
        unbounded.accept(e),
      ),
    ).toHaveLength(3);
  });
  test('default: failures of both kinds, named processes, first per check; dynamic argument ignored', () => {
    expect(run({})).toEqual([
      'error: sbin/a (pid:1) type t lacks ability IO as root',
      'error: sbin/a (pid:1) of type t failed to attach to path /x: no rule',
      'error: sbin/a (pid:1) type t lacks ability my/ability(1) as root',
      'error: sbin/a (pid:1) type t lacks ability SETUID(1) as root',
      'error: sbin/a (pid:1) type t lacks ability SETUID(2) as root',
    ]);
  });
  test('-S makes a dynamic ability ranged', () =>
    expect(run({ ranged: ['my/ability'] })).toHaveLength(6));
  test('-a / -p', () => {
    expect(run({ paths: true })).toEqual([
      'error: sbin/a (pid:1) of type t failed to attach to path /x: no rule',
    ]);
    expect(run({ abilities: true })).toHaveLength(4);
  });
  test('-s adds successes, -n unnamed processes', () => {
    expect(run({ successes: true })).toContain(
      'info: sbin/a (pid:1) type t uses ability IO as root',
    );
    expect(run({ unnamed: true })).toContain(
      'error: - (pid:5) type t lacks ability PROT_EXEC as non-root',
    );
  });
  test('-f matches a full name or a basename', () => {
    expect(run({ names: ['a'] })).toHaveLength(5);
    expect(run({ names: ['sbin/a'] })).toHaveLength(5);
    expect(run({ names: ['b'], unregistered: true })).toEqual([
      'error: usr/bin/b (pid:2) sent an unregistered sigevent',
    ]);
  });
  test('unknown events are counted when hidden', () => {
    const f = new MonitorFilter({});
    for (const e of parseTraceText(TRACE).events) f.accept(e);
    expect(f.stats).toMatchObject({ seen: 9, shown: 5, unknownHidden: 1, repeats: 1 });
  });
  test('applyMonitorOptions streams and returns stats', async () => {
    const gen = applyMonitorOptions(Readable.from(parseTraceText(TRACE).events), { repeats: true });
    const out = [];
    let r = await gen.next();
    while (!r.done) {
      out.push(r.value);
      r = await gen.next();
    }
    expect(out).toHaveLength(6);
    expect(r.value.repeats).toBe(0);
  });
});

describe('repeats: ability checks only (the page: -r "notify repeated ability checks")', () => {
  const shown = (text: string, o: MonitorOptions): string[] => {
    const f = new MonitorFilter(o);
    return parseTraceText(text)
      .events.filter((e) => f.accept(e))
      .map(formatEvent);
  };

  test('repeated attach and link events are all shown without -r; the repeated ability check once', () => {
    const attach = 'error: sbin/a (pid:1) of type t failed to attach to path /x: no rule';
    const link = 'info: proc/boot/ln (pid:2) of type t created link to path /tmp/';
    const ability = 'error: sbin/a (pid:1) type t lacks ability IO as root';
    const text = [attach, ability, attach, link, ability, link, attach].join('\n');
    const f = new MonitorFilter({ successes: true });
    const out = parseTraceText(text)
      .events.filter((e) => f.accept(e))
      .map(formatEvent);
    expect(out).toEqual([attach, ability, attach, link, link, attach]);
    expect(f.stats).toMatchObject({ seen: 7, shown: 6, repeats: 1 });
    // -i re-reports abilities only; it leaves path events alone too.
    expect(shown(text, { successes: true, interval: 5 })).toEqual(out);
  });

  test('the seed example: every path event of the -s run is shown, with or without -r', () => {
    const seed = readFileSync('samples/seed-walkthrough/trace.log');
    const paths = (o: MonitorOptions): string[] => shown(seed.toString('latin1'), o);
    expect(paths({ paths: true, successes: true })).toEqual(
      paths({ paths: true, successes: true, repeats: true }),
    );
    expect(paths({ paths: true, successes: true })).toHaveLength(6);
  });

  test('a generated trace with repeats: path events shown = path events in the trace; ability repeats removed', async () => {
    const text = (await generatedTrace(14, 3000, 0)).toString('latin1');
    const all = parseTraceText(text).events;
    const o: MonitorOptions = { successes: true, unnamed: true };
    const f = new MonitorFilter(o);
    const kept = all.filter((e) => f.accept(e));
    const isPath = (e: (typeof all)[number]): boolean => e.kind === 'attach' || e.kind === 'link';
    expect(kept.filter(isPath)).toEqual(all.filter(isPath));
    const abilities = all.filter((e) => e.kind === 'ability');
    expect(f.stats.repeats).toBeGreaterThan(0);
    expect(kept.filter((e) => e.kind === 'ability')).toHaveLength(
      abilities.length - f.stats.repeats,
    );
    // Repeats among path events exist in this trace, so the test can fail.
    const pathTexts = all.filter(isPath).map(formatEvent);
    expect(new Set(pathTexts).size).toBeLessThan(pathTexts.length);
  });
});

describe('dedup identity: numeric keys and the check tree say what the joined text said', () => {
  /** The first of each (process, pid, full check text), as the filter did with one key string per pair. */
  const reference = (events: ReturnType<typeof parseTraceText>['events'], o: MonitorOptions) => {
    const seen = new Set<string>();
    return events.filter((e) => {
      if (e.kind !== 'ability') return true;
      const a = e.ability;
      const withArg = !a.dynamic || (o.ranged ?? []).includes(a.policyName);
      const arg = withArg ? formatEvent(e).replace(/^.* ability [^ (]*(.*) as .*$/, '$1') : '';
      const key = [
        e.process,
        o.combine ? '' : e.pid,
        e.severity,
        e.securityType,
        a.policyName,
        e.domain,
        arg,
      ].join('\0');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };

  test('a generated trace: the same events kept as the reference, with and without -c', async () => {
    const text = (await generatedTrace(7, 4000, 0)).toString('latin1');
    const all = parseTraceText(text).events;
    for (const combine of [false, true]) {
      const o: MonitorOptions = { successes: true, unnamed: true, combine };
      const f = new MonitorFilter(o);
      const kept = all.filter((e) => f.accept(e));
      expect(f.stats.forgotten).toBe(0);
      expect(f.stats.repeats).toBeGreaterThan(0);
      // Everything but the dedup (kinds, names, unknown forms) as the filter decides it with -r.
      const r = new MonitorFilter({ ...o, repeats: true });
      const passing = all.filter((e) => r.accept(e));
      expect(kept.map(formatEvent)).toEqual(reference(passing, o).map(formatEvent));
    }
  });

  test('pids: 7 and 007 are two processes; pids past the numeric range still repeat', () => {
    const line = (pid: string, arg = 1): string =>
      `error: sbin/a (pid:${pid}) type t lacks ability SETUID(${arg}) as root`;
    const pids = ['7', '007', '7', '007', '99999999', '99999999', '123456789012', '123456789012'];
    const f = new MonitorFilter({});
    const shown = parseTraceText(pids.map((p) => line(p)).join('\n')).events.filter((e) =>
      f.accept(e),
    );
    expect(shown.map((e) => (e.kind === 'ability' ? e.pid : ''))).toEqual([
      '7',
      '007',
      '99999999',
      '123456789012',
    ]);
    expect(f.stats.repeats).toBe(4);
  });

  test('arguments: one check per printed argument, whatever its kind (value, range, type id, none)', () => {
    const check = (arg: string): string =>
      `error: sbin/a (pid:1) type t lacks ability MAP_FIXED${arg} as root`;
    const distinct = ['(1)', '(1 - 5)', '(1 - 6)', '(2 - 5)', '(1) (fs_t)', '(1) (gs_t)'];
    const more = ['(2) (fs_t)', ' (fs_t)', '', '(15)', '(15 - 15)'];
    // The same printed argument as one above: hex and blanks are read to the same text.
    const repeats = ['(0x1)', '(1-5)', '(0x1 - 0x6)', '(1) (fs_t)', '(0xf)', '(0xF - 15)'];
    const f = new MonitorFilter({});
    const lines = [...distinct, ...more, ...repeats].map(check).join('\n');
    const shown = parseTraceText(lines).events.filter((e) => f.accept(e));
    expect(shown.map(formatEvent)).toEqual([...distinct, ...more].map(check));
    expect(f.stats.repeats).toBe(repeats.length);
  });

  test('-i: a late check is another check than the same check early; late repeats are removed', () => {
    const at = (s: number, arg: number): string =>
      `[${s}.000] error: sbin/a (pid:1) type t lacks ability SETUID(${arg}) as root`;
    const f = new MonitorFilter({ interval: 10 });
    const text = [at(0, 1), at(1, 1), at(20, 1), at(21, 1), at(22, 2), at(23, 2)].join('\n');
    const shown = parseTraceText(text).events.filter((e) => f.accept(e));
    expect(shown.map((e) => e.time)).toEqual([0, 20, 22]);
    expect(f.stats.repeats).toBe(3);
  });

  test('checks differing in one part only are distinct: severity, type, domain, argument', () => {
    const lines = [
      'error: sbin/a (pid:1) type t lacks ability SETUID(1) as root',
      'info: sbin/a (pid:1) type t uses ability SETUID(1) as root',
      'error: sbin/a (pid:1) type u lacks ability SETUID(1) as root',
      'error: sbin/a (pid:1) type t lacks ability SETUID(1) as non-root',
      'error: sbin/a (pid:1) type t lacks ability SETUID(2) as root',
      'error: sbin/a (pid:1) type t lacks ability SETGID(1) as root',
    ];
    const f = new MonitorFilter({ successes: true });
    const events = parseTraceText([...lines, ...lines].join('\n')).events;
    expect(events.filter((e) => f.accept(e)).map(formatEvent)).toEqual(lines);
  });
});
