/**
 * `--follow` on `check` and `suggest` (src/cli/follow.ts): a live stream
 * through a pipe from a child process, a growing file, and SIGINT/SIGTERM
 * ending the reading but not the command. No test waits a fixed time: each
 * waits for the output or the state it expects.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { run } from './run';
import { runCli } from '../test-utils/run-cli';
import { track } from '../test-utils/children';
import { SEED, SEED_FIRST, SEED_POLICY, SEED_REST, capture, until } from '../test-utils/live';

const ROOT = path.join(__dirname, '..', '..');

describe('check --follow, a child process reading a pipe', () => {
  const start = (): { child: ReturnType<typeof spawn>; out: () => string; err: () => string } => {
    const child = track(
      spawn(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          path.join(__dirname, '..', 'bin.ts'),
          'check',
          '--follow',
          '--policy',
          SEED_POLICY,
        ],
        { stdio: ['pipe', 'pipe', 'pipe'] },
      ),
    );
    let out = '';
    let err = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    return { child, out: () => out, err: () => err };
  };

  it('prints each uncovered failure as it arrives and exits 1 when the input ends', async () => {
    const { child, out, err } = start();
    const exited = new Promise<number | null>((res) => child.on('close', res));
    child.stdin!.write(SEED_FIRST);
    // The pipe stays open: the first failure must be printed without waiting for more input.
    await until(() => out().includes('\n'));
    expect(out()).toBe(
      '-:1: uncovered: sbin/devf-ram (fs_user_t) pathspace as root: type fs_user_t lacks ability pathspace as root [no-ability]\n',
    );
    child.stdin!.end(SEED_REST);
    expect(await exited).toBe(1);
    expect(out()).toContain('-:19: uncovered: usr/bin/touch');
    expect(out().split('\n').filter(Boolean)).toHaveLength(4);
    expect(err()).toContain('secpol-learn check: FAIL: 4 failure record(s)');
  }, 60_000);

  it('stops reading on SIGTERM, prints the summary and exits with the usual status', async () => {
    const { child, out, err } = start();
    const exited = new Promise<number | null>((res) => child.on('close', res));
    child.stdin!.write(SEED_FIRST);
    await until(() => out().includes('\n'));
    child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(err()).toContain('secpol-learn check: FAIL: 1 failure record(s)');
    child.stdin!.destroy();
  }, 60_000);
});

describe('--follow in process', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tempDir = (): string => {
    const d = mkdtempSync(path.join(tmpdir(), 'follow-'));
    dirs.push(d);
    return d;
  };

  it('check follows a growing file until SIGINT; uncovered lines come as the file grows', async () => {
    const f = path.join(tempDir(), 'live.log');
    writeFileSync(f, SEED_FIRST);
    const out = capture();
    const err = capture();
    const pending = run(['check', '--follow', '--policy', SEED_POLICY, f], {
      stdin: Readable.from([]),
      stdout: out.stream,
      stderr: err.stream,
      env: {},
      cwd: ROOT,
    });
    await until(() => out.text().includes('\n'));
    expect(out.text()).toBe(
      `${f}:1: uncovered: sbin/devf-ram (fs_user_t) pathspace as root: type fs_user_t lacks ability pathspace as root [no-ability]\n`,
    );
    appendFileSync(f, SEED_REST);
    await until(() => out.text().includes(`${f}:27:`));
    process.emit('SIGINT');
    expect(await pending).toBe(1);
    expect(out.text().split('\n').filter(Boolean)).toHaveLength(4);
    expect(err.text()).toContain('secpol-learn check: FAIL: 4 failure record(s)');
  });

  it('suggest --follow prints the patch on SIGTERM, from what was read', async () => {
    const stdin = new PassThrough();
    const out = capture();
    const before = process.listenerCount('SIGTERM');
    const pending = run(['suggest', '--follow'], {
      stdin,
      stdout: out.stream,
      stderr: capture().stream,
      env: {},
      cwd: ROOT,
    });
    stdin.write(SEED);
    // Listening, and the input read (the pipe stays open: only the signal ends it).
    await until(() => process.listenerCount('SIGTERM') > before && stdin.readableLength === 0);
    await new Promise((res) => setImmediate(res));
    expect(out.text()).toBe('');
    process.emit('SIGTERM');
    expect(await pending).toBe(0);
    const whole = await runCli(['suggest'], { stdin: SEED });
    expect(out.text()).toBe(whole.stdout);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('suggest --follow prints the patch when a pipe ends', async () => {
    const r = await runCli(['suggest', '--follow', '-'], { stdin: SEED });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe((await runCli(['suggest'], { stdin: SEED })).stdout);
  });

  it('--follow reads one input', async () => {
    const r = await runCli(['check', '--follow', '--policy', SEED_POLICY, 'a.log', 'b.log']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--follow reads one input');
  });
});
