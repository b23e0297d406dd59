/**
 * `harden --waive`: waivers are not grants, so every format's report is the
 * report without them; the waiver warnings come from the same judgement: the
 * trace is judged once (one policy evaluation per distinct access, as
 * without --waive), not once for the warnings and again for the report.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as evaluateModule from '../../policy/evaluate';
import { runCli } from '../../test-utils/run-cli';

const samples = path.join(__dirname, '..', '..', '..', 'samples');

/** samples/review-harden with a waiver file: one waiver used (net_t's interrupt 11), one stale. */
function sampleWithWaivers(): string {
  const cwd = mkdtempSync(path.join(tmpdir(), 'harden-waive-'));
  cpSync(path.join(samples, 'review-harden'), cwd, { recursive: true });
  writeFileSync(
    path.join(cwd, 'waivers.secpol'),
    [
      '# reason: io-sock probes interrupt 11 before it finds its card; harmless',
      '# until: 2027-06-30',
      'allow net_t self:ability interrupt:11;',
      '',
      '# reason: kept from an older boot',
      'allow console_t self:ability prot_exec;',
      '',
    ].join('\n'),
  );
  return cwd;
}

describe('harden --waive', () => {
  const cwd = sampleWithWaivers();
  const env = { SECPOL_LEARN_TODAY: '2027-01-15' };
  const plain = ['harden', '--policy', 'policy.secpol', 'trace.log'];
  const waived = [...plain, '--waive', 'waivers.secpol'];

  afterEach(() => jest.restoreAllMocks());

  it.each(['text', 'json', 'patch', 'sarif', 'markdown'])(
    '--format %s: the report of harden without waivers, and the stale waiver warned about',
    async (format) => {
      const a = await runCli([...plain, '--format', format], { cwd, env });
      const b = await runCli([...waived, '--format', format], { cwd, env });
      expect(a.code).toBe(0);
      expect(b.code).toBe(0);
      expect(b.stdout).toBe(a.stdout);
      const golden = `expected.harden.${format === 'text' ? 'txt' : format === 'markdown' ? 'md' : format}`;
      expect(b.stdout).toBe(readFileSync(path.join(samples, 'review-harden', golden), 'utf8'));
      // The used waiver is not warned about; the one that covers no failure is, at its place.
      expect(b.stderr.split('\n').filter((l) => l.includes('waiver'))).toEqual([
        'waivers.secpol:6:1: warning: waiver matched no failure: remove it, or the failure no longer happens [stale-waiver]',
      ]);
    },
  );

  it('judges each distinct access once, as without --waive', async () => {
    const spy = jest.spyOn(evaluateModule, 'evaluate');
    await runCli(plain, { cwd, env });
    const once = spy.mock.calls.length;
    expect(once).toBeGreaterThan(10);
    spy.mockClear();
    const r = await runCli(waived, { cwd, env });
    expect(r.code).toBe(0);
    expect(spy.mock.calls.length).toBe(once);
  });
});
