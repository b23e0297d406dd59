/**
 * `generate` beyond the golden files: --base, -c launch lines, --collapse,
 * JSON, and the --help examples of both learning commands.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../test-utils/run-cli';

const TRACE = [
  'info: proc/boot/devc-pty (pid:7) type devc_pty_t uses ability PATHSPACE as root',
  ...[0, 1, 2, 3].map(
    (n) =>
      `info: proc/boot/devc-pty (pid:7) of type devc_pty_t attached channel to path /dev/ttyp${n}`,
  ),
  'info: proc/boot/random (pid:8) type random_t uses ability PATHSPACE as root',
  'info: proc/boot/random (pid:8) of type random_t attached channel to path /dev/random',
  'info: usr/sbin/sshd (pid:9) type random_t uses ability SETUID(15) as root',
  '',
].join('\n');

function dir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'secpol-gen-'));
  writeFileSync(path.join(d, 'boot.log'), TRACE);
  return d;
}

describe('generate', () => {
  it('extends a --base policy with only what it lacks, inside its own blocks', async () => {
    const cwd = dir();
    writeFileSync(
      path.join(cwd, 'base.secpol'),
      'type random_t;\nallow random_t self:ability {\n    pathspace\n};\n',
    );
    const r = await runCli(['generate', 'boot.log', '--base', 'base.secpol'], { cwd });
    expect(r.code).toBe(0);
    // setuid:15 joins the base's block rather than a second block for random_t.
    expect(r.stdout).toContain(
      '\ntype random_t;\nallow random_t self:ability {\n    pathspace\n    setuid:15\n};\n',
    );
    expect(r.stdout.match(/allow random_t self:ability/g)).toHaveLength(1);
    expect(r.stdout).not.toMatch(/type random_t;[\s\S]*type random_t;/);
    expect(r.stdout).toContain('allow_attach random_t /dev/random;');
    expect(r.stdout).toContain('type devc_pty_t;');
  });

  it('-c gives each process its own type and prints its launch line', async () => {
    const r = await runCli(['generate', 'boot.log', '-c'], { cwd: dir() });
    expect(r.stdout).toContain('# launch usr/sbin/sshd with `on -T sshd_t ...`');
    expect(r.stdout).toContain('# launch proc/boot/random with `on -T random_2_t ...`');
    // devc-pty is the only executable of devc_pty_t: it keeps it (no devc_pty_2_t).
    expect(r.stdout).toContain('type devc_pty_t;');
    expect(r.stdout).not.toContain('devc_pty_2_t');
    expect(r.stdout).not.toContain('# launch proc/boot/devc-pty');
  });

  it('--collapse folds numbered paths, marked; never by default', async () => {
    const plain = await runCli(['generate', 'boot.log'], { cwd: dir() });
    expect(plain.stdout).toContain('/dev/ttyp3');
    expect(plain.stdout).not.toContain('/dev/ttyp*');
    const folded = await runCli(['generate', 'boot.log', '--collapse'], { cwd: dir() });
    expect(folded.stdout).toContain(
      '# collapsed (--collapse): /dev/ttyp0 /dev/ttyp1 /dev/ttyp2 /dev/ttyp3\nallow_attach devc_pty_t /dev/ttyp*;\n',
    );
    expect(folded.stdout).toContain(
      "# --collapse: numbered paths above were folded into globs (QNX's recommended folding); review them",
    );
  });

  it('prints JSON', async () => {
    const r = await runCli(['generate', 'boot.log', '--format', 'json'], { cwd: dir() });
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      schema: 'secpol-learn/learn',
      schemaVersion: 1,
      command: 'generate',
    });
    expect(doc.changes.map((c: { type: string; kind: string }) => `${c.type} ${c.kind}`)).toContain(
      'random_t attach',
    );
  });

  it('reads standard input when no trace is named', async () => {
    const r = await runCli(['generate'], { stdin: TRACE, cwd: dir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('allow_attach random_t /dev/random;');
    expect(r.stdout).toContain('from 1 trace file(s)');
  });

  it.each(['suggest', 'generate'])('%s --help has examples', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
  });
});
