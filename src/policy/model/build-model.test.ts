/** Tests of the policy model: expansion, default_priv, subranges, indexes, range files, size. */
import { policyFrom } from '../../test-utils/policy-builders';
import { buildModel } from './build-model';
import { parseRangeFile } from './range-file';

describe('buildModel', () => {
  it('expands attributes from `type T, A;`, braced sets and self', () => {
    const model = buildModel(
      policyFrom(`
attribute priv_port;
type io_pkt_t, priv_port;
type sshd_t, priv_port;
type random_t;
allow priv_port self:ability { network/bind/privport };
allow { sshd_t io_pkt_t } { random_t self }:channel connect;
`),
    );
    expect(model.attributes.get('priv_port')?.members).toEqual(['io_pkt_t', 'sshd_t']);
    expect(model.grants.get('sshd_t')?.abilities.get('network/bind/privport')).toHaveLength(1);
    expect(model.grants.get('io_pkt_t')?.abilities.has('network/bind/privport')).toBe(true);
    expect([...model.grants.get('sshd_t')!.connects.keys()].sort()).toEqual(['random_t', 'sshd_t']);
    expect([...model.grants.get('io_pkt_t')!.connects.keys()].sort()).toEqual([
      'io_pkt_t',
      'random_t',
    ]);
  });

  it('grants default_priv minus the block negations, with domains and flags', () => {
    const model = buildModel(
      policyFrom(`type t;
allow t self:ability { default_priv -mem_phys };
allow t self:ability { nonroot noinherit unlock fork };
`),
      { qnx: '8.0' },
    );
    const g = model.grants.get('t')!;
    expect(g.abilities.has('mem_phys')).toBe(false);
    expect(g.negations.get('mem_phys')).toHaveLength(1);
    expect(g.abilities.has('dumper')).toBe(true);
    expect(g.abilities.has('qnet')).toBe(false);
    expect(g.abilities.get('io')![0]).toMatchObject({
      fromDefaultPriv: true,
      domains: { root: true, nonRoot: false },
    });
    const fork = g.abilities.get('fork')!;
    expect(fork.map((f) => f.domains)).toEqual([
      { root: true, nonRoot: false },
      { root: true, nonRoot: true },
    ]);
    expect(fork[1]).toMatchObject({ noinherit: true, unlock: true, fromDefaultPriv: false });
    expect(g.connects.has('*')).toBe(true);
  });

  it('parses subranges into BigInt intervals and names, with origins', () => {
    const model = buildModel(
      policyFrom(`type t;
type u;
allow t self:ability {
  mem_phys:0x1200000-0x24000000,0xFFFFFFFFFFFF0000- setuid:017 settypeid:u IO
};
allow t self:ability channel_connect:u;
`),
    );
    const g = model.grants.get('t')!;
    const mem = g.abilities.get('mem_phys')![0]!;
    expect(mem.ranges).toEqual([
      {
        kind: 'interval',
        start: 0x1200000n,
        end: 0x24000000n,
        open: false,
        text: '0x1200000-0x24000000',
      },
      {
        kind: 'interval',
        start: 0xffffffffffff0000n,
        end: (1n << 64n) - 1n,
        open: true,
        text: '0xFFFFFFFFFFFF0000-',
      },
    ]);
    expect(g.abilities.get('setuid')![0]!.ranges).toEqual([
      { kind: 'interval', start: 15n, end: 15n, open: false, text: '017' },
    ]);
    expect(g.abilities.get('settypeid')![0]!.ranges).toEqual([
      { kind: 'name', name: 'u', text: 'u' },
    ]);
    expect(g.abilities.get('io')![0]!.origin).toMatchObject({
      file: 'test.secpol',
      line: 4,
      column: 76,
    });
    expect(g.connects.get('u')![0]).toMatchObject({ via: 'ability', origin: { line: 6 } });
    expect(g.abilityBlocks).toHaveLength(2);
  });

  it('indexes attach/link rules, derive_type and default_spawn_type', () => {
    const model = buildModel(
      policyFrom(`type fs_t; type q_t;
allow_attach fs_t { /dev/fsF* mount:/ };
allow_attach fs_t / q_t;
allow_link fs_t /tmp/...;
derive_type fs_t run fs_t__run;
default_spawn_type fs_t q_t;
`),
    );
    const g = model.grants.get('fs_t')!;
    expect(g.attaches.map((r) => [r.path, r.fileType, r.relabel])).toEqual([
      ['/dev/fsF*', undefined, undefined],
      ['/', 'mount', undefined],
      ['/', undefined, 'q_t'],
    ]);
    expect(g.links.map((r) => r.path)).toEqual(['/tmp/...']);
    expect(model.deriveTypes.get('fs_t')?.get('run')?.name).toBe('fs_t__run');
    expect(model.defaultSpawnTypes.get('fs_t')?.name).toBe('q_t');
  });

  it('attaches named range values from a range file', () => {
    const { ranges, diagnostics } = parseRangeFile(
      'mem_phys : gpu_mem : syspage:/memory/gpu\ninterrupt : gpu_int : 12\nsetuid, setgid : gpu_mem : 9-14, 0x20\n',
      { file: 'r.txt' },
    );
    expect(diagnostics).toEqual([]);
    const model = buildModel(policyFrom('range gpu_mem; range gpu_int;'), { ranges });
    expect(model.ranges.get('gpu_mem')?.values?.get('setgid')).toEqual([
      { kind: 'interval', start: 9n, end: 14n },
      { kind: 'interval', start: 32n, end: 32n },
    ]);
    expect(model.ranges.get('gpu_mem')?.values?.get('mem_phys')).toEqual([
      { kind: 'syspage', name: '/memory/gpu' },
    ]);
    expect(model.hasRangeFile).toBe(true);
  });

  it('reports bad range file lines with their place', () => {
    const { diagnostics } = parseRangeFile('# c\nmem_phys gpu\nio : x : 5-3\n', { file: 'r.txt' });
    expect(diagnostics.map((d) => `${d.line}:${d.column}`)).toEqual(['2:1', '3:1']);
  });

  // Its time is measured by `npm run bench` (docs/performance.md), not asserted here.
  it('builds a 10,000-type policy with one grant set per type and every attribute member', () => {
    const lines: string[] = ['attribute all;'];
    for (let i = 0; i < 10_000; i++) {
      lines.push(
        `type t${i}_t, all;`,
        `allow t${i}_t self:ability { io pathspace setuid:${i} };`,
        `allow t${i}_t t${(i + 1) % 10_000}_t:channel connect;`,
        `allow_attach t${i}_t /dev/t${i};`,
      );
    }
    const policy = policyFrom(lines.join('\n'));
    const model = buildModel(policy);
    expect(model.grants.size).toBe(10_000);
    expect(model.attributes.get('all')?.members).toHaveLength(10_000);
  });
});
