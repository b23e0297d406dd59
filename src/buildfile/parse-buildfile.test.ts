import { parseBuildfile } from './parse-buildfile';
import { rewriteLaunches } from './rewrite-launches';
import type { LaunchVerdict } from './launch-types';
import type { LaunchLine } from './buildfile';

const parse = (text: string) => parseBuildfile(text, { file: 'b.build' });

/** A verdict giving `launch` the type `to` (as launch-types.ts would). */
const give = (launch: LaunchLine, to: string): LaunchVerdict => ({
  launch,
  processes: [],
  current: launch.on?.type?.value ?? '-',
  planned: to,
  status: launch.on?.type ? 'wrong-type' : 'untyped',
  longRunning: [],
  because: '',
});

describe('parseBuildfile', () => {
  it('reads [+script] blocks, [type=link] entries, prefixes, comments and the bootstrap PATH', () => {
    const b = parse(
      [
        '[virtual=x86_64] boot = {',
        '  PATH=/sbin:/proc/boot procnto -v',
        '}',
        '[+script] .script = {',
        '  # a comment',
        '  devc-ser8250 -e &   # trailing comment',
        '  on -T random_t random -t &',
        '}',
        '[type=link] /bin/sh=/proc/boot/ksh',
        '[prefix=/usr/bin]',
        'tool',
        '[prefix=/proc/boot]',
        'devc-ser8250',
        '/etc/motd = {',
        'on -T x_t not_a_command &',
        '}',
      ].join('\n'),
    );
    expect(b.kind).toBe('buildfile');
    expect(b.diagnostics).toEqual([]);
    expect(
      b.launches.map((l) => [l.line, l.command, l.on?.type?.value ?? '-', l.background]),
    ).toEqual([
      [6, 'devc-ser8250', '-', true],
      [7, 'random', 'random_t', true],
    ]);
    // The bootstrap's PATH is the script's.
    expect(b.launches[0]!.candidates).toEqual(['/sbin/devc-ser8250', '/proc/boot/devc-ser8250']);
    expect(b.imageFiles).toEqual([
      '/bin/sh',
      '/etc/motd',
      '/proc/boot/.script',
      '/proc/boot/boot',
      '/proc/boot/devc-ser8250',
      '/usr/bin/tool',
    ]);
  });

  it('joins continuation lines and rewrites on the physical line that holds the command', () => {
    const text = '[+script] s = {\r\n  [pri=12] devc-ser8250 -e \\\r\n     0x3f8,4 &\r\n}\r\n';
    const b = parse(text);
    const l = b.launches[0]!;
    expect([l.line, l.lastLine, l.background, l.longRunning]).toEqual([2, 3, true, true]);
    expect(rewriteLaunches(text, [give(l, 'ser_t')])).toBe(
      '[+script] s = {\r\n  [pri=12] on -T ser_t devc-ser8250 -e \\\r\n     0x3f8,4 &\r\n}\r\n',
    );
  });

  it('reads `on` options as getopt does: clusters, glued -T, -d, --', () => {
    const s = parse('on -dTold_t -u 5 daemon &\non -u 5 -- prog\non -T a_t\n');
    expect(s.kind).toBe('script');
    expect(s.launches.map((l) => [l.command, l.on?.type?.value, l.on?.detached])).toEqual([
      ['daemon', 'old_t', true],
      ['prog', undefined, false],
    ]);
    const text = 'on -dTold_t -u 5 daemon &\non -u 5 -- prog\non -T a_t\n';
    expect(
      rewriteLaunches(
        text,
        s.launches.map((l) => give(l, 'new_t')),
      ),
    ).toBe('on -dTnew_t -u 5 daemon &\non -T new_t -u 5 -- prog\non -T a_t\n');
  });

  it('reports what it does not understand with FILE:LINE and never makes it a launch', () => {
    const b = parse(
      [
        'a | b &',
        'x=$(cmd) y &',
        'on -Z 1 prog &',
        'for i in 1 2; do',
        '"quoted" &',
        'cmd "unbalanced &',
        'PATH=$HOME/bin',
        'sub/dir/prog &',
        'on -T',
        'slogger2#no-space-before-the-comment &',
      ].join('\n'),
    );
    expect(b.launches).toEqual([]);
    expect(b.diagnostics.map((d) => d.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(b.diagnostics.every((d) => d.file === 'b.build' && d.severity === 'warning')).toBe(true);
  });

  it('follows PATH assignments, export and $PATH', () => {
    const s = parse('PATH=/a\nexport PATH=$PATH:/b\nexport PATH\nprog &\nPATH=/c other &\n');
    expect(s.diagnostics).toEqual([]);
    expect(s.launches.map((l) => l.candidates)).toEqual([['/a/prog', '/b/prog'], ['/c/other']]);
  });

  it('reads quoted filenames with escaped quotes (QNX\'s `"I \\"think\\" so"`) as one name', () => {
    const b = parse(
      [
        '"I \\"think\\" so" = {',
        'hello',
        '}',
        '[+script] "start \\"up\\"" = {',
        '  devc-pty -n 8 &',
        '}',
        '"/usr/bin/my prog" = "host dir/prog"',
      ].join('\n'),
    );
    expect(b.diagnostics).toEqual([]);
    expect(b.imageFiles).toEqual([
      '/proc/boot/I "think" so',
      '/proc/boot/start "up"',
      '/usr/bin/my prog',
    ]);
    expect(b.launches.map((l) => [l.line, l.command])).toEqual([[5, 'devc-pty']]);
  });

  it('a line not understood that opens an inline file still opens it: its lines are not file entries', () => {
    const b = parse(['[+script] two words = {', '  devc-pty -n 8 &', '}', 'libc.so'].join('\n'));
    expect(b.diagnostics.map((d) => d.line)).toEqual([1]);
    // The script is read (its launch line found), `}` closes it, and `libc.so` is a file again.
    expect(b.launches.map((l) => l.line)).toEqual([2]);
    expect(b.imageFiles).toEqual(['/proc/boot/libc.so']);
  });

  it('reports an inline file left open', () => {
    const b = parse('[+script] s = {\n  prog &\n');
    expect(b.diagnostics.map((d) => [d.line, d.message])).toEqual([
      [1, 'inline file `{` not closed by a `}` line before the end of the file'],
    ]);
  });
});
