/** Tests of the executable itself (src/bin.ts), run as a child process through ts-node. */
import { spawn, spawnSync } from 'node:child_process';
import { track } from './test-utils/children';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bigPolicy } from './bench/bench-inputs';

describe('secpol-learn executable', () => {
  it('loads no command module for `--help`, and only its own for a command', () => {
    // The registry (src/cli/commands/index.ts) requires a command's module when it runs.
    const script = `
      const { run } = require('./cli/run');
      const io = { stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin,
        env: {}, cwd: process.cwd() };
      const loaded = () => Object.keys(require.cache).filter((k) => !k.includes('node_modules'))
        .map((k) => k.slice(process.cwd().length + 1).replace(/\\\\/g, '/'));
      run(['--help'], io).then(() => {
        const help = loaded();
        return run(['fmt', '--help'], io).then(() => console.log(JSON.stringify({ help, fmt: loaded() })));
      });`;
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: __dirname,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    const { help, fmt } = JSON.parse(r.stdout) as { help: string[]; fmt: string[] };
    expect(help.filter((m) => m.startsWith('cli/commands/'))).toEqual(['cli/commands/index.ts']);
    expect(help.some((m) => /^(plan|review|infer|policy|trace)\//.test(m))).toBe(false);
    expect(fmt).toContain('cli/commands/fmt.ts');
    expect(fmt.filter((m) => /^(plan|review|infer)\//.test(m))).toEqual([]);
  });

  it('reads standard input from a redirected file and from a pipe alike', () => {
    const trace = path.join(__dirname, '..', 'samples', 'multi-process-boot', 'trace.log');
    const run = (stdin: number | 'pipe', input?: Buffer): string => {
      const r = spawnSync(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          path.join(__dirname, 'bin.ts'),
          'suggest',
          '--format',
          'json',
        ],
        { stdio: [stdin, 'pipe', 'pipe'], encoding: 'utf8', ...(input ? { input } : {}) },
      );
      expect(r.status).toBe(0);
      return r.stdout + r.stderr;
    };
    // `< trace.log`: a regular file on fd 0, read in large chunks (src/cli/io.ts).
    const fd = openSync(trace, 'r');
    let fromFile: string;
    try {
      fromFile = run(fd);
    } finally {
      closeSync(fd);
    }
    const fromPipe = run('pipe', readFileSync(trace));
    expect(fromFile).toBe(fromPipe);
    expect(fromFile).toContain('"file": "-"'); // evidence names standard input
    expect(fromFile).toContain('"events": 26,'); // every record read, the first included
  });

  it('stops quietly when its reader closes the pipe (`lint big.secpol | head`)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-bin-'));
    try {
      // About 2,000 warnings with code frames: far more than a pipe holds.
      const policy = path.join(dir, 'big.secpol');
      writeFileSync(policy, bigPolicy(2000));
      const child = track(
        spawn(
          process.execPath,
          ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'bin.ts'), 'lint', policy],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        ),
      );
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      let first = '';
      child.stdout.once('data', (b: Buffer) => {
        first = b.toString();
        child.stdout.destroy();
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(first).toContain('[report-risky-grant]');
      expect(stderr).not.toMatch(/EPIPE|Error|at /);
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps its own exit status when the reader closes the pipe (`check ... | head` under pipefail)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-bin-'));
    try {
      // Many uncovered failures: more output than a pipe holds, so the write fails with EPIPE.
      const block = readFileSync(
        path.join(__dirname, '..', 'samples', 'seed-walkthrough', 'trace.log'),
        'utf8',
      );
      const trace = path.join(dir, 'many.log');
      writeFileSync(trace, block.repeat(3000));
      const child = track(
        spawn(
          process.execPath,
          [
            '-r',
            'ts-node/register/transpile-only',
            path.join(__dirname, 'bin.ts'),
            'check',
            '--policy',
            path.join(__dirname, '..', 'samples', 'seed-walkthrough', 'policy.secpol'),
            trace,
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        ),
      );
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).not.toMatch(/EPIPE|Error|at /);
      expect(stderr).toContain('FAIL');
      expect(code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
