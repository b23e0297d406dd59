import { isIdentifier, isPolicyPath, isSafeAbilityName, isSafeLiteralPath } from './lexical';

describe('lexical rules', () => {
  it.each(['fs_t', 'default', '_x', 'dumper_t__run', 'App1_t'])('accepts identifier %s', (s) => {
    expect(isIdentifier(s)).toBe(true);
  });
  it.each(['1fs_t', 'fs-t', 'self', 'allow', 'a;b', '', 'fs_t\n', 'a b'])(
    'refuses identifier %j',
    (s) => {
      expect(isIdentifier(s)).toBe(false);
    },
  );
  it.each([
    'io',
    'PATHSPACE',
    'iofunc/exec',
    'vfs/mount-blk',
    'ecm_ops.fw_ver',
    'amsr/safe-process',
  ])('accepts ability %s', (s) => {
    expect(isSafeAbilityName(s)).toBe(true);
  });
  it.each(['io;', 'a b', '/x', 'x//y', '{io}', '#io'])('refuses ability %j', (s) => {
    expect(isSafeAbilityName(s)).toBe(false);
  });
  it('accepts policy paths with globs but not as literal trace paths', () => {
    expect(isPolicyPath('/dev/fsF*')).toBe(true);
    expect(isSafeLiteralPath('/dev/fsF*')).toBe(false);
    expect(isSafeLiteralPath('/dev/socket/...')).toBe(false);
    expect(isSafeLiteralPath('/dev/fsFp0')).toBe(true);
    expect(isSafeLiteralPath('/')).toBe(true);
  });
  it.each([
    '/tmp;\nallow x_t self:ability io',
    '/a}',
    '/a{',
    '/a#b',
    '/a b',
    'rel/path',
    '/a\u0007',
    '//x',
  ])('refuses hostile path %j', (s) => {
    expect(isSafeLiteralPath(s)).toBe(false);
  });
});
