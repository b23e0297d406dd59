/**
 * `review --waive FILE...` (repeatable, as on check, suggest, explain and
 * harden): every waiver file is read and what it waives is not asked; `w`
 * decisions are appended to the last file named (created when absent), never
 * to the others; a file other than the last that does not exist is an error;
 * a waiver that covers nothing planned is reported as stale.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../test-utils/run-cli';

const SAMPLE = path.join(__dirname, '..', '..', 'samples', 'review-session');
const TEAM =
  '# reason: devb-eide probes pathspace at start-up; harmless\nallow devb_t self:ability pathspace;\n';

function sampleCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'review-waive-'));
  for (const f of ['trace.log', 'policy.secpol', 'answers.json'])
    copyFileSync(path.join(SAMPLE, f), path.join(dir, f));
  writeFileSync(path.join(dir, 'team.secpol'), TEAM);
  return dir;
}

const replay = (waive: string[]): string[] => [
  'review',
  'trace.log',
  '--policy',
  'policy.secpol',
  '--answers',
  'answers.json',
  ...waive.flatMap((w) => ['--waive', w]),
];

describe('review --waive FILE...', () => {
  it('reads every file (what they waive is not asked) and appends w decisions to the last', async () => {
    const alone = await runCli(replay(['mine.secpol']), { cwd: sampleCopy() });
    const cwd = sampleCopy();
    const r = await runCli(replay(['team.secpol', 'mine.secpol']), { cwd });
    expect(alone.code).toBe(0);
    expect(r.code).toBe(0);
    // devb_t's pathspace, allowed by the answers, is waived by team.secpol: not in the patch.
    expect(alone.stdout).toMatch(/allow devb_t self:ability \{\n\s+pathspace\n\};/);
    expect(r.stdout).not.toMatch(/devb_t/);
    expect(readFileSync(path.join(cwd, 'team.secpol'), 'utf8')).toBe(TEAM);
    expect(r.stderr).toMatch(
      /secpol-learn review: 15 group\(s\); 14 decided, 1 waived, 0 with no decision; 0 guard rule\(s\) and 2 waiver\(s\) added\n$/,
    );
    // The answers' two waive decisions went to mine.secpol; team.secpol is unchanged.
    expect(readFileSync(path.join(cwd, 'mine.secpol'), 'utf8')).toBe(
      readFileSync(path.join(SAMPLE, 'expected.waivers.secpol'), 'utf8'),
    );
  });

  it('a missing file that is not the last: exit 2, nothing written', async () => {
    const cwd = sampleCopy();
    const missing = await runCli(replay(['nope.secpol', 'other.secpol']), { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/nope\.secpol: no such file/);
    expect(existsSync(path.join(cwd, 'other.secpol'))).toBe(false);
  });

  it('names a waiver that covers no planned access as stale, as suggest --waive does', async () => {
    const cwd = sampleCopy();
    writeFileSync(
      path.join(cwd, 'team.secpol'),
      `${TEAM}\n# reason: the old decoder's JIT probe\nallow devb_t self:ability prot_exec;\n`,
    );
    const r = await runCli(replay(['team.secpol', 'mine.secpol']), { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.includes('waiver'))).toEqual([
      'team.secpol:5:1: warning: waiver matched no failure: remove it, or the failure no longer happens [stale-waiver]',
      expect.stringMatching(
        /^secpol-learn review: .* 1 waived, .* 2 waiver\(s\) added$/,
      ) as unknown,
    ]);
    // The waivers `w` appended are read the next time: they cover their groups, nothing is stale.
    const again = await runCli(replay(['mine.secpol']), { cwd });
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('[stale-waiver]');
    expect(again.stderr).toMatch(/ 2 waived, /);
  });
});
