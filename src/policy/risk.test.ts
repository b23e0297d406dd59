import { abilityFlag, abilityGrant, gainPriv, numberRange, pathSpec, rangeName } from './nodes';
import { riskOf, risksOf, type RiskTarget } from './risk';
import { parsePolicies } from './parse';
import { buildModel } from './model/build-model';
import { lintPolicy } from './lint';
import type { AbilityItem } from './ast';

const ability = (item: AbilityItem, subject = 'a_t'): RiskTarget => ({
  kind: 'ability',
  subject,
  item,
});

const policyOf = (text: string) => parsePolicies([{ file: 'p.secpol', text }]).policy;

describe('riskOf: each class of risky grant, with its exact severity and reason', () => {
  it.each([
    [abilityGrant('setuid', [numberRange('0')]), 'high', '`setuid:0` includes id 0 (root)'],
    [
      abilityGrant('setgid', [numberRange('0', '10')]),
      'high',
      '`setgid:0-10` includes id 0 (root)',
    ],
    [
      abilityGrant('spawn_setuid'),
      'high',
      '`spawn_setuid` without a subrange allows switching to any id, including 0 (root)',
    ],
    [
      abilityGrant('setuid', [numberRange('1000', '200000')]),
      'low',
      '`setuid:1000-200000` spans 199001 ids; list the ids the type needs',
    ],
    [
      abilityGrant('mem_phys'),
      'high',
      "`mem_phys` without a subrange maps any physical memory, including the kernel's; give the device's address range",
    ],
    [
      abilityGrant('io'),
      'high',
      '`io` gives raw hardware I/O privilege (in/out instructions, interrupt masking); needed only by drivers',
    ],
    [
      abilityGrant('IO'),
      'high',
      '`io` gives raw hardware I/O privilege (in/out instructions, interrupt masking); needed only by drivers',
    ],
    [
      abilityFlag('default_priv'),
      'high',
      '`default_priv` grants every privileged ability root has; list the abilities the type needs instead',
    ],
    [
      abilityGrant('iofunc/read'),
      'medium',
      '`iofunc/read` reads files whatever their POSIX permissions; QNX advises fixing file permissions instead',
    ],
    [
      abilityGrant('channel_connect'),
      'medium',
      '`channel_connect` without a subrange connects to the channels of every type; name the types',
    ],
  ])('%j', (item, severity, reason) => {
    expect(riskOf(ability(item))).toEqual({ severity, rule: 'report-risky-grant', reason });
  });

  it('judges an attach to the whole path space high, naming the subject', () => {
    expect(riskOf({ kind: 'attach', subject: 'fs_t', path: pathSpec('/...') })).toEqual({
      severity: 'high',
      rule: 'report-risky-grant',
      reason:
        "`allow_attach fs_t /...` lets the type attach anywhere in the path space, including over other servers' paths",
    });
  });

  it('finds nothing in harmless items', () => {
    for (const item of [
      abilityGrant('pathspace'),
      abilityGrant('mem_phys', [numberRange('4096', '8191', true)]),
      abilityGrant('setuid', [numberRange('1000')]),
      abilityGrant('channel_connect', [rangeName('fs_t')]),
      abilityGrant('io', undefined, true),
      abilityFlag('nonroot'),
      gainPriv('setuid'),
    ])
      expect(riskOf(ability(item))).toBeUndefined();
    expect(riskOf({ kind: 'attach', subject: 'a_t', path: pathSpec('/dev/ser1') })).toBeUndefined();
    // A link names where a link may be made, not a server's path space.
    expect(riskOf({ kind: 'link', subject: 'a_t', path: pathSpec('/...') })).toBeUndefined();
  });

  it('returns the most severe of several risks, and lists them all in order', () => {
    const item = abilityGrant('setuid', [numberRange('5', '100000'), numberRange('0')]);
    expect(risksOf(ability(item)).map((r) => r.severity)).toEqual(['low', 'high']);
    expect(riskOf(ability(item))?.reason).toBe('`setuid:0` includes id 0 (root)');
  });

  describe('settypeid (needs the model)', () => {
    const model = buildModel(
      policyOf(`type sshd_t; type ssh_privsep_t; type same_t;
allow sshd_t self:ability { settypeid:ssh_privsep_t settypeid:same_t gain_priv:setuid setuid:1000 };
allow ssh_privsep_t self:ability { setuid:1000-1010 setgid:6 };
allow same_t self:ability { setuid:1000 };
`),
    );
    it('is medium when the target holds abilities the subject lacks, gain_priv or not', () => {
      expect(
        riskOf(ability(abilityGrant('settypeid', [rangeName('ssh_privsep_t')]), 'sshd_t'), {
          model,
        }),
      ).toEqual({
        severity: 'medium',
        rule: 'report-settypeid-gains-abilities',
        reason:
          '`settypeid:ssh_privsep_t` lets sshd_t gain abilities it lacks: setgid, setuid: range',
      });
    });
    it('is nothing when the target holds nothing more, or without a model', () => {
      expect(
        riskOf(ability(abilityGrant('settypeid', [rangeName('same_t')]), 'sshd_t'), { model }),
      ).toBeUndefined();
      expect(
        riskOf(ability(abilityGrant('settypeid', [rangeName('ssh_privsep_t')]), 'sshd_t')),
      ).toBeUndefined();
    });
  });
});

describe('lint reports what riskOf judges, in the same words', () => {
  it('reports every class as a report-risky-grant warning with the reason as message', () => {
    const { diagnostics } = lintPolicy(
      policyOf(`type a_t;
allow a_t self:ability { io mem_phys setuid:0 iofunc/read channel_connect };
allow a_t self:ability { default_priv };
allow_attach a_t /...;
`),
    );
    expect(diagnostics.map((d) => [d.line, d.severity, d.ruleId, d.message])).toEqual([
      [2, 'warning', 'report-risky-grant', riskOf(ability(abilityGrant('io')))!.reason],
      [2, 'warning', 'report-risky-grant', riskOf(ability(abilityGrant('mem_phys')))!.reason],
      [
        2,
        'warning',
        'report-risky-grant',
        riskOf(ability(abilityGrant('setuid', [numberRange('0')])))!.reason,
      ],
      [2, 'warning', 'report-risky-grant', riskOf(ability(abilityGrant('iofunc/read')))!.reason],
      [
        2,
        'warning',
        'report-risky-grant',
        riskOf(ability(abilityGrant('channel_connect')))!.reason,
      ],
      [3, 'warning', 'report-risky-grant', riskOf(ability(abilityFlag('default_priv')))!.reason],
      [
        4,
        'warning',
        'report-risky-grant',
        riskOf({ kind: 'attach', subject: 'a_t', path: pathSpec('/...') })!.reason,
      ],
    ]);
  });
});
