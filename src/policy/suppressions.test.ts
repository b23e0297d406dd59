/**
 * Inline lint suppressions: a reasoned `# secpol-learn-disable-next-line RULE -- REASON`
 * takes out that rule's warnings on the next statement or block item only; a missing
 * reason or rule is an error and suppresses nothing; errors are never suppressed; a
 * suppression that suppressed nothing, or precedes nothing, is reported as unused.
 */
import { policyFrom } from '../test-utils/policy-builders';
import { lintPolicy } from './lint';

function lint(text: string): { left: string[]; suppressed: string[] } {
  const r = lintPolicy(policyFrom(text));
  return {
    left: r.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.ruleId}`),
    suppressed: r.suppressed.map(
      (s) => `${s.diagnostic.line} ${s.diagnostic.ruleId} by ${s.line}: ${s.reason}`,
    ),
  };
}

const DUP = 'type a;\nallow_attach a /x;\n';

describe('inline suppressions', () => {
  it('without a suppression the finding is reported', () => {
    expect(lint(`${DUP}allow_attach a /x;\n`).left).toEqual(['3:16 warning report-duplicate-rule']);
  });

  it('a reasoned suppression takes the rule out of the next statement', () => {
    const r = lint(
      `${DUP}# secpol-learn-disable-next-line report-duplicate-rule -- kept for the 7.0 image\nallow_attach a /x;\n`,
    );
    expect(r.left).toEqual([]);
    expect(r.suppressed).toEqual(['4 report-duplicate-rule by 3: kept for the 7.0 image']);
  });

  it('only the next statement, only the named rule', () => {
    const r = lint(
      `${DUP}# secpol-learn-disable-next-line report-risky-grant -- wrong rule\nallow_attach a /x;\nallow_attach a /x;\n`,
    );
    expect(r.left).toEqual([
      '3:1 warning unused-suppression',
      '4:16 warning report-duplicate-rule',
      '5:16 warning report-duplicate-rule',
    ]);
  });

  it('a block item, and several rules', () => {
    const r = lint(
      'type a;\nallow a self:ability {\n  # secpol-learn-disable-next-line report-risky-grant, report-duplicate-rule -- boot loader maps the flash\n  mem_phys\n};\n',
    );
    expect(r.left).toEqual([]);
    expect(r.suppressed).toEqual(['4 report-risky-grant by 3: boot loader maps the flash']);
  });

  it('a missing reason is an error and suppresses nothing', () => {
    for (const c of [
      '# secpol-learn-disable-next-line report-duplicate-rule',
      '# secpol-learn-disable-next-line report-duplicate-rule --',
      '# secpol-learn-disable-next-line report-duplicate-rule -- \u202eevil',
    ])
      expect(lint(`${DUP}${c}\nallow_attach a /x;\n`).left).toEqual([
        '3:1 error suppression-reason',
        '4:16 warning report-duplicate-rule',
      ]);
    expect(
      lint(`${DUP}# secpol-learn-disable-next-line -- why\nallow_attach a /x;\n`).left,
    ).toEqual(['3:1 error suppression-syntax', '4:16 warning report-duplicate-rule']);
  });

  it('errors are never suppressed; a suppression at the end of a file is unused', () => {
    const r = lint(
      'type a;\n# secpol-learn-disable-next-line report-unknown-ability -- no\nallow a self:ability nosuch;\n# secpol-learn-disable-next-line report-duplicate-rule -- end\n',
    );
    expect(r.left).toEqual([
      '2:1 warning unused-suppression',
      '3:22 error report-unknown-ability',
      '4:1 warning unused-suppression',
    ]);
  });
});

describe('lint --format sarif with a suppression', () => {
  it('keeps the suppressed finding as a result suppressed in source, with the reason', async () => {
    const { runCli } = await import('../test-utils/run-cli');
    const { validateSarif } = await import('../render/validate-sarif');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'suppress-'));
    writeFileSync(
      path.join(cwd, 'p.secpol'),
      'type a;\nallow a self:ability {\n  # secpol-learn-disable-next-line report-risky-grant -- the driver needs port I/O\n  io\n};\n',
    );
    const r = await runCli(['lint', 'p.secpol', '--format', 'sarif'], { cwd });
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stdout) as {
      runs: Array<{ results: Array<{ ruleId: string; suppressions?: unknown }> }>;
    };
    expect(validateSarif(log)).toEqual([]);
    expect(log.runs[0]!.results).toEqual([
      expect.objectContaining({
        ruleId: 'report-risky-grant',
        suppressions: [
          {
            kind: 'inSource',
            status: 'accepted',
            justification: 'the driver needs port I/O (p.secpol:3:3)',
          },
        ],
      }),
    ]);
    const text = await runCli(['lint', 'p.secpol'], { cwd });
    expect(text.stdout).toBe('');
  });
});
