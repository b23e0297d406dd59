import { TracePushParser } from '../trace/push-parser';
import { formatParsedEvent } from '../render/trace-event';
import { MonitorFilter, type MonitorOptions } from './apply-options';
import { MonitorLane } from './record-lane';

/** What `monitor` prints (`FILE:LINE: ` before each line, as `-v` does) and its counts, with the lane or without. */
function monitorOutput(
  trace: Buffer,
  options: MonitorOptions,
  withLane: boolean,
  chunk: number,
  maxRemembered?: number,
): { lines: string[]; stats: string; taken: number } {
  const filter = new MonitorFilter(options, maxRemembered);
  const lines: string[] = [];
  const lane = new MonitorLane(filter, formatParsedEvent, (bytes, start, end, file, line) =>
    lines.push(`${file}:${line}: ${bytes.toString('latin1', start, end)}`),
  );
  const parser = new TracePushParser({
    file: 't.log',
    times: false,
    ...(withLane ? { lane } : {}),
    onEvent: (e) => {
      if (filter.accept(e))
        lines.push(`${e.position.file}:${e.position.line}: ${formatParsedEvent(e)}`);
    },
  });
  for (let at = 0; at < trace.length; at += chunk) parser.feed(trace.subarray(at, at + chunk));
  const summary = parser.end();
  return { lines, stats: JSON.stringify([filter.stats, summary]), taken: lane.taken };
}

/** A small deterministic generator (tests must not depend on Math.random). */
function generator(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
}

const PIDS = ['4097', '12', '007', '0', '4097', '123456789', '8'];
const VALUES = ['1000', '0x3e8', '0', '00', '42', '18446744073709551615', '7'];
const PROCESSES = ['proc/boot/io-sock', 'usr/sbin/dhcpcd', 'devc-ser8250', ''];

/** One trace line (or two, wrapped) of many forms, most of them repeated up to their digits. */
function traceLine(next: (n: number) => number): string {
  const pid = PIDS[next(PIDS.length)]!;
  const proc = PROCESSES[next(PROCESSES.length)]!;
  const value = VALUES[next(VALUES.length)]!;
  const sev = next(3) === 0 ? 'info' : 'error';
  const verb = sev === 'info' ? 'uses' : 'lacks';
  const who = `${sev}: ${proc === '' ? '-' : proc} (pid:${pid})`;
  const prefix = ['', '', 'Jan 01 00:00:02.125    secpolmonitor.1  0   ', '[12.5] '][next(4)]!;
  switch (next(12)) {
    case 0:
      return `${prefix}${who} type ${proc === '' ? 'unnamed_t' : 'net_t'} ${verb} ability SETUID(${value}) as root`;
    case 1:
      return `${prefix}${who} type net_t ${verb} ability MAP_FIXED(${value} - ${VALUES[next(VALUES.length)]}) as non-root`;
    case 2:
      return `${prefix}${who} type screen_t ${verb} ability CHANNEL_CONNECT(${value}) (fs_user_t) as root`;
    case 3:
      return `${prefix}${who} type net_t ${verb} ability iofunc/exec(${value}) as root`;
    case 4:
      return `${prefix}${who} type net_t ${verb} ability PUBLIC_CHANNEL as root`;
    case 5:
      return `${prefix}${who} of type fs_user_t failed to attach to path /dev/ser(${value}): bad op`;
    case 6:
      return `${prefix}${who} of type fs_user_t created link to path /tmp/l${pid}`;
    case 7:
      // Wrapped: the next line continues the record.
      return `${who} of type fs_user_t failed \n       to attach to path /dev/socket/x: bad op`;
    case 8:
      return `${who}  type net_t ${verb} ability SETUID(${value}) as root`;
    case 9:
      return `${who} type net_t ${verb} ability SETUID(${value})\tas root`;
    case 10:
      return `${who} type net_t ${verb} ability SETUID(${value}) as root   `;
    default:
      return next(2) === 0
        ? `${who} type svc_${value}_t ${verb} ability SPAWN_SETUID(${value}) (svc_${pid}_t) as root`
        : `${sev}: something (pid:${pid}) else entirely ${value}`;
  }
}

function trace(seed: number, lines: number): Buffer {
  const next = generator(seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(traceLine(next));
  return Buffer.from(out.join('\n') + '\n', 'latin1');
}

const OPTION_SETS: Array<[string, MonitorOptions]> = [
  ['(none)', {}],
  ['-aps', { abilities: true, paths: true, successes: true }],
  ['-apsr', { abilities: true, paths: true, successes: true, repeats: true }],
  ['-apsc', { abilities: true, paths: true, successes: true, combine: true }],
  ['-asn -S SETUID', { abilities: true, successes: true, unnamed: true, ranged: ['SETUID'] }],
  ['-ps -f dhcpcd', { paths: true, successes: true, names: ['dhcpcd'] }],
  ['-as -S iofunc/exec', { abilities: true, successes: true, ranged: ['iofunc/exec'] }],
];

describe('MonitorLane: the same lines, in the same order, as the parser', () => {
  it.each(OPTION_SETS)('monitor %s on generated traces with repeats', (_, options) => {
    let taken = 0;
    for (const [seed, chunk] of [
      [1, 1 << 16],
      [2, 97],
      [3, 4096],
    ] as const) {
      const bytes = trace(seed, 3000);
      const parser = monitorOutput(bytes, options, false, chunk);
      const lane = monitorOutput(bytes, options, true, chunk);
      expect(lane.lines).toEqual(parser.lines);
      expect(lane.stats).toBe(parser.stats);
      taken += lane.taken;
    }
    // The lane did take records: the comparison is about its lines.
    expect(taken).toBeGreaterThan(1000);
  });

  it('keeps the parser dedup memory when it is forgotten and filled again (small bound)', () => {
    const bytes = trace(4, 5000);
    const options = { abilities: true, successes: true };
    const parser = monitorOutput(bytes, options, false, 1 << 16, 40);
    const lane = monitorOutput(bytes, options, true, 1 << 16, 40);
    expect(lane.lines).toEqual(parser.lines);
    expect(lane.stats).toBe(parser.stats);
  });

  it('leaves odd pids, hex values, wrapped and blank-run records to the parser', () => {
    const lines = [
      'error: a (pid:12) type net_t lacks ability SETUID(5) as root',
      'error: a (pid:007) type net_t lacks ability SETUID(5) as root',
      'error: a (pid:13) type net_t lacks ability SETUID(0x5) as root',
      'error: a (pid:13) type net_t lacks ability SETUID(05) as root',
      'error: a (pid:14) type net_t lacks  ability SETUID(5) as root',
      'error: a (pid:14) type net_t lacks  ability SETUID(6) as root',
      'error: a (pid:15) type net_t lacks ability SETUID(6) as root',
      'error: a (pid:16) type net_t lacks ability SETUID(7) as',
      '   root',
      'error: a (pid:16) type net_t lacks ability SETUID(7) as root',
      '',
    ];
    const bytes = Buffer.from(lines.join('\n'));
    const options = { abilities: true };
    const lane = monitorOutput(bytes, options, true, 1 << 16);
    expect(lane.lines).toEqual(monitorOutput(bytes, options, false, 1 << 16).lines);
    // Only the canonical repeat of the first line's skeleton (pid 15); the last line has no next
    // line in its chunk, so it is the parser's too.
    expect(lane.taken).toBe(1);
    expect(lane.lines).toContain(
      't.log:2: error: a (pid:007) type net_t lacks ability SETUID(5) as root',
    );
    expect(lane.lines).toContain(
      't.log:7: error: a (pid:15) type net_t lacks ability SETUID(6) as root',
    );
    expect(lane.lines).toContain(
      't.log:8: error: a (pid:16) type net_t lacks ability SETUID(7) as root',
    );
  });
});
