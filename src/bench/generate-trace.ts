/**
 * A seeded generator of boot-like secpolmonitor traces for property tests and
 * benchmarks: every record form (ability none/value/range/type-id, root and
 * non-root, info and error, attach/link ok and failed with and without `:`,
 * unknown forms), wrapped records, logger prefixes, CRLF, repeats, blank and
 * garbage lines. Streams to a Writable in constant memory and returns the
 * ground truth the parser must find.
 *
 * Not public API. Does not produce prefixed continuation lines (loggers never
 * wrap that way) nor lines over the parser's line cap.
 */
import type { Writable } from 'node:stream';

/** Options of generateTrace. */
export interface GenerateTraceOptions {
  seed: number;
  /** Physical lines to write (at least; the last record may add one). */
  lines: number;
  out: Writable;
  /** Probability (0–1) of a garbage line; default 0.01. */
  garbage?: number;
}

/** What the trace holds: the counts a correct parser reports. */
export interface TraceGroundTruth {
  lines: number;
  records: number;
  events: { ability: number; attach: number; link: number; unknown: number };
  /** Lines the parser must report as not understood. */
  garbageLines: number;
  bytes: number;
}

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROCS = [
  'sbin/devf-ram',
  'usr/sbin/sshd',
  'proc/boot/io-sock',
  'usr/bin/touch',
  'proc/boot/ln',
  'usr/lib/graphics/screen',
];
const TYPES = ['fs_t', 'fs_user_t', 'init_t', 'default', 'io_sock_t', 'screen_t'];
const STATIC = ['PATHSPACE', 'IO', 'PUBLIC_CHANNEL', 'RSRCDBMGR', 'CHROOT', 'KEYDATA'];
const PATHS = ['/dev/fsF', '/', '/tmp/', '/dev/socket/x', '/dev/name/local/svc 1'];
const REASONS = ['no rule', 'conflict', 'bad op'];

/** Writes a deterministic trace of about `lines` lines; resolves to its ground truth. */
export async function generateTrace(options: GenerateTraceOptions): Promise<TraceGroundTruth> {
  const r = rng(options.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const garbage = options.garbage ?? 0.01;
  const truth: TraceGroundTruth = {
    lines: 0,
    records: 0,
    events: { ability: 0, attach: 0, link: 0, unknown: 0 },
    garbageLines: 0,
    bytes: 0,
  };
  let buf = '';
  let last = '';
  let clock = 0;
  const flush = async (): Promise<void> => {
    truth.bytes += Buffer.byteLength(buf);
    const ok = options.out.write(buf);
    buf = '';
    if (!ok) await new Promise((res) => options.out.once('drain', res));
  };
  while (truth.lines < options.lines) {
    const x = r();
    const eol = r() < 0.05 ? '\r\n' : '\n';
    if (x < garbage) {
      buf += `#garbage ${Math.floor(r() * 1e6)} not a record${eol}`;
      truth.lines++;
      truth.garbageLines++;
    } else if (x < garbage + 0.01) {
      buf += eol;
      truth.lines++;
    } else {
      let record: string;
      let kind: keyof TraceGroundTruth['events'];
      if (last !== '' && r() < 0.1) {
        record = last; // a repeat, as boot traces are full of them
        kind = last.includes(' ability ')
          ? 'ability'
          : last.includes(' link ')
            ? 'link'
            : last.includes(' path ')
              ? 'attach'
              : 'unknown';
      } else {
        ({ record, kind } = makeRecord(r, pick));
      }
      last = record;
      clock += r();
      const p = r();
      const prefix =
        p < 0.7
          ? ''
          : p < 0.8
            ? `[${clock.toFixed(6).padStart(12)}] `
            : p < 0.9
              ? `Jan 01 00:00:${(clock % 60).toFixed(3).padStart(6, '0')}    secpolmonitor.1  0   `
              : `2024-05-01T10:00:00.${String(Math.floor(r() * 1000)).padStart(3, '0')}Z `;
      const words = record.split(' ');
      if (prefix === '' && words.length > 6 && r() < 0.2) {
        const cut = 3 + Math.floor(r() * (words.length - 4));
        buf += `${words.slice(0, cut).join(' ')} ${eol}       ${words.slice(cut).join(' ')}${eol}`;
        truth.lines += 2;
      } else {
        buf += `${prefix}${record}${r() < 0.1 ? '  ' : ''}${eol}`;
        truth.lines++;
      }
      truth.records++;
      truth.events[kind]++;
    }
    if (buf.length > 64 * 1024) await flush();
  }
  await flush();
  return truth;
}

function makeRecord(
  r: () => number,
  pick: <T>(xs: readonly T[]) => T,
): { record: string; kind: 'ability' | 'attach' | 'link' | 'unknown' } {
  const ok = r() < 0.5;
  const who = `${ok ? 'info' : 'error'}: ${pick(PROCS)} (pid:${Math.floor(r() * 4e6)})`;
  const type = pick(TYPES);
  const f = r();
  if (f < 0.6) {
    const a = r();
    let ability: string;
    if (a < 0.4) ability = pick(STATIC);
    else if (a < 0.55)
      ability = `SETUID(${r() < 0.5 ? Math.floor(r() * 100) : '0x' + Math.floor(r() * 255).toString(16)})`;
    else if (a < 0.75) {
      const s = Math.floor(r() * 2 ** 40);
      ability = `MAP_FIXED(${s} - ${s + Math.floor(r() * 1e5)})`;
    } else if (a < 0.9) ability = `CHANNEL_CONNECT(${Math.floor(r() * 50)}) (${pick(TYPES)})`;
    else ability = 'iofunc/exec';
    return {
      record: `${who} type ${type} ${ok ? 'uses' : 'lacks'} ability ${ability} as ${r() < 0.7 ? 'root' : 'non-root'}`,
      kind: 'ability',
    };
  }
  const path = pick(PATHS);
  if (f < 0.75) {
    return ok
      ? { record: `${who} of type ${type} attached channel to path ${path}`, kind: 'attach' }
      : {
          record: `${who} of type ${type} failed to attach to path ${path}${r() < 0.8 ? ':' : ''} ${pick(REASONS)}`,
          kind: 'attach',
        };
  }
  if (f < 0.9) {
    return ok
      ? { record: `${who} of type ${type} created link to path ${path}`, kind: 'link' }
      : {
          record: `${who} of type ${type} failed to ${r() < 0.5 ? 'create ' : ''}link to path ${path}: ${pick(REASONS)}`,
          kind: 'link',
        };
  }
  return { record: `${who} sent an unregistered sigevent to ${pick(PROCS)}`, kind: 'unknown' };
}
