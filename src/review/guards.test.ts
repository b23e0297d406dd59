/**
 * Guard rules: which grants overlap a guard (abilities by domain and value,
 * connects, attach/link paths both ways, attributes of the policy), and
 * which learned requirements `suggest` must refuse.
 */
import { parsePolicies, parsePolicy } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { inferRequirements } from '../infer/infer-requirements';
import { parseTraceText } from '../trace/push-parser';
import { buildGuardModel, guardViolations, refuseGuarded } from './guards';

function violations(policyText: string, guardText: string): string[] {
  const { policy } = parsePolicies([{ file: 'p.secpol', text: policyText }]);
  const guard = parsePolicy(guardText, { file: 'g.secpol' }).ast;
  return guardViolations(buildModel(policy), buildGuardModel(guard, policy, '7.1')).map(
    (v) => `${v.type} ${v.what} @${v.grant.line} by g:${v.guard.line}`,
  );
}

describe('guardViolations', () => {
  it('abilities overlap by domain and by value', () => {
    const p =
      'type a;\nallow a self:ability { setuid:1000-2000 };\nallow a self:ability { nonroot setgid:5 };';
    expect(violations(p, 'allow a self:ability setuid:0;')).toEqual([]);
    expect(violations(p, 'allow a self:ability setuid:1500-3000;')).toEqual([
      'a setuid:1000-2000 @2 by g:1',
    ]);
    expect(violations(p, 'allow a self:ability setuid;')).toEqual(['a setuid:1000-2000 @2 by g:1']);
    // The guard's block without nonroot is root only; the policy's nonroot block covers root too.
    expect(violations(p, 'allow a self:ability setgid:5;')).toEqual(['a setgid:5 @3 by g:1']);
  });
  it('default_priv grants what a guard forbids', () => {
    expect(
      violations('type a; allow a self:ability { default_priv };', 'allow a self:ability io;'),
    ).toEqual(['a io (via default_priv) @1 by g:1']);
  });
  it('connects and paths, both directions of matching; attributes of the policy expand', () => {
    const p =
      'attribute svc;\ntype a, svc;\nallow a b:channel connect;\nallow_attach a /...;\nallow_link a /tmp/x;';
    expect(violations(p, 'allow svc b:channel connect;')).toEqual(['a connect b @3 by g:1']);
    expect(violations(p, 'allow_attach a /dev/mem;')).toEqual(['a attach /... @4 by g:1']);
    expect(violations(p, 'allow_link a /tmp/*;')).toEqual(['a link /tmp/x @5 by g:1']);
    expect(violations(p, 'allow_link a /var/...;')).toEqual([]);
  });
});

describe('refuseGuarded', () => {
  it('removes the denied requirements a guard forbids and lists each with its record', () => {
    const trace = [
      'error: usr/bin/x (pid:1) type a_t lacks ability SETUID(0) as root',
      'error: usr/bin/x (pid:1) type a_t lacks ability SETUID(1000) as root',
      'error: usr/bin/x (pid:1) of type a_t failed to attach to path /dev/mem: no rule',
    ].join('\n');
    const inferred = inferRequirements(parseTraceText(trace, 'trace.log').events);
    const guard = parsePolicy('allow a_t self:ability setuid:0;\nallow_attach a_t /dev/...;', {
      file: 'g',
    }).ast;
    const refused = refuseGuarded(inferred, buildGuardModel(guard, undefined, '7.1'));
    expect(refused.map((d) => `${d.file}:${d.line}`)).toEqual(['trace.log:1', 'trace.log:3']);
    expect([...inferred.requirements.byKey.values()].map((r) => r.object)).toEqual(['setuid']);
    expect(inferred.refusedCount).toBe(2);
  });

  it('asks the guard model: attributes expand, subranges merge, domains count', () => {
    const trace = [
      'error: usr/sbin/sshd (pid:4) type a_t lacks ability SETTYPEID(140) (c_t) as root',
      'error: usr/sbin/sshd (pid:4) type a_t lacks ability SETUID(3 - 12) as root',
      'error: usr/sbin/sshd (pid:4) type a_t lacks ability SETGID(3) as non-root',
    ].join('\n');
    const inferred = inferRequirements(parseTraceText(trace, 'trace.log').events);
    const { policy } = parsePolicies([
      { file: 'p.secpol', text: 'attribute peers;\ntype a_t;\ntype c_t, peers;\n' },
    ]);
    const guard = parsePolicy(
      'allow a_t self:ability { settypeid:peers setuid:0-4 setgid };\nallow a_t self:ability setuid:5-9;',
      { file: 'g' },
    ).ast;
    const refused = refuseGuarded(inferred, buildGuardModel(guard, policy, '7.1'));
    expect(refused.map((d) => `${d.line} ${d.message.split(':')[0]}`)).toEqual([
      '1 refused by guard rule g',
      '2 refused by guard rule g',
    ]);
    const left = [...inferred.requirements.byKey.values()];
    // setuid 3-12 minus the merged 0-9; setgid as non-root: the guard's block is root only.
    expect(left.map((r) => `${r.object} ${JSON.stringify(r.deniedRanges)}`)).toEqual([
      'setuid [["10","12"]]',
      'setgid [["3","3"]]',
    ]);
  });
});
