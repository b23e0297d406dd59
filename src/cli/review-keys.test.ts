/**
 * The keys of `review`: each one of REVIEW_KEYS is documented in `review
 * --help` and in docs/review.md's key table, and the prompt layer takes each
 * one (none answers "not a key of this prompt"). `g` shows, before it is
 * confirmed, what the edited item also allows: the values beyond the
 * suggestion and the other groups of the session it covers.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../test-utils/run-cli';
import { learnFromTraces, planPolicyPatch } from '../api/learning';
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import {
  coveredByEdits,
  decide,
  pending,
  startSession,
  undo,
  type SessionState,
} from '../review/session/session';
import { answersText } from '../review/session/answers';
import { REVIEW_KEYS, runPrompts } from './review-prompt';
import { scripted } from '../test-utils/scripted-prompter';

const DOC = readFileSync(path.join(__dirname, '..', '..', 'docs', 'review.md'), 'utf8');

/** A media player's boot: two interrupts, two ptys and a connect; a driver type already has the interrupts. */
const TRACE = [
  'error: usr/bin/player (pid:610) type player_t lacks ability INTERRUPT(14) as root',
  'error: usr/bin/player (pid:610) type player_t lacks ability INTERRUPT(15) as root',
  'error: usr/bin/player (pid:610) of type player_t failed to attach to path /dev/ttyp0: no rule',
  'error: usr/bin/player (pid:610) of type player_t failed to attach to path /dev/ttyp1: no rule',
  'error: usr/bin/player (pid:610) type player_t lacks ability CHANNEL_CONNECT(12) (audio_t) as root',
  '',
].join('\n');
const POLICY = [
  'type player_t;',
  'type audio_t;',
  'type drv_t;',
  'allow drv_t self:ability { interrupt:0-31 };',
  '',
].join('\n');

async function session(
  keys: string[],
): Promise<{ out: string; answers: unknown; asked: string[] }> {
  const { policy } = parsePolicies([{ file: 'policy.secpol', text: POLICY }]);
  const plan = planPolicyPatch(learnFromTraces([{ file: 'trace.log', text: TRACE }]), { policy });
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const prompter = scripted(keys);
  const s = await runPrompts(startSession(plan.patch), {
    prompter,
    out,
    model: buildModel(policy),
  });
  return {
    out: Buffer.concat(chunks).toString('utf8'),
    answers: JSON.parse(answersText(s)) as unknown,
    asked: prompter.asked,
  };
}

describe('the review keys', () => {
  it('are a g t n w e s u q, each in review --help and in docs/review.md’s key table', async () => {
    expect(REVIEW_KEYS.map((k) => k.key).join('')).toBe('agtnwesuq');
    const help = await runCli(['review', '--help']);
    expect(help.code).toBe(0);
    const keysLine = help.stdout.split('\n').find((l) => l.startsWith('Keys: '));
    expect(keysLine).toBe(`Keys: ${REVIEW_KEYS.map((k) => `${k.key} ${k.name}`).join(' · ')}`);
    const table = DOC.slice(DOC.indexOf('| key | decision | what it writes |'));
    for (const k of REVIEW_KEYS) expect(table).toMatch(new RegExp(`^\\| \`${k.key}\` \\| `, 'm'));
  });

  it('each is taken by the prompt layer', async () => {
    // Groups in the plan's order: interrupt, connect, /dev/ttyp0, /dev/ttyp1.
    const r = await session([
      'e', // explain the interrupt, then asked again
      't', // launch as drv_t, which already has it (offered)
      '',
      'u', // at the connect: undo the launch, the interrupt is asked again
      'w', // waive the interrupt
      'the player probes the UART interrupts; harmless',
      '2027-06-30',
      's', // skip the connect
      'n', // never /dev/ttyp0
      'q', // at /dev/ttyp1: save and quit
    ]);
    expect(r.out).not.toContain('not a key of this prompt');
    expect(r.out).toContain(
      '  record:    error: usr/bin/player (pid:610) type player_t lacks ability INTERRUPT(14) as root',
    );
    expect(r.out).toContain('  types that do this already: drv_t');
    expect(r.out).toContain('  undone');
    // `g` only where there is something to edit (not a connect); `u` once something is decided.
    expect(r.asked).toEqual([
      '4 to decide; your choice [agtnwesq]',
      '4 to decide; your choice [agtnwesq]',
      'launch usr/bin/player as (drv_t)',
      '3 to decide; your choice [atnwesuq]',
      '4 to decide; your choice [agtnwesq]',
      'reason (why this failure is harmless)',
      'until (YYYY-MM-DD, empty for none) ()',
      '3 to decide; your choice [atnwesuq]',
      '2 to decide; your choice [agtnwesuq]',
      '1 to decide; your choice [agtnwesuq]',
    ]);
    // Quit: /dev/ttyp1 stays undecided; skip is not a decision.
    expect(r.answers).toMatchObject({
      decisions: [
        { kind: 'ability', object: 'interrupt', choice: 'waive', until: '2027-06-30' },
        { kind: 'attach', object: '/dev/ttyp0', choice: 'never' },
      ],
    });
    expect((r.answers as { decisions: unknown[] }).decisions).toHaveLength(2);
  });

  it('g shows what the edited item also allows before it is taken', async () => {
    const r = await session([
      'g', // interrupt 14-15 widened to 0-31: 16 more values
      '0-31',
      'y',
      's', // skip the connect
      'g', // /dev/ttyp0 globbed: it also allows the /dev/ttyp1 group
      '/dev/ttyp*',
      'n', // not taken
      'g', // narrowed to nothing the trace needs
      '/dev/ttyq0',
      'n',
      'q',
    ]);
    expect(r.out).toContain('  also allows values: 0-13, 16-31\n');
    expect(r.out).toMatch(/ {2}also allows: player_t attach \/dev\/ttyp1\n/);
    expect(r.out).toContain(
      '  note: the edited item does not allow everything the traces needed (/dev/ttyp0)\n',
    );
    expect(r.asked.filter((q) => q.startsWith('take this edit?'))).toHaveLength(3);
    expect(r.answers).toMatchObject({
      decisions: [{ kind: 'ability', choice: 'allow-edited', edit: '0-31' }],
    });
  });

  it('a group an edit also allows is not asked (nor undecided in a replay); undo asks it again', async () => {
    const taken = await session([
      'a', // interrupt
      'a', // connect
      'g', // /dev/ttyp0 globbed: it also allows /dev/ttyp1
      '/dev/ttyp*',
      'y',
      'q', // nothing left to ask: save
    ]);
    // /dev/ttyp1 was never asked, and the answers hold the edit alone for it.
    expect(taken.out).not.toContain('[4/4]');
    expect(taken.asked.filter((q) => q.includes('your choice'))).toEqual([
      '4 to decide; your choice [agtnwesq]',
      '3 to decide; your choice [atnwesuq]',
      '2 to decide; your choice [agtnwesuq]',
      'nothing left to ask; your choice [uq]',
    ]);
    expect(taken.answers).toMatchObject({
      decisions: [
        { kind: 'ability', choice: 'allow' },
        { kind: 'connect', choice: 'allow' },
        { kind: 'attach', object: '/dev/ttyp0', choice: 'allow-edited', edit: '/dev/ttyp*' },
      ],
    });
    expect((taken.answers as { decisions: unknown[] }).decisions).toHaveLength(3);
    // `u` once nothing is left to ask takes the edit back: /dev/ttyp0, then /dev/ttyp1, are asked.
    const undone = await session(['a', 'a', 'g', '/dev/ttyp*', 'y', 'u', 'n', 'a', 'q']);
    expect(undone.out).toContain('  undone\n');
    expect(undone.out).toContain('[4/4] player_t needs /dev/ttyp1 (attach)');
    expect(undone.answers).toMatchObject({
      decisions: [
        { kind: 'ability', choice: 'allow' },
        { kind: 'connect', choice: 'allow' },
        { kind: 'attach', object: '/dev/ttyp0', choice: 'never' },
        { kind: 'attach', object: '/dev/ttyp1', choice: 'allow' },
      ],
    });
    // The same in the pure core the prompts drive.
    const { policy } = parsePolicies([{ file: 'policy.secpol', text: POLICY }]);
    const plan = planPolicyPatch(learnFromTraces([{ file: 'trace.log', text: TRACE }]), { policy });
    const start = startSession(plan.patch);
    const edited = decide(start, 'player_t attach /dev/ttyp0', {
      choice: 'allow-edited',
      edit: '/dev/ttyp*',
    });
    if ('error' in edited) throw new Error(edited.error);
    const ids = (st: SessionState): string[] => pending(st).map((g) => g.id);
    expect(ids(edited.state)).not.toContain('player_t attach /dev/ttyp1');
    expect(coveredByEdits(edited.state)).toEqual(
      new Map([['player_t attach /dev/ttyp1', 'player_t attach /dev/ttyp0']]),
    );
    expect(ids(undo(edited.state))).toEqual(ids(start));
    expect(ids(start)).toContain('player_t attach /dev/ttyp1');
    // The replay of the taken session's answers: nothing undecided, the glob alone is granted.
    const dir = mkdtempSync(path.join(tmpdir(), 'review-covered-'));
    writeFileSync(path.join(dir, 'trace.log'), TRACE);
    writeFileSync(path.join(dir, 'policy.secpol'), POLICY);
    writeFileSync(path.join(dir, 'answers.json'), JSON.stringify(taken.answers));
    const r = await runCli(
      ['review', 'trace.log', '--policy', 'policy.secpol', '--answers', 'answers.json'],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('4 group(s); 4 decided, 0 waived, 0 with no decision');
    expect(r.stdout).toContain('allow_attach player_t /dev/ttyp*;');
    expect(r.stdout).not.toContain('/dev/ttyp1');
  });
});
