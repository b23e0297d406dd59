/**
 * The library API against the CLI: the same samples through `src/api/`'s pure
 * functions give the bytes of the CLI's golden files (samples/<case>/
 * expected.*, written by the commands' own golden tests; read here, never
 * written). Also: gzip traces, events learned by hand, filters, a policy
 * split over files, and the patched texts.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError } from '../errors';
import { parsePolicies } from '../policy/parse';
import { runCli } from '../test-utils/run-cli';
import {
  formatPatch,
  formatPlanJson,
  formatPlanSummary,
  formatRules,
  learnFromEvents,
  learnFromTraces,
  patchPolicyTexts,
  planPolicyPatch,
} from './learning';
import {
  checkTraces,
  explainTraces,
  formatCheck,
  formatCheckJson,
  formatExplanation,
  formatExplanationJson,
  reviewTraces,
  waiverWarnings,
} from './review';
import { formatDiagnosticLine } from '../diagnostics/diagnostic';
import { parseTraceText, type TraceText } from './traces';
import type { LearnFilter } from './learning';
import { buildModel } from '../policy/model/build-model';
import { riskOf, risksOf, type Risk } from '../policy/risk';
import {
  formatLaunchTypes,
  formatLaunchTypesJson,
  formatLaunchTypesMarkdown,
  formatLaunchTypesPatch,
  formatLaunchTypesSummary,
  launchTypesFail,
  launchTypesOf,
} from './launch-types';
import {
  formatMigration,
  formatMigrationJson,
  formatMigrationMarkdown,
  formatMigrationPatch,
  formatMigrationSummary,
  migratePolicyTexts,
  migrationNeedsReview,
} from './migrate';
import {
  formatAnswer,
  formatAnswerJson,
  formatAnswerMarkdown,
  formatAnswerSummary,
  queryPolicy,
  readQuestion,
} from './query';
import {
  formatTidy,
  formatTidyJson,
  formatTidyMarkdown,
  formatTidyPatch,
  formatTidySummary,
  tidyPolicy,
} from './tidy';
import { parseWaiverTexts } from './waivers';

const samples = path.join(__dirname, '..', '..', 'samples');

/** A sample's file, as its golden test's command reads it (from the sample's directory, by relative name). */
function sample(name: string, file: string): string {
  return readFileSync(path.join(samples, name, file), 'utf8');
}

function inputs(name: string): {
  traces: TraceText[];
  texts: Array<{ file: string; text: string }>;
} {
  return {
    traces: [{ file: 'trace.log', text: sample(name, 'trace.log') }],
    texts: [{ file: 'policy.secpol', text: sample(name, 'policy.secpol') }],
  };
}

describe.each(['seed-walkthrough', 'multi-process-boot', 'merge-into-blocks'])(
  'learning on samples/%s gives the CLI golden files',
  (name) => {
    const { traces, texts } = inputs(name);
    const { policy, diagnostics } = parsePolicies(texts);

    it('parses the policy without diagnostics', () => {
      expect(diagnostics).toEqual([]);
    });

    it('suggest --explain: the rules and the summary', () => {
      const plan = planPolicyPatch(learnFromTraces(traces), { policy });
      expect(formatRules(plan, { explain: true })).toBe(sample(name, 'expected.secpol'));
      expect(formatPlanSummary(plan)).toBe(sample(name, 'expected.stderr.txt'));
    });

    it('suggest --format patch and --format json', () => {
      const plan = planPolicyPatch(learnFromTraces(traces), { policy });
      const patch = formatPatch(plan, { texts, policy });
      expect(patch).toBe(sample(name, 'expected.patch'));
      expect(formatPlanJson(plan, { patch })).toBe(sample(name, 'expected.json'));
    });

    it('suggest -c, generate, generate -c --collapse', () => {
      const learned = learnFromTraces(traces);
      expect(formatRules(planPolicyPatch(learned, { policy, combine: true }))).toBe(
        sample(name, 'expected.combine.secpol'),
      );
      expect(formatRules(planPolicyPatch(learned, { mode: 'generate' }))).toBe(
        sample(name, 'expected.draft.secpol'),
      );
      expect(
        formatRules(planPolicyPatch(learned, { mode: 'generate', combine: true, collapse: true })),
      ).toBe(sample(name, 'expected.draft-c.secpol'));
    });

    it('the patched texts are the policy with the patch applied, and a fixpoint: nothing more to learn', () => {
      const learned = learnFromTraces(traces);
      const plan = planPolicyPatch(learned, { policy });
      const patched = patchPolicyTexts(plan, { texts, policy });
      expect(patched.map((t) => t.file)).toEqual(['policy.secpol']);
      expect(patched[0]!.text).not.toBe(texts[0]!.text);
      // Only insertions: every line of the policy is still there, in order.
      const lines = patched[0]!.text.split('\n');
      let at = 0;
      for (const line of texts[0]!.text.split('\n')) {
        at = lines.indexOf(line, at);
        expect(at).toBeGreaterThanOrEqual(0);
        at++;
      }
      const again = planPolicyPatch(learned, { policy: parsePolicies(patched).policy });
      expect(formatRules(again)).toBe('');
      expect(formatPatch(again, { texts: patched, policy: parsePolicies(patched).policy })).toBe(
        '',
      );
    });
  },
);

describe.each(['seed-walkthrough', 'multi-process-boot', 'review-harden'])(
  'review on samples/%s gives the CLI golden files',
  (name) => {
    const { traces, texts } = inputs(name);
    const { policy } = parsePolicies(texts);
    const reviewed = reviewTraces(traces, policy);

    it('check (text and json): failed, every uncovered failure named', () => {
      const result = checkTraces(reviewed);
      expect(result.passed).toBe(false);
      expect(formatCheck(result)).toBe(
        sample(name, 'expected.check.txt') + sample(name, 'expected.check.stderr.txt'),
      );
      expect(formatCheckJson(result)).toBe(sample(name, 'expected.check.json'));
    });

    it('explain (text and json)', () => {
      const explanation = explainTraces(reviewed);
      expect(formatExplanation(explanation)).toBe(sample(name, 'expected.explain.txt'));
      expect(formatExplanationJson(explanation)).toBe(sample(name, 'expected.explain.json'));
    });
  },
);

describe('traces in memory', () => {
  const text = sample('seed-walkthrough', 'trace.log');
  /** The trace ended by a newline (its last record has none), to append records to. */
  const whole = text.endsWith('\n') ? text : `${text}\n`;
  const { policy } = parsePolicies(inputs('seed-walkthrough').texts);
  const rules = formatRules(
    planPolicyPatch(learnFromTraces([{ file: 'trace.log', text }]), { policy }),
  );

  it('reads gzip bytes as the plain text', () => {
    const gz = { file: 'trace.log', text: gzipSync(Buffer.from(text)) };
    expect(parseTraceText(gz)).toEqual(parseTraceText({ file: 'trace.log', text }));
    expect(formatRules(planPolicyPatch(learnFromTraces([gz]), { policy }))).toBe(rules);
  });

  it('throws an InputError naming the file for gzip data that is corrupt or cut off, as the CLI refuses it', async () => {
    const gz = gzipSync(Buffer.from(text));
    for (const bad of [gz.subarray(0, gz.length / 2), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3])]) {
      const trace = { file: 'boot.log.gz', text: bad };
      for (const read of [
        () => parseTraceText(trace),
        () => learnFromTraces([trace]),
        () => reviewTraces([trace], policy),
      ]) {
        expect(read).toThrow(InputError);
        expect(read).toThrow(
          /^cannot read boot\.log\.gz: (corrupt gzip data|gzip data cut short)$/,
        );
      }
      const cli = await runCli(['suggest'], { stdin: bad });
      expect(cli.code).toBe(2);
    }
  });

  it('learns from parsed events what it learns from the text', () => {
    const parsed = parseTraceText({ file: 'trace.log', text });
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.summary.records).toBe(parsed.events.length);
    const learned = learnFromEvents(parsed.events);
    expect(learned.traceFiles).toEqual(['trace.log']);
    expect(learned.eventCount).toBe(learnFromTraces([{ file: 'trace.log', text }]).eventCount);
    expect(formatRules(planPolicyPatch(learned, { policy }))).toBe(rules);
  });

  it('reports lines not understood and records of unknown form as suggest and check do', async () => {
    const hostile = `${whole}this is not a record\nerror: x (pid:1) type t_t did something new\n`;
    const traces = [{ file: '-', text: hostile }];
    const plan = planPolicyPatch(learnFromTraces(traces), { policy });
    expect(plan.unknownCount).toBeGreaterThan(0);
    const policyFile = path.join(samples, 'seed-walkthrough', 'policy.secpol');
    const suggest = await runCli(['suggest', '--policy', policyFile], { stdin: hostile });
    expect(formatRules(plan) + formatPlanSummary(plan)).toBe(suggest.stdout + suggest.stderr);
    const check = await runCli(['check', '--policy', policyFile], { stdin: hostile });
    expect(formatCheck(checkTraces(reviewTraces(traces, policy)))).toBe(
      check.stdout + check.stderr,
    );
    const parsed = parseTraceText({ file: '-', text: hostile });
    expect(parsed.diagnostics.length).toBeGreaterThan(0);
    expect(parsed.diagnostics.every((d) => d.file === '-' && d.line > 0)).toBe(true);
    expect(learnFromEvents(parsed.events).notUnderstoodCount).toBe(
      parsed.events.filter((e) => e.kind === 'unknown').length,
    );
  });

  it('applies the -f / -a / -p filters', () => {
    const traces = [{ file: 'trace.log', text }];
    const only = (filter: Parameters<typeof learnFromTraces>[1]): string[] =>
      [...learnFromTraces(traces, filter).inferred.requirements.byKey.values()].map(
        (r) => `${r.type} ${r.kind} ${r.object}`,
      );
    const all = only({});
    expect(only({ abilities: true })).toEqual(all.filter((r) => !/ (attach|link) /.test(r)));
    expect(only({ paths: true })).toEqual(all.filter((r) => / (attach|link) /.test(r)));
    expect(only({ names: ['ln'] }).length).toBeGreaterThan(0);
    expect(only({ names: ['ln'] }).every((r) => / (attach|link) \/tmp/.test(r))).toBe(true);
  });

  it('does not depend on the order of the traces', () => {
    const lines = text.split('\n');
    const half = Math.floor(lines.length / 2);
    // Cut at a record start (records may wrap over two lines).
    let cut = half;
    while (!/^(info|error): /.test(lines[cut]!)) cut++;
    const a = { file: 'a.log', text: lines.slice(0, cut).join('\n') + '\n' };
    const b = { file: 'b.log', text: lines.slice(cut).join('\n') };
    const ab = planPolicyPatch(learnFromTraces([a, b]), { policy });
    const ba = planPolicyPatch(learnFromTraces([b, a]), { policy });
    expect(formatPlanJson(ba)).toBe(formatPlanJson(ab));
    expect(ab.traceFiles).toEqual(['a.log', 'b.log']);
  });

  it('checks a policy split over two files, naming both', () => {
    const policyLines = sample('seed-walkthrough', 'policy.secpol').split('\n');
    const mid = policyLines.findIndex((l, i) => i > policyLines.length / 2 && l.trim() === '');
    const files = [
      { file: 'base.secpol', text: policyLines.slice(0, mid).join('\n') + '\n' },
      { file: 'more.secpol', text: policyLines.slice(mid).join('\n') },
    ];
    const { policy: split, diagnostics } = parsePolicies(files);
    expect(diagnostics).toEqual([]);
    const result = checkTraces(reviewTraces([{ file: 'trace.log', text }], split));
    expect(result.policyFiles).toEqual(['base.secpol', 'more.secpol']);
    expect(result.summary.uncovered).toBe(4);
  });

  it('takes the options the commands take: --qnx, -c, -f, as suggest and check print them', async () => {
    // qnet is a QNX 7.1 ability that 8.0 does not have: learned for 8.0, it goes to review.
    const more = `${whole}error: usr/bin/qnetd (pid:7) type qnet_t lacks ability QNET as root\n`;
    const traces = [{ file: '-', text: more }];
    const policyFile = path.join(samples, 'seed-walkthrough', 'policy.secpol');
    const cases: Array<[string[], Parameters<typeof planPolicyPatch>[1], LearnFilter]> = [
      [['--qnx', '7.1'], { policy, qnx: '7.1' }, {}],
      [['--qnx', '8.0'], { policy, qnx: '8.0' }, {}],
      [['-c'], { policy, combine: true }, {}],
      [['-f', 'devf-ram'], { policy }, { names: ['devf-ram'] }],
    ];
    const outputs = new Set<string>();
    for (const [args, options, filter] of cases) {
      const cli = await runCli(['suggest', '--policy', policyFile, '--explain', ...args], {
        stdin: more,
      });
      const plan = planPolicyPatch(learnFromTraces(traces, filter), options);
      const api = formatRules(plan, { explain: true }) + formatPlanSummary(plan);
      expect(api).toBe(cli.stdout + cli.stderr);
      outputs.add(api);
    }
    // Each option changed something.
    expect(outputs.size).toBe(cases.length);
    const check = await runCli(['check', '--policy', policyFile, '--qnx', '7.1'], { stdin: more });
    expect(formatCheck(checkTraces(reviewTraces(traces, policy, { qnx: '7.1' })))).toBe(
      check.stdout + check.stderr,
    );
  });
});

describe('guard rules (--deny) on samples/review-harden', () => {
  const { traces, texts } = inputs('review-harden');
  const { policy } = parsePolicies(texts);
  const deny = parsePolicies([
    { file: 'never.secpol', text: sample('review-harden', 'never.secpol') },
  ]).policy.files[0]!;
  const cwd = path.join(samples, 'review-harden');

  it('check fails on each grant a guard forbids, as check --deny prints it', () => {
    const result = checkTraces(reviewTraces(traces, policy), { deny });
    expect(result.guardViolations.length).toBeGreaterThan(0);
    expect(result.passed).toBe(false);
    expect(formatCheck(result)).toContain(sample('review-harden', 'expected.check-deny.txt'));
    expect(formatCheck(result)).toContain(
      'policy.secpol:20:5: guard: console_t is granted mem_phys',
    );
  });

  it('suggest never plans what a guard forbids, as suggest --deny; the learning is not changed', async () => {
    const learned = learnFromTraces(traces);
    const before = formatPlanJson(planPolicyPatch(learned, { policy }));
    const guarded = planPolicyPatch(learned, { policy, deny });
    const cli = await runCli(
      ['suggest', 'trace.log', '--policy', 'policy.secpol', '--deny', 'never.secpol', '--explain'],
      { cwd },
    );
    expect(formatRules(guarded, { explain: true }) + formatPlanSummary(guarded)).toBe(
      cli.stdout + cli.stderr,
    );
    expect(guarded.refused.some((d) => d.ruleId === 'guard-refused')).toBe(true);
    // The same learning planned again without guards: as before.
    expect(formatPlanJson(planPolicyPatch(learned, { policy }))).toBe(before);
    expect(formatPlanJson(guarded)).not.toBe(before);
  });

  it('takes several guard files, each judged on its own, as a repeated --deny', async () => {
    const lines = sample('review-harden', 'never.secpol').split('\n');
    // a.secpol holds the setuid guard (line 2), b.secpol the mem_phys one (line 1) and the rest.
    const [first, second] = parsePolicies([
      { file: 'a.secpol', text: `${lines.slice(0, 2).join('\n')}\n` },
      { file: 'b.secpol', text: lines.slice(2).join('\n') },
    ]).policy.files;
    const both = formatCheck(
      checkTraces(reviewTraces(traces, policy), { deny: [first!, second!] }),
    );
    const cli = await runCli(
      ['check', 'trace.log', '--policy', 'policy.secpol', '--deny', 'never.secpol'],
      { cwd },
    );
    expect(both).toContain('which guard rule a.secpol:2:27 forbids');
    expect(both).toContain('which guard rule b.secpol:1:30 forbids');
    expect(
      both.replace('a.secpol:2:', 'never.secpol:2:').replace('b.secpol:1:', 'never.secpol:3:'),
    ).toBe(cli.stdout + cli.stderr);
  });
});

describe('waivers, risk, types, tidy, query and migrate give the CLI golden files', () => {
  it('check with waivers (samples/waivers, judged on its goldens day)', () => {
    const { traces, texts } = inputs('waivers');
    const { policy } = parsePolicies(texts);
    const waivers = parseWaiverTexts(
      [{ file: 'waivers.secpol', text: sample('waivers', 'waivers.secpol') }],
      { today: '2027-01-15', policy },
    );
    expect(waivers.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const result = checkTraces(reviewTraces(traces, policy), { waivers });
    expect(result.passed).toBe(false);
    expect(formatCheck(result)).toBe(
      sample('waivers', 'expected.check.txt') + sample('waivers', 'expected.check.stderr.txt'),
    );
    expect(formatCheckJson(result)).toBe(sample('waivers', 'expected.check.json'));
    // A waiver without a reason is an error with its place, as --waive's exit 2.
    const wrong = parseWaiverTexts([{ file: 'w.secpol', text: 'allow a_t self:ability io;\n' }], {
      today: '2027-01-15',
    });
    expect(wrong.diagnostics.map((d) => `${d.file}:${d.line}:${d.severity}`)).toEqual([
      'w.secpol:1:error',
    ]);
    expect(() => parseWaiverTexts([], { today: '15/01/2027' })).toThrow(/YYYY-MM-DD/);
  });

  describe('suggest and explain with waivers (samples/waivers), as suggest --waive and explain --waive', () => {
    const { traces, texts } = inputs('waivers');
    const { policy } = parsePolicies(texts);
    const waivers = parseWaiverTexts(
      [{ file: 'waivers.secpol', text: sample('waivers', 'waivers.secpol') }],
      { today: '2027-01-15', policy },
    );
    const base = ['--policy', 'policy.secpol', '--waive', 'waivers.secpol', 'trace.log'];
    const cli = (args: string[]): ReturnType<typeof runCli> =>
      runCli(args, {
        cwd: path.join(samples, 'waivers'),
        env: { SECPOL_LEARN_TODAY: '2027-01-15' },
      });

    it('planPolicyPatch({ waivers }): the rules, the JSON and the summary of suggest --waive', () => {
      const learned = learnFromTraces(traces);
      const plan = planPolicyPatch(learned, { policy, waivers });
      expect(formatRules(plan)).toBe(sample('waivers', 'expected.suggest.secpol'));
      expect(formatPlanSummary(plan)).toBe(sample('waivers', 'expected.suggest.stderr.txt'));
      const patch = formatPatch(plan, { texts, policy });
      expect(formatPlanJson(plan, { patch })).toBe(sample('waivers', 'expected.suggest.json'));
      expect(plan.waived!.waived.map((w) => `${w.access} ${w.waiver.line}`)).toEqual([
        'ability setuid (0) as root 6',
        'ability priority (63) as root 10',
      ]);
      // The learning is not changed: a plan without waivers suggests the waived accesses.
      const plain = planPolicyPatch(learned, { policy });
      expect(plain.waived).toBeUndefined();
      expect(formatRules(plain)).toMatch(/setuid:0/);
      expect(formatPlanJson(plain)).not.toMatch(/waive/);
      // A whole draft (generate) is not waived, as generate takes no --waive.
      expect(planPolicyPatch(learned, { mode: 'generate', waivers }).waived).toBeUndefined();
    });

    it('explainTraces({ waivers }) and waiverWarnings: explain --waive text, json and stderr', async () => {
      const reviewed = reviewTraces(traces, policy);
      const explanation = explainTraces(reviewed, { waivers });
      expect(formatExplanation(explanation)).toBe(sample('waivers', 'expected.explain.txt'));
      const text = await cli(['explain', ...base]);
      const json = await cli(['explain', ...base, '--format', 'json']);
      expect(formatExplanationJson(explanation)).toBe(json.stdout);
      expect(formatExplanationJson(explanation)).toContain('"reason": "waived"');
      // The CLI's stderr: the warnings, then its count line.
      const warnings = waiverWarnings(reviewed, waivers).map((d) => `${formatDiagnosticLine(d)}\n`);
      expect(warnings).toEqual([
        'waivers.secpol:13:1: warning: waiver matched no failure: remove it, or the failure no longer happens [stale-waiver]\n',
      ]);
      expect(text.stderr.startsWith(warnings.join(''))).toBe(true);
      // Without waivers nothing is explained by a waiver.
      expect(formatExplanationJson(explainTraces(reviewed))).not.toMatch(/waive/);
    });
  });

  it.each(['review-harden', 'seed-walkthrough', 'merge-into-blocks'])(
    'riskOf/risksOf on samples/%s: the lint lines of report-risky-grant',
    async (name) => {
      const file = `samples/${name}/policy.secpol`;
      const { policy } = parsePolicies([{ file, text: sample(name, 'policy.secpol') }]);
      const lines: string[] = [];
      const add = (at: { line: number; column: number } | undefined, risks: Risk[]): void => {
        for (const r of risks)
          if (r.rule === 'report-risky-grant')
            lines.push(`${file}:${at!.line}:${at!.column}: warning: ${r.reason} [${r.rule}]`);
      };
      for (const s of policy.files[0]!.statements) {
        if (s.type === 'allow-ability')
          for (const subject of s.subjects.names)
            for (const item of s.items) {
              const risks = risksOf({ kind: 'ability', subject: subject.value, item });
              add(item.position?.start, risks);
              expect(riskOf({ kind: 'ability', subject: subject.value, item })).toEqual(risks[0]);
            }
        if (s.type === 'allow-attach' || s.type === 'allow-link')
          for (const p of s.paths)
            add(
              p.position?.start,
              risksOf({
                kind: s.type === 'allow-attach' ? 'attach' : 'link',
                subject: s.subject.value,
                path: p,
              }),
            );
      }
      const cli = await runCli(['lint', file], { cwd: path.join(samples, '..') });
      const expected = cli.stdout
        .split('\n')
        .filter((l) => l.endsWith('[report-risky-grant]'))
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      expect([...new Set(lines)].sort()).toEqual(expected);
    },
  );

  it('types on samples/launch-types: text, json, markdown, patch and the summary', () => {
    const buildfiles = ['board.build', 'start-system.sh'].map((file) => ({
      file,
      text: sample('launch-types', file),
    }));
    const learned = learnFromTraces([
      { file: 'trace.log', text: sample('launch-types', 'trace.log') },
    ]);
    const t = launchTypesOf(buildfiles, learned);
    expect(formatLaunchTypes(t)).toBe(sample('launch-types', 'expected.types.txt'));
    expect(formatLaunchTypesJson(t)).toBe(sample('launch-types', 'expected.types.json'));
    expect(formatLaunchTypesMarkdown(t)).toBe(sample('launch-types', 'expected.types.md'));
    expect(formatLaunchTypesPatch(t)).toBe(sample('launch-types', 'expected.types.patch'));
    expect(formatLaunchTypesSummary(t)).toBe(sample('launch-types', 'expected.types.stderr.txt'));
    expect(launchTypesFail(t)).toBe(true);
  });

  it('tidy on samples/tidy-query: text, equivalent-only, patch, json, markdown', () => {
    const file = 'samples/tidy-query/policy.secpol';
    const texts = [{ file, text: sample('tidy-query', 'policy.secpol') }];
    const sources = { texts, policy: parsePolicies(texts).policy };
    const tidied = tidyPolicy(sources);
    expect(tidied.proven).toBe(true);
    expect(formatTidy(tidied)).toBe(sample('tidy-query', 'expected.tidy.txt'));
    expect(formatTidyPatch(tidied)).toBe(sample('tidy-query', 'expected.tidy.patch'));
    expect(formatTidyJson(tidied)).toBe(sample('tidy-query', 'expected.tidy.json'));
    expect(formatTidyMarkdown(tidied)).toBe(sample('tidy-query', 'expected.tidy.md'));
    expect(formatTidySummary(tidied)).toMatch(/^secpol-learn tidy: .*\n$/);
    const equivalent = tidyPolicy(sources, { equivalentOnly: true });
    expect(formatTidy(equivalent)).toBe(sample('tidy-query', 'expected.tidy-equivalent.txt'));
    expect(formatTidyPatch(equivalent)).toBe(
      sample('tidy-query', 'expected.tidy-equivalent.patch'),
    );
    // The tidied texts are a policy that tidy leaves alone.
    const again = tidyPolicy(
      { texts: tidied.after, policy: parsePolicies(tidied.after).policy },
      { equivalentOnly: true },
    );
    expect(again.after).toEqual(tidied.after);
  });

  it.each([
    ['who-connects', 'who-connects random_t', 'text'],
    ['connects', ['connects', 'fs_t'], 'text'],
    ['ability', 'ability setuid:2500', 'text'],
    ['attach-under', ['attach', '/fs/...'], 'markdown'],
    ['type', 'type fs_t', 'json'],
  ] as const)('query %s on samples/tidy-query', async (name, question, format) => {
    const file = 'samples/tidy-query/policy.secpol';
    const model = buildModel(
      parsePolicies([{ file, text: sample('tidy-query', 'policy.secpol') }]).policy,
    );
    const read = readQuestion(question);
    if (!read.ok) throw new Error(read.error);
    const answer = queryPolicy(model, read.question);
    const out =
      format === 'json'
        ? formatAnswerJson(answer, [file])
        : format === 'markdown'
          ? formatAnswerMarkdown(answer)
          : formatAnswer(answer);
    const ext = format === 'json' ? 'json' : format === 'markdown' ? 'md' : 'txt';
    expect(out).toBe(sample('tidy-query', `expected.query-${name}.${ext}`));
    const words = typeof question === 'string' ? question.split(' ') : [...question];
    const cli = await runCli(['query', '--policy', file, ...words], {
      cwd: path.join(samples, '..'),
    });
    expect(formatAnswerSummary(answer)).toBe(cli.stderr);
  });

  it('query: a question that cannot be read is an error in words', () => {
    const read = readQuestion('who-connects');
    expect(read.ok).toBe(false);
  });

  it('migrate on samples/migrate-7.1-8.0: text, patch, json, markdown and the summary', () => {
    const { traces, texts } = inputs('migrate-7.1-8.0');
    const sources = { texts, policy: parsePolicies(texts).policy };
    const m = migratePolicyTexts(sources, '7.1', '8.0', traces);
    expect(formatMigration(m)).toBe(sample('migrate-7.1-8.0', 'expected.migrate.txt'));
    expect(formatMigrationSummary(m)).toBe(
      sample('migrate-7.1-8.0', 'expected.migrate.stderr.txt'),
    );
    expect(formatMigrationPatch(m)).toBe(sample('migrate-7.1-8.0', 'expected.migrate.patch'));
    expect(formatMigrationJson(m)).toBe(sample('migrate-7.1-8.0', 'expected.migrate.json'));
    expect(formatMigrationMarkdown(m)).toBe(sample('migrate-7.1-8.0', 'expected.migrate.md'));
    expect(migrationNeedsReview(m)).toBe(true);
  });
});
