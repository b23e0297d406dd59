/**
 * Tests of applyMonitorOptions / MonitorFilter: kinds, successes, names,
 * unnamed processes, dedup identity (-r, -c, -S), -i and unknown events.
 */
import { Readable } from 'node:stream';
import { parseTraceText } from '../trace/push-parser';
import { formatEvent } from '../trace/format';
import { MonitorFilter, applyMonitorOptions, type MonitorOptions } from './apply-options';

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
