/**
 * `suggest --follow` announces each new planned item on stderr as the
 * stream grows (`secpol-learn: new: RULE (first seen FILE:LINE)`), and its
 * final patch is the bytes `suggest` prints without --follow. No test waits
 * a fixed time: each waits for the output it expects.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { run } from './run';
import { runCli } from '../test-utils/run-cli';
import { SEED_FIRST, SEED_POLICY, SEED_REST, capture, until } from '../test-utils/live';
import { generatedTrace } from '../test-utils/generated-trace';

const ROOT = path.join(__dirname, '..', '..');

const newLines = (stderr: string): string[] =>
  stderr.split('\n').filter((l) => l.startsWith('secpol-learn: new: '));

describe('suggest --follow', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('announces each item of a growing file as it appears; the patch is the one without --follow', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'suggest-follow-'));
    dirs.push(dir);
    const f = path.join(dir, 'live.log');
    writeFileSync(f, SEED_FIRST);
    const out = capture();
    const err = capture();
    const pending = run(['suggest', '--follow', '--explain', '--policy', SEED_POLICY, f], {
      stdin: Readable.from([]),
      stdout: out.stream,
      stderr: err.stream,
      env: {},
      cwd: ROOT,
    });
    await until(() => newLines(err.text()).length === 1);
    expect(newLines(err.text())).toEqual([
      `secpol-learn: new: allow fs_user_t self:ability { pathspace }; (first seen ${f}:1)`,
    ]);
    expect(out.text()).toBe('');
    appendFileSync(f, SEED_REST);
    await until(() => newLines(err.text()).length === 4);
    process.emit('SIGINT');
    expect(await pending).toBe(0);
    expect(newLines(err.text()).slice(1)).toEqual([
      `secpol-learn: new: allow fs_nonuser_t fs_t:channel connect; (first seen ${f}:19)`,
      `secpol-learn: new: allow_attach fs_nonuser_t /; (first seen ${f}:4)`,
      `secpol-learn: new: allow_link fs_nonuser_t /tmp/; (first seen ${f}:27)`,
    ]);
    const whole = await runCli(['suggest', '--explain', '--policy', SEED_POLICY, f]);
    expect(out.text()).toBe(whole.stdout);
  });

  it('prints the same patch bytes as without --follow on a generated trace, each item announced once', async () => {
    const text = await generatedTrace(5, 3000);
    const follow = await runCli(['suggest', '--follow', '-c', '-'], { stdin: text });
    const plain = await runCli(['suggest', '-c', '-'], { stdin: text });
    expect(follow.code).toBe(0);
    expect(follow.stdout).toBe(plain.stdout);
    const lines = newLines(follow.stderr);
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines).size).toBe(lines.length);
    // Everything else on stderr is what suggest says without --follow.
    expect(follow.stderr.split('\n').filter((l) => !l.startsWith('secpol-learn: new: '))).toEqual(
      plain.stderr.split('\n'),
    );
  });
});
