/**
 * CLI tests of `secpol-learn monitor`, in-process: goldens over samples/
 * (`-apsr` text and `--json`), stdin, -o, filters, exit codes.
 */
import { mkdtempSync, readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Readable, Writable } from 'node:stream';
import { runCli } from '../../test-utils/run-cli';
import { run } from '../run';
import { expectGolden } from '../../test-utils/golden';

const SAMPLES = 'samples';
const SEED = 'samples/seed-walkthrough/trace.log';
// Our samples, plus any other sample folder that opted in by holding a trace and an expected.monitor.txt.
const traceSamples = readdirSync(SAMPLES).filter(
  (d) =>
    ['seed-walkthrough', 'slog2-serial-crlf'].includes(d) ||
    (existsSync(path.join(SAMPLES, d, 'trace.log')) &&
      existsSync(path.join(SAMPLES, d, 'expected.monitor.txt'))),
);

describe('monitor goldens', () => {
  test.each(traceSamples)('%s', async (name) => {
    const trace = path.join(SAMPLES, name, 'trace.log');
    const text = await runCli(['monitor', '-apsr', trace]);
    expect(text.code).toBe(0);
    expectGolden(text.stdout, path.join(SAMPLES, name, 'expected.monitor.txt'));
    const json = await runCli(['monitor', '-apsr', '--json', trace]);
    expect(json.code).toBe(0);
    expectGolden(json.stdout, path.join(SAMPLES, name, 'expected.monitor.jsonl'));
    for (const line of json.stdout.trim().split('\n'))
      expect(JSON.parse(line).schema).toBe('secpol-learn/trace-event@1');
  });
});

describe('monitor command', () => {
  test('default: failures only, first per process and check; summary on stderr', async () => {
    const r = await runCli(['monitor', SEED]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      'error: sbin/devf-ram (pid:2670618) type fs_user_t lacks ability PATHSPACE as root',
      'error: sbin/devf-ram (pid:2773018) of type fs_nonuser_t failed to attach to path /: no rule',
      'error: usr/bin/touch (pid:2936859) type fs_nonuser_t lacks ability CHANNEL_CONNECT(1) (fs_t) as root',
      'error: proc/boot/ln (pid:2973723) of type fs_nonuser_t failed to attach to path /tmp/: no rule',
    ]);
    expect(r.stderr).toContain(
      `${SEED}: 28 lines, 12 records (6 ability, 5 attach, 1 link, 0 unknown form), 0 not understood`,
    );
  });

  test('reads stdin for - and for no argument; gzip too', async () => {
    const seed = readFileSync(SEED);
    const a = await runCli(['monitor', '-aps', '-'], { stdin: seed });
    const b = await runCli(['monitor', '-aps'], { stdin: gzipSync(seed) });
    expect(a.stdout.split('\n').filter(Boolean)).toHaveLength(12);
    expect(b.stdout).toBe(a.stdout);
  });

  test('-a, -p and -f select kinds and processes', async () => {
    const abil = await runCli(['monitor', '-as', SEED]);
    expect(
      abil.stdout
        .trim()
        .split('\n')
        .every((l) => l.includes(' ability ')),
    ).toBe(true);
    const paths = await runCli(['monitor', '-ps', '-f', 'ln', SEED]);
    expect(paths.stdout.trim().split('\n')).toHaveLength(2);
  });

  test('repeats are removed per process unless -r; -c merges pids', async () => {
    const trace = [
      'error: a (pid:1) type t lacks ability IO as root',
      'error: a (pid:1) type t lacks ability IO as root',
      'error: a (pid:2) type t lacks ability IO as root',
      '',
    ].join('\n');
    expect((await runCli(['monitor'], { stdin: trace })).stdout.trim().split('\n')).toHaveLength(2);
    expect(
      (await runCli(['monitor', '-r'], { stdin: trace })).stdout.trim().split('\n'),
    ).toHaveLength(3);
    expect(
      (await runCli(['monitor', '-c'], { stdin: trace })).stdout.trim().split('\n'),
    ).toHaveLength(1);
  });

  test('unknown forms are hidden but counted, shown with -u; -v adds places', async () => {
    const trace = 'error: io-sock (pid:9) sent an unregistered sigevent\nhello\n';
    const hidden = await runCli(['monitor'], { stdin: trace });
    expect(hidden.stdout).toBe('');
    expect(hidden.stderr).toContain('1 unknown-form records hidden');
    expect(hidden.stderr).toContain('1 not understood; first at -:2');
    const shown = await runCli(['monitor', '-u', '-v'], { stdin: trace });
    expect(shown.stdout).toBe('-:1: error: io-sock (pid:9) sent an unregistered sigevent\n');
    expect(shown.stderr).toContain('-:2: warning: line not understood');
  });

  test('-i re-reports late uses; says so when there are no times', async () => {
    const trace = [
      '[ 1.0] error: a (pid:1) type t lacks ability IO as root',
      '[ 2.0] error: a (pid:1) type t lacks ability IO as root',
      '[ 9.0] error: a (pid:1) type t lacks ability IO as root',
      '[ 9.5] error: a (pid:1) type t lacks ability IO as root',
      '',
    ].join('\n');
    expect(
      (await runCli(['monitor', '-i', '5'], { stdin: trace })).stdout.trim().split('\n'),
    ).toHaveLength(2);
    const none = await runCli(['monitor', '-i', '5', SEED]);
    expect(none.stderr).toContain('the trace has no times');
  });

  test('-o writes a file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'monitor-'));
    const out = path.join(dir, 'out.txt');
    const r = await runCli(['monitor', '-o', out, SEED]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean)).toHaveLength(4);
  });

  test('-o over many slow batches (1 MiB chunks, each waiting for a drain): every line written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'monitor-'));
    const trace = path.join(dir, 'trace.log');
    const out = path.join(dir, 'out.txt');
    const line = 'error: sbin/a (pid:1) of type t failed to attach to path /x: no rule\n';
    writeFileSync(trace, line.repeat(200_000));
    const r = await runCli(['monitor', '-o', out, trace]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(line.repeat(200_000));
  });

  test('an unreadable file exits 2 with one line naming it', async () => {
    const r = await runCli(['monitor', 'no/such/trace.log']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toContain('no/such/trace.log');
    expect(r.stderr).not.toContain('    at ');
  });

  test('--help has examples', async () => {
    const r = await runCli(['monitor', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('monitor -apsr boot.log');
  });

  test('--follow reads a file that is complete (stops on SIGINT)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'monitor-'));
    const f = path.join(dir, 't.log');
    writeFileSync(f, 'error: a (pid:1) type t lacks ability IO as root\n');
    const pending = runCli(['monitor', '--follow', f]);
    await new Promise((res) => setTimeout(res, 300));
    process.emit('SIGINT');
    const r = await pending;
    expect(r.stdout).toBe('error: a (pid:1) type t lacks ability IO as root\n');
  });

  test('--follow prints the newest complete record at once and notices truncation', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'monitor-'));
    const f = path.join(dir, 't.log');
    writeFileSync(f, 'error: aaaaaaaa (pid:1) type t lacks ability IO as root\n');
    const seen = { out: '', err: '' };
    const sink = (key: 'out' | 'err'): Writable =>
      new Writable({
        write(chunk: Buffer, _enc, cb): void {
          seen[key] += chunk.toString();
          cb();
        },
      });
    const until = async (ok: () => boolean): Promise<void> => {
      for (let i = 0; i < 100 && !ok(); i++) await new Promise((res) => setTimeout(res, 50));
    };
    const pending = run(['monitor', '--follow', f], {
      stdin: Readable.from([]),
      stdout: sink('out'),
      stderr: sink('err'),
      env: {},
      cwd: process.cwd(),
    });
    try {
      // No further line arrives: the record is complete and must not wait for one.
      await until(() => seen.out.includes('type t lacks'));
      expect(seen.out).toBe('error: aaaaaaaa (pid:1) type t lacks ability IO as root\n');
      // copytruncate: the file is emptied and written again, shorter than before.
      writeFileSync(f, 'error: b (pid:2) type u lacks ability IO as root\n');
      await until(() => seen.out.includes('type u'));
      expect(seen.err).toContain(`${f}: truncated (rotated?); reading it again from the start`);
      expect(seen.out).toBe(
        'error: aaaaaaaa (pid:1) type t lacks ability IO as root\nerror: b (pid:2) type u lacks ability IO as root\n',
      );
    } finally {
      process.emit('SIGINT');
      await pending;
    }
  });
});
