import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { inferRequirements } from '../infer/infer-requirements';
import { abilityEvent, pathEvent } from '../infer/test-events';
import { planPatch } from './plan-patch';
import type { PolicyInput } from './plan-types';
import { applyPatch } from '../render/apply-patch';
import { printItemNode } from '../policy/print';
import { itemCommentLines, statementLines } from '../render/rule-text';
import type { TraceEvent } from '../trace/event';

const IO_RISK =
  '# risk: high [report-risky-grant]: `io` gives raw hardware I/O privilege (in/out instructions, interrupt masking); needed only by drivers';

/** The secpolmonitor page's policy (reference §1.2). */
export const SEED_POLICY = `type default;
allow_attach default /...;
allow_link default /...;
type fs_t;
type fs_user_t;
type fs_nonuser_t;
allow_attach fs_t {
    /dev/fsF*
    /
    /fsFp0
};
allow fs_t self:ability {
      RSRCDBMGR
      IO
};
allow fs_t fs_t:channel connect;
allow fs_user_t fs_t:channel connect;
allow_link fs_nonuser_t /tmp/libc*;
allow fs_nonuser_t self:channel connect;
allow fs_nonuser_t self:ability io;
allow fs_user_t self:ability io;
`;

/** The seed page's records, in order. */
export const SEED_EVENTS: TraceEvent[] = [
  abilityEvent({ type: 'fs_user_t', ability: 'PATHSPACE', line: 1 }),
  pathEvent({ kind: 'attach', type: 'fs_nonuser_t', path: '/', pid: '2773018', line: 3 }),
  abilityEvent({ severity: 'info', type: 'fs_t', ability: 'IO', pid: '2809882', line: 5 }),
  abilityEvent({
    severity: 'info',
    type: 'fs_t',
    ability: 'PUBLIC_CHANNEL',
    pid: '2809882',
    line: 6,
  }),
  abilityEvent({ severity: 'info', type: 'fs_t', ability: 'PATHSPACE', pid: '2809882', line: 8 }),
  pathEvent({
    kind: 'attach',
    severity: 'info',
    type: 'fs_t',
    path: '/dev/fsF',
    pid: '2809882',
    line: 10,
  }),
  pathEvent({
    kind: 'attach',
    severity: 'info',
    type: 'fs_t',
    path: '/fsFp0',
    pid: '2809882',
    line: 12,
  }),
  pathEvent({
    kind: 'attach',
    severity: 'info',
    type: 'fs_t',
    path: '/dev/fsFp0',
    pid: '2809882',
    line: 14,
  }),
  abilityEvent({
    process: 'usr/bin/touch',
    pid: '2936859',
    type: 'fs_nonuser_t',
    ability: 'CHANNEL_CONNECT',
    argument: { kind: 'type-id', value: '1', typeName: 'fs_t' },
    line: 15,
  }),
  abilityEvent({
    severity: 'info',
    process: 'usr/bin/touch',
    pid: '2949147',
    type: 'fs_user_t',
    ability: 'CHANNEL_CONNECT',
    argument: { kind: 'type-id', value: '1', typeName: 'fs_t' },
    line: 17,
  }),
  pathEvent({
    kind: 'link',
    severity: 'info',
    process: 'proc/boot/ln',
    pid: '2961435',
    type: 'fs_nonuser_t',
    path: '/tmp/',
    line: 19,
  }),
  pathEvent({
    kind: 'attach',
    process: 'proc/boot/ln',
    pid: '2973723',
    type: 'fs_nonuser_t',
    path: '/tmp/',
    line: 21,
  }),
];

function policyInput(text: string, file = 'policy.secpol'): PolicyInput {
  const { policy, diagnostics } = parsePolicies([{ file, text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { policy, model: buildModel(policy) };
}

function snippet(
  input: PolicyInput | undefined,
  events: TraceEvent[],
  combine = false,
  mode: 'suggest' | 'generate' = 'suggest',
): string {
  const patch = planPatch(input, inferRequirements(events), { mode, combine });
  return patch.changes.map((c) => statementLines(c, { explain: false }).join('\n')).join('\n');
}

describe('planPatch on the seed walkthrough', () => {
  const input = policyInput(SEED_POLICY);
  const patch = planPatch(input, inferRequirements(SEED_EVENTS), { mode: 'suggest' });

  it('adds exactly the four missing grants', () => {
    expect(
      patch.changes.map((c) => [
        c.op,
        c.type,
        c.kind,
        c.items.map((i) => printItemNode(i.node)).join(' '),
      ]),
    ).toEqual([
      ['add-statement', 'fs_nonuser_t', 'connect', 'fs_t'],
      ['add-statement', 'fs_nonuser_t', 'attach', '/'],
      ['add-statement', 'fs_nonuser_t', 'link', '/tmp/'],
      ['add-statement', 'fs_user_t', 'ability', 'pathspace'],
    ]);
  });

  it('says why the ln failure became allow_link and marks it for review', () => {
    const link = patch.changes.find((c) => c.kind === 'link')!;
    expect(itemCommentLines(link.items[0]!, { explain: false })).toEqual([
      '# review: reported as an attach; allow_link because the process is proc/boot/ln',
    ]);
    expect(patch.review.map((r) => r.code)).toContain('link-or-attach');
  });

  it('gives the wrong-type hints of the walkthrough', () => {
    expect(patch.launches).toEqual([
      { process: 'sbin/devf-ram', from: 'fs_user_t', to: 'fs_t', reason: 'wrong-type' },
      { process: 'usr/bin/touch', from: 'fs_nonuser_t', to: 'fs_user_t', reason: 'wrong-type' },
    ]);
    const pathspace = patch.changes.find((c) => c.kind === 'ability')!;
    expect(itemCommentLines(pathspace.items[0]!, { explain: false })[0]).toMatch(/on -T fs_t/);
  });

  it('reaches a fixpoint: the patched policy needs nothing more', () => {
    const [patched] = applyPatch(
      [{ file: 'policy.secpol', text: SEED_POLICY }],
      input.policy,
      patch,
      { explain: true },
    );
    const again = planPatch(policyInput(patched!.text), inferRequirements(SEED_EVENTS), {
      mode: 'suggest',
    });
    expect(again.changes).toEqual([]);
    expect(again.alreadyAllowed).toHaveLength(4);
  });

  it('inserts next to the type and keeps every original line', () => {
    const [patched] = applyPatch(
      [{ file: 'policy.secpol', text: SEED_POLICY }],
      input.policy,
      patch,
      { explain: false },
    );
    const lines = patched!.text.split('\n');
    const original = SEED_POLICY.split('\n');
    // Every original line is still there, in order.
    let i = 0;
    for (const l of lines) if (l === original[i]) i++;
    expect(i).toBe(original.length);
    expect(patched!.text).toContain(
      'allow fs_nonuser_t self:ability io;\n# hint: usr/bin/touch did this as fs_user_t; launch it with `on -T fs_user_t ...` rather than widen fs_nonuser_t\nallow fs_nonuser_t fs_t:channel connect;\n',
    );
  });
});

describe('planPatch mapping rules', () => {
  it('merges into an existing block with the same flags, keeping its indentation', () => {
    const text =
      'type a_t;\nallow a_t self:ability {\n\tio\n};\nallow a_t self:ability {\n\tnonroot\n\tspawn\n};\n';
    const input = policyInput(text);
    const patch = planPatch(
      input,
      inferRequirements([
        abilityEvent({ type: 'a_t', ability: 'PATHSPACE' }),
        abilityEvent({ type: 'a_t', ability: 'iofunc/exec', domain: 'non-root' }),
      ]),
      { mode: 'suggest' },
    );
    const [out] = applyPatch([{ file: 'policy.secpol', text }], input.policy, patch, {
      explain: false,
    });
    expect(out!.text).toBe(
      'type a_t;\nallow a_t self:ability {\n\tio\n\tpathspace\n};\nallow a_t self:ability {\n\tnonroot\n\tspawn\n\tiofunc/exec\n};\n\nability iofunc/exec;\n',
    );
  });

  it('never names a type like an attribute, range or ability of the policy, and says why', () => {
    const text =
      'type a_t;\nattribute priv_port;\nattribute x_t;\nrange x_2_t;\nallow a_t self:ability { io };\n';
    const patch = planPatch(
      policyInput(text),
      inferRequirements([
        abilityEvent({ type: 'priv_port', ability: 'IO', process: 'bin/p' }),
        abilityEvent({ type: 'a_t', ability: 'SPAWN', process: 'bin/x' }),
        abilityEvent({ type: 'a_t', ability: 'FORK', process: 'bin/y' }),
      ]),
      { mode: 'suggest', combine: true },
    );
    const types = new Set(patch.changes.map((c) => c.type));
    expect([...types].sort()).toEqual(['priv_port_t', 'x_3_t', 'y_t']);
    const renamed = patch.review.filter((r) => r.code === 'renamed-type').map((r) => r.message);
    expect(renamed).toEqual([
      'bin/x gets type x_3_t, not x_t, which the policy declares as an attribute',
      'the traces show type priv_port, which the policy declares as an attribute: its rules go to type priv_port_t instead; launch its processes with `on -T priv_port_t ...`',
    ]);
    expect(patch.launches.map((l) => `${l.process} ${l.to}`)).toContain('bin/p priv_port_t');
  });

  it('renames a connect object named like an attribute, never granting to its members', () => {
    const text = 'type a_t;\nattribute grp;\ntype m_t, grp;\nallow a_t self:ability { io };\n';
    const patch = planPatch(
      policyInput(text),
      inferRequirements([
        abilityEvent({
          type: 'a_t',
          ability: 'CHANNEL_CONNECT',
          argument: { kind: 'type-id', value: '7', typeName: 'grp' },
          process: 'bin/c',
        }),
      ]),
      { mode: 'suggest', combine: false },
    );
    const lines = patch.changes.flatMap((c) => statementLines(c, { explain: false }));
    expect(lines).toContain('allow a_t grp_t:channel connect;');
    expect(lines.join('\n')).not.toMatch(/\bgrp\b(?!_t)/);
    expect(patch.review.map((r) => r.code)).toContain('renamed-type');
  });

  it('declares a custom ability the policy does not declare, once, and none it declares', () => {
    const events = [
      abilityEvent({ type: 'a_t', ability: 'network/bind/privport' }),
      abilityEvent({ type: 'b_t', ability: 'network/bind/privport' }),
      abilityEvent({ type: 'b_t', ability: 'iofunc/dup' }),
    ];
    const text = 'type a_t;\ntype b_t;\nability iofunc/dup;\n';
    const patch = planPatch(policyInput(text), inferRequirements(events), { mode: 'suggest' });
    const decls = patch.changes.filter((c) => c.kind === 'ability-decl');
    expect(decls.map((c) => [c.op, c.type, c.object])).toEqual([
      ['declare-ability', 'a_t', 'network/bind/privport'],
    ]);
    expect(statementLines(decls[0]!, { explain: false })).toEqual([
      'ability network/bind/privport;',
    ]);
  });

  it('joins the first block of the same subject, kind and flags, never one with other flags or subjects', () => {
    const text = [
      'type a_t;',
      'type b_t;',
      'allow { a_t b_t } self:ability {\n\tprot_exec\n};',
      'allow a_t self:ability {\n\tnoinherit\n\tspawn\n};',
      'allow a_t self:ability {\n\tnonroot\n\tnonroot\n\tspawn\n};',
      'allow a_t self:ability pathspace;',
      'allow a_t self:ability {\n\tchroot\n};',
      'allow a_t self:ability {\n\tkeydata\n};',
      'allow_attach a_t /dev/x;',
      'allow_attach a_t {\n\t/dev/y\n};',
      'allow_link a_t {\n\t/tmp/a\n};',
      'allow_attach a_t {\n\t/dev/z\n};',
      '',
    ].join('\n');
    const input = policyInput(text);
    const patch = planPatch(
      input,
      inferRequirements([
        abilityEvent({ type: 'a_t', ability: 'IO' }),
        abilityEvent({ type: 'a_t', ability: 'PUBLIC_CHANNEL', domain: 'non-root' }),
        pathEvent({ kind: 'attach', type: 'a_t', path: '/dev/w' }),
        pathEvent({ kind: 'link', type: 'a_t', path: '/tmp/b', process: 'proc/boot/ln' }),
      ]),
      { mode: 'suggest' },
    );
    const [out] = applyPatch([{ file: 'policy.secpol', text }], input.policy, patch, {
      explain: false,
    });
    expect(out!.text).toBe(
      text
        // The risk lint judges `io` to have is printed above it (src/policy/risk.ts).
        .replace('\tchroot\n', `\tchroot\n\t${IO_RISK}\n\tio\n`)
        .replace('\t/dev/y\n', '\t/dev/y\n\t/dev/w\n')
        .replace('\t/tmp/a\n', '\t/tmp/a\n\t/tmp/b\n')
        // No non-root block with `nonroot` alone: a new statement after the type's last one.
        .replace(
          'allow_attach a_t {\n\t/dev/z\n};\n',
          'allow_attach a_t {\n\t/dev/z\n};\nallow a_t self:ability {\n    nonroot\n    public_channel\n};\n',
        ),
    );
  });

  it('meets a root need with the same non-root item when that item covers it', () => {
    const patch = planPatch(
      undefined,
      inferRequirements([
        abilityEvent({ type: 'a_t', ability: 'SPAWN', domain: 'non-root', process: 'bin/n' }),
        abilityEvent({ type: 'a_t', ability: 'SPAWN', domain: 'root', process: 'bin/r' }),
        abilityEvent({
          type: 'a_t',
          ability: 'SETUID',
          domain: 'non-root',
          argument: { kind: 'range', start: '10', end: '20' },
        }),
        abilityEvent({ type: 'a_t', ability: 'SETUID', argument: { kind: 'value', value: '15' } }),
        abilityEvent({ type: 'a_t', ability: 'SETUID', argument: { kind: 'value', value: '30' } }),
      ]),
      { mode: 'suggest' },
    );
    const items = patch.changes.map((c) => [
      c.domain,
      c.items.map(
        (i) =>
          `${printItemNode(i.node)} ${i.provenance.evidence.failures} ${i.provenance.processes.join(',')}`,
      ),
    ]);
    // The root SPAWN joins the non-root one; SETUID(15) sits in 10-20, SETUID(30) does not.
    expect(items).toEqual([
      ['root', ['setuid:15,30 2 sbin/devf-ram']],
      ['non-root', ['setuid:10-20 1 sbin/devf-ram', 'spawn 2 bin/n,bin/r']],
    ]);
  });

  it('reviews each process running as default with its own evidence', () => {
    const patch = planPatch(
      undefined,
      inferRequirements([
        abilityEvent({ type: 'default', ability: 'IO', process: 'bin/a', line: 7 }),
        abilityEvent({ type: 'default', ability: 'PATHSPACE', process: 'bin/b', line: 9 }),
      ]),
      { mode: 'suggest' },
    );
    expect(
      patch.review
        .filter((r) => r.code === 'default-type')
        .map((r) => `${r.message.split(' ')[0]} ${r.evidence?.first.line}`),
    ).toEqual(['bin/a 7', 'bin/b 9']);
  });

  it('never mixes root and non-root grants in one block', () => {
    const out = snippet(undefined, [
      abilityEvent({ type: 'a_t', ability: 'IO', domain: 'non-root' }),
      abilityEvent({ type: 'a_t', ability: 'PATHSPACE', domain: 'root' }),
    ]);
    expect(out).toBe(
      `allow a_t self:ability {\n    pathspace\n};\nallow a_t self:ability {\n    nonroot\n    ${IO_RISK}\n    io\n};`,
    );
  });

  it('prints ranges merged, physical addresses in hex, address-valued abilities bare', () => {
    const out = snippet(undefined, [
      abilityEvent({ type: 'a_t', ability: 'INTERRUPT', argument: { kind: 'value', value: '14' } }),
      abilityEvent({ type: 'a_t', ability: 'INTERRUPT', argument: { kind: 'value', value: '15' } }),
      abilityEvent({
        type: 'a_t',
        ability: 'MEM_PHYS',
        argument: { kind: 'range', start: '18874368', end: '603979776' },
      }),
      abilityEvent({
        type: 'a_t',
        ability: 'PROT_EXEC',
        argument: { kind: 'range', start: '146050510848', end: '146050768735' },
      }),
    ]);
    expect(out).toBe(
      'allow a_t self:ability {\n    interrupt:14-15\n    mem_phys:0x1200000-0x24000000\n    prot_exec\n};',
    );
  });

  it('does not add a range the policy already covers, and adds one it does not', () => {
    const input = policyInput('type a_t;\nallow a_t self:ability {\n    interrupt:10-15\n};\n');
    const patch = planPatch(
      input,
      inferRequirements([
        abilityEvent({
          type: 'a_t',
          ability: 'INTERRUPT',
          argument: { kind: 'value', value: '14' },
        }),
        abilityEvent({
          type: 'a_t',
          ability: 'INTERRUPT',
          argument: { kind: 'value', value: '16' },
          process: 'bin/b',
        }),
      ]),
      { mode: 'suggest' },
    );
    expect(patch.changes.flatMap((c) => c.items.map((i) => printItemNode(i.node)))).toEqual([
      'interrupt:16',
    ]);
    expect(patch.alreadyAllowed.map((a) => `${a.object} ${a.by.file}:${a.by.line}`)).toEqual([
      'interrupt policy.secpol:3',
    ]);
  });

  it('counts values granted by different items of a block as granted (a fixpoint)', () => {
    // Found by the planning property test (seed -691679573): after `interrupt:0` joined the
    // block of `interrupt:10-12`, a second run asked for `interrupt:0,10` again.
    const input = policyInput(
      'type a_t;\nallow a_t self:ability {\n    interrupt:10-12\n    interrupt:0\n};\n',
    );
    const patch = planPatch(
      input,
      inferRequirements(
        ['0', '10'].map((value) =>
          abilityEvent({ type: 'a_t', ability: 'INTERRUPT', argument: { kind: 'value', value } }),
        ),
      ),
      { mode: 'suggest' },
    );
    expect(patch.changes).toEqual([]);
    expect(patch.alreadyAllowed.map((a) => `${a.object} ${a.by.file}:${a.by.line}`)).toEqual([
      'interrupt policy.secpol:4',
    ]);
  });

  it('takes granted values out before joining adjacent ones', () => {
    // A trace taken before interrupt:14 was granted: 14 is already allowed, only 15 is new.
    const input = policyInput('type a_t;\nallow a_t self:ability {\n    interrupt:14\n};\n');
    const events = ['14', '15'].map((value) =>
      abilityEvent({ type: 'a_t', ability: 'INTERRUPT', argument: { kind: 'value', value } }),
    );
    const patch = planPatch(input, inferRequirements(events), { mode: 'suggest' });
    expect(patch.changes.flatMap((c) => c.items.map((i) => printItemNode(i.node)))).toEqual([
      'interrupt:15',
    ]);
    expect(patch.alreadyAllowed.map((a) => `${a.object} ${a.by.file}:${a.by.line}`)).toEqual([
      'interrupt policy.secpol:3',
    ]);
  });

  it('adds settypeid with the gain_priv items secpolcompile requires, named in a comment', () => {
    const input = policyInput(
      'type sshd_t;\ntype ssh_privsep_t;\nallow sshd_t self:ability {\n    chroot\n};\nallow ssh_privsep_t self:ability {\n    setuid\n    setgid\n};\n',
    );
    const patch = planPatch(
      input,
      inferRequirements([
        abilityEvent({
          process: 'usr/sbin/sshd',
          type: 'sshd_t',
          ability: 'SETTYPEID',
          argument: { kind: 'type-id', value: '140', typeName: 'ssh_privsep_t' },
        }),
      ]),
      { mode: 'suggest' },
    );
    const items = patch.changes[0]!.items;
    expect(items.map((i) => printItemNode(i.node))).toEqual([
      'settypeid:ssh_privsep_t',
      'gain_priv:setgid',
      'gain_priv:setuid',
    ]);
    expect(itemCommentLines(items[2]!, { explain: false })[0]).toMatch(
      /ssh_privsep_t holds setuid beyond what sshd_t holds/,
    );
    expect(patch.review.map((r) => r.code)).toEqual(['gain-priv']);
  });

  it('reports path failures with another reason for review, without a rule', () => {
    const patch = planPatch(
      undefined,
      inferRequirements([
        pathEvent({
          kind: 'attach',
          type: 'a_t',
          path: '/dev/x',
          reason: 'type conflict',
          code: 'conflict',
        }),
      ]),
      { mode: 'suggest' },
    );
    expect(patch.changes).toEqual([]);
    expect(patch.review.map((r) => r.code)).toEqual(['unfixable-path']);
  });

  it('learns from failures only in suggest, from everything in generate', () => {
    const events = [
      abilityEvent({ type: 'a_t', ability: 'IO', severity: 'info' }),
      pathEvent({ kind: 'attach', type: 'a_t', path: '/dev/a', severity: 'info' }),
    ];
    expect(snippet(undefined, events)).toBe('');
    expect(snippet(undefined, events, false, 'generate')).toBe(
      `type a_t;\nallow a_t self:ability {\n    ${IO_RISK}\n    io\n};\nallow_attach a_t /dev/a;`,
    );
  });

  it('with -c gives an executable sharing a catch-all type its own type and launch line', () => {
    const input = policyInput('type init_t;\nallow init_t self:ability {\n    spawn\n};\n');
    const patch = planPatch(
      input,
      inferRequirements([
        abilityEvent({
          process: 'usr/bin/example_app',
          type: 'init_t',
          ability: 'iofunc/exec',
          domain: 'non-root',
        }),
        abilityEvent({
          process: 'usr/bin/example_app',
          type: 'init_t',
          ability: 'MAP_FIXED',
          severity: 'info',
          domain: 'non-root',
          argument: { kind: 'range', start: '1', end: '2' },
        }),
        abilityEvent({
          process: 'usr/sbin/sshd',
          type: 'init_t',
          ability: 'CHROOT',
          severity: 'info',
        }),
      ]),
      { mode: 'suggest', combine: true },
    );
    expect(patch.launches).toEqual([
      { process: 'usr/bin/example_app', from: 'init_t', to: 'example_app_t', reason: 'new-type' },
    ]);
    expect(
      patch.changes.map((c) => statementLines(c, { explain: false }).join('\n')).join('\n'),
    ).toBe(
      '# own type for usr/bin/example_app (was init_t); launch it with `on -T example_app_t ...`\ntype example_app_t;\nability iofunc/exec;\nallow example_app_t self:ability {\n    nonroot\n    iofunc/exec\n    map_fixed\n};',
    );
  });

  it('with -c a process keeps the one type no other executable ran as (devf-ram keeps fs_t)', () => {
    const patch = planPatch(undefined, inferRequirements(SEED_EVENTS), {
      mode: 'generate',
      combine: true,
    });
    expect(patch.launches.find((l) => l.process === 'sbin/devf-ram')).toEqual({
      process: 'sbin/devf-ram',
      from: 'fs_nonuser_t, fs_user_t',
      to: 'fs_t',
      reason: 'new-type',
    });
    expect(patch.changes.some((c) => c.type === 'devf_ram_t')).toBe(false);
    // fs_t's channels are still fs_t's: touch's connect is not moved.
    const touch = patch.changes.filter((c) => c.type === 'touch_t' && c.kind === 'connect');
    expect(touch.flatMap((c) => c.items.map((i) => printItemNode(i.node)))).toEqual(['fs_t']);
    expect(patch.review.map((r) => r.code)).not.toContain('connect-retargeted');
  });

  it('with -c an executable alone in its type keeps it in generate too, under no invented name', () => {
    const events = [
      abilityEvent({ process: 'proc/boot/devc-pty', type: 'devc_pty_t', ability: 'PATHSPACE' }),
      pathEvent({
        kind: 'attach',
        process: 'proc/boot/devc-pty',
        type: 'devc_pty_t',
        path: '/dev/ttyp0',
      }),
      abilityEvent({ process: 'usr/bin/a', type: 'init_t', ability: 'IO' }),
      abilityEvent({ process: 'usr/bin/b', type: 'init_t', ability: 'SPAWN' }),
    ];
    const patch = planPatch(undefined, inferRequirements(events), {
      mode: 'generate',
      combine: true,
    });
    expect(patch.launches.map((l) => `${l.process} ${l.from} -> ${l.to}`)).toEqual([
      'usr/bin/a init_t -> a_t',
      'usr/bin/b init_t -> b_t',
    ]);
    expect([...new Set(patch.changes.map((c) => c.type))].sort()).toEqual([
      'a_t',
      'b_t',
      'devc_pty_t',
    ]);
  });

  it('with -c keeps the type a process enters by settypeid apart from its launch type', () => {
    const events = [
      abilityEvent({
        process: 'usr/sbin/sshd',
        type: 'init_t',
        ability: 'SETTYPEID',
        argument: { kind: 'type-id', value: '140', typeName: 'ssh_privsep_t' },
      }),
      abilityEvent({ process: 'usr/sbin/sshd', type: 'ssh_privsep_t', ability: 'SETUID' }),
      abilityEvent({ process: 'usr/bin/other', type: 'init_t', ability: 'IO' }),
    ];
    const patch = planPatch(undefined, inferRequirements(events), {
      mode: 'generate',
      combine: true,
    });
    expect(patch.launches.find((l) => l.process === 'usr/sbin/sshd')?.to).toBe('sshd_t');
    expect(patch.changes.some((c) => c.type === 'ssh_privsep_t')).toBe(true);
  });

  it('with -c moves connects to the new types of the processes that created the channels', () => {
    const events = [
      abilityEvent({ process: 'sbin/srv', type: 'shared_t', ability: 'PUBLIC_CHANNEL' }),
      abilityEvent({ process: 'sbin/other', type: 'shared_t', ability: 'IO' }),
      abilityEvent({
        process: 'usr/bin/client',
        type: 'client_t',
        ability: 'CHANNEL_CONNECT',
        argument: { kind: 'type-id', value: '1', typeName: 'shared_t' },
      }),
    ];
    const patch = planPatch(undefined, inferRequirements(events), {
      mode: 'generate',
      combine: true,
    });
    const client = patch.changes.filter((c) => c.type === 'client_t' && c.kind === 'connect');
    // shared_t's processes now run as other_t and srv_t: the connect follows them.
    expect(client.flatMap((c) => c.items.map((i) => printItemNode(i.node)))).toEqual([
      'other_t',
      'srv_t',
    ]);
    expect(patch.review.map((r) => r.code)).toContain('connect-retargeted');
    // Without -c the trace's own type is kept.
    const plain = planPatch(undefined, inferRequirements(SEED_EVENTS), { mode: 'generate' });
    expect(
      plain.changes
        .filter((c) => c.kind === 'connect')
        .map((c) => `${c.type} ${c.items.map((i) => printItemNode(i.node)).join(' ')}`),
    ).toEqual(['fs_nonuser_t fs_t', 'fs_user_t fs_t']);
  });

  it('with -c handles an executable alone in its type as without -c', () => {
    const events = [abilityEvent({ type: 'a_t', ability: 'IO' })];
    expect(snippet(undefined, events, true)).toBe(snippet(undefined, events, false));
  });
});
