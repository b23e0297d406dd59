import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../test-utils/run-cli';

const POLICY = path.resolve('samples/seed-walkthrough/policy.secpol');
const TRACE = path.resolve('samples/seed-walkthrough/trace.log');

describe('check: a gate that read no record does not pass', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'secpol-check-empty-'));
    writeFileSync(path.join(dir, 'empty.log'), '');
    writeFileSync(
      path.join(dir, 'binary.log'),
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0xff, 0xfe, 0x00, 7, 10, 0x9b, 0x85]),
    );
    writeFileSync(path.join(dir, 'prose.log'), 'booting\nall fine\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['empty.log', 'binary.log', 'prose.log'])(
    'exits 2 naming %s (and --allow-empty lets it through)',
    async (name) => {
      const r = await runCli(['check', '--policy', POLICY, name], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`secpol-learn: ${name}: no secpolmonitor record read`);
      const allowed = await runCli(['check', '--allow-empty', '--policy', POLICY, name], {
        cwd: dir,
      });
      expect(allowed.code).not.toBe(2);
    },
  );

  it('names standard input when it held no record (CI with nothing piped in)', async () => {
    const r = await runCli(['check', '--policy', POLICY], { stdin: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('standard input: no secpolmonitor record read');
    const ok = await runCli(['check', '--allow-empty', '--policy', POLICY], { stdin: '' });
    expect(ok.code).toBe(0);
  });

  it('still judges an input with records: exit 1 on an uncovered failure', async () => {
    const r = await runCli(['check', '--policy', POLICY, TRACE]);
    expect(r.code).toBe(1);
  });
});
