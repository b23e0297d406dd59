/** Tests of the lint passes (a positive and a negative case each) and lint over the real-world corpus. */
import { readFileSync } from 'node:fs';
import { policyFrom } from '../test-utils/policy-builders';
import { lintPolicy } from './lint';
import { parsePolicy } from './parse';
import { CORPUS_POLICIES, corpusPath, describeWithCorpus } from '../test-utils/corpus';

const rules = (text: string, qnx?: '7.1' | '8.0'): string[] =>
  lintPolicy(policyFrom(text), qnx ? { qnx } : {}).diagnostics.map(
    (d) => `${d.line}:${d.column} ${d.severity} ${d.ruleId}`,
  );

describe('lint passes', () => {
  it.each<[string, string, string[]]>([
    [
      'undeclared type (positive)',
      'type a; allow a b:channel connect;',
      ['1:17 warning report-undeclared-type'],
    ],
    [
      'undeclared type (negative)',
      'type a; type b; allow a b:channel connect; allow a self:channel connect;',
      [],
    ],
    [
      'duplicate rule (positive)',
      'type a;\nallow_attach a /x;\nallow_attach a /x;',
      ['3:16 warning report-duplicate-rule'],
    ],
    ['duplicate declaration', 'type a;\ntype a;', ['2:6 warning report-duplicate-rule']],
    [
      'duplicate rule (negative)',
      'type a;\nallow a self:ability setuid:1;\nallow a self:ability { nonroot setuid:1 };',
      [],
    ],
    ['7.x ability under 7.1 (negative)', 'type a;\nallow a self:ability qnet;', []],
    [
      'unknown static ability for 8.0',
      'type a;\nallow a self:ability qnet;',
      ['2:22 error report-unknown-ability'],
    ],
    [
      'undeclared dynamic ability is info',
      'type a;\nallow a self:ability vendor/x;',
      ['2:22 info report-unknown-ability'],
    ],
    [
      'declared dynamic ability (negative)',
      'ability vendor/x;\ntype a;\nallow a self:ability vendor/x;',
      [],
    ],
    [
      'vaddr subrange (positive)',
      'type a;\nallow a self:ability { nonroot map_fixed:4096-8191 };',
      ['2:32 warning report-vaddr-subrange'],
    ],
    [
      'vaddr without subrange (negative)',
      'type a;\nallow a self:ability { nonroot map_fixed prot_exec };',
      [],
    ],
    ['risky io', 'type a;\nallow a self:ability io;', ['2:22 warning report-risky-grant']],
    ['risky attach /...', 'type a;\nallow_attach a /...;', ['2:16 warning report-risky-grant']],
    [
      'risky setuid from 0',
      'type a;\nallow a self:ability setuid:0x0-0xFFFFFFFF;',
      ['2:22 warning report-risky-grant'],
    ],
    [
      'subrange on an ability that takes none',
      'type a;\nallow a self:ability { pathspace:5 public_channel:1-2,4 setuid:5 };',
      ['2:34 error report-unranged-subrange', '2:51 error report-unranged-subrange'],
    ],
    ['chroot takes a subrange in 8.0 (negative)', 'type a;\nallow a self:ability chroot:1;', []],
    [
      'chroot takes none in 7.1',
      'type a;\nallow a self:ability chroot:1;',
      ['2:29 error report-unranged-subrange'],
    ],
    [
      'subrange on a dynamic ability (negative)',
      'ability vendor/x;\ntype a;\nallow a self:ability vendor/x:3;',
      [],
    ],
    [
      'reversed range',
      'type a;\nallow a self:ability setuid:1000,1010-1000,7-7;',
      ['2:34 error report-reversed-range'],
    ],
    [
      'value above 2^64-1',
      'type a;\nallow a self:ability { mem_phys:0x10000000000000000 mem_phys:0xffffffffffffffff setgid:1-18446744073709551616 };',
      [
        '2:33 error report-range-overflow',
        '2:81 warning report-risky-grant',
        '2:90 error report-range-overflow',
      ],
    ],
    [
      'derive_type without settypeid',
      'type a; type a__run;\nderive_type a run a__run;',
      ['2:19 warning report-derive-without-settypeid'],
    ],
    [
      'derive_type with settypeid reaching it (negative)',
      'type a; type a__run;\nderive_type a run a__run;\nallow a self:ability settypeid:a__run;',
      [],
    ],
    [
      'derive_type with settypeid to another type',
      'type a; type b; type a__run;\nderive_type a run a__run;\nallow a self:ability settypeid:b;',
      ['2:19 warning report-derive-without-settypeid'],
    ],
    [
      'derive_type reached by an attribute, a whole grant or default_priv (negative)',
      'attribute runs; type a; type b; type c; type d, runs;\nderive_type a run d;\nderive_type b run d;\nderive_type c run d;\nallow a self:ability settypeid:runs;\nallow b self:ability settypeid;\nallow c self:ability default_priv;',
      ['7:22 warning report-risky-grant'],
    ],
    [
      'safe grants (negative)',
      'type a;\nallow a self:ability { pathspace mem_phys:0x1000-0x1fff setuid:1000-1010 };',
      [],
    ],
  ])('%s', (_name, text, expected) => {
    expect(rules(text, _name.includes('8.0') ? '8.0' : undefined)).toEqual(expected);
  });

  it('reports settypeid targets that gain abilities, as secpolcompile does', () => {
    const text = `type sshd_t; type ssh_privsep_t;
allow sshd_t self:ability { settypeid:ssh_privsep_t setuid:1000 setgid:1000 };
allow ssh_privsep_t self:ability { setuid:1000-1010 setgid:1000-1010 };
`;
    const { diagnostics } = lintPolicy(policyFrom(text));
    const d = diagnostics.find((x) => x.ruleId === 'report-settypeid-gains-abilities');
    expect(d).toMatchObject({ severity: 'error', line: 2, column: 29 });
    expect(d?.message).toMatch(
      /^type 'sshd_t' cannot be granted ability 'settypeid:ssh_privsep_t' as it would gain abilities: setgid: range, setuid: range/,
    );
    const fixed = text.replace('setgid:1000 }', 'setgid:1000 gain_priv:setuid gain_priv:setgid }');
    expect(
      lintPolicy(policyFrom(fixed)).diagnostics.filter(
        (x) => x.ruleId === 'report-settypeid-gains-abilities',
      ),
    ).toEqual([]);
  });

  it('underlines the item reported, not the rest of its statement', () => {
    const text = 'type a;\nallow a self:ability { io pathspace };\nallow_attach a /...;\n';
    const spans = lintPolicy(policyFrom(text)).diagnostics.map((d) => [
      d.line,
      d.column,
      d.span && d.span.end.column - d.span.start.column,
    ]);
    expect(spans).toEqual([
      [2, 24, 2],
      [3, 16, 4],
    ]);
  });

  it('points a duplicate at the first copy', () => {
    const { diagnostics } = lintPolicy(
      policyFrom('type a;\nallow a self:ability { pathspace };\nallow a self:ability pathspace;'),
    );
    expect(diagnostics).toEqual([
      expect.objectContaining({
        line: 3,
        column: 22,
        ruleId: 'report-duplicate-rule',
        notes: [{ message: 'first written here', file: 'test.secpol', line: 2, column: 24 }],
      }),
    ]);
  });

  it('is deterministic', () => {
    const text =
      'type a;\nallow a self:ability { io default_priv };\nallow_attach a /...;\nallow b c:channel connect;';
    expect(JSON.stringify(lintPolicy(policyFrom(text)).diagnostics)).toBe(
      JSON.stringify(lintPolicy(policyFrom(text)).diagnostics),
    );
  });
});

describeWithCorpus('lint on the real-world corpus', () => {
  it.each(Object.keys(CORPUS_POLICIES))('%s: a valid policy lints without error', (f) => {
    const text = readFileSync(corpusPath(f), 'latin1');
    const parsed = parsePolicy(text, { file: f });
    if (parsed.diagnostics.some((d) => d.severity === 'error')) return; // invalid on purpose: the parser's corpus test pins it
    const errors = lintPolicy(
      { type: 'policy', files: [parsed.ast] },
      { qnx: f.includes('80') || f.startsWith('splywaczyk') ? '8.0' : '7.1' },
    ).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([]);
  });
});
