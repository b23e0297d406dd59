/**
 * `types`: the goldens of samples/launch-types (text, JSON, markdown, patch,
 * CRLF patch), the patch applied with `git apply` and re-read giving the
 * planned types, exit codes of --check, hostile process names, and the
 * agreement with `generate -c` (one plan for both).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { runCli, runCliBytes } from '../../test-utils/run-cli';
import { expectGolden } from '../../test-utils/golden';
import { parseBuildfile } from '../../buildfile/parse-buildfile';

const SAMPLE = path.resolve(__dirname, '..', '..', '..', 'samples', 'launch-types');
const golden = (name: string): string => path.join(SAMPLE, name);
const BASE = ['types', '-b', 'board.build', '-b', 'start-system.sh', 'trace.log'];

/** A copy of the sample in a fresh folder. */
function copy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'secpol-types-'));
  for (const f of ['board.build', 'board-crlf.build', 'start-system.sh', 'trace.log'])
    copyFileSync(path.join(SAMPLE, f), path.join(dir, f));
  return dir;
}

/** `git apply` of `patch` in `dir`; throws with git's words when it does not apply. */
function gitApply(dir: string, patch: Buffer): void {
  writeFileSync(path.join(dir, 'launch.patch'), patch);
  const r = spawnSync('git', ['apply', '--unsafe-paths', 'launch.patch'], { cwd: dir });
  if (r.status !== 0) throw new Error(`git apply failed: ${String(r.stderr)}`);
}

describe('types', () => {
  it.each([
    [[], 'expected.types.txt'],
    [['--format', 'json'], 'expected.types.json'],
    [['--format', 'markdown'], 'expected.types.md'],
    [['--format', 'patch'], 'expected.types.patch'],
  ])('prints the sample %j as its golden', async (extra, name) => {
    const r = await runCli([...BASE, ...extra], { cwd: SAMPLE });
    expect(r.code).toBe(0);
    expectGolden(r.stdout, golden(name));
    expectGolden(r.stderr, golden('expected.types.stderr.txt'));
  });

  it('keeps CRLF line ends: the patch of the CRLF buildfile applies and changes only launch types', async () => {
    const dir = copy();
    const r = await runCliBytes(
      ['types', '-b', 'board-crlf.build', 'trace.log', '--format', 'patch'],
      {
        cwd: dir,
      },
    );
    expectGolden(r.stdout.toString('latin1'), golden('expected.types-crlf.patch'));
    gitApply(dir, r.stdout);
    const after = readFileSync(path.join(dir, 'board-crlf.build'), 'utf8');
    expect(
      after
        .split('\r\n')
        .slice(0, -1)
        .every((l) => !l.includes('\n')),
    ).toBe(true);
    const lf = readFileSync(path.join(SAMPLE, 'board.build'), 'utf8');
    const patchedLf = await runCli(
      ['types', '-b', 'board.build', 'trace.log', '--format', 'patch'],
      {
        cwd: dir,
      },
    );
    gitApply(dir, Buffer.from(patchedLf.stdout));
    expect(after.replace(/\r\n/g, '\n')).toBe(readFileSync(path.join(dir, 'board.build'), 'utf8'));
    expect(lf).not.toBe(readFileSync(path.join(dir, 'board.build'), 'utf8'));
  });

  it('the patch applied and re-read gives every matched line its planned type, and no other line changes', async () => {
    const dir = copy();
    const json = JSON.parse((await runCli([...BASE, '--format', 'json'], { cwd: dir })).stdout) as {
      launches: Array<{ file: string; line: number; planned?: string; status: string }>;
    };
    const patch = await runCliBytes([...BASE, '--format', 'patch'], { cwd: dir });
    gitApply(dir, patch.stdout);
    const again = JSON.parse(
      (await runCli([...BASE, '--format', 'json'], { cwd: dir })).stdout,
    ) as typeof json;
    for (const [i, l] of json.launches.entries()) {
      const now = again.launches[i]!;
      if (l.status === 'untyped' || l.status === 'wrong-type') expect(now.status).toBe('ok');
      else expect(now.status).toBe(l.status);
    }
    // Lines that were not launch lines to change are byte for byte the same.
    for (const f of ['board.build', 'start-system.sh']) {
      const before = readFileSync(path.join(SAMPLE, f), 'utf8').split('\n');
      const after = readFileSync(path.join(dir, f), 'utf8').split('\n');
      expect(after).toHaveLength(before.length);
      const changed = new Set(
        json.launches
          .filter((l) => l.file === f && l.status !== 'ok' && l.planned)
          .map((l) => l.line),
      );
      before.forEach((line, i) => {
        if (!changed.has(i + 1)) expect(after[i]).toBe(line);
      });
    }
    // The re-read file has no finding left for --check but the lines no plan can fix.
    const check = await runCli([...BASE, '--check'], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).not.toMatch(/^\S+: (untyped|wrong-type) \(fails --check\)/m);
  });

  it('--check exits 1 on an untyped long-running launch, 0 when every long-running launch is typed right', async () => {
    expect((await runCli([...BASE, '--check'], { cwd: SAMPLE })).code).toBe(1);
    const dir = copy();
    writeFileSync(
      path.join(dir, 'ok.sh'),
      'PATH=/proc/boot\non -T slogger2_t slogger2 -U 20 &\nsecpolpush\n',
    );
    const ok = await runCli(['types', '-b', 'ok.sh', 'trace.log', '--check'], { cwd: dir });
    expect(ok.stdout).toContain('ok.sh:2: ok: proc/boot/slogger2');
    expect(ok.code).toBe(0);
    writeFileSync(path.join(dir, 'bad.sh'), 'PATH=/proc/boot\nslogger2 -U 20 &\n');
    const bad = await runCli(['types', '-b', 'bad.sh', 'trace.log', '--check'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('bad.sh:2: untyped (fails --check): proc/boot/slogger2');
  });

  it('exits 2 in words for a missing buildfile, standard input as a buildfile, or no --buildfile', async () => {
    const missing = await runCli(['types', '-b', 'nope.build', 'trace.log'], { cwd: SAMPLE });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read buildfile nope.build: no such file or directory');
    const dash = await runCli(['types', '-b', '-', 'trace.log'], { cwd: SAMPLE });
    expect(dash.code).toBe(2);
    const none = await runCli(['types', 'trace.log'], { cwd: SAMPLE });
    expect(none.code).toBe(2);
    expect(none.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('agrees with generate -c: every planned type of a launch line is a type of its draft', async () => {
    const draft = await runCli(['generate', 'trace.log', '-c'], { cwd: SAMPLE });
    const json = JSON.parse(
      (await runCli([...BASE, '--format', 'json'], { cwd: SAMPLE })).stdout,
    ) as {
      launches: Array<{ planned?: string }>;
    };
    const planned = json.launches.flatMap((l) => (l.planned ? [l.planned] : []));
    expect(planned.length).toBeGreaterThan(5);
    for (const t of planned) expect(draft.stdout).toContain(`type ${t};`);
  });

  it('with --policy plans as suggest -c --policy: the same launch types', async () => {
    const dir = copy();
    writeFileSync(path.join(dir, 'p.secpol'), 'type default;\ntype slogger2_t;\ntype devc_t;\n');
    const suggest = await runCli(['suggest', 'trace.log', '--policy', 'p.secpol', '-c'], {
      cwd: dir,
    });
    const launches = [
      ...suggest.stdout.matchAll(/^# launch (\S+) with `on -T (\w+) \.\.\.`/gm),
    ].map((m) => `${m[1]} ${m[2]}`);
    expect(launches.length).toBeGreaterThan(3);
    const json = JSON.parse(
      (await runCli([...BASE, '--policy', 'p.secpol', '--format', 'json'], { cwd: dir })).stdout,
    ) as { processes: Array<{ process: string; planned?: string; because: string }> };
    for (const l of launches) {
      const [process, type] = l.split(' ') as [string, string];
      expect(json.processes.find((p) => p.process === process)?.planned).toBe(type);
    }
  });

  it('never lets a hostile process name or type reach the script as shell text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[a-z;&|$`()<> '"\\-]{1,12}$/), async (name) => {
        const dir = mkdtempSync(path.join(tmpdir(), 'secpol-types-h-'));
        writeFileSync(
          path.join(dir, 't.log'),
          `error: proc/boot/${name} (pid:1) type default lacks ability IO as root\nerror: proc/boot/other (pid:2) type default lacks ability IO as root\n`,
        );
        writeFileSync(path.join(dir, 's.sh'), `PATH=/proc/boot\n${name} &\nother &\n`);
        const r = await runCli(['types', '-b', 's.sh', 't.log', '--format', 'patch'], { cwd: dir });
        expect(r.code).toBe(0);
        for (const line of r.stdout
          .split('\n')
          .filter((l) => l.startsWith('+') && !l.startsWith('+++'))) {
          const m = /on -T (\S+) /.exec(line);
          expect(m).not.toBeNull();
          expect(m![1]).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
          // The line is the original with only `on -T TYPE ` inserted.
          expect([`${name} &`, 'other &']).toContain(line.slice(1).replace(/on -T \S+ /, ''));
        }
        // Every script line is parsed the same way after the patch (nothing injected).
        const before = parseBuildfile(`PATH=/proc/boot\n${name} &\nother &\n`, { file: 's.sh' });
        expect(before.launches.length + before.diagnostics.length).toBeGreaterThan(0);
      }),
      { numRuns: 40, seed: 19 },
    );
  });
});
