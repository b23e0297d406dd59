/**
 * `review` end to end, in-process: the replay of samples/review-session's
 * answers (goldens: patch, stderr, deny file, waiver file), the replay exit
 * codes (all decided 0, a new group 1, a bad answers file 2 with FILE:LINE),
 * the appended files (created, then not duplicated), and the prompt layer
 * through injected input (src/cli/review-prompt.ts).
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../test-utils/run-cli';
import { expectGolden } from '../../test-utils/golden';
import { learnFromTraces, planPolicyPatch } from '../../api/learning';
import { parsePolicies } from '../../policy/parse';
import { buildModel } from '../../policy/model/build-model';
import { startSession } from '../../review/session/session';
import { answersText } from '../../review/session/answers';
import { runPrompts } from '../review-prompt';
import { scripted } from '../../test-utils/scripted-prompter';

const samples = path.join(__dirname, '..', '..', '..', 'samples');
const SAMPLE = path.join(samples, 'review-session');

/** A fresh copy of samples/review-session (trace, policy, answers). */
function sampleCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'review-'));
  for (const f of ['trace.log', 'policy.secpol', 'answers.json'])
    copyFileSync(path.join(SAMPLE, f), path.join(dir, f));
  return dir;
}

const REPLAY = [
  'review',
  'trace.log',
  '--policy',
  'policy.secpol',
  '--answers',
  'answers.json',
  '--deny-file',
  'never.secpol',
  '--waive',
  'waivers.secpol',
  '--explain',
];

describe('review --answers (replay)', () => {
  it('golden: samples/review-session', async () => {
    const cwd = sampleCopy();
    const r = await runCli(REPLAY, { cwd });
    expect(r.code).toBe(0);
    expectGolden(r.stdout, path.join(SAMPLE, 'expected.secpol'));
    expectGolden(r.stderr, path.join(SAMPLE, 'expected.stderr.txt'));
    expectGolden(
      readFileSync(path.join(cwd, 'never.secpol'), 'utf8'),
      path.join(SAMPLE, 'expected.never.secpol'),
    );
    expectGolden(
      readFileSync(path.join(cwd, 'waivers.secpol'), 'utf8'),
      path.join(SAMPLE, 'expected.waivers.secpol'),
    );
    // A replay never rewrites the answers file.
    expect(readFileSync(path.join(cwd, 'answers.json'), 'utf8')).toBe(
      readFileSync(path.join(SAMPLE, 'answers.json'), 'utf8'),
    );
  });

  it('a second replay adds nothing to the deny and waiver files, and prints the same bytes', async () => {
    const cwd = sampleCopy();
    const first = await runCli(REPLAY, { cwd });
    const never = readFileSync(path.join(cwd, 'never.secpol'), 'utf8');
    const second = await runCli(REPLAY, { cwd });
    expect(second.stdout).toBe(first.stdout);
    expect(readFileSync(path.join(cwd, 'never.secpol'), 'utf8')).toBe(never);
    expect(second.stderr).toContain('0 guard rule(s) and 0 waiver(s) added');
  });

  it('exits 1 listing the groups with no decision (a new failure)', async () => {
    const cwd = sampleCopy();
    const doc = JSON.parse(readFileSync(path.join(cwd, 'answers.json'), 'utf8')) as {
      decisions: Array<{ object: string }>;
    };
    doc.decisions = doc.decisions.filter((d) => d.object !== '/tmp/log');
    writeFileSync(path.join(cwd, 'answers.json'), JSON.stringify(doc, null, 2));
    const r = await runCli(REPLAY, { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'trace.log:24: no decision: init_t link /tmp/log (/tmp/log) [review-undecided]\n',
    );
    expect(r.stdout).not.toContain('/tmp/log');
  });

  it('exits 2 naming FILE:LINE of a bad decision, and for a missing answers file', async () => {
    const cwd = sampleCopy();
    const text = readFileSync(path.join(cwd, 'answers.json'), 'utf8').replace(
      '"choice": "never"',
      '"choice": "nope"',
    );
    writeFileSync(path.join(cwd, 'answers.json'), text);
    const r = await runCli(REPLAY, { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'secpol-learn: answers.json:6: decision 2: "choice" "nope" is not one of allow, allow-edited, launch-as, never, waive\n',
    );
    expect(r.stdout).toBe('');
    const gone = await runCli([...REPLAY.slice(0, 5), 'missing.json'], { cwd });
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('missing.json: no such file (a replay needs the answers file)');
  });

  it('exits 2 for review without --policy', async () => {
    const r = await runCli(['review', 'trace.log'], { cwd: SAMPLE });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('review needs --policy');
  });
});

describe('review prompts (injected input)', () => {
  const seed = path.join(samples, 'seed-walkthrough');
  const text = (f: string): string => readFileSync(path.join(seed, f), 'utf8');
  const { policy } = parsePolicies([{ file: 'policy.secpol', text: text('policy.secpol') }]);
  const model = buildModel(policy);
  const plan = planPolicyPatch(learnFromTraces([{ file: 'trace.log', text: text('trace.log') }]), {
    policy,
  });

  async function session(
    keys: string[],
  ): Promise<{ out: string; answers: string; asked: string[] }> {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const prompter = scripted(keys);
    const s = await runPrompts(startSession(plan.patch), { prompter, out, model });
    return {
      out: Buffer.concat(chunks).toString('utf8'),
      answers: answersText(s),
      asked: prompter.asked,
    };
  }

  it('shows evidence, policy, risk and hint, and takes each key', async () => {
    const r = await session([
      'e', // explain the connect
      't', // launch usr/bin/touch as fs_user_t (the hint's type, offered first)
      '',
      'g', // attach /: edit to /... , refused (no), then allow
      '/...',
      'n',
      'a',
      'u', // undo the allow of attach /
      'n', // never
      'w', // waive the link
      'ln probes /tmp',
      '2027-06-30',
      'q',
    ]);
    expect(r.out).toContain(
      '[1/4] fs_nonuser_t needs fs_t (connect)\n  needed by: usr/bin/touch: 1 denied, first trace.log:19\n  policy:    no channel connect rule\n  risk:      none flagged\n  hint:      usr/bin/touch did this as fs_user_t',
    );
    expect(r.out).toContain('  record:    error: usr/bin/touch');
    expect(r.out).toContain('  types that do this already: fs_user_t');
    expect(r.out).toContain('  allows nothing else the traces show');
    expect(r.out).toContain('  undone');
    expect(r.asked[0]).toBe('4 to decide; your choice [atnwesq]');
    expect(r.asked).toContain('launch usr/bin/touch as (fs_user_t)');
    expect(JSON.parse(r.answers)).toMatchObject({
      decisions: [
        { kind: 'connect', choice: 'launch-as', process: 'usr/bin/touch', as: 'fs_user_t' },
        { kind: 'attach', choice: 'never' },
        { kind: 'link', choice: 'waive', reason: 'ln probes /tmp', until: '2027-06-30' },
      ],
    });
  });

  it('says why a choice is not taken and asks again', async () => {
    const r = await session(['w', '', '', 's', 'g', 'x;y', 's', 's', 's', 'q']);
    expect(r.out).toContain('  not taken: a waiver needs a reason\n');
    expect(r.out).toContain('  not taken: `x;y` is not one path');
    expect(JSON.parse(r.answers)).toMatchObject({ decisions: [] });
  });
});

describe('review --interactive without a terminal', () => {
  it('is refused in words', async () => {
    const r = await runCli(['review', 'trace.log', '--policy', 'policy.secpol', '--interactive'], {
      cwd: SAMPLE,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--interactive needs a terminal');
    expect(existsSync(path.join(SAMPLE, 'never.secpol'))).toBe(false);
  });
});

describe('review --answers with hostile values', () => {
  it('refuses control and bidirectional characters: shown as ?, answers stale, exit 1', async () => {
    const cwd = sampleCopy();
    const doc = {
      schema: 'secpol-learn/review-answers',
      schemaVersion: 1,
      decisions: [
        { type: 'x\u001b[2Jt', kind: 'ability', domain: 'root', object: 'io', choice: 'allow' },
        {
          type: 'ssh_privsep_t',
          kind: 'connect',
          object: 'random_t',
          choice: 'launch-as',
          process: 'evil\u202e\u0007',
          as: 'init_t',
        },
        {
          type: 'devc_t',
          kind: 'ability',
          domain: 'root',
          object: 'io',
          choice: 'waive',
          reason: 'ok\u202egnp.exe',
        },
      ],
    };
    writeFileSync(path.join(cwd, 'answers.json'), JSON.stringify(doc, null, 2));
    const r = await runCli(REPLAY, { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(r.stderr).toContain('stale answer (x?[2Jt ability io)');
    expect(r.stderr).toContain('evil?? is not a process that needed this [stale-answer]');
    expect(r.stderr).toContain('a reason is one line of visible text [stale-answer]');
    expect(existsSync(path.join(cwd, 'waivers.secpol'))).toBe(false);
  });
});
