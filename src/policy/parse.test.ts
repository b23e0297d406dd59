import type { AllowAbility, AllowAttach, AllowConnect, MountPoint, TypeDecl } from './ast';
import { parsePolicies, parsePolicy } from './parse';

function parseOk(text: string) {
  const r = parsePolicy(text, { file: 'p.secpol' });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.ast;
}

function firstError(text: string): string {
  const d = parsePolicy(text, { file: 'p.secpol' }).diagnostics.find((x) => x.severity === 'error');
  return d ? `${d.line}:${d.column} ${d.message}` : 'no error';
}

describe('parsePolicy: statements', () => {
  it('gives names their own span', () => {
    const [s] = parseOk('type   io_pkt_t, priv_port;').statements as TypeDecl[];
    expect(s.name.position).toEqual({
      file: 'p.secpol',
      start: { line: 1, column: 8, offset: 7 },
      end: { line: 1, column: 16, offset: 15 },
    });
    expect(s.attributes.map((a) => a.value)).toEqual(['priv_port']);
    expect(s.position?.end.offset).toBe(27);
  });

  it('parses the 7.0 example block: flags, ranges, negation, gain_priv', () => {
    const [s] = parseOk(
      'allow sshd_t self : ability {\n nonroot mem_phys:0- priority:255 settypeid:user_1_t,user_2_t\n gain_priv:channel_connect -mem_phys io:0x10-020\n};',
    ).statements as AllowAbility[];
    expect(s.braced).toBe(true);
    expect(s.items.map((i) => i.type)).toEqual([
      'ability-flag',
      'ability-grant',
      'ability-grant',
      'ability-grant',
      'gain-priv',
      'ability-grant',
      'ability-grant',
    ]);
    const memPhys = s.items[1];
    expect(memPhys).toMatchObject({
      name: { value: 'mem_phys' },
      ranges: [{ type: 'range-number', open: true, start: { text: '0', value: '0' } }],
    });
    expect(s.items[3]).toMatchObject({
      ranges: [
        { type: 'range-name', name: { value: 'user_1_t' } },
        { type: 'range-name', name: { value: 'user_2_t' } },
      ],
    });
    expect(s.items[5]).toMatchObject({
      negated: true,
      name: { value: 'mem_phys', position: { start: { column: 29 } } },
    });
    expect(s.items[6]).toMatchObject({
      ranges: [{ start: { text: '0x10', value: '16' }, end: { text: '020', value: '16' } }],
    });
  });

  it('keeps ability names as written and values beyond 2^53 exact', () => {
    const [s] = parseOk('allow a_t self:ability mem_phys:0xFFFFFFFFFFFFFFFF;')
      .statements as AllowAbility[];
    expect(s.braced).toBe(false);
    expect(s.items[0]).toMatchObject({ ranges: [{ start: { value: '18446744073709551615' } }] });
    const [u] = parseOk('allow a_t self:ability { RSRCDBMGR };').statements as AllowAbility[];
    expect(u.items[0]).toMatchObject({ name: { value: 'RSRCDBMGR' } });
  });

  it('accepts a space after `:` and after `,` in value lists', () => {
    const [s] = parseOk('allow a_t self:ability {\n channel_connect: b_t,\n   c_t\n};')
      .statements as AllowAbility[];
    expect(s.items[0]).toMatchObject({
      ranges: [{ name: { value: 'b_t' } }, { name: { value: 'c_t' } }],
    });
  });

  it('parses channel connect with self and braced sets on either side', () => {
    const [a, b] = parseOk(
      'allow {root_t user_1_t}io_pkt_t : channel connect;\nallow x_t { y_t self }:channel connect;',
    ).statements as AllowConnect[];
    expect(a.subjects).toMatchObject({
      braced: true,
      names: [{ value: 'root_t' }, { value: 'user_1_t' }],
    });
    expect(a.objects).toMatchObject({ braced: false, names: [{ value: 'io_pkt_t' }] });
    expect(b.objects.names.map((n) => n.value)).toEqual(['y_t', 'self']);
  });

  it('parses attach paths: globs, /..., file-type prefix, relabel type, `:` inside a path', () => {
    const [a, b] = parseOk(
      'allow_attach qconn_t / io_pkt_t;\nallow_attach d_t { mount:/ /dev/socket/... /x:y,z /dev/fsF* t_t };',
    ).statements as AllowAttach[];
    expect(a.paths).toEqual([
      expect.objectContaining({
        path: '/',
        relabel: expect.objectContaining({ value: 'io_pkt_t' }),
      }),
    ]);
    expect(b.paths.map((p) => [p.fileType, p.path, p.relabel?.value])).toEqual([
      ['mount', '/', undefined],
      [undefined, '/dev/socket/...', undefined],
      [undefined, '/x:y,z', undefined],
      [undefined, '/dev/fsF*', 't_t'],
    ]);
  });

  it('parses mount_point', () => {
    const [m] = parseOk('mount_point 1000:0x3E9 { u::rw g::r u:99:rw } /dev/mountpoint;')
      .statements as MountPoint[];
    expect(m).toMatchObject({
      uid: { value: '1000' },
      gid: { value: '1001' },
      acl: ['u::rw', 'g::r', 'u:99:rw'],
      path: '/dev/mountpoint',
    });
  });

  it('attaches comments: leading, trailing, inside blocks and sets, and at the end', () => {
    const ast = parseOk(
      '# lead\ntype a_t; # trail\nallow a_t {\n b_t # b\n # inner\n}:channel connect;\nallow a_t self:ability {\n # before io\n io # io\n # last\n};\n# end\n',
    );
    const [t, c, s] = ast.statements as [TypeDecl, AllowConnect, AllowAbility];
    expect(t.leadingComments?.map((x) => x.text)).toEqual(['# lead']);
    expect(t.trailingComment?.text).toBe('# trail');
    expect(
      (c.objects.names[0] as { trailingComment?: { text: string } }).trailingComment?.text,
    ).toBe('# b');
    expect(c.objects.innerComments?.map((x) => x.text)).toEqual(['# inner']);
    expect(s.items[0].leadingComments?.map((x) => x.text)).toEqual(['# before io']);
    expect(s.items[0].trailingComment?.text).toBe('# io');
    expect(s.innerComments?.map((x) => x.text)).toEqual(['# last']);
    expect(ast.trailingComments?.map((x) => x.text)).toEqual(['# end']);
  });

  it('warns about `//` comments but keeps them; `//` inside a path is not a comment', () => {
    const r = parsePolicy('// header\nallow_attach a_t /dev//x;\n', { file: 'p.secpol' });
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        ruleId: 'report-slash-comment',
        line: 1,
        column: 1,
      }),
    ]);
    expect((r.ast.statements[0] as AllowAttach).paths[0].path).toBe('/dev//x');
    expect(r.ast.statements[0].leadingComments?.[0].text).toBe('// header');
  });

  it('handles CRLF line endings and a byte-order mark', () => {
    const ast = parseOk('\uFEFFtype a_t;\r\n# c\r\ntype b_t;\r\n');
    expect(ast.statements).toHaveLength(2);
    expect(ast.statements[1].leadingComments?.[0].text).toBe('# c');
    expect(ast.statements[1].position?.start).toEqual({ line: 3, column: 1, offset: 17 });
  });
});

describe('parsePolicy: syntax errors', () => {
  it.each([
    [
      'missing `;` at a line end is shown after the last token',
      'type a_t\ntype b_t;',
      '1:9 expected `,` or `;`, found `type`',
    ],
    [
      'missing self:',
      'allow random_t ability { map_phys };',
      '1:16 expected an object type, `self` or `{`, found `ability`',
    ],
    [
      'a type object before :ability',
      'allow a_t b_t:ability io;',
      '1:11 expected `self` before `:ability`, found `b_t`',
    ],
    [
      'semicolons inside a block',
      'allow a_t self:ability {\n io;\n};',
      '2:4 expected an ability, a flag or `}`, found `;`',
    ],
    ['derived_type', 'derived_type a_t b_t', '1:1 expected a statement'],
    [
      'allow attach',
      'allow attach a_t /x;',
      '1:7 expected a subject type or `{` (for `allow_attach`',
    ],
    [
      'a hyphen in a type name',
      'type devc-ser8250;',
      '1:6 expected a type name, found `devc-ser8250`',
    ],
    ['a bad octal number', 'allow a_t self:ability setuid:09;', '1:31 expected a number'],
    ['a range with a bad end', 'allow a_t self:ability setuid:1-x;', '1:31 expected a number'],
    [
      'an unclosed block before the next statement',
      'allow a_t self:ability {\n io\ntype b_t;',
      '2:4 expected an ability, a flag or `}`, found `type`',
    ],
    [
      'end of file inside a statement',
      'allow a_t',
      '1:10 expected an object type, `self` or `{`, found end of file',
    ],
    ['allow_link with a relabel type', 'allow_link a_t /x b_t;', '1:19 expected `;`, found `b_t`'],
    [
      'a path without a leading slash',
      'allow_attach a_t dev/x;',
      '1:18 expected a path or `{`, found `dev/x`',
    ],
    [
      'an empty subject set',
      'allow {} a_t:channel connect;',
      '1:8 expected a type name, found `}`',
    ],
    [
      'a bad name on its own line is shown where it is',
      'allow {\n a_t\n 9bad\n} b_t:channel connect;',
      '3:2 expected a type name or `}`, found `9bad`',
    ],
    ['a stray closing brace', '};', '1:1 expected a statement'],
    ['a keyword as a type name', 'type allow;', '1:6 expected a type name, found `allow`'],
  ])('%s', (_what, text, expected) => {
    expect(firstError(text).startsWith(expected)).toBe(true);
  });

  it('recovers at `;` and at the next statement keyword, reporting every error once', () => {
    const r = parsePolicy(
      'type a_t\ntype b_t;\nallow b_t a_t channel connect;\nallow b_t self:ability { io ; };\ntype c_t;\n',
      { file: 'p.secpol' },
    );
    expect(r.diagnostics.map((d) => `${d.line}:${d.column}`)).toEqual(['1:9', '3:15', '4:29']);
    expect(r.ast.statements.map((s) => (s as TypeDecl).name?.value)).toEqual(['b_t', 'c_t']);
  });

  it('moves a comment from the middle of a statement below it, never dropping it', () => {
    const ast = parseOk('type # c\n a_t;\ntype b_t;');
    expect(ast.statements[1].leadingComments?.map((c) => c.text)).toEqual(['# c']);
    expect(parseOk('type # c\n a_t;').trailingComments?.map((c) => c.text)).toEqual(['# c']);
  });

  it('keeps the comments of a statement it drops', () => {
    const r = parsePolicy('# about x\ntype x-y;\ntype z_t;', { file: 'p.secpol' });
    expect(r.ast.statements[0].leadingComments?.[0].text).toBe('# about x');
  });
});

describe('parsePolicies', () => {
  it('keeps files in order with their own positions and diagnostics', () => {
    const r = parsePolicies([
      { file: 'a.secpol', text: 'type a_t;' },
      { file: 'b.secpol', text: 'allow a_t self:ability io' },
    ]);
    expect(r.policy.files.map((f) => f.file)).toEqual(['a.secpol', 'b.secpol']);
    expect(r.policy.files[0].statements[0].position?.file).toBe('a.secpol');
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ file: 'b.secpol', line: 1, column: 26 }),
    ]);
  });
});
