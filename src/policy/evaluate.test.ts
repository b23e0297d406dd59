/**
 * Tests of the evaluator: one row per reason code, range coverage, connects,
 * attach/link, and the secpolmonitor page walkthrough (QNX 7.0 doc policy).
 */
import { readFileSync } from 'node:fs';
import { abilityEvent, attachEvent, linkEvent, policyFrom } from '../test-utils/policy-builders';
import { buildModel } from './model/build-model';
import { parseRangeFile } from './model/range-file';
import { evaluate, MAX_CONSULTED, type Verdict } from './evaluate';
import type { TraceEvent } from '../trace/event';
import { corpusPath, describeWithCorpus } from '../test-utils/corpus';
import type { PolicyModel } from './model/types';

const POLICY = `
type t; type u; type v; attribute peers; type w, peers;
range gpu_mem;
allow t self:ability { io pathspace mem_phys:100-200,190-300,0x1000-0x1fff setuid:017,20- settypeid:u mem_add:gpu_mem };
allow t self:ability { nonroot fork iofunc/exec -reboot };
type d;
type r;
allow r self:ability setgid:ROOT;
allow d self:ability { default_priv -mem_peer };
allow t u:channel connect;
allow t self:ability channel_connect:peers;
allow_attach t { /dev/fsF* /dev/socket/... };
allow_attach t /conflict;
allow_link t /tmp/libc*;
`;

const model = buildModel(policyFrom(POLICY));
const why = (v: Verdict): string => (v.allowed ? 'allowed' : v.reason);

describe('evaluate: abilities', () => {
  it.each<[string, TraceEvent, string]>([
    ['undeclared type', abilityEvent('nope_t', 'IO'), 'no-type'],
    ['granted, no argument', abilityEvent('t', 'IO'), 'allowed'],
    [
      'granted in root only, checked as non-root',
      abilityEvent('t', 'IO', { kind: 'none' }, 'non-root'),
      'no-ability',
    ],
    [
      'nonroot block covers non-root',
      abilityEvent('t', 'FORK', { kind: 'none' }, 'non-root'),
      'allowed',
    ],
    ['dynamic ability', abilityEvent('t', 'iofunc/exec', { kind: 'none' }, 'non-root'), 'allowed'],
    ['unknown dynamic ability', abilityEvent('t', 'iofunc/read'), 'no-ability'],
    ['negated ability', abilityEvent('t', 'REBOOT', { kind: 'none' }, 'non-root'), 'negated'],
    [
      'negated in default_priv block',
      abilityEvent('d', 'MEM_PEER', { kind: 'value', value: '5' }),
      'negated',
    ],
    ['default_priv grants the rest', abilityEvent('d', 'TRACE'), 'allowed'],
    [
      'single value in range',
      abilityEvent('t', 'MEM_PHYS', { kind: 'value', value: '150' }),
      'allowed',
    ],
    [
      'range in one subrange',
      abilityEvent('t', 'MEM_PHYS', { kind: 'range', start: '100', end: '200' }),
      'allowed',
    ],
    [
      'range over two overlapping subranges (they merge)',
      abilityEvent('t', 'MEM_PHYS', { kind: 'range', start: '150', end: '250' }),
      'allowed',
    ],
    [
      'range over a gap between subranges',
      abilityEvent('t', 'MEM_PHYS', { kind: 'range', start: '250', end: '4096' }),
      'range-not-covered',
    ],
    [
      'hex subrange',
      abilityEvent('t', 'MEM_PHYS', { kind: 'value', value: String(0x1800) }),
      'allowed',
    ],
    [
      'outside every subrange',
      abilityEvent('t', 'MEM_PHYS', { kind: 'value', value: '99' }),
      'range-not-covered',
    ],
    ['octal value', abilityEvent('t', 'SETUID', { kind: 'value', value: '15' }), 'allowed'],
    [
      'octal is not decimal',
      abilityEvent('t', 'SETUID', { kind: 'value', value: '17' }),
      'range-not-covered',
    ],
    ['open range', abilityEvent('t', 'SETUID', { kind: 'value', value: '4294967295' }), 'allowed'],
    [
      'type-name subrange',
      abilityEvent('t', 'SETTYPEID', { kind: 'type-id', value: '7', typeName: 'u' }),
      'allowed',
    ],
    [
      'other type name',
      abilityEvent('t', 'SETTYPEID', { kind: 'type-id', value: '8', typeName: 'v' }),
      'range-not-covered',
    ],
    [
      'named range without values',
      abilityEvent('t', 'MEM_ADD', { kind: 'value', value: '5' }),
      'indeterminate',
    ],
  ])('%s', (_name, event, expected) => {
    expect(why(evaluate(model, event))).toBe(expected);
  });

  it('cites the grant that allowed and the rules consulted', () => {
    const v = evaluate(
      model,
      abilityEvent('t', 'MEM_PHYS', { kind: 'range', start: '250', end: '400' }),
    );
    expect(v.allowed).toBe(false);
    expect(v.consulted.map((c) => `${c.file}:${c.line} ${c.summary}`)).toContain(
      'test.secpol:4 mem_phys:100-200,190-300,0x1000-0x1fff (root only)',
    );
    const ok = evaluate(model, abilityEvent('t', 'PATHSPACE'));
    expect(ok.allowed && ok.grants[0]!.summary).toBe('pathspace (root only)');
  });

  it('resolves named ranges through the range file', () => {
    const { ranges } = parseRangeFile('mem_add : gpu_mem : 0-10\n', { file: 'r' });
    const m = buildModel(policyFrom(POLICY), { ranges });
    expect(why(evaluate(m, abilityEvent('t', 'MEM_ADD', { kind: 'value', value: '5' })))).toBe(
      'allowed',
    );
    expect(why(evaluate(m, abilityEvent('t', 'MEM_ADD', { kind: 'value', value: '11' })))).toBe(
      'range-not-covered',
    );
  });
});

describe('evaluate: channel connect', () => {
  it.each<[string, string, string]>([
    ['allow t u:channel connect', 'u', 'allowed'],
    ['channel_connect:peers (attribute)', 'w', 'allowed'],
    ['nothing grants v', 'v', 'no-connect-rule'],
  ])('%s', (_n, object, expected) => {
    expect(
      why(
        evaluate(
          model,
          abilityEvent('t', 'CHANNEL_CONNECT', { kind: 'type-id', value: '1', typeName: object }),
        ),
      ),
    ).toBe(expected);
  });

  it('follows the block domain for channel_connect:O but not for allow … :channel connect', () => {
    const m = buildModel(
      policyFrom(
        'type a; type b; type c; allow a self:ability channel_connect:b; allow a c:channel connect;',
      ),
    );
    const ev = (o: string) =>
      abilityEvent(
        'a',
        'CHANNEL_CONNECT',
        { kind: 'type-id', value: '2', typeName: o },
        'non-root',
      );
    expect(why(evaluate(m, ev('b')))).toBe('no-connect-rule');
    expect(why(evaluate(m, ev('c')))).toBe('allowed');
  });

  it('names the missing connect rule, printed from a node, only when the trace names can form one', () => {
    const m = buildModel(policyFrom('type a; type b; allow a self:ability io;'));
    const message = (o: string): string => {
      const v = evaluate(
        m,
        abilityEvent('a', 'CHANNEL_CONNECT', { kind: 'type-id', value: '1', typeName: o }),
      );
      return v.allowed ? '' : v.message;
    };
    expect(message('b')).toBe(
      'type a may not connect to channels of type b (no `allow a b:channel connect;`)',
    );
    for (const hostile of ['-', 'allow', 'b;c', 'x y'])
      expect(message(hostile)).toBe(
        `type a may not connect to channels of type ${hostile} (no channel connect rule; the trace names a type that cannot be printed in one)`,
      );
  });

  it('lets default_priv connect to any type', () => {
    expect(
      why(
        evaluate(
          model,
          abilityEvent('d', 'CHANNEL_CONNECT', { kind: 'type-id', value: '1', typeName: 'v' }),
        ),
      ),
    ).toBe('allowed');
  });

  it('denies a connect no rule grants', () => {
    const m = buildModel(
      policyFrom('type a; type b; allow a self:channel connect; allow a self:ability io;'),
    );
    const v = evaluate(
      m,
      abilityEvent('a', 'CHANNEL_CONNECT', { kind: 'type-id', value: '1', typeName: 'b' }),
    );
    expect(why(v)).toBe('no-connect-rule');
    expect(v.consulted.map((c) => c.summary)).toEqual([]);
    expect(
      why(
        evaluate(
          m,
          abilityEvent('a', 'CHANNEL_CONNECT', { kind: 'type-id', value: '1', typeName: 'a' }),
        ),
      ),
    ).toBe('allowed');
  });
});

describe('evaluate: attach and link', () => {
  it.each<[string, TraceEvent, string]>([
    ['glob attach', attachEvent('t', '/dev/fsFp0'), 'allowed'],
    ['leading-dir attach', attachEvent('t', '/dev/socket/2'), 'allowed'],
    ['no attach rule', attachEvent('t', '/', 'no-rule'), 'no-attach-rule'],
    [
      'attach where only a link rule matches',
      attachEvent('t', '/tmp/libc.so', 'no-rule'),
      'attach-vs-link',
    ],
    ['link rule', linkEvent('t', '/tmp/libc.so'), 'allowed'],
    [
      'link where only an attach rule matches',
      linkEvent('t', '/dev/fsF0', 'bad-op'),
      'attach-vs-link',
    ],
    ['no link rule', linkEvent('t', '/etc/x', 'no-rule'), 'no-link-rule'],
    ['relabel conflict', attachEvent('t', '/conflict', 'conflict'), 'conflict'],
    ['unknown type', attachEvent('x_t', '/'), 'no-type'],
  ])('%s', (_n, event, expected) => {
    expect(why(evaluate(model, event))).toBe(expected);
  });

  it('lists at most MAX_CONSULTED rules of a type with many, and counts the rest', () => {
    const paths = Array.from({ length: 25 }, (_, i) => `    /dev/x${i}`).join('\n');
    const m = buildModel(
      policyFrom(`type a_t;\nallow_attach a_t {\n${paths}\n};\nallow_link a_t /tmp/l;`),
    );
    const v = evaluate(m, attachEvent('a_t', '/dev/y', 'no-rule'));
    expect(v.allowed).toBe(false);
    expect(v.consulted.map((c) => c.summary)).toEqual(
      Array.from({ length: MAX_CONSULTED }, (_, i) => `allow_attach a_t /dev/x${i}`),
    );
    expect(!v.allowed && v.moreConsulted).toBe(26 - MAX_CONSULTED);
    // Exactly the rules of the type and kind: nothing more to count.
    const few = evaluate(m, linkEvent('a_t', '/tmp/m', 'no-rule'));
    expect(few.consulted.map((c) => c.summary)).toEqual([
      'allow_link a_t /tmp/l',
      ...Array.from({ length: MAX_CONSULTED - 1 }, (_, i) => `allow_attach a_t /dev/x${i}`),
    ]);
    expect(!few.allowed && few.moreConsulted).toBe(26 - MAX_CONSULTED);
  });

  it('gives indeterminate for unknown records', () => {
    const v = evaluate(model, {
      kind: 'unknown',
      severity: 'error',
      record: 'error: qnet thing',
      position: { file: 'f', line: 3 },
    });
    expect(why(v)).toBe('indeterminate');
  });
});

describeWithCorpus('evaluate: the secpolmonitor page walkthrough', () => {
  let seed: PolicyModel;
  beforeAll(() => {
    const text = readFileSync(
      corpusPath('qnxdocs700_secpolmonitor__example_policy.secpol'),
      'utf8',
    );
    seed = buildModel(policyFrom({ 'policy.secpol': text }));
  });

  it('explains the denials the page explains', () => {
    const pathspace = evaluate(seed, abilityEvent('fs_user_t', 'PATHSPACE'));
    expect(why(pathspace)).toBe('no-ability');
    const attach = evaluate(seed, attachEvent('fs_nonuser_t', '/', 'no-rule'));
    expect(why(attach)).toBe('no-attach-rule');
    const connect = evaluate(
      seed,
      abilityEvent('fs_nonuser_t', 'CHANNEL_CONNECT', {
        kind: 'type-id',
        value: '1',
        typeName: 'fs_t',
      }),
    );
    expect(why(connect)).toBe('no-connect-rule');
    const ln = evaluate(seed, attachEvent('fs_nonuser_t', '/tmp/', 'no-rule'));
    expect(why(ln)).toBe('no-attach-rule');
    expect(ln.consulted.map((c) => `${c.line} ${c.summary}`)).toEqual([
      '19 allow_link fs_nonuser_t /tmp/libc*',
    ]);
  });

  it('allows the info events the policy grants', () => {
    expect(why(evaluate(seed, abilityEvent('fs_t', 'IO', { kind: 'none' }, 'root', 'info')))).toBe(
      'allowed',
    );
    for (const p of ['/dev/fsF', '/fsFp0', '/dev/fsFp0'])
      expect(why(evaluate(seed, attachEvent('fs_t', p)))).toBe('allowed');
    const touch = evaluate(
      seed,
      abilityEvent(
        'fs_user_t',
        'CHANNEL_CONNECT',
        { kind: 'type-id', value: '1', typeName: 'fs_t' },
        'root',
        'info',
      ),
    );
    expect(touch.allowed && touch.grants[0]!.line).toBe(18);
    // The page's -s run shows fs_t using PATHSPACE, which its quoted policy does not grant: explained, not hidden.
    expect(
      why(evaluate(seed, abilityEvent('fs_t', 'PATHSPACE', { kind: 'none' }, 'root', 'info'))),
    ).toBe('no-ability');
  });
});
