/**
 * Patches and drafts keep the policy's bytes (patch-bytes.ts): for a UTF-8,
 * UTF-8-with-BOM, CRLF, Latin-1 and Latin-1 CRLF policy, `suggest --format
 * patch` applied by `git apply` to a copy gives the bytes `suggest --write`
 * writes; so does `harden --format patch`'s removal; `generate --base` keeps
 * every base line's bytes and line end; a character a Latin-1 file cannot
 * hold is refused with FILE:LINE and nothing is printed.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCliBytes } from '../test-utils/run-cli';

const SAMPLE = path.join(__dirname, '..', '..', 'samples', 'merge-into-blocks');
const POLICY = fs.readFileSync(path.join(SAMPLE, 'policy.secpol'), 'utf8');
const TRACE = fs.readFileSync(path.join(SAMPLE, 'trace.log'));

/** The sample policy with a non-ASCII comment, a one-line block and no final newline. */
const TEXT = `${POLICY.replace('# hardware', '# hardware: café ½')}allow player_t self:ability { io };`;

const CASES: Array<{ name: string; bytes: Buffer }> = [
  { name: 'UTF-8', bytes: Buffer.from(TEXT, 'utf8') },
  { name: 'UTF-8 with BOM', bytes: Buffer.from(`\uFEFF${TEXT}`, 'utf8') },
  { name: 'CRLF', bytes: Buffer.from(TEXT.replace(/\n/g, '\r\n'), 'utf8') },
  { name: 'Latin-1', bytes: Buffer.from(TEXT, 'latin1') },
  { name: 'Latin-1 CRLF', bytes: Buffer.from(TEXT.replace(/\n/g, '\r\n'), 'latin1') },
];

function tempDir(policy: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patch-bytes-'));
  fs.writeFileSync(path.join(dir, 'policy.secpol'), policy);
  fs.writeFileSync(path.join(dir, 'trace.log'), TRACE);
  return dir;
}

/** `git apply` of `patch` in `dir` (no repository needed); throws with git's message when it does not apply. */
function gitApply(dir: string, patch: Buffer): void {
  fs.writeFileSync(path.join(dir, 'out.patch'), patch);
  execFileSync('git', ['apply', '--whitespace=nowarn', 'out.patch'], { cwd: dir, stdio: 'pipe' });
}

/** Lines with their line ends, as bytes read as latin1 (one character per byte). */
function rawLines(bytes: Buffer): string[] {
  return bytes.toString('latin1').split(/(?<=\n)/);
}

describe.each(CASES)('a $name policy', ({ bytes }) => {
  const crlf = bytes.includes('\r\n');

  it('suggest --format patch applies with git apply and gives the bytes --write writes', async () => {
    const dir = tempDir(bytes);
    const patch = await runCliBytes(
      ['suggest', 'trace.log', '--policy', 'policy.secpol', '--format', 'patch'],
      { cwd: dir },
    );
    expect(patch.code).toBe(0);
    const added = rawLines(patch.stdout).filter((l) => l.startsWith('+') && !l.startsWith('+++'));
    expect(added.length).toBeGreaterThan(3);
    // Inserted lines end as the file's lines do: never a mix.
    for (const l of added) expect(l.endsWith('\r\n')).toBe(crlf);
    const written = await runCliBytes(
      ['suggest', 'trace.log', '--policy', 'policy.secpol', '--write'],
      {
        cwd: dir,
      },
    );
    expect(written.code).toBe(0);
    const expected = fs.readFileSync(path.join(dir, 'policy.secpol'));
    fs.writeFileSync(path.join(dir, 'policy.secpol'), bytes);
    gitApply(dir, patch.stdout);
    expect(fs.readFileSync(path.join(dir, 'policy.secpol'))).toEqual(expected);
    // The original's lines are all there, byte for byte and in order.
    const got = rawLines(expected);
    let at = 0;
    for (const line of rawLines(bytes)) {
      const found = got.indexOf(line.endsWith('\n') ? line : `${line}${crlf ? '\r\n' : '\n'}`, at);
      expect(found).toBeGreaterThanOrEqual(at);
      at = found + 1;
    }
  });

  it('harden --format patch applies with git apply', async () => {
    const dir = tempDir(bytes);
    const r = await runCliBytes(
      ['harden', '--policy', 'policy.secpol', 'trace.log', '--format', 'patch'],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(r.stdout.includes('\n-')).toBe(true);
    gitApply(dir, r.stdout);
    const after = fs.readFileSync(path.join(dir, 'policy.secpol'));
    // Only lines were removed: every remaining line is one of the original's, bytes and line end.
    const original = new Set(rawLines(bytes));
    for (const l of rawLines(after)) expect(original.has(l)).toBe(true);
  });

  it("generate --base keeps every base line's bytes, and adds lines with its line end", async () => {
    const dir = tempDir(bytes);
    const r = await runCliBytes(['generate', 'trace.log', '--base', 'policy.secpol'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const lines = rawLines(r.stdout);
    for (const l of lines) expect(l.endsWith('\r\n')).toBe(crlf);
    let at = 0;
    for (const line of rawLines(bytes)) {
      const whole = line.endsWith('\n') ? line : `${line}${crlf ? '\r\n' : '\n'}`;
      const found = lines.indexOf(whole, at);
      expect(found).toBeGreaterThanOrEqual(at);
      at = found + 1;
    }
    // The base's non-ASCII comment is the file's own bytes (latin1 é is one byte, UTF-8 two).
    const cafe = Buffer.from(
      'café ½',
      bytes.includes(Buffer.from('café', 'utf8')) ? 'utf8' : 'latin1',
    );
    expect(r.stdout.includes(cafe)).toBe(true);
  });
});

describe('a character the policy encoding cannot hold', () => {
  const trace = Buffer.from(
    'error: usr/sbin/audio_srv (pid:501) of type audio_t failed to attach to path /dev/snd/Ļx: no rule\n',
    'utf8',
  );

  it.each([
    ['suggest', '--policy', '--format', 'patch'],
    ['generate', '--base'],
  ])('%s is refused with FILE:LINE and prints nothing', async (command, option, ...rest) => {
    const dir = tempDir(Buffer.from(TEXT, 'latin1'));
    fs.writeFileSync(path.join(dir, 'trace.log'), trace);
    const r = await runCliBytes([command!, 'trace.log', option!, 'policy.secpol', ...rest], {
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toMatch(/policy\.secpol:\d+: U\+013B cannot be written into this file/);
  });

  it('is kept in a UTF-8 policy', async () => {
    const dir = tempDir(Buffer.from(TEXT, 'utf8'));
    fs.writeFileSync(path.join(dir, 'trace.log'), trace);
    const r = await runCliBytes(
      ['suggest', 'trace.log', '--policy', 'policy.secpol', '--format', 'patch'],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(r.stdout.toString('utf8')).toContain('+\t/dev/snd/Ļx');
  });
});

describe('a trace path with a latin1 character, for a latin1 policy', () => {
  // `é` from a UTF-8 trace is the bytes C3 A9; written into a latin1 file it would be one byte E9:
  // a rule for a path the trace never recorded.
  const trace = Buffer.from(
    'error: usr/sbin/audio_srv (pid:501) of type audio_t failed to attach to path /dev/snd/café: no rule\n',
    'utf8',
  );

  it.each([
    ['suggest', '--policy', '--format', 'patch'],
    ['suggest', '--policy', '--write'],
    ['generate', '--base'],
  ])(
    '%s %s %s is refused with FILE:LINE, and the policy is unchanged',
    async (command, option, ...rest) => {
      const before = Buffer.from(TEXT, 'latin1');
      const dir = tempDir(before);
      fs.writeFileSync(path.join(dir, 'trace.log'), trace);
      const r = await runCliBytes([command!, 'trace.log', option!, 'policy.secpol', ...rest], {
        cwd: dir,
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /policy\.secpol:\d+: U\+00E9 cannot be written into this file \(the file is not UTF-8, and written as one byte/,
      );
      expect(fs.readFileSync(path.join(dir, 'policy.secpol'))).toEqual(before);
      expect(fs.existsSync(path.join(dir, 'policy.secpol.orig'))).toBe(false);
    },
  );

  it("fmt --write keeps the file's own latin1 words byte for byte", async () => {
    const dir = tempDir(
      Buffer.from(
        '# café ½\ntype audio_t;\nallow_attach audio_t {  /dev/café  /dev/x };\n',
        'latin1',
      ),
    );
    const r = await runCliBytes(['fmt', '--write', 'policy.secpol'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'policy.secpol'))).toEqual(
      Buffer.from(
        '# café ½\ntype audio_t;\nallow_attach audio_t {\n    /dev/café\n    /dev/x\n};\n',
        'latin1',
      ),
    );
  });
});
