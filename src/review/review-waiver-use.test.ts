/**
 * WaiverUseTally (harden --waive) against reviewWaiverWarnings over the
 * whole review: the same warnings whatever the order the groups come in,
 * including a failed attach that a linking process's link rule covers, seen
 * before the link that makes the process a linker.
 */
import { parsePolicies } from '../policy/parse';
import { reviewTraces } from '../api/review';
import { parseWaiverTexts } from '../api/waivers';
import { formatDiagnosticLine } from '../diagnostics/diagnostic';
import { reviewWaiverWarnings } from './waivers';
import { WaiverUseTally } from './review-waiver-use';
import type { EventGroup } from './trace-review';

const POLICY = [
  'type player_t;',
  'type mk_t;',
  'allow player_t self:ability { nonroot setuid:1000 };',
  'allow_link mk_t /tmp/...;',
  '',
].join('\n');
const TRACE = [
  'error: usr/bin/player (pid:610) type player_t lacks ability SETUID(0) as root',
  'error: usr/bin/player (pid:733) type player_t lacks ability SETUID(0) as root',
  // A failed link worded as an attach, before the record that shows bin/mklink makes links.
  'error: bin/mklink (pid:5) of type mk_t failed to attach to path /tmp/b: no rule',
  'info: bin/mklink (pid:5) of type mk_t created link to path /tmp/a',
  'error: usr/bin/player (pid:610) of type player_t failed to attach to path /dev/player: no rule',
  '',
].join('\n');
const WAIVERS = [
  '# reason: libc probes setuid(0) at start-up; harmless',
  'allow player_t self:ability setuid:0;',
  '',
  '# reason: mklink probes /tmp/b',
  'allow_attach mk_t /tmp/b;',
  '',
  '# reason: the old decoder',
  '# until: 2026-01-01',
  'allow player_t self:ability io;',
  '',
].join('\n');

describe('WaiverUseTally', () => {
  const { policy } = parsePolicies([{ file: 'policy.secpol', text: POLICY }]);
  const reviewed = reviewTraces([{ file: 'trace.log', text: TRACE }], policy);
  const waivers = parseWaiverTexts([{ file: 'waivers.secpol', text: WAIVERS }], {
    today: '2027-01-15',
    policy,
  });
  const tally = (groups: readonly EventGroup[]): string[] => {
    const t = new WaiverUseTally(waivers);
    for (const g of groups) t.add(g);
    return t.warnings().map(formatDiagnosticLine);
  };

  it('warns as reviewWaiverWarnings does, in any order of the groups', () => {
    const whole = reviewWaiverWarnings(waivers, reviewed.review).map(formatDiagnosticLine);
    expect(whole).toEqual([
      'waivers.secpol:5:1: warning: waiver matched no failure: remove it, or the failure no longer happens [stale-waiver]',
      'waivers.secpol:9:1: warning: waiver expired on 2026-01-01: it no longer applies [expired-waiver]',
    ]);
    const groups = reviewed.review.groups;
    expect(tally(groups)).toEqual(whole);
    expect(tally([...groups].reverse())).toEqual(whole);
  });

  it('counts a waived failed attach when no process makes links', () => {
    const noLink = reviewTraces(
      [{ file: 'trace.log', text: TRACE.replace(/^info: .*created link.*\n/m, '') }],
      policy,
    );
    const whole = reviewWaiverWarnings(waivers, noLink.review).map(formatDiagnosticLine);
    // The /tmp/b waiver now covers a failure: only the expired one is warned about.
    expect(whole).toEqual([
      'waivers.secpol:9:1: warning: waiver expired on 2026-01-01: it no longer applies [expired-waiver]',
    ]);
    expect(tally(noLink.review.groups)).toEqual(whole);
  });
});
