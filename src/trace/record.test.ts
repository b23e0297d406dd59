/**
 * Unit tests of parseRecord and the push parser's joining: every record form,
 * unwrapped and wrapped as the seed page wraps.
 */
import { parseRecord, classifyReason, normaliseNumber } from './record';
import { parseTraceText } from './push-parser';
import { formatEvent } from '../render/trace-event';
import type { TraceEvent } from './event';

const pos = { file: 't', line: 1 };
const one = (text: string): TraceEvent => {
  const { events, diagnostics } = parseTraceText(text, 't');
  expect(diagnostics).toEqual([]);
  expect(events).toHaveLength(1);
  return events[0]!;
};

const FORMS: Array<[string, Partial<Record<string, unknown>>]> = [
  [
    'error: sbin/devf-ram (pid:2670618) type fs_user_t lacks ability PATHSPACE as root',
    { kind: 'ability', argument: { kind: 'none' }, domain: 'root' },
  ],
  [
    'info: usr/sbin/sshd (pid:3325972) type ssh_privsep_t uses ability SETUID(15) as root',
    { kind: 'ability', argument: { kind: 'value', value: '15' } },
  ],
  [
    'info: usr/bin/example_app (pid:xxxx) type init_t uses ability MAP_FIXED(337416937472 - 337416992071) as non-root',
    {
      kind: 'ability',
      argument: { kind: 'range', start: '337416937472', end: '337416992071' },
      domain: 'non-root',
      pid: 'xxxx',
    },
  ],
  [
    'info: usr/bin/touch (pid:2949147) type fs_user_t uses ability CHANNEL_CONNECT(1) (fs_t) as root',
    { kind: 'ability', argument: { kind: 'type-id', value: '1', typeName: 'fs_t' } },
  ],
  [
    'error: usr/bin/example_app (pid:xxxx) type init_t lacks ability iofunc/exec as non-root',
    {
      kind: 'ability',
      ability: { monitorName: 'iofunc/exec', policyName: 'iofunc/exec', dynamic: true },
    },
  ],
  [
    'info: sbin/devf-ram (pid:2809882) of type fs_t attached channel to path /dev/fsF',
    { kind: 'attach', path: '/dev/fsF' },
  ],
  [
    'error: sbin/devf-ram (pid:2773018) of type fs_nonuser_t failed to attach to path /: no rule',
    { kind: 'attach', path: '/', failure: { reason: 'no rule', code: 'no-rule' } },
  ],
  [
    'error: proc/boot/ln (pid:2973723) of type fs_nonuser_t failed to attach to path /tmp/ no rule',
    { kind: 'attach', path: '/tmp/', failure: { reason: 'no rule', code: 'no-rule' } },
  ],
  [
    'info: proc/boot/ln (pid:2961435) of type fs_nonuser_t created link to path /tmp/',
    { kind: 'link', path: '/tmp/' },
  ],
  [
    'error: proc/boot/ln (pid:1) of type fs_nonuser_t failed to create link to path /tmp/a b: type conflict',
    { kind: 'link', path: '/tmp/a b', failure: { reason: 'type conflict', code: 'conflict' } },
  ],
  [
    'error: proc/boot/ln (pid:1) type fs_nonuser_t failed to link to path /x: bad op',
    { kind: 'link', path: '/x', failure: { reason: 'bad op', code: 'bad-op' } },
  ],
];

describe('parseRecord', () => {
  test.each(FORMS)('%s', (text, expected) => {
    const e = parseRecord(text, pos);
    expect(e).toMatchObject(expected);
    expect(e!.record).toBe(text);
  });

  test.each(FORMS)('wrapped at every space: %s', (text, expected) => {
    const words = text.split(' ');
    for (let cut = 1; cut < words.length; cut++) {
      const wrapped = `${words.slice(0, cut).join(' ')}  \n       ${words.slice(cut).join(' ')}\n`;
      expect(one(wrapped)).toMatchObject({ ...expected, record: text });
    }
  });

  test('static names are lower-cased for policies, dynamic ones kept', () => {
    const e = parseRecord(FORMS[0]![0], pos);
    expect(e).toMatchObject({
      ability: { monitorName: 'PATHSPACE', policyName: 'pathspace', dynamic: false },
    });
  });

  test('hex arguments become decimal strings', () => {
    const e = parseRecord('info: a (pid:1) type t uses ability SETTYPEID(0x8c) (x_t) as root', pos);
    expect(e).toMatchObject({ argument: { kind: 'type-id', value: '140', typeName: 'x_t' } });
    expect(normaliseNumber('0xFFFFFFFFFFFFFFFF')).toBe('18446744073709551615');
  });

  test('unnamed processes have the empty name', () => {
    expect(
      parseRecord('error: (pid:12) type default lacks ability PROT_EXEC as non-root', pos),
    ).toMatchObject({ process: '' });
    expect(
      parseRecord('error: - (pid:12) type default lacks ability PROT_EXEC as non-root', pos),
    ).toMatchObject({ process: '' });
  });

  test('unknown forms keep their text and the process when present', () => {
    expect(parseRecord('error: io-sock (pid:9) sent an unregistered sigevent', pos)).toEqual({
      kind: 'unknown',
      severity: 'error',
      process: 'io-sock',
      pid: '9',
      record: 'error: io-sock (pid:9) sent an unregistered sigevent',
      position: pos,
    });
    expect(parseRecord("error: type 'sshd_t' cannot be granted", pos)).toMatchObject({
      kind: 'unknown',
    });
    expect(parseRecord('a (pid:9) type t uses ability IO as root', pos)).toBeUndefined();
    expect(parseRecord('info: a (pid:9) type t uses ability IO(zz) as root', pos)).toMatchObject({
      kind: 'unknown',
    });
  });

  test('reasons are classified leniently', () => {
    expect(classifyReason('No Rule')).toBe('no-rule');
    expect(classifyReason('channel type conflict')).toBe('conflict');
    expect(classifyReason('bad operation')).toBe('bad-op');
    expect(classifyReason('weird')).toBe('other');
  });

  test('formatEvent prints the canonical form back', () => {
    for (const [text] of FORMS) {
      const canonical = formatEvent(parseRecord(text, pos)!);
      expect(formatEvent(parseRecord(canonical, pos)!)).toBe(canonical);
    }
    expect(formatEvent(parseRecord(FORMS[7]![0], pos)!)).toBe(
      'error: proc/boot/ln (pid:2973723) of type fs_nonuser_t failed to attach to path /tmp/: no rule',
    );
  });
});

describe('RecordForm.canonical: the record is its event canonical line', () => {
  /** Records of every form with each part canonical or not, combined. */
  function* variants(): Generator<string> {
    const keys = ['info: ', 'error: ', 'info:', 'error:\u00a0', 'info:  '];
    const names = [
      'sbin/devf-ram (pid:12) ',
      '- (pid:12) ',
      '(pid:12) ',
      'x\u00a0(pid:12) ',
      'x(pid:12) ',
    ];
    const abilityTails = [
      'PATHSPACE',
      'SETUID(15)',
      'SETUID(0x1f)',
      'SETUID(007)',
      'SETUID( 5)',
      'SETUID(0)',
      'MAP_FIXED(1 - 5)',
      'MAP_FIXED(1-5)',
      'CHANNEL_CONNECT(7) (fs_t)',
      'CHANNEL_CONNECT(0x7) (fs_t)',
      'CHANNEL_CONNECT (fs_t)',
      'CHANNEL_CONNECT( 7) (fs_t)',
      'CHANNEL_CONNECT()',
      'able/dyn(3)',
    ];
    const pathTails = [
      'attached channel to path /dev/x',
      'failed to attach to path /dev/x: no rule',
      'failed to attach to path /dev/x no rule',
      'failed to attach to path /dev/x No Rule',
      'failed to attach to path /dev/x\u00a0 no rule',
      'failed to attach to path : No rule',
      'failed to attach to path /a: b: bad op',
      'failed to attach to path /dev/x:  no rule',
      'failed to attach to path /dev/x: \u00a0no rule',
      'created link to path /tmp/l',
      'failed to create link to path /tmp/l: conflict',
      'failed to link to path /tmp/l: conflict',
      'failed to link to path /tmp/l: x\u00a0',
      'created link to path /tmp/l\u00a0',
    ];
    for (const key of keys)
      for (const name of names) {
        for (const type of ['type t ', 'of type t '])
          for (const verb of ['uses ability ', 'lacks ability '])
            for (const tail of abilityTails)
              for (const domain of [' as root', ' as non-root'])
                yield `${key}${name}${type}${verb}${tail}${domain}`;
        for (const type of ['type t ', 'of type t '])
          for (const tail of pathTails) yield `${key}${name}${type}${tail}`;
        yield `${key}${name}type t does something else`;
      }
  }

  it('is true only when formatEvent prints the record, and for most canonical records', () => {
    let canonical = 0;
    let records = 0;
    for (const record of variants()) {
      const form = { canonical: false };
      const e = parseRecord(record, pos, undefined, form);
      if (e === undefined) continue;
      records++;
      if (form.canonical) {
        canonical++;
        expect([record, formatEvent(e)]).toEqual([record, record]);
      }
    }
    expect(records).toBeGreaterThan(2000);
    expect(canonical).toBeGreaterThan(100);
  });

  it('is true for the canonical forms and false for the forms printed otherwise', () => {
    const says = (record: string): boolean => {
      const form = { canonical: false };
      parseRecord(record, pos, undefined, form);
      return form.canonical;
    };
    // A range argument is rebuilt whatever its text (the parser does not compare it).
    for (const [record] of FORMS)
      expect([record, says(record)]).toEqual([
        record,
        formatEvent(one(record)) === record && !record.includes(' - '),
      ]);
    expect(says('info: p (pid:1) type t uses ability SETUID(0x1f) as root')).toBe(false);
    expect(says('info: p (pid:1) type t lacks ability SETUID(31) as root')).toBe(false);
    expect(says('info: p (pid:1) type t uses ability SETUID(31) as root')).toBe(true);
    expect(says('error: p (pid:1) of type t failed to attach to path /x no rule')).toBe(false);
    expect(says('error: p (pid:1) of type t failed to attach to path /x: no rule')).toBe(true);
    expect(says('error: p (pid:1) of type t failed to create link to path /x: no rule')).toBe(
      false,
    );
  });
});
