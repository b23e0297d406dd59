/**
 * `secpol-learn tidy`: goldens on samples/tidy-query (numbered ttys, repeated
 * grants, two types with identical grants) and on every samples/policies
 * form, exit codes, `--write` (what the JSON proof claims is what the
 * written file grants) and `--format patch` applied by `git apply` (the bytes
 * `--write` writes, CRLF and Latin-1 kept).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli, runCliBytes } from '../../test-utils/run-cli';
import { expectGolden } from '../../test-utils/golden';
import { parsePolicies } from '../../policy/parse';
import { buildModel } from '../../policy/model/build-model';
import { diffPolicies } from '../../review/policy-diff';
import * as tidyModule from '../../review/tidy';

const SAMPLE = path.join('samples', 'tidy-query');
const POLICY = path.join(SAMPLE, 'policy.secpol');
const ROOT = path.resolve(__dirname, '..', '..', '..');

const modelOf = (file: string, text: string) => buildModel(parsePolicies([{ file, text }]).policy);

describe('tidy on the sample', () => {
  it.each([
    ['expected.tidy.txt', []],
    ['expected.tidy-equivalent.txt', ['--equivalent-only']],
    ['expected.tidy.patch', ['--format', 'patch']],
    ['expected.tidy-equivalent.patch', ['--equivalent-only', '--format', 'patch']],
    ['expected.tidy.json', ['--format', 'json']],
    ['expected.tidy.md', ['--format', 'markdown']],
  ])('%s', async (golden, options) => {
    const r = await runCli(['tidy', ...options, POLICY]);
    expect(r.code).toBe(0);
    expectGolden(r.stdout, path.join(SAMPLE, golden));
  });

  it('every samples/policies form (--equivalent-only) and every sample policy: proven (golden)', async () => {
    const forms = readdirSync(path.join(ROOT, 'samples', 'policies')).sort();
    let out = '';
    for (const form of forms) {
      const r = await runCli([
        'tidy',
        '--equivalent-only',
        path.join('samples', 'policies', form, 'input.secpol'),
      ]);
      expect([form, r.code]).toEqual([form, 0]);
      out += `## ${form}\n${r.stdout}`;
    }
    // The other samples' policies, with every proposal (widenings included): proven too.
    for (const sample of [
      'merge-into-blocks',
      'multi-process-boot',
      'review-harden',
      'seed-walkthrough',
    ]) {
      const r = await runCli(['tidy', path.join('samples', sample, 'policy.secpol')]);
      expect([sample, r.code]).toEqual([sample, 0]);
      out += `## ${sample}\n${r.stdout}`;
    }
    expectGolden(out, path.join(SAMPLE, 'expected.tidy-policies.txt'));
  });

  it('--write: the written file grants what the JSON proof claims; FILE.orig keeps the old bytes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-tidy-'));
    const text = readFileSync(path.join(ROOT, POLICY), 'utf8');
    writeFileSync(path.join(dir, 'p.secpol'), text);
    const json = await runCli(['tidy', '--format', 'json', 'p.secpol'], { cwd: dir });
    const claim = JSON.parse(json.stdout) as { proof: { entries: unknown[]; proven: boolean } };
    expect(claim.proof.proven).toBe(true);
    const w = await runCli(['tidy', '--write', 'p.secpol'], { cwd: dir });
    expect(w.code).toBe(0);
    expect(w.stderr).toContain('wrote p.secpol (original kept as p.secpol.orig)');
    expect(readFileSync(path.join(dir, 'p.secpol.orig'), 'utf8')).toBe(text);
    const written = readFileSync(path.join(dir, 'p.secpol'), 'utf8');
    const entries = diffPolicies(modelOf('p.secpol', text), modelOf('p.secpol', written)).entries;
    expect(JSON.parse(JSON.stringify(entries))).toEqual(claim.proof.entries);
    // Tidy again: nothing left but the refusals of widenings already made.
    const again = await runCli(['tidy', '--equivalent-only', 'p.secpol'], { cwd: dir });
    expect(again.stdout).toBe(
      'nothing to tidy\nproof: the tidied policy grants exactly what the policy grants\n',
    );
  });

  it.each([
    ['utf8', '\n'],
    ['latin1', '\r\n'],
  ] as const)(
    '--format patch applies with git apply and gives the bytes --write writes (%s, %j)',
    async (encoding, eol) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'secpol-tidy-'));
      const text = `# caf\u00e9 policy\n${readFileSync(path.join(ROOT, POLICY), 'utf8')}`.replace(
        /\n/g,
        eol,
      );
      const bytes = Buffer.from(text, encoding);
      writeFileSync(path.join(dir, 'a.secpol'), bytes);
      writeFileSync(path.join(dir, 'b.secpol'), bytes);
      const patch = await runCliBytes(['tidy', '--format', 'patch', 'a.secpol'], { cwd: dir });
      expect(patch.code).toBe(0);
      writeFileSync(path.join(dir, 'out.patch'), patch.stdout);
      execFileSync('git', ['apply', '--whitespace=nowarn', 'out.patch'], {
        cwd: dir,
        stdio: 'pipe',
      });
      expect((await runCli(['tidy', '--write', 'b.secpol'], { cwd: dir })).code).toBe(0);
      const applied = readFileSync(path.join(dir, 'a.secpol'));
      expect(applied.equals(readFileSync(path.join(dir, 'b.secpol')))).toBe(true);
      expect(applied.equals(bytes)).toBe(false);
    },
  );
});

describe('tidy of a policy split over two files (samples/tidy-query/split)', () => {
  const SPLIT = path.join(SAMPLE, 'split');
  const FILES = ['base.secpol', 'services.secpol'];

  it.each([
    ['expected.tidy-split.txt', []],
    ['expected.tidy-split.patch', ['--format', 'patch']],
  ])('%s: attributes and merges across files, one diff per file', async (golden, options) => {
    const r = await runCli(['tidy', ...options, ...FILES.map((f) => path.join(SPLIT, f))]);
    expect(r.code).toBe(0);
    expectGolden(r.stdout, path.join(SPLIT, golden));
  });

  it('the patch edits both files and git apply gives what --write writes, proven', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secpol-tidy-split-'));
    for (const side of ['a', 'b'])
      for (const f of FILES)
        writeFileSync(
          path.join(dir, `${side}-${f}`),
          readFileSync(path.join(ROOT, SPLIT, f), 'utf8'),
        );
    const patch = await runCliBytes(['tidy', '--format', 'patch', ...FILES.map((f) => `a-${f}`)], {
      cwd: dir,
    });
    expect(patch.code).toBe(0);
    const text = patch.stdout.toString('utf8');
    expect(text.match(/^--- a\/.*$/gm)).toEqual(['--- a/a-base.secpol', '--- a/a-services.secpol']);
    writeFileSync(path.join(dir, 'out.patch'), patch.stdout);
    execFileSync('git', ['apply', '--whitespace=nowarn', 'out.patch'], { cwd: dir, stdio: 'pipe' });
    const w = await runCli(['tidy', '--write', ...FILES.map((f) => `b-${f}`)], { cwd: dir });
    expect(w.code).toBe(0);
    for (const f of FILES)
      expect(readFileSync(path.join(dir, `a-${f}`), 'utf8')).toBe(
        readFileSync(path.join(dir, `b-${f}`), 'utf8'),
      );
    // The two files tidied are one policy granting the original's grants plus the stated widenings.
    const policyOf = (side: string) =>
      buildModel(
        parsePolicies(
          FILES.map((f) => ({
            file: f,
            text: readFileSync(path.join(dir, `${side}-${f}`), 'utf8'),
          })),
        ).policy,
      );
    const original = buildModel(
      parsePolicies(
        FILES.map((f) => ({ file: f, text: readFileSync(path.join(ROOT, SPLIT, f), 'utf8') })),
      ).policy,
    );
    const kinds = diffPolicies(original, policyOf('a')).entries.map((e) => `${e.kind} ${e.type}`);
    expect([...new Set(kinds)].sort()).toEqual([
      'attach devc_pty_t',
      'attribute audio_log_t',
      'attribute slogger_t',
    ]);
  });
});

describe('tidy exit codes', () => {
  it('2 without a file, for standard input, for --write with --format patch, for a missing file', async () => {
    expect((await runCli(['tidy'])).code).toBe(2);
    expect((await runCli(['tidy', '-'])).code).toBe(2);
    expect((await runCli(['tidy', '--write', '--format', 'patch', POLICY])).code).toBe(2);
    const missing = await runCli(['tidy', 'missing.secpol']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'cannot read policy missing.secpol: no such file or directory',
    );
  });

  it('2 for a policy that does not parse, with FILE:LINE:COL', async () => {
    const r = await runCli(['tidy', 'samples/_errors_/missing-semicolon/input.secpol']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/input\.secpol:\d+:\d+/);
    expect(r.stdout).toBe('');
  });

  it('1 when the proof finds a difference no proposal states: no patch, nothing written', async () => {
    // A planner bug simulated: one more edit, widening a grant, that no proposal states.
    const real = tidyModule.planTidy;
    const spy = jest.spyOn(tidyModule, 'planTidy').mockImplementation((policy, model, options) => {
      const plan = real(policy, model, options);
      const text = readFileSync(path.join(ROOT, POLICY), 'utf8');
      const at = text.indexOf('allow random_t self:ability { pathspace };');
      plan.edits.push({
        file: POLICY,
        start: at,
        end: at + 'allow random_t self:ability { pathspace };'.length,
        text: 'allow random_t self:ability { pathspace io };',
      });
      return plan;
    });
    try {
      for (const options of [[], ['--equivalent-only']]) {
        const patch = await runCli(['tidy', ...options, '--format', 'patch', POLICY]);
        expect(patch.code).toBe(1);
        expect(patch.stdout).toBe('');
        const text = await runCli(['tidy', ...options, POLICY]);
        expect(text.code).toBe(1);
        expect(text.stdout).toContain('proof FAILED');
        expect(text.stdout).toContain('io');
      }
      const dir = mkdtempSync(path.join(tmpdir(), 'secpol-tidy-'));
      const bytes = readFileSync(path.join(ROOT, POLICY));
      writeFileSync(path.join(dir, 'p.secpol'), bytes);
      spy.mockImplementation((policy, model, options) => {
        const plan = real(policy, model, options);
        plan.edits.push({ file: 'p.secpol', start: 0, end: 0, text: 'type smuggled_t;\n' });
        return plan;
      });
      const w = await runCli(['tidy', '--write', 'p.secpol'], { cwd: dir });
      expect(w.code).toBe(1);
      expect(readFileSync(path.join(dir, 'p.secpol')).equals(bytes)).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it('--equivalent-only: 1 when the refactor is proven only up to a stated widening', async () => {
    // A widening proposal that slipped past the refusal: stated, but --equivalent-only refuses any difference.
    const real = tidyModule.planTidy;
    const spy = jest
      .spyOn(tidyModule, 'planTidy')
      .mockImplementation((policy, model) => real(policy, model, { equivalentOnly: false }));
    try {
      const r = await runCli(['tidy', '--equivalent-only', '--format', 'patch', POLICY]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect((await runCli(['tidy', '--format', 'patch', POLICY])).code).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });

  it('0 and "nothing to tidy" for a tidy policy', async () => {
    const r = await runCli(['tidy', 'samples/seed-walkthrough/policy.secpol']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'nothing to tidy\nproof: the tidied policy grants exactly what the policy grants\n',
    );
  });
});
