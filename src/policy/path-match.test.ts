/** Tests of rule path matching: exact, fnmatch globs, `/...` leading directories, speed. */
import { compilePathPattern, matchPath } from './path-match';

describe('matchPath', () => {
  it.each([
    ['/dev/random', '/dev/random', true],
    ['/dev/random', '/dev/random2', false],
    ['/', '/', true],
    ['/', '/tmp', false],
    ['/dev/fsF*', '/dev/fsF', true],
    ['/dev/fsF*', '/dev/fsFp0', true],
    ['/dev/fsF*', '/dev/fs', false],
    ['/tmp/libc*', '/tmp/', false],
    ['/tmp/libc*', '/tmp/libc.so.5', true],
    // No FNM_PATHNAME: `*` crosses `/`.
    ['/tmp/*', '/tmp/a/b', true],
    ['/dev/ttyp?', '/dev/ttyp7', true],
    ['/dev/ttyp?', '/dev/ttyp10', false],
    ['/dev/tty[pq][0-7]', '/dev/ttyq3', true],
    ['/dev/tty[pq][0-7]', '/dev/ttyr3', false],
    ['/dev/tty[!p]0', '/dev/ttyq0', true],
    ['/dev/tty[!p]0', '/dev/ttyp0', false],
    ['/a\\*b', '/a*b', true],
    ['/a\\*b', '/axb', false],
    ['/a[b', '/a[b', true],
    ['/dev/socket/...', '/dev/socket', true],
    ['/dev/socket/...', '/dev/socket/2', true],
    ['/dev/socket/...', '/dev/socket2', false],
    ['/...', '/', true],
    ['/...', '/any/path', true],
    ['/dev/name/*/...', '/dev/name/local/x', true],
    ['/dev/name/l*/...', '/dev/name/global/x', false],
    ['/mw/LoLa*', '/mw/LoLa_ctl_1', true],
  ])('%s vs %s → %s', (pattern, path, expected) => {
    expect(matchPath(pattern, path)).toBe(expected);
  });

  it('compiles once and classifies patterns', () => {
    expect(compilePathPattern('/dev/fsF*')).toBe(compilePathPattern('/dev/fsF*'));
    expect(compilePathPattern('/x').kind).toBe('exact');
    expect(compilePathPattern('/x*').kind).toBe('glob');
    expect(compilePathPattern('/x/...').kind).toBe('leading-dir');
  });

  // A backtracking matcher takes exponential time here and never returns within jest's timeout.
  it('matches long paths against many stars without blowing up', () => {
    const pattern = `/${'*a'.repeat(20)}b`;
    expect(matchPath(pattern, `/${'a'.repeat(5000)}`)).toBe(false);
    expect(matchPath(pattern, `/${'a'.repeat(5000)}b`)).toBe(true);
  });
});
