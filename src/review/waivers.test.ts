/**
 * Waivers: reasons required, expiry against an injected day (the `until` day
 * still applies), matching through the grant model (values, domains,
 * attributes, connects, paths, attach worded for a link), stale waivers, and
 * suggest's removal of waived requirements range by range.
 */
import { parsePolicies, parsePolicy } from '../policy/parse';
import { parseTraceText } from '../trace/push-parser';
import { inferRequirements } from '../infer/infer-requirements';
import type { ProcessEvent } from '../trace/event';
import {
  isDay,
  parseWaivers,
  staleWaivers,
  waiveRequirements,
  waiverForEvent,
  type WaiverUse,
} from './waivers';

const POLICY = 'attribute svc;\ntype app_t, svc;\ntype fs_t;\nallow app_t self:ability io;\n';

function waivers(text: string, today = '2027-01-15') {
  const { policy } = parsePolicies([{ file: 'p.secpol', text: POLICY }]);
  const file = parsePolicy(text, { file: 'w.secpol' });
  expect(file.diagnostics).toEqual([]);
  return parseWaivers(file.ast, { today, policy });
}

function events(trace: string): ProcessEvent[] {
  return parseTraceText(trace, 't.log').events.filter(
    (e): e is ProcessEvent => e.kind !== 'unknown',
  );
}

const SETUID0 =
  'error: sbin/app (pid:3) type app_t lacks ability SETUID(0) as root\n' +
  'error: sbin/app (pid:3) type app_t lacks ability SETUID(1000) as root\n';

describe('parseWaivers', () => {
  it('reads reason and until; declarations need no reason', () => {
    const r = waivers(
      'type extra_t;\n# reason: libc probes setuid(0)\n# until: 2027-06-30\nallow app_t self:ability setuid:0;\n',
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.waivers.map((w) => [w.line, w.column, w.reason, w.until, w.expired])).toEqual([
      [4, 1, 'libc probes setuid(0)', '2027-06-30', false],
    ]);
  });

  it('a rule without a reason, or with an empty one, is an error at its FILE:LINE:COL', () => {
    const r = waivers(
      '# header\nallow app_t self:ability setuid:0;\n# reason:\n  allow app_t self:ability setgid:0;\n',
    );
    expect(r.waivers).toEqual([]);
    expect(r.diagnostics.map((d) => [d.severity, d.line, d.column, d.ruleId])).toEqual([
      ['error', 2, 1, 'waiver-reason'],
      ['error', 3, 1, 'waiver-reason'],
    ]);
  });

  it('a date that is not a calendar day is an error at the comment', () => {
    for (const bad of ['2027-02-30', '2027-13-01', '27-01-01', 'tomorrow', '2027-1-1']) {
      const r = waivers(`# reason: x\n# until: ${bad}\nallow app_t self:ability setuid:0;\n`);
      expect(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.ruleId}`)).toEqual([
        '2:1 waiver-until',
      ]);
      expect(r.waivers).toEqual([]);
    }
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('2027-02-29')).toBe(false);
  });

  it('the until day still applies; the day after, the waiver is expired and matches nothing', () => {
    const text = '# reason: probe\n# until: 2027-06-30\nallow app_t self:ability setuid:0;\n';
    const [probe] = events(SETUID0);
    for (const [today, expired] of [
      ['2027-06-29', false],
      ['2027-06-30', false],
      ['2027-07-01', true],
      ['2028-01-01', true],
    ] as const) {
      const r = waivers(text, today);
      expect(r.waivers[0]!.expired).toBe(expired);
      expect(waiverForEvent(r.set, probe!) === undefined).toBe(expired);
      expect(
        r.diagnostics.map((d) => `${d.severity} ${d.line} ${d.message} [${d.ruleId}]`),
      ).toEqual(
        expired
          ? ['warning 3 waiver expired on 2027-06-30: it no longer applies [expired-waiver]']
          : [],
      );
    }
  });

  it('a reason with control or bidirectional characters is refused', () => {
    for (const c of ['\u202e', '\x1b[31m', '\u200b', '\x07']) {
      const r = waivers(`# reason: harmless${c}probe\nallow app_t self:ability setuid:0;\n`);
      expect(r.waivers).toEqual([]);
      expect(r.diagnostics.map((d) => d.ruleId)).toEqual(['waiver-reason']);
    }
  });

  it('statements that waive no failure are errors', () => {
    const r = waivers('# reason: x\nderive_type app_t run fs_t;\n');
    expect(r.diagnostics.map((d) => d.ruleId)).toEqual(['waiver-statement']);
  });

  it('refuses an injected day that is not a day', () => {
    expect(() => waivers('', '2027-02-30')).toThrow(/YYYY-MM-DD/);
  });
});

describe('waiverForEvent (the grant model)', () => {
  it('matches by value and domain, attributes of the policy, connects and paths', () => {
    const r = waivers(
      [
        '# reason: probe',
        'allow svc self:ability setuid:0;',
        '# reason: log',
        'allow app_t fs_t:channel connect;',
        '# reason: dev',
        'allow_link app_t /dev/tmp*;',
      ].join('\n'),
    );
    const ev = events(
      SETUID0 +
        'error: sbin/app (pid:3) type app_t lacks ability SETUID(0) as non-root\n' +
        'error: sbin/app (pid:3) type app_t lacks ability CHANNEL_CONNECT(1) (fs_t) as root\n' +
        'error: sbin/app (pid:3) of type app_t failed to attach to path /dev/tmp1: no rule\n' +
        'error: sbin/app (pid:3) of type app_t failed to attach to path /dev/other: no rule\n',
    );
    expect(ev.map((e) => waiverForEvent(r.set, e)?.line ?? null)).toEqual([
      2,
      null,
      null,
      4,
      6,
      null,
    ]);
  });

  it('stale: waivers that apply and covered no record', () => {
    const r = waivers(
      '# reason: a\nallow app_t self:ability setuid:0;\n# reason: b\nallow app_t self:ability setgid:0;\n# reason: c\n# until: 2020-01-01\nallow app_t self:ability spawn;\n',
    );
    const used: WaiverUse = new Map();
    const w = waiverForEvent(r.set, events(SETUID0)[0]!)!;
    used.set(w, 1);
    // The expired one is reported as expired, not as stale.
    expect(staleWaivers(r.set, used).map((d) => `${d.line}:${d.column} ${d.ruleId}`)).toEqual([
      '4:1 stale-waiver',
    ]);
  });
});

describe('waiveRequirements (suggest)', () => {
  it('removes the waived values and leaves the others to suggest', () => {
    const r = waivers('# reason: probe\nallow app_t self:ability setuid:0;\n');
    const inferred = inferRequirements(parseTraceText(SETUID0, 't.log').events);
    const used: WaiverUse = new Map();
    const out = waiveRequirements(inferred, r.set, used);
    expect(
      out.map((w) => `${w.file}:${w.line} ${w.access} ${w.records} by ${w.waiver.line}`),
    ).toEqual(['t.log:1 ability setuid (0) as root 2 by 2']);
    const left = [...inferred.requirements.byKey.values()];
    expect(left).toHaveLength(1);
    expect(left[0]!.deniedRanges ?? left[0]!.ranges).toEqual([['1000', '1000']]);
    expect(staleWaivers(r.set, used)).toEqual([]);
  });

  it('removes a whole requirement the waiver covers', () => {
    const r = waivers('# reason: probe\nallow app_t self:ability setuid:0-1000;\n');
    const inferred = inferRequirements(parseTraceText(SETUID0, 't.log').events);
    const out = waiveRequirements(inferred, r.set, new Map());
    expect(out).toHaveLength(2);
    expect(inferred.requirements.byKey.size).toBe(0);
  });
});
