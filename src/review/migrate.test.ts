/**
 * Tests of `migratePolicy` and the release tables it reads: every sample
 * policy carried across every pair of releases lints clean of version errors
 * at the target, a second migration finds nothing, untouched bytes stay, an
 * [HDR] rename is rewritten in place and an [INF] one never is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parsePolicy } from '../policy/parse';
import { lintPolicy } from '../policy/lint';
import { QNX_VERSIONS, type QnxVersion } from '../qnx/abilities';
import { abilityChanges } from '../qnx/release-changes';
import { migratePolicy, type Migration } from './migrate';
import { OtherReleaseCheck } from './migrate-traces';
import { parseTraceText } from '../trace/push-parser';

const SAMPLES = path.resolve(__dirname, '..', '..', 'samples');

/** Every policy under samples/ that parses (the _errors_ cases are syntax errors by design). */
const samplePolicies: string[] = readdirSync(SAMPLES, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.secpol') && !f.startsWith('_errors_'))
  .sort();

const PAIRS: Array<[QnxVersion, QnxVersion]> = QNX_VERSIONS.flatMap((a) =>
  QNX_VERSIONS.filter((b) => b !== a).map((b): [QnxVersion, QnxVersion] => [a, b]),
);

function migrate(text: string, from: QnxVersion, to: QnxVersion, file = 'p.secpol'): Migration {
  const { ast, diagnostics } = parsePolicy(text, { file });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return migratePolicy({ type: 'policy', files: [ast] }, [{ file, text }], from, to);
}

function lintErrors(text: string, qnx: QnxVersion): string[] {
  const { ast } = parsePolicy(text, { file: 'p.secpol' });
  return lintPolicy({ type: 'policy', files: [ast] }, { qnx })
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.ruleId}`);
}

const VERSION_RULES = ['report-unknown-ability', 'report-unranged-subrange'];

describe('release tables', () => {
  it('7.0 and 7.1 do not differ; 7.1 → 8.0 renames qvm [HDR] and infers interruptevent', () => {
    expect(abilityChanges('7.0', '7.1')).toEqual([]);
    expect(abilityChanges('7.1', '7.0')).toEqual([]);
    const forward = abilityChanges('7.1', '8.0');
    expect(forward).toContainEqual(
      expect.objectContaining({ kind: 'renamed', name: 'qvm', to: 'hyp', confidence: 'HDR' }),
    );
    expect(forward).toContainEqual(
      expect.objectContaining({
        kind: 'renamed',
        name: 'interruptevent',
        to: 'interrupt',
        confidence: 'INF',
      }),
    );
    expect(
      forward
        .filter((c) => c.kind === 'removed')
        .map((c) => c.name)
        .sort(),
    ).toEqual(['clockperiod', 'keydata', 'qnet', 'sandbox', 'v86', 'xthread_threadctl']);
  });

  it('8.0 → 7.1 renames hyp back, removes the 8.0-only abilities, and chroot loses its subrange', () => {
    const back = abilityChanges('8.0', '7.1');
    expect(back).toContainEqual(
      expect.objectContaining({ kind: 'renamed', name: 'hyp', to: 'qvm', confidence: 'HDR' }),
    );
    expect(back).toContainEqual({ kind: 'loses-subranges', name: 'chroot' });
    expect(
      back
        .filter((c) => c.kind === 'removed')
        .map((c) => c.name)
        .sort(),
    ).toEqual([
      'container_create',
      'container_destroy',
      'container_query',
      'dumper',
      'mountifs',
      'msg_queue',
      'setcontainerid',
    ]);
    // The inferred alias is one-way: 8.0's interrupt exists in 7.1 under its own name.
    expect(back.some((c) => c.name === 'interrupt')).toBe(false);
  });
});

describe('migrate on every sample policy, every release pair', () => {
  expect(samplePolicies.length).toBeGreaterThan(20);
  it.each(PAIRS)('%s → %s', (from, to) => {
    for (const f of samplePolicies) {
      const text = readFileSync(path.join(SAMPLES, f), 'utf8');
      const m = migrate(text, from, to, f);
      const after = m.after[0]!.text;
      // The result parses, lints free of version errors at the target, adds no other error ...
      const afterErrors = lintErrors(after, to);
      expect([f, afterErrors.filter((r) => VERSION_RULES.includes(r))]).toEqual([f, []]);
      const before = lintErrors(text, from);
      expect([f, afterErrors.length <= before.length]).toEqual([f, true]);
      // A policy that linted clean for its release lints clean for the target.
      if (before.length === 0) expect([f, afterErrors]).toEqual([f, []]);
      // ... and is a fixpoint: migrating it again finds nothing.
      expect([f, migrate(after, from, to, f).items]).toEqual([f, []]);
      if (m.items.length === 0) expect(after).toBe(text);
    }
  });

  it('a sample that uses a removed ability gets a review item (qnet, 7.1 → 8.0)', () => {
    const f = 'policies/allow-ability-block/input.secpol';
    const text = readFileSync(path.join(SAMPLES, f), 'utf8');
    const m = migrate(text, '7.1', '8.0', f);
    expect(m.items).toEqual([
      expect.objectContaining({
        ability: 'qnet',
        action: 'removed',
        review: 'no-equivalent',
        line: 2,
        column: 50,
        subjects: 'sshd_t',
      }),
    ]);
    expect(m.after[0]!.text).toBe(text.replace(' qnet', ''));
  });
});

describe('migratePolicy', () => {
  const text = [
    'type a_t;',
    'ability sandbox;',
    'allow a_t self:ability { QVM interruptevent:4-5 -qvm gain_priv:qvm sandbox }; # keep',
    'allow a_t self:ability qnet;',
    'allow a_t self:ability {',
    '    nonroot',
    '    keydata # old',
    '};',
    '',
  ].join('\n');

  it('renames [HDR] in place, removes [INF] renames and removed abilities for review', () => {
    const m = migrate(text, '7.1', '8.0');
    expect(m.after[0]!.text).toBe(
      [
        'type a_t;',
        'ability sandbox;',
        'allow a_t self:ability { hyp -hyp gain_priv:hyp sandbox }; # keep',
        '',
      ].join('\n'),
    );
    expect(m.items.map((i) => [i.item, i.action, i.review ?? '-', i.to ?? '-'])).toEqual([
      ['QVM', 'renamed', '-', 'hyp'],
      ['interruptevent:4-5', 'removed', 'inferred-rename', 'interrupt'],
      ['-qvm', 'renamed', '-', 'hyp'],
      ['gain_priv:qvm', 'renamed', '-', 'hyp'],
      ['qnet', 'removed', 'no-equivalent', '-'],
      ['keydata', 'removed', 'no-equivalent', '-'],
    ]);
  });

  it('never writes the [INF] candidate and never widens a subrange it cannot carry', () => {
    const m = migrate(
      'type a_t;\nallow a_t self:ability { interruptevent:4 io:1 };\n',
      '7.1',
      '8.0',
    );
    expect(m.after[0]!.text).toBe('type a_t;\nallow a_t self:ability { io:1 };\n');
    const back = migrate(
      'type a_t;\nallow a_t self:ability { chroot:0 hyp chroot };\n',
      '8.0',
      '7.1',
    );
    expect(back.after[0]!.text).toBe('type a_t;\nallow a_t self:ability { qvm chroot };\n');
    expect(back.items.map((i) => i.review ?? i.action)).toEqual(['loses-subranges', 'renamed']);
  });

  it('keeps CRLF line ends and every byte it does not change', () => {
    const crlf =
      'type a_t;\r\nallow a_t self:ability {\r\n    qvm\r\n    qnet\r\n    io:1\r\n};\r\n';
    const m = migrate(crlf, '7.1', '8.0');
    expect(m.after[0]!.text).toBe(
      'type a_t;\r\nallow a_t self:ability {\r\n    hyp\r\n    io:1\r\n};\r\n',
    );
  });
});

describe('OtherReleaseCheck', () => {
  it('warns once per file and ability for checks the target does not define, with a count', () => {
    const trace = [
      'error: proc/boot/io-pkt (pid:1) type io_pkt_t lacks ability QNET as root',
      'error: proc/boot/io-pkt (pid:1) type io_pkt_t lacks ability QNET as root',
      'error: proc/boot/x (pid:2) type x_t lacks ability PATHSPACE as root',
      'error: proc/boot/x (pid:2) type x_t lacks ability NOT_AN_ABILITY as root',
      'error: proc/boot/x (pid:2) type x_t lacks ability iofunc/exec as root',
      '',
    ].join('\n');
    const to80 = new OtherReleaseCheck('8.0');
    const to71 = new OtherReleaseCheck('7.1');
    for (const e of parseTraceText(trace, 't.log').events) {
      to80.add(e);
      to71.add(e);
    }
    expect(to80.warnings()).toEqual([
      { file: 't.log', line: 1, ability: 'QNET', releases: ['7.0', '7.1'], records: 2 },
    ]);
    expect(to71.warnings()).toEqual([]);
  });
});
