/**
 * `npm run bench`: measures the built CLI on generated traces of 100k, 1M and
 * 10M lines (`--quick`: 100k and 1M): `monitor` (plain and `-aps`), `suggest` and
 * `generate` as child processes (wall time and peak RSS via `/usr/bin/time -v`
 * when present), `suggest` on the trace as standard input and gzipped,
 * `check`, `explain`, `harden` and `review --no-interactive` (all threads)
 * against a policy of its types, `summarize`, `wc -l` on the same file in the
 * same run, start-up (`--help`, `suggest` and `check` of a 10-line trace), a
 * 10,000-type policy (lint, suggest over 1M lines against it),
 * scaling inputs timed at two sizes (many requirements, a type with many
 * paths, many executables, large policies), every trace-reading command over
 * 1M distinct failures against the 1 GB budget (not with `--quick`), and
 * audit2allow on an SELinux log of the same line count when it is installed
 * (never installed by the bench). Prints the table and writes it into
 * docs/performance.md between the `bench:start`/`bench:end` markers.
 *
 * Not part of the CLI or the public API. Traces are written under
 * bench-out/ (git-ignored) and deleted at the end unless `--keep`.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  openSync,
  promises as fs,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { generateTrace } from './generate-trace';
import { writeDistinctFailures } from './distinct-failures';
import {
  bigPolicy,
  distinctFailures,
  selinuxLog,
  sharedTypeProcesses,
  wideTypeFailures,
  wideTypePolicy,
} from './bench-inputs';
import { appendAll } from '../arrays';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'dist', 'bin.js');
const OUT = path.join(ROOT, 'bench-out');
const DOC = path.join(ROOT, 'docs', 'performance.md');
const TIME = '/usr/bin/time';

/** One measured run. */
interface Measure {
  seconds: number;
  /** Peak resident set, MB; undefined without /usr/bin/time. */
  rssMb?: number;
  /** User + system CPU seconds (all threads, GC helpers included); undefined without /usr/bin/time. */
  cpu?: number;
  /** Exit status 0, or 1 (our commands' "findings"). */
  ok: boolean;
  status: number | null;
}

/** Runs a command with stdout discarded (stdin from `stdinFile`); wall time (hrtime) and peak RSS (/usr/bin/time -v). */
function measure(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  stdinFile?: string,
): Measure {
  const hasTime = existsSync(TIME);
  const argv = hasTime ? ['-v', cmd, ...args] : args;
  const stdin = stdinFile !== undefined ? openSync(stdinFile, 'r') : 'ignore';
  const t0 = process.hrtime.bigint();
  const r = spawnSync(hasTime ? TIME : cmd, argv, {
    stdio: [stdin, 'ignore', 'pipe'],
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (typeof stdin === 'number') closeSync(stdin);
  const err = r.stderr?.toString('utf8') ?? '';
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
  const out: Measure = { seconds, ok: r.status === 0 || r.status === 1, status: r.status };
  if (m) out.rssMb = Number(m[1]) / 1024;
  const user = /User time \(seconds\): ([\d.]+)/.exec(err);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(err);
  if (user && sys) out.cpu = Number(user[1]) + Number(sys[1]);
  return out;
}

/**
 * audit2allow (Debian's policycoreutils-python-utils) over an SELinux log of
 * 1M lines, against the first binary policy under /etc/selinux (Debian's
 * selinux-policy-default installs one; without `-p` and without SELinux
 * running, audit2allow stops at once). Skipped, saying why, when either is
 * missing: the bench never installs anything.
 */
function audit2allowNote(suggest1m: Measure | undefined): string {
  const which = spawnSync('sh', ['-c', 'command -v audit2allow'], { encoding: 'utf8' });
  if (which.status !== 0 || which.stdout.trim() === '')
    return '- audit2allow: not installed on this machine; skipped (the bench never installs it).';
  const policy = binarySelinuxPolicy();
  if (policy === undefined)
    return '- audit2allow: installed, but no binary SELinux policy under /etc/selinux (`selinux-policy-default`); skipped.';
  const avc = path.join(OUT, 'avc-1m.log');
  writeFileSync(avc, selinuxLog(1_000_000));
  const a = measure(which.stdout.trim(), ['-p', policy, '-i', avc]);
  rmSync(avc, { force: true });
  const ratio =
    suggest1m !== undefined
      ? ` secpol-learn \`suggest\` on one thread over the 1M-line trace: ${fmt(suggest1m.seconds)} s, ${fmt(a.seconds / suggest1m.seconds, 0)}× faster${a.rssMb !== undefined && suggest1m.rssMb !== undefined ? `, ${fmt(a.rssMb / suggest1m.rssMb, 0)}× less memory` : ''}.`
      : '';
  return `- audit2allow (\`-p ${policy}\`) on a 1M-line SELinux log: ${fmt(a.seconds)} s${a.status === 0 ? '' : ' (FAILED)'}, peak ${a.rssMb !== undefined ? fmt(a.rssMb, 0) : 'n/a'} MB (${fmt(1e6 / a.seconds, 0)} lines/s).${ratio}`;
}

/** The first `/etc/selinux/NAME/policy/policy.N`, or undefined. */
function binarySelinuxPolicy(): string | undefined {
  const root = '/etc/selinux';
  if (!existsSync(root)) return undefined;
  for (const name of readdirSync(root).sort()) {
    const dir = path.join(root, name, 'policy');
    if (!existsSync(dir)) continue;
    const file = readdirSync(dir)
      .filter((f) => /^policy\.\d+$/.test(f))
      .sort()
      .pop();
    if (file !== undefined) return path.join(dir, file);
  }
  return undefined;
}

async function writeTrace(file: string, lines: number): Promise<number> {
  const out = createWriteStream(file);
  await generateTrace({ seed: 1, lines, out });
  await new Promise<void>((resolve, reject) =>
    out.end((e?: Error | null) => (e ? reject(e) : resolve())),
  );
  return statSync(file).size;
}

/** The types of generate-trace.ts's records, one grant each: the review commands' policy. */
const REVIEW_POLICY = [
  'type fs_t;',
  'type fs_user_t;',
  'type init_t;',
  'type io_sock_t;',
  'type screen_t;',
  'allow fs_user_t self:ability { pathspace };',
  'allow_attach fs_t /dev/fsF;',
  '',
].join('\n');

const fmt = (n: number, d = 2): string => n.toFixed(d);
const cpuText = (m: Measure): string => (m.cpu !== undefined ? fmt(m.cpu) : 'n/a');
const mlps = (lines: number, s: number): string => fmt(lines / s / 1e6);

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const keep = process.argv.includes('--keep');
  const sizes = quick ? [100_000, 1_000_000] : [100_000, 1_000_000, 10_000_000];
  await fs.mkdir(OUT, { recursive: true });
  const rows: string[] = [];
  const notes: string[] = [];
  const log = (s: string): void => void process.stdout.write(`${s}\n`);
  rows.push(
    '| lines | MB | command | threads | wall s | CPU s | M lines/s | MB/s | × `wc -l` | peak RSS MB |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  // A policy of the generated trace's types, for the review commands.
  const reviewPolicy = path.join(OUT, 'review-policy.secpol');
  await fs.writeFile(reviewPolicy, REVIEW_POLICY);
  let trace1m = '';
  /** `suggest` on one thread over the 1M-line trace: what audit2allow is compared with. */
  let suggest1m: Measure | undefined;
  for (const lines of sizes) {
    const file = path.join(OUT, `trace-${lines}.log`);
    log(`generating ${lines} lines…`);
    const bytes = await writeTrace(file, lines);
    const mb = bytes / 1e6;
    const wc = measure('wc', ['-l', file]);
    rows.push(
      `| ${lines} | ${fmt(mb, 0)} | \`wc -l\` | 1 | ${fmt(wc.seconds, 3)} | ${cpuText(wc)} | ${mlps(lines, wc.seconds)} | ${fmt(mb / wc.seconds, 0)} | 1 | ${wc.rssMb !== undefined ? fmt(wc.rssMb, 0) : 'n/a'} |`,
    );
    // The same trace gzipped (level 1) and on standard input: each is one stream, cut into
    // batches as it is read when learned on several threads (src/cli/parallel/read-stream-parallel.ts).
    const gz = `${file}.gz`;
    await pipeline(createReadStream(file), createGzip({ level: 1 }), createWriteStream(gz));
    const all = String(os.availableParallelism());
    const one = { SECPOL_LEARN_THREADS: '1' };
    const runs: Array<[string, string[], Record<string, string>, string, string?]> = [
      ['monitor', ['monitor', file], {}, '1'],
      ['monitor -aps', ['monitor', '-aps', file], {}, '1'],
      ['suggest', ['suggest', file], one, '1'],
      ['suggest', ['suggest', file], {}, all],
      ['generate', ['generate', file], one, '1'],
      ['generate', ['generate', file], {}, all],
      ['suggest `< trace`', ['suggest'], one, '1', file],
      ['suggest `< trace`', ['suggest'], {}, all, file],
      ['suggest `trace.gz`', ['suggest', gz], one, '1'],
      ['suggest `trace.gz`', ['suggest', gz], {}, all],
      // The review commands read through the same learner (review mode), beside `wc -l`.
      ['check', ['check', '--policy', reviewPolicy, file], {}, all],
      ['explain', ['explain', '--policy', reviewPolicy, file], {}, all],
      ['harden', ['harden', '--policy', reviewPolicy, file], {}, all],
      // The other trace readers: the learner's result as a summary file, and review's CI mode.
      ['summarize', ['summarize', file], {}, all],
      [
        'review --no-interactive',
        ['review', '--no-interactive', '--policy', reviewPolicy, file],
        {},
        all,
      ],
    ];
    for (const [name, args, env, threads, stdinFile] of runs) {
      const m = measure(process.execPath, [BIN, ...args], env, stdinFile);
      if (lines === 1_000_000 && name === 'suggest' && threads === '1') suggest1m = m;
      const line = `| ${lines} | ${fmt(mb, 0)} | ${name}${m.ok ? '' : ' (FAILED)'} | ${threads} | ${fmt(m.seconds)} | ${cpuText(m)} | ${mlps(lines, m.seconds)} | ${fmt(mb / m.seconds, 0)} | ${fmt(m.seconds / wc.seconds, 0)} | ${m.rssMb !== undefined ? fmt(m.rssMb, 0) : 'n/a'} |`;
      rows.push(line);
      log(line);
    }
    if (!keep) await fs.rm(gz);
    if (lines === 1_000_000) trace1m = file;
    else if (!keep) await fs.rm(file);
  }

  // Start-up.
  const tiny = path.join(OUT, 'trace-10.log');
  await writeTrace(tiny, 10);
  // Five runs each, alternating, the median shown: one run after the 10M-line ones mostly
  // measured the machine's load.
  const helpMs: number[] = [];
  const smallMs: number[] = [];
  const smallCheckMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    helpMs.push(measure(process.execPath, [BIN, '--help']).seconds * 1000);
    smallMs.push(measure(process.execPath, [BIN, 'suggest', tiny]).seconds * 1000);
    const check = ['check', '--policy', reviewPolicy, tiny];
    smallCheckMs.push(measure(process.execPath, [BIN, ...check]).seconds * 1000);
  }
  const spread = (ms: number[]): string => {
    const sorted = [...ms].sort((a, b) => a - b);
    return `${fmt(sorted[2]!, 0)} ms (${fmt(sorted[0]!, 0)}–${fmt(sorted[4]!, 0)})`;
  };
  notes.push(
    `- Start-up, median of five runs (fastest–slowest): \`secpol-learn --help\` ${spread(helpMs)}; \`suggest\` on a 10-line trace ${spread(smallMs)}; \`check\` on it ${spread(smallCheckMs)}.`,
  );

  // Large policy: 10,000 types, lint, then suggest over the 1M-line trace against it.
  const policy = path.join(OUT, 'policy-10k.secpol');
  await fs.writeFile(policy, bigPolicy(10_000));
  const lint = measure(process.execPath, [BIN, 'lint', policy]);
  const against = measure(process.execPath, [BIN, 'suggest', trace1m, '--policy', policy]);
  notes.push(
    `- 10,000-type policy (${fmt(statSync(policy).size / 1e6, 1)} MB): \`lint\` ${fmt(lint.seconds)} s${lint.ok ? '' : ' (FAILED)'}, peak ${lint.rssMb !== undefined ? fmt(lint.rssMb, 0) : 'n/a'} MB; \`suggest --policy\` over 1M lines ${fmt(against.seconds)} s${against.ok ? '' : ' (FAILED)'}, peak ${against.rssMb !== undefined ? fmt(against.rssMb, 0) : 'n/a'} MB.`,
  );

  // Scaling: inputs that were quadratic once (docs/performance.md § Scaling). Each is timed at
  // two sizes: a ratio near 2 is linear work, near 4 quadratic.
  const scaling: string[] = [];
  const scale = async (
    label: string,
    sizes: [number, number],
    files: (n: number) => Array<[string, string]>,
    args: (paths: string[]) => string[],
  ): Promise<void> => {
    const runs: Measure[] = [];
    for (const n of sizes) {
      const paths: string[] = [];
      for (const [name, text] of files(n)) {
        const f = path.join(OUT, `scale-${n}-${name}`);
        await fs.writeFile(f, text);
        paths.push(f);
      }
      runs.push(measure(process.execPath, [BIN, ...args(paths)], { SECPOL_LEARN_THREADS: '1' }));
      for (const f of paths) await fs.rm(f, { force: true });
    }
    const [a, b] = runs as [Measure, Measure];
    const ok = a.ok && b.ok ? '' : ' (FAILED)';
    scaling.push(
      `| ${label} | ${sizes[0]} / ${sizes[1]} | ${fmt(a.seconds)} / ${fmt(b.seconds)}${ok} | ${fmt(b.seconds / a.seconds, 1)} | ${b.rssMb !== undefined ? fmt(b.rssMb, 0) : 'n/a'} |`,
    );
  };
  log('scaling…');
  // N distinct failures against the 10,000-type policy, for three commands.
  const againstBigPolicy = (n: number): Array<[string, string]> => [
    ['trace.log', distinctFailures(n)],
    ['policy.secpol', bigPolicy(10_000)],
  ];
  for (const [label, command, ...rest] of [
    ['`suggest --policy` (10,000 types), N distinct failures', 'suggest'],
    [
      '`suggest --policy --format patch` (10,000 types), N distinct failures',
      'suggest',
      '--format',
      'patch',
    ],
    ['`harden --policy` (10,000 types), N distinct records', 'harden'],
  ] as Array<[string, string, ...string[]]>) {
    await scale(label, [10_000, 20_000], againstBigPolicy, ([t, p]) => [
      command,
      t!,
      '--policy',
      p!,
      ...rest,
    ]);
  }
  await scale(
    '`check --policy`, one type with N attach paths, N failures',
    [10_000, 20_000],
    (n) => [
      ['trace.log', wideTypeFailures(n)],
      ['policy.secpol', wideTypePolicy(n)],
    ],
    ([t, p]) => ['check', t!, '--policy', p!],
  );
  await scale(
    '`diff`, one type with N attach paths, all changed',
    [10_000, 20_000],
    (n) => [
      ['old.secpol', wideTypePolicy(n, 'x')],
      ['new.secpol', wideTypePolicy(n, 'y')],
    ],
    ([a, b]) => ['diff', a!, b!],
  );
  await scale(
    '`suggest -c`, N executables sharing one type',
    [4_000, 8_000],
    (n) => [['trace.log', sharedTypeProcesses(n)]],
    ([t]) => ['suggest', '-c', t!],
  );
  await scale(
    '`lint`, N-type policy',
    [10_000, 20_000],
    (n) => [['policy.secpol', bigPolicy(n)]],
    ([p]) => ['lint', p!],
  );
  notes.push(
    '',
    'Scaling (one thread; wall seconds at two sizes; a ratio near 2 is linear, near 4 quadratic):',
    '',
    '| input | N | seconds | ratio | peak RSS MB (larger N) |',
    '|---|---|---|---|---|',
  );
  appendAll(notes, scaling);
  notes.push('');

  // Issue 15's memory budget: every trace-reading command over 1M distinct failures.
  if (!quick) appendAll(notes, await distinctMillion());

  // audit2allow, only when installed with a binary SELinux policy to check against.
  notes.push(audit2allowNote(suggest1m));

  if (!keep) {
    for (const f of [trace1m, tiny, policy]) if (f) await fs.rm(f, { force: true });
  }
  const machine = `Machine: ${os.availableParallelism()} cores (\`nproc\`), ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z${quick ? ' (`--quick`)' : ''}. Load average at the end: ${os
    .loadavg()
    .map((x) => fmt(x, 1))
    .join(' ')}.`;
  const block = [machine, '', ...rows, '', ...notes].join('\n');
  log(`\n${block}`);
  const doc = existsSync(DOC) ? await fs.readFile(DOC, 'utf8') : '';
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a >= 0 && b > a) {
    await fs.writeFile(DOC, `${doc.slice(0, a + start.length)}\n${block}\n${doc.slice(b)}`);
    // Keep `npm run lint` (prettier --check) green: prettier pads markdown tables.
    const prettier = path.join(ROOT, 'node_modules', '.bin', 'prettier');
    if (existsSync(prettier)) spawnSync(prettier, ['--write', DOC], { stdio: 'ignore' });
    log(`\nwrote ${path.relative(ROOT, DOC)}`);
  } else log(`\n${path.relative(ROOT, DOC)} has no bench markers; table not written`);
}

/** The peak RSS every trace-reading command may reach on 1M distinct failures, MB (docs/performance.md). */
const DISTINCT_BUDGET_MB = 1024;

/**
 * Each command that reads traces over 1M distinct failures
 * (distinct-failures.ts) against the 10,000-type policy, on one thread:
 * wall time and peak RSS against DISTINCT_BUDGET_MB.
 */
async function distinctMillion(): Promise<string[]> {
  const n = 1_000_000;
  const trace = path.join(OUT, 'distinct-1m.log');
  const policy = path.join(OUT, 'distinct-policy.secpol');
  const out = createWriteStream(trace);
  await writeDistinctFailures(n, out);
  await new Promise<void>((resolve, reject) =>
    out.end((e?: Error | null) => (e ? reject(e) : resolve())),
  );
  await fs.writeFile(policy, bigPolicy(10_000));
  const rows = [
    '',
    `1M distinct failures (issue 15; ${fmt(statSync(trace).size / 1e6, 0)} MB, one thread, 10,000-type policy; budget ${DISTINCT_BUDGET_MB} MB peak RSS for every command):`,
    '',
    '| command | wall s | peak RSS MB | within budget |',
    '|---|---:|---:|---|',
  ];
  const commands: Array<[string, string[]]> = [
    ['suggest', ['suggest', trace]],
    ['suggest --policy', ['suggest', trace, '--policy', policy]],
    ['generate', ['generate', trace]],
    ['check --policy', ['check', trace, '--policy', policy]],
    ['explain --policy', ['explain', trace, '--policy', policy]],
    ['harden --policy', ['harden', trace, '--policy', policy]],
    ['monitor', ['monitor', trace]],
  ];
  for (const [label, args] of commands) {
    const m = measure(process.execPath, [BIN, ...args], { SECPOL_LEARN_THREADS: '1' });
    const rss = m.rssMb !== undefined ? fmt(m.rssMb, 0) : 'n/a';
    const within = m.rssMb === undefined ? 'n/a' : m.rssMb <= DISTINCT_BUDGET_MB ? 'yes' : 'NO';
    const line = `| \`${label}\`${m.ok ? '' : ' (FAILED)'} | ${fmt(m.seconds)} | ${rss} | ${within} |`;
    rows.push(line);
    process.stdout.write(`${line}\n`);
  }
  await fs.rm(trace, { force: true });
  await fs.rm(policy, { force: true });
  rows.push('');
  return rows;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${String(e)}\n`);
  process.exitCode = 1;
});
