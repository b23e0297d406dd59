/**
 * `summarize` and summaries as inputs: `suggest` (and `generate`), `check`,
 * `explain` and `harden` of the summaries of parts equal the command over
 * the parts themselves, byte for byte (stdout and stderr), for random splits
 * of generated traces, random groupings into summaries, random merge trees
 * (summaries of summaries), random orders, gzip or not, summaries mixed with
 * traces, on standard input too.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { runCli, runCliBytes } from '../../test-utils/run-cli';
import { generatedTrace } from '../../test-utils/generated-trace';
import { cutLines } from '../../test-utils/learn-summary';

const SEED = path.resolve(__dirname, '..', '..', '..', 'samples', 'seed-walkthrough');

let dir: string;
let logs: string[];
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'summarize-'));
  fs.copyFileSync(path.join(SEED, 'policy.secpol'), path.join(dir, 'policy.secpol'));
  const trace = await generatedTrace(18, 900, 0.03);
  const parts = cutLines(trace, [200, 9000, 20000, 21000, 40000, 50000]);
  logs = parts.map((b, i) => {
    const name = `dev-${String(i).padStart(2, '0')}.log${i % 3 === 2 ? '.gz' : ''}`;
    fs.writeFileSync(path.join(dir, name), name.endsWith('.gz') ? gzipSync(b) : b);
    return name;
  });
  fs.copyFileSync(path.join(SEED, 'trace.log'), path.join(dir, 'seed.log'));
  logs.push('seed.log');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cli = (argv: string[]): ReturnType<typeof runCli> => runCli(argv, { cwd: dir });

/** Summarizes `inputs` into `out` (gzipped when asked). */
async function summarize(inputs: string[], out: string, gzip: boolean): Promise<string> {
  const r = await runCliBytes(['summarize', ...inputs], { cwd: dir });
  expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(/^secpol-learn summarize: /)]);
  const name = gzip ? `${out}.gz` : out;
  fs.writeFileSync(path.join(dir, name), gzip ? gzipSync(r.stdout) : r.stdout);
  return name;
}

/** Random groups of `items` (each item in one group), in random order. */
const grouping = (n: number): fc.Arbitrary<number[]> =>
  fc.array(fc.nat(n - 1), { minLength: n, maxLength: n });

function groupsOf<T>(items: T[], groupOf: number[]): T[][] {
  const groups = new Map<number, T[]>();
  items.forEach((x, i) => {
    const g = groupOf[i]!;
    groups.set(g, [...(groups.get(g) ?? []), x]);
  });
  return [...groups.values()];
}

/**
 * The inputs of one property run: level 1, each group of logs summarized (one
 * group may stay raw logs, read as traces); level 2, the summaries merged in
 * pairs (a merge tree), the odd one out kept; all in a shuffled order.
 */
async function mergeTreeInputs(
  tag: string,
  groupOf: number[],
  gzip: boolean,
  shuffle: number[],
  keepRaw: number,
): Promise<string[]> {
  const groups = groupsOf(logs, groupOf);
  const level1: string[] = [];
  const raw: string[] = [];
  for (const [i, g] of groups.entries()) {
    if (keepRaw === 1 && i === 0 && groups.length > 1) raw.push(...g);
    else level1.push(await summarize(g, `${tag}-a${i}.jsonl`, gzip && i % 2 === 0));
  }
  const level2: string[] = [];
  for (let i = 0; i < level1.length; i += 2) {
    const pair = level1.slice(i, i + 2);
    level2.push(pair.length === 2 ? await summarize(pair, `${tag}-b${i}.jsonl`, !gzip) : pair[0]!);
  }
  return [...level2, ...raw]
    .map((f, i) => ({ f, k: shuffle[i % shuffle.length]! + i / 100 }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.f);
}

describe('summaries as inputs', () => {
  it('suggest of summaries of parts (any split, grouping, merge tree, order) is suggest of the parts, byte for byte', async () => {
    const formats = [
      ['--format', 'secpol'],
      ['--format', 'json'],
      ['--format', 'patch'],
    ];
    const direct = await Promise.all(
      formats.map((f) => cli(['suggest', ...logs, '--policy', 'policy.secpol', '--explain', ...f])),
    );
    expect(direct[0]!.code).toBe(0);
    expect(direct[0]!.stdout).toMatch(/allow/);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        grouping(logs.length),
        fc.boolean(),
        fc.array(fc.nat(100), { minLength: 12, maxLength: 12 }),
        fc.integer({ min: 0, max: 1 }),
        async (groupOf, gzip, shuffle, keepRaw) => {
          run++;
          const inputs = await mergeTreeInputs(`r${run}`, groupOf, gzip, shuffle, keepRaw);
          for (const [i, f] of formats.entries()) {
            const via = await cli([
              'suggest',
              ...inputs,
              '--policy',
              'policy.secpol',
              '--explain',
              ...f,
            ]);
            expect(via).toEqual(direct[i]);
          }
        },
      ),
      { seed: 18, numRuns: 5 },
    );
  }, 600_000);

  it('check, explain and harden of summaries of parts (any split, grouping, merge tree, order) are the commands over the parts, byte for byte', async () => {
    const policy = ['--policy', 'policy.secpol'];
    const commands = [
      ['check', ...policy],
      ['check', ...policy, '--format', 'json'],
      ['check', ...policy, '--format', 'sarif'],
      ['explain', ...policy],
      ['explain', ...policy, '--format', 'json'],
      ['harden', ...policy],
      ['harden', ...policy, '--format', 'json'],
    ];
    const direct = await Promise.all(commands.map((c) => cli([...c, ...logs])));
    expect(direct[0]!.code).toBe(1);
    expect(direct[0]!.stdout).toMatch(/^dev-00\.log:1: uncovered: /);
    expect(direct[3]!.stdout).toMatch(/dev-0/);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        grouping(logs.length),
        fc.boolean(),
        fc.array(fc.nat(100), { minLength: 12, maxLength: 12 }),
        fc.integer({ min: 0, max: 1 }),
        async (groupOf, gzip, shuffle, keepRaw) => {
          run++;
          const inputs = await mergeTreeInputs(`v${run}`, groupOf, gzip, shuffle, keepRaw);
          for (const [i, c] of commands.entries())
            expect([c, await cli([...c, ...inputs])]).toEqual([c, direct[i]]);
        },
      ),
      { seed: 19, numRuns: 4 },
    );
  }, 600_000);

  it('check, explain and harden of a sample trace summarized are the commands over the trace', async () => {
    const samples = path.resolve(SEED, '..');
    const cases = fs
      .readdirSync(samples)
      .sort()
      .flatMap((name) => {
        const d = path.join(samples, name);
        const trace = ['trace.log', 'errors.txt'].find((t) => fs.existsSync(path.join(d, t)));
        return trace && fs.existsSync(path.join(d, 'policy.secpol')) ? [{ name, d, trace }] : [];
      });
    expect(cases.length).toBeGreaterThanOrEqual(7);
    for (const { name, d, trace } of cases) {
      const s = await runCliBytes(['summarize', trace], { cwd: d });
      const file = path.join(dir, `sample-${name}.jsonl`);
      fs.writeFileSync(file, s.stdout);
      const waive = fs.existsSync(path.join(d, 'waivers.secpol'))
        ? ['--waive', 'waivers.secpol']
        : [];
      for (const c of ['check', 'explain', 'harden']) {
        const args = [c, '--policy', 'policy.secpol', ...waive];
        const direct = await runCli([...args, trace], { cwd: d });
        expect([name, await runCli([...args, file], { cwd: d })]).toEqual([name, direct]);
      }
    }
  }, 120_000);

  it('reads a summary on standard input (plain or gzip), alone or beside traces', async () => {
    const all = await summarize(logs, 'stdin-all.jsonl', false);
    const bytes = fs.readFileSync(path.join(dir, all));
    const policy = ['--policy', 'policy.secpol'];
    const direct = await cli(['check', ...policy, ...logs]);
    for (const stdin of [bytes, gzipSync(bytes)]) {
      expect(await runCli(['check', ...policy], { cwd: dir, stdin })).toEqual(direct);
      expect(await runCli(['check', ...policy, '-'], { cwd: dir, stdin })).toEqual(direct);
      expect(await runCli(['suggest', ...policy, '-'], { cwd: dir, stdin })).toEqual(
        await cli(['suggest', ...policy, ...logs]),
      );
      const again = await runCliBytes(['summarize'], { cwd: dir, stdin });
      expect(again.stdout.equals(bytes)).toBe(true);
    }
    // A summary of some logs on standard input, the others named.
    const part = fs.readFileSync(
      path.join(dir, await summarize(logs.slice(0, 3), 'p3.jsonl', true)),
    );
    const mixed = await runCli(['harden', ...policy, '-', ...logs.slice(3)], {
      cwd: dir,
      stdin: part,
    });
    const harden = await cli(['harden', ...policy, ...logs]);
    expect(mixed.stdout).toBe(harden.stdout);
    expect(mixed.code).toBe(harden.code);
    // A trace on standard input is still a trace.
    const seed = fs.readFileSync(path.join(dir, 'seed.log'));
    const traced = await runCli(['check', ...policy], { cwd: dir, stdin: seed });
    expect(traced.stdout).toBe(
      (await cli(['check', ...policy, 'seed.log'])).stdout.replaceAll('seed.log:', '-:'),
    );
  });

  it('a summary of an empty trace fails check as the empty trace does; a summary has no -f', async () => {
    fs.writeFileSync(path.join(dir, 'empty.log'), '');
    const s = await summarize(['empty.log'], 'empty.jsonl', false);
    const policy = ['--policy', 'policy.secpol'];
    expect(await cli(['check', ...policy, s])).toEqual(
      await cli(['check', ...policy, 'empty.log']),
    );
    const f = await cli(['check', ...policy, s, '-f', 'sbin/devf-ram']);
    expect([f.code, f.stderr]).toEqual([2, expect.stringMatching(/empty\.jsonl is a summary/)]);
  });

  it('generate of a summary is generate of the traces; summarize of one summary is that summary', async () => {
    const direct = await cli(['generate', ...logs]);
    expect(direct.code).toBe(0);
    const all = await summarize(logs, 'all.jsonl', false);
    expect(await cli(['generate', all])).toEqual(direct);
    const again = await runCliBytes(['summarize', all], { cwd: dir });
    expect(again.stdout.equals(fs.readFileSync(path.join(dir, all)))).toBe(true);
  });

  it('counts the events of each input, and the inputs of merged summaries', async () => {
    const a = await summarize(['seed.log'], 'one.jsonl', false);
    const lines = fs.readFileSync(path.join(dir, a), 'utf8').split('\n');
    expect(JSON.parse(lines[1]!)).toEqual({
      schema: 'secpol-learn/summary@2',
      entry: 'input',
      file: 'seed.log',
      events: 12,
    });
    const b = await summarize([a, logs[0]!], 'two.jsonl', false);
    const inputs = fs
      .readFileSync(path.join(dir, b), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"entry":"input"'))
      .map((l) => (JSON.parse(l) as { file: string }).file);
    expect(inputs).toEqual([logs[0], 'seed.log']);
  });

  it('names a bad summary line FILE:LINE and reads on; a bad header is exit 2 naming FILE:1', async () => {
    const good = fs.readFileSync(
      path.join(dir, await summarize(['seed.log'], 'g.jsonl', false)),
      'utf8',
    );
    const lines = good.split('\n');
    const at = lines.findIndex((l) => l.includes('"entry":"atom"'));
    expect(at).toBe(3); // after the header, the input and its records count
    lines.splice(
      at,
      0,
      lines[at]!.replace('"type":"', '"type":"x; allow evil_t self:ability { io };'),
    );
    fs.writeFileSync(path.join(dir, 'bad.jsonl'), lines.join('\n'));
    const r = await cli(['suggest', 'bad.jsonl']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^bad\.jsonl:4: warning: summary line not read: the atom\.type: a type name is not valid \[summary-bad-line\]$/m,
    );
    expect(r.stdout).not.toMatch(/evil/);
    expect(r.stdout).toBe(
      (await cli(['suggest', 'seed.log'])).stdout.replace(/from 1 trace/, 'from 1 trace'),
    );

    fs.writeFileSync(path.join(dir, 'v3.jsonl'), good.replace('summary@2', 'summary@3'));
    const v3 = await cli(['suggest', 'v3.jsonl']);
    expect([v3.code, v3.stdout]).toEqual([2, '']);
    expect(v3.stderr).toBe(
      'secpol-learn: v3.jsonl:1: not a summary this version reads (it reads secpol-learn/summary@2)\n',
    );
  });

  it('refuses -f, -a and -p with a summary (they choose what is learned from traces)', async () => {
    const s = await summarize(['seed.log'], 'f.jsonl', false);
    const r = await cli(['suggest', s, '-f', 'sbin/devf-ram']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/f\.jsonl is a summary, already learned/);
  });

  it('reads a trace whose first line only resembles a summary as a trace, not understood', async () => {
    fs.writeFileSync(path.join(dir, 'like.log'), '{"schema":"secpol-learn/summar"}\n');
    const r = await cli(['suggest', 'like.log']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^like\.log:1: /m);
  });
});

describe('summarize on a file descriptor', () => {
  const BIN = path.resolve(__dirname, '..', '..', 'bin.ts');

  /** `summarize trace` as a child process, its stdout a file or a pipe; resolves to the bytes written. */
  function summarizeChild(trace: string, to: 'file' | 'pipe'): Promise<Buffer> {
    const out = path.join(dir, `child-${to}.jsonl`);
    const fd = to === 'file' ? fs.openSync(out, 'w') : undefined;
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', BIN, 'summarize', path.join(dir, trace)],
        // From the project (where ts-node is found), the trace named absolutely.
        {
          cwd: path.resolve(__dirname, '..', '..', '..'),
          stdio: ['ignore', fd ?? 'pipe', 'ignore'],
        },
      );
      const parts: Buffer[] = [];
      child.stdout?.on('data', (d: Buffer) => parts.push(d));
      child.on('error', reject);
      child.on('close', (code) => {
        if (fd !== undefined) fs.closeSync(fd);
        if (code !== 0) reject(new Error(`exit ${code}`));
        else resolve(fd !== undefined ? fs.readFileSync(out) : Buffer.concat(parts));
      });
    });
  }

  it('writes the same bytes to a file and to a pipe (its chunk buffers filled again once written) as to a stream', async () => {
    fs.writeFileSync(path.join(dir, 'big.log'), await generatedTrace(5, 60_000, 0.02));
    const expected = (await runCliBytes(['summarize', path.join(dir, 'big.log')])).stdout;
    // Several chunks of 1 MiB: each buffer is filled again after its write.
    expect(expected.length).toBeGreaterThan(4 << 20);
    expect((await summarizeChild('big.log', 'file')).equals(expected)).toBe(true);
    expect((await summarizeChild('big.log', 'pipe')).equals(expected)).toBe(true);
  }, 120_000);
});
