/**
 * One CLI grammar (docs/cli.md): the same long names with the same meaning on
 * every command, monitor's secpolmonitor letters as aliases of long names,
 * usage errors and file errors in words, named pipes and process
 * substitution as trace inputs, `diff -` reading standard input.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../test-utils/run-cli';
import { usageWords } from './usage-words';
import { ioErrorWords } from '../errors';

const POLICY = 'samples/seed-walkthrough/policy.secpol';
const OTHER_POLICY = 'samples/multi-process-boot/policy.secpol';
const TRACE = 'samples/seed-walkthrough/trace.log';
const OTHER = 'samples/multi-process-boot/trace.log';
const RAW = /\bE[A-Z]{3,}\b|Z_[A-Z_]+|non-option|Argument:|Given:|YError/;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'grammar-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the same long name and meaning everywhere', () => {
  it.each([
    ['check', '--policy', POLICY, '-f', 'devf-ram', TRACE],
    ['explain', '--policy', POLICY, '-f', 'devf-ram', TRACE],
    ['suggest', '--policy', POLICY, '-f', 'devf-ram', TRACE],
    ['generate', '--name', 'devf-ram', TRACE],
    ['monitor', '-f', 'devf-ram', TRACE],
  ])('-f/--name takes one value and leaves the trace after it: %s', async (...argv) => {
    // Standard input is empty: were TRACE taken as a second name, nothing would be read.
    const r = await runCli(argv, { stdin: '' });
    expect(r.code).toBeLessThan(2);
    expect(r.stdout + r.stderr).toContain('devf-ram');
    expect(r.stdout).not.toContain('usr/bin/touch');
  });

  it.each([
    ['check', '--format', 'json', '--policy', POLICY, TRACE],
    ['explain', '--format', 'json', '--policy', POLICY, TRACE],
    ['harden', '--format', 'json', '--policy', POLICY, TRACE],
    ['suggest', '--format', 'json', TRACE],
    ['generate', '--format', 'json', TRACE],
    ['lint', '--format', 'json', POLICY],
    ['diff', '--format', 'json', POLICY, POLICY],
  ])('--format json prints one JSON document: %s', async (...argv) => {
    const r = await runCli(argv);
    expect(r.code).toBeLessThan(2);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });

  it('monitor --format json is JSON Lines; --json is kept as its alias; they must agree', async () => {
    const a = await runCli(['monitor', '--format', 'json', '-aps', TRACE]);
    const b = await runCli(['monitor', '--json', '-aps', TRACE]);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    for (const line of a.stdout.trim().split('\n')) expect(JSON.parse(line).schema).toBeDefined();
    const both = await runCli(['monitor', '--json', '--format', 'text', TRACE]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--json and --format text disagree');
  });

  it("monitor's secpolmonitor letters are aliases of long names", async () => {
    const short = await runCli(['monitor', '-apsrc', '-f', 'devf-ram', '-v', TRACE]);
    const long = await runCli([
      'monitor',
      '--abilities',
      '--paths',
      '--successes',
      '--repeats',
      '--combine',
      '--name',
      'devf-ram',
      '--verbose',
      TRACE,
    ]);
    expect(short.code).toBe(0);
    expect(long).toEqual(short);
    const out = path.join(dir, 'events.txt');
    expect((await runCli(['monitor', '--output', out, TRACE])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe((await runCli(['monitor', TRACE])).stdout);
  });

  it('--policy is repeatable on lint, and generate takes it as --base', async () => {
    const lint = await runCli([
      'lint',
      '--format',
      'json',
      '--policy',
      POLICY,
      '--policy',
      OTHER_POLICY,
    ]);
    expect(JSON.parse(lint.stdout).files).toEqual([POLICY, OTHER_POLICY]);
    // The same file named twice is one file of the policy (docs/reliability.md).
    const twice = await runCli([
      'lint',
      '--format',
      'json',
      '--policy',
      POLICY,
      '--policy',
      POLICY,
    ]);
    expect(JSON.parse(twice.stdout).files).toEqual([POLICY]);
    const viaBase = await runCli(['generate', '--base', POLICY, TRACE]);
    const viaPolicy = await runCli(['generate', '--policy', POLICY, TRACE]);
    expect(viaBase.code).toBe(0);
    expect(viaPolicy).toEqual(viaBase);
  });

  it('suggest and generate read --ranges: a named range of the policy covers what it holds', async () => {
    writeFileSync(
      path.join(dir, 'ranged.secpol'),
      'type ssh_privsep_t;\nrange uids;\nallow ssh_privsep_t self:ability { setuid:uids };\n',
    );
    writeFileSync(path.join(dir, 'ranges.txt'), 'setuid : uids : 10-20\n');
    writeFileSync(
      path.join(dir, 'setuid.log'),
      'error: usr/sbin/sshd (pid:4131) type ssh_privsep_t lacks ability SETUID(15) as root\n',
    );
    const base = ['--policy', 'ranged.secpol', 'setuid.log'];
    const without = await runCli(['suggest', ...base], { cwd: dir });
    expect(without.stdout).toContain('setuid:15');
    const withRanges = await runCli(['suggest', ...base, '--ranges', 'ranges.txt'], { cwd: dir });
    expect(withRanges.code).toBe(0);
    expect(withRanges.stdout).not.toContain('setuid:15');
    expect(withRanges.stderr).toContain('already allowed by ranged.secpol:3');
    const draft = await runCli(['generate', ...base, '--ranges', 'ranges.txt'], { cwd: dir });
    expect(draft.stdout).not.toContain('setuid:15');
  });

  it('suggest --collapse folds numbered device paths, marked', async () => {
    const trace = [0, 1, 2]
      .map(
        (n) =>
          `error: usr/sbin/devc-pty (pid:77) of type pty_t failed to attach to path /dev/ttyp${n}: no rule`,
      )
      .join('\n');
    const r = await runCli(['suggest', '--collapse'], { stdin: `${trace}\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('/dev/ttyp*');
    expect(r.stdout).toContain('# collapsed (--collapse): /dev/ttyp0 /dev/ttyp1 /dev/ttyp2');
    expect((await runCli(['suggest'], { stdin: `${trace}\n` })).stdout).toContain('/dev/ttyp1');
  });
});

describe('errors in words', () => {
  it.each([
    [
      ['check', '--policy', POLICY, '--format', 'xml', TRACE],
      '--format must be one of text, json, sarif (given: xml)',
    ],
    [['check', '--frobnicate', TRACE], 'unknown option --frobnicate'],
    [['diff', POLICY], 'missing argument (usage: secpol-learn diff <old> <new>)'],
    [['diff', POLICY, POLICY, POLICY], `unexpected argument '${POLICY}'`],
    [['chek'], "unknown command 'chek'; did you mean 'check'?"],
    [['suggest', 'no/such.log'], 'cannot read no/such.log: no such file or directory'],
    [['suggest', 'samples'], 'cannot read samples: is a directory'],
    [['monitor', 'samples'], 'samples: cannot read: is a directory'],
    [
      ['check', '--policy', 'no.secpol', TRACE],
      'cannot read policy no.secpol: no such file or directory',
    ],
    [
      ['check', '--policy', POLICY, '--ranges', 'no.txt', TRACE],
      'no.txt: cannot read the range file: no such file or directory',
    ],
    [
      ['lint', '--ranges', 'no.txt', POLICY],
      'no.txt: cannot read the range file: no such file or directory',
    ],
  ])('%j', async (argv, words) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`secpol-learn: ${words}`);
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stdout).toBe('');
  });

  it('names the subcommand help in a usage error', async () => {
    const r = await runCli(['harden', '--policy', POLICY, '--bogus']);
    expect(r.stderr).toContain("Try 'secpol-learn harden --help'.");
  });

  it('an unreadable trace is said in words', async () => {
    const f = path.join(dir, 'locked.log');
    writeFileSync(f, readFileSync(TRACE));
    chmodSync(f, 0o000);
    const r = await runCli(['suggest', f]);
    chmodSync(f, 0o600);
    // (root reads it anyway: then there is nothing to say)
    if (r.code === 2) expect(r.stderr).toBe(`secpol-learn: cannot read ${f}: permission denied\n`);
  });

  it('a system error the table does not know is said without its code', () => {
    const odd = Object.assign(new Error("EWEIRD: strange device state, read 'x'"), {
      code: 'EWEIRD',
    });
    expect(ioErrorWords(odd)).toBe('strange device state');
    expect(ioErrorWords(Object.assign(new Error('EWEIRD'), { code: 'EWEIRD' }))).toBe(
      'system error',
    );
    expect(ioErrorWords(Object.assign(new Error('x'), { code: 'Z_DATA_ERROR' }))).toBe(
      'corrupt gzip data',
    );
  });

  it('words for messages yargs may give in other forms', () => {
    expect(usageWords('Missing required argument: policy', [])).toBe('missing --policy');
    expect(usageWords('Not enough arguments following: f', [])).toBe('-f needs a value');
    expect(usageWords('Unknown arguments: x, y', ['x', '-y'])).toBe(
      "unknown option -y; unexpected argument 'x'",
    );
  });
});

describe('pipes as trace inputs', () => {
  const bin = path.join(__dirname, '..', 'bin.ts');
  const shell = (script: string): ReturnType<typeof spawnSync> =>
    spawnSync('bash', ['-c', script], {
      encoding: 'utf8',
      env: { ...process.env, CLI: `${process.execPath} -r ts-node/register/transpile-only ${bin}` },
      cwd: path.join(__dirname, '..', '..'),
    });

  it('reads a process substitution and a named pipe like the file', async () => {
    const expected = (await runCli(['suggest', '--format', 'json', TRACE])).stdout.replaceAll(
      `"${TRACE}"`,
      '"X"',
    );
    const fifo = path.join(dir, 'trace.fifo');
    const r = shell(
      `$CLI suggest --format json <(cat ${TRACE}) > ${dir}/a.json && mkfifo ${fifo} && (cat ${TRACE} > ${fifo} &) && $CLI check --policy ${POLICY} ${fifo} > ${dir}/check.txt; echo "check $?"`,
    );
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stdout).toBe('check 1\n');
    const a = readFileSync(path.join(dir, 'a.json'), 'utf8').replace(/"\/dev\/fd\/\d+"/g, '"X"');
    expect(a).toBe(expected);
    expect(readFileSync(path.join(dir, 'check.txt'), 'utf8')).toContain(`${fifo}:19: uncovered`);
  }, 120_000);

  it('diff - reads the first policy from standard input', async () => {
    const policy = readFileSync(POLICY, 'utf8');
    const same = await runCli(['diff', '-', POLICY], { stdin: policy });
    expect(same.code).toBe(0);
    const other = await runCli(['diff', '-', POLICY], { stdin: 'type fs_t;\n' });
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('fs_nonuser_t');
    const bad = await runCli(['diff', '-', POLICY], { stdin: 'allow x y;\n' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('-:1:10: error');
    expect((await runCli(['diff', '-', '-'])).stderr).toContain(
      'only one side can be standard input',
    );
  });

  it('summarize reads a process substitution and a named pipe once, like the file', async () => {
    // Read twice, a pipe is empty the second time (the review atoms were lost) and a FIFO waits
    // for a writer that never comes.
    const expected = (await runCli(['summarize', TRACE])).stdout;
    expect(expected).toContain('review-atom');
    const fifo = path.join(dir, 'summary.fifo');
    const r = shell(
      `$CLI summarize <(cat ${TRACE}) > ${dir}/sub.jsonl && mkfifo ${fifo} && (cat ${TRACE} > ${fifo} &) && timeout 60 $CLI summarize ${fifo} > ${dir}/fifo.jsonl; echo "summarize $?"`,
    );
    expect(r.stdout).toBe('summarize 0\n');
    const asFile = (text: string, name: RegExp): string =>
      text.replace(name, JSON.stringify(TRACE).slice(1, -1));
    expect(asFile(readFileSync(path.join(dir, 'sub.jsonl'), 'utf8'), /\/dev\/fd\/\d+/g)).toBe(
      expected,
    );
    expect(asFile(readFileSync(path.join(dir, 'fifo.jsonl'), 'utf8'), new RegExp(fifo, 'g'))).toBe(
      expected,
    );
  }, 120_000);

  it('monitor reads a named pipe', async () => {
    const fifo = path.join(dir, 'monitor.fifo');
    const r = shell(`mkfifo ${fifo} && (cat ${OTHER} > ${fifo} &) && $CLI monitor -aps ${fifo}`);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe((await runCli(['monitor', '-aps', OTHER])).stdout);
  }, 120_000);
});
