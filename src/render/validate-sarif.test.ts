/**
 * SARIF 2.1.0 shape: the structural validator catches each missing or wrong
 * field it checks, and every SARIF the CLI prints (check, lint, harden, on
 * every sample) passes it, with results located in the policy source (line
 * and column) or the trace.
 */
import * as path from 'node:path';
import { runCli } from '../test-utils/run-cli';
import { toSarif } from './sarif';
import { validateSarif } from './validate-sarif';

const samples = path.join(__dirname, '..', '..', 'samples');

function valid(): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(
      toSarif(
        [
          {
            ruleId: 'r1',
            level: 'warning',
            message: 'm',
            locations: [{ file: 'dir/a b.secpol', line: 3, column: 5 }],
          },
        ],
        [{ id: 'r1', description: 'd' }],
        { version: '1' },
      ),
    ),
  ) as Record<string, unknown>;
}

describe('validateSarif', () => {
  it('accepts what toSarif builds, with a percent-encoded relative URI', () => {
    const log = valid();
    expect(validateSarif(log)).toEqual([]);
    expect(JSON.stringify(log)).toContain('"uri":"dir/a%20b.secpol"');
  });
  it('accepts a suppressed result as toSarif builds it', () => {
    const log = JSON.parse(
      JSON.stringify(
        toSarif(
          [
            {
              ruleId: 'r1',
              level: 'error',
              message: 'm',
              locations: [{ file: 't.log', line: 3 }],
              suppressions: [{ kind: 'external', justification: 'libc probe' }],
            },
          ],
          [{ id: 'r1', description: 'd' }],
          { version: '1' },
        ),
      ),
    ) as { runs: Array<{ results: Array<{ suppressions: unknown }> }> };
    expect(validateSarif(log)).toEqual([]);
    expect(log.runs[0]!.results[0]!.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'libc probe' },
    ]);
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary JSON
  const broken: Array<[string, (l: any) => void, RegExp]> = [
    ['version', (l) => (l.version = '2.0.0'), /version/],
    ['$schema', (l) => delete l.$schema, /\$schema/],
    ['runs', (l) => (l.runs = []), /runs/],
    ['driver name', (l) => delete l.runs[0].tool.driver.name, /driver\.name/],
    ['rule id', (l) => (l.runs[0].tool.driver.rules[0].id = 7), /rules\[0\]\.id/],
    ['undeclared ruleId', (l) => (l.runs[0].results[0].ruleId = 'nope'), /ruleId/],
    ['level', (l) => (l.runs[0].results[0].level = 'fatal'), /level/],
    ['message', (l) => (l.runs[0].results[0].message = { markdown: 'x' }), /message\.text/],
    ['locations', (l) => (l.runs[0].results[0].locations = []), /locations/],
    [
      'uri',
      (l) => delete l.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri,
      /uri/,
    ],
    [
      'startLine',
      (l) => (l.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0),
      /startLine/,
    ],
    [
      'startColumn',
      (l) => (l.runs[0].results[0].locations[0].physicalLocation.region.startColumn = 1.5),
      /startColumn/,
    ],
    [
      'suppression kind',
      (l) => (l.runs[0].results[0].suppressions = [{ kind: 'waiver', justification: 'x' }]),
      /suppressions\[0\]\.kind/,
    ],
    [
      'suppression justification',
      (l) => (l.runs[0].results[0].suppressions = [{ kind: 'external', justification: '' }]),
      /suppressions\[0\]\.justification/,
    ],
    ['empty suppressions', (l) => (l.runs[0].results[0].suppressions = []), /suppressions/],
  ];
  it.each(broken)('rejects a bad %s', (_name, breakIt, message) => {
    const log = valid();
    breakIt(log);
    const errors = validateSarif(log);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(message);
  });
});

describe('the CLI prints valid SARIF', () => {
  const runs: Array<[string, string[]]> = [];
  for (const c of ['seed-walkthrough', 'multi-process-boot', 'review-harden']) {
    runs.push([c, ['check', '--policy', 'policy.secpol', 'trace.log', '--format', 'sarif']]);
    runs.push([c, ['harden', '--policy', 'policy.secpol', 'trace.log', '--format', 'sarif']]);
    runs.push([c, ['lint', 'policy.secpol', '--format', 'sarif']]);
    runs.push([c, ['suggest', '--policy', 'policy.secpol', 'trace.log', '--format', 'sarif']]);
  }
  runs.push([
    'review-harden',
    ['lint', 'policy.secpol', '--deny', 'never.secpol', '--format', 'sarif'],
  ]);
  it.each(runs)('%s: %j', async (c, argv) => {
    const r = await runCli(argv, { cwd: path.join(samples, c) });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- SARIF JSON, checked by validateSarif first
    const log = JSON.parse(r.stdout) as any;
    expect(validateSarif(log)).toEqual([]);
    for (const res of log.runs[0].results) {
      const loc = res.locations[0].physicalLocation;
      expect(['policy.secpol', 'trace.log']).toContain(loc.artifactLocation.uri);
      if (loc.artifactLocation.uri === 'policy.secpol')
        expect(loc.region.startColumn).toBeGreaterThanOrEqual(1);
    }
  });
});
