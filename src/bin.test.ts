/** Tests of the executable itself (src/bin.ts), run as a child process through ts-node. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bigPolicy } from './bench/bench-inputs';

describe('secpol-learn executable', () => {
  it('stops quietly when its reader closes the pipe (`lint big.secpol | head`)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-bin-'));
    try {
      // About 2,000 warnings with code frames: far more than a pipe holds.
      const policy = path.join(dir, 'big.secpol');
      writeFileSync(policy, bigPolicy(2000));
      const child = spawn(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'bin.ts'), 'lint', policy],
        { stdio: ['ignore', 'pipe', 'pipe'] },
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
});
