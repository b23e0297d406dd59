/**
 * `review --write`: the reviewed patch goes into the policy files with
 * `suggest --write`'s guarantees (one transaction, `FILE.orig` kept). When
 * every group is allowed as suggested, the written policy is `suggest
 * --write`'s byte for byte; a `never` decision leaves its item out. Replayed
 * afterwards (CI), the allows the policy now grants are not stale answers.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../test-utils/run-cli';
import { learnFromTraces, planPolicyPatch } from '../api/learning';
import { parsePolicies } from '../policy/parse';
import { decide, startSession, type Choice, type SessionState } from '../review/session/session';
import { answersText } from '../review/session/answers';

const SEED = path.join(__dirname, '..', '..', 'samples', 'seed-walkthrough');
const seed = (f: string): string => readFileSync(path.join(SEED, f), 'utf8');

/** A copy of the seed walkthrough with an answers file deciding every group with `choice(i)`. */
function withAnswers(choice: (i: number) => Choice): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'review-write-'));
  for (const f of ['trace.log', 'policy.secpol'])
    copyFileSync(path.join(SEED, f), path.join(dir, f));
  const { policy } = parsePolicies([{ file: 'policy.secpol', text: seed('policy.secpol') }]);
  const plan = planPolicyPatch(learnFromTraces([{ file: 'trace.log', text: seed('trace.log') }]), {
    policy,
  });
  let s: SessionState = startSession(plan.patch);
  s.groups.forEach((g, i) => {
    const r = decide(s, g.id, choice(i));
    if ('error' in r) throw new Error(r.error);
    s = r.state;
  });
  writeFileSync(path.join(dir, 'answers.json'), answersText(s));
  return dir;
}

const REVIEW = ['review', 'trace.log', '--policy', 'policy.secpol', '--answers', 'answers.json'];

describe('review --write', () => {
  it('every group allowed: the policy suggest --write writes, byte for byte, FILE.orig kept', async () => {
    const reviewed = withAnswers(() => ({ choice: 'allow' }));
    const r = await runCli([...REVIEW, '--write'], { cwd: reviewed });
    expect(r.code).toBe(0);
    const suggested = withAnswers(() => ({ choice: 'allow' }));
    const s = await runCli(['suggest', 'trace.log', '--policy', 'policy.secpol', '--write'], {
      cwd: suggested,
    });
    expect(s.code).toBe(0);
    const written = readFileSync(path.join(reviewed, 'policy.secpol'), 'utf8');
    expect(written).not.toBe(seed('policy.secpol'));
    expect(written).toBe(readFileSync(path.join(suggested, 'policy.secpol'), 'utf8'));
    expect(readFileSync(path.join(reviewed, 'policy.secpol.orig'), 'utf8')).toBe(
      seed('policy.secpol'),
    );
    // The patched policy now allows what was reviewed: nothing is left to decide.
    const again = await runCli(['check', '--policy', 'policy.secpol', 'trace.log'], {
      cwd: reviewed,
    });
    expect(again.code).toBe(0);
  });

  it('then the CI replay of the same answers (docs/workflows.md §5): exit 0, the allows are not stale', async () => {
    const cwd = withAnswers((i) => (i === 1 ? { choice: 'never' } : { choice: 'allow' }));
    const local = await runCli([...REVIEW, '--write', '--deny-file', 'never.secpol'], { cwd });
    expect(local.code).toBe(0);
    const ci = await runCli([...REVIEW, '--deny-file', 'never.secpol', '--no-interactive'], {
      cwd,
    });
    expect(ci.code).toBe(0);
    expect(ci.stderr).not.toContain('[stale-answer]');
    expect(ci.stderr).toContain(
      'answers.json: 3 allow answer(s) already granted by the policy (applied earlier): kept, nothing to do\n',
    );
    expect(ci.stderr).toMatch(
      /secpol-learn review: 1 group\(s\); 1 decided, 0 waived, 0 with no decision; 0 guard rule\(s\)/,
    );
    expect(ci.stdout).not.toMatch(/^allow/m);
    // An answer about an access nobody needs any more is still stale.
    const doc = JSON.parse(readFileSync(path.join(cwd, 'answers.json'), 'utf8')) as {
      decisions: object[];
    };
    doc.decisions.push({
      type: 'old_t',
      kind: 'ability',
      domain: 'root',
      object: 'io',
      choice: 'allow',
    });
    writeFileSync(path.join(cwd, 'answers.json'), JSON.stringify(doc, null, 2));
    const stale = await runCli([...REVIEW, '--no-interactive'], { cwd });
    expect(stale.stderr).toMatch(
      /^answers\.json:\d+: warning: stale answer \(old_t ability io\): no failure of the traces needs it any more \[stale-answer\]$/m,
    );
    expect(stale.stderr.match(/\[stale-answer\]/g)).toHaveLength(1);
  });

  it('a never decision is not written; the rest is', async () => {
    const cwd = withAnswers((i) => (i === 1 ? { choice: 'never' } : { choice: 'allow' }));
    const r = await runCli([...REVIEW, '--write', '--deny-file', 'never.secpol'], { cwd });
    expect(r.code).toBe(0);
    const written = readFileSync(path.join(cwd, 'policy.secpol'), 'utf8');
    const guard = readFileSync(path.join(cwd, 'never.secpol'), 'utf8');
    const rule = guard.split('\n').find((l) => l.startsWith('allow'))!;
    expect(rule).toBeDefined();
    expect(written).not.toContain(rule);
    // What was written is what review printed.
    for (const line of r.stdout.split('\n').filter((l) => /^allow/.test(l)))
      expect(written).toContain(line);
    const check = await runCli(['check', '--policy', 'policy.secpol', 'trace.log'], { cwd });
    expect(check.code).toBe(1);
    expect(check.stdout.trim().split('\n')).toHaveLength(1);
  });
});
