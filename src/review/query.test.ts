/**
 * `query`: the question grammar (every form read, hostile words refused in
 * words), answers checked against the grant model on generated policies (a
 * type is listed iff `allows` says so, and exactly when the evaluator allows the
 * trace record of that access), and the samples' goldens through the
 * CLI with their exit codes.
 */
import * as path from 'node:path';
import fc from 'fast-check';
import { parsePolicies } from '../policy/parse';
import { printPolicy } from '../policy/print';
import { buildModel } from '../policy/model/build-model';
import { allows } from '../policy/grants';
import { evaluate } from '../policy/evaluate';
import type { AbilityArgument, AbilityDomain, TraceEvent } from '../trace/event';
import { policyFileArbitrary } from '../policy/policy.arbitrary';
import type { PolicyModel } from '../policy/model/types';
import type { PolicyFile } from '../policy/ast';
import { isIdentifier } from '../policy/lexical';
import { answerQuestion, parseQuestion, type Question } from './query';
import { runCli } from '../test-utils/run-cli';
import { expectGolden } from '../test-utils/golden';

const SAMPLE = path.join('samples', 'tidy-query');

function modelOf(text: string): PolicyModel {
  return buildModel(parsePolicies([{ file: 'gen.secpol', text }]).policy);
}

function ask(model: PolicyModel, words: string): ReturnType<typeof answerQuestion> {
  const q = parseQuestion([words]);
  if (!q.ok) throw new Error(q.error);
  return answerQuestion(model, q.question);
}

describe('the question grammar', () => {
  it.each<[string, Question]>([
    ['who-connects random_t', { kind: 'who-connects', object: 'random_t' }],
    ['connects fs_t', { kind: 'connects', subject: 'fs_t' }],
    ['ability SETUID:0', { kind: 'ability', ability: 'setuid', value: '0' }],
    [
      'ability mem_phys:0x1000-0x1fff',
      { kind: 'ability', ability: 'mem_phys', value: '0x1000-0x1fff' },
    ],
    ['ability iofunc/exec', { kind: 'ability', ability: 'iofunc/exec' }],
    ['attach /dev/shmem', { kind: 'attach', path: '/dev/shmem' }],
    ['link /tmp/...', { kind: 'link', path: '/tmp/...' }],
    ['type   fs_t', { kind: 'type', type: 'fs_t' }],
  ])('reads %j', (words, question) => {
    expect(parseQuestion([words])).toEqual({ ok: true, question });
    // One string or several words: the same question.
    expect(parseQuestion(words.split(' '))).toEqual({ ok: true, question });
  });

  it.each([
    ['', /no question/],
    ['who connects random_t', /unknown question "who"/],
    ['connects', /takes one argument/],
    ['type a_t b_t', /takes one argument/],
    ['type a-t', /not a type name/],
    ['type a_t;allow', /not a type name/],
    ['attach dev/shmem', /not a path/],
    ['attach /dev/{x}', /not a path/],
    ['ability io:', /not an ability value/],
    ['ability setuid:9-1', /not an ability value/],
    ['ability setuid:1-2-3', /not an ability value/],
    ['ability 9io', /not an ability name/],
    ['type \u001b[31mred_t', /not a type name/],
  ])('refuses %j in words', (words, message) => {
    const r = parseQuestion([words]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(message);
      // Quoted as JSON: no raw control character reaches the terminal.
      expect(r.error).not.toMatch(/[\u0000-\u001f]/);
    }
  });
});

describe('answers agree with the grant model (generated policies)', () => {
  it('who-connects X lists a type iff allows() grants it the connect in some domain', () => {
    fc.assert(
      fc.property(policyFileArbitrary, (file) => {
        const model = modelOf(printPolicy(file));
        const types = [...new Set([...model.types.keys(), ...model.grants.keys()])];
        for (const object of types) {
          const listed = new Set(ask(model, `who-connects ${object}`).rows.map((r) => r.type));
          for (const type of model.grants.keys()) {
            const granted = (['root', 'non-root'] as const).some(
              (domain) => allows(model, { kind: 'connect', type, domain, object }).allowed,
            );
            expect([type, object, listed.has(type)]).toEqual([type, object, granted]);
          }
        }
      }),
      { numRuns: 150, seed: 19 },
    );
  });

  it('ability NAME[:V] lists a type iff allows() holds the value for it', () => {
    fc.assert(
      fc.property(policyFileArbitrary, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (file, v) => {
        const model = modelOf(printPolicy(file));
        const abilities = new Set<string>();
        for (const g of model.grants.values()) for (const a of g.abilities.keys()) abilities.add(a);
        for (const ability of abilities) {
          const words = `ability ${ability}:${v}`;
          if (!parseQuestion([words]).ok) continue; // a dynamic name with `:` in it
          const listed = new Set(ask(model, words).rows.map((r) => r.type));
          for (const type of model.grants.keys()) {
            const held = (['root', 'non-root'] as const).some(
              (domain) =>
                allows(model, {
                  kind: 'ability',
                  type,
                  domain,
                  ability,
                  value: { kind: 'span', start: v, end: v },
                }).allowed,
            );
            expect([type, ability, listed.has(type)]).toEqual([type, ability, held]);
          }
        }
      }),
      { numRuns: 150, seed: 19 },
    );
  });

  it('attach PATH lists a type iff allows() matches a rule (or a prefixed rule may)', () => {
    fc.assert(
      fc.property(
        policyFileArbitrary,
        fc.constantFrom('/', '/dev/fsF1', '/dev/socket/x', '/tmp/libc.so', '/a:b'),
        (file, p) => {
          const model = modelOf(printPolicy(file));
          const rows = ask(model, `attach ${p}`).rows;
          for (const type of model.grants.keys()) {
            const a = allows(model, { kind: 'attach', type, path: p });
            const row = rows.find((r) => r.type === type);
            expect(row?.certainty).toBe(a.allowed ? 'yes' : a.may.length > 0 ? 'may' : undefined);
          }
        },
      ),
      { numRuns: 150, seed: 19 },
    );
  });

  it('every grant cited is at a line of the policy file', () => {
    fc.assert(
      fc.property(policyFileArbitrary, (file) => {
        const text = printPolicy(file);
        const lines = text.split('\n');
        const model = modelOf(text);
        for (const type of model.grants.keys())
          for (const row of ask(model, `type ${type}`).rows)
            for (const g of row.grants) {
              expect(g.at.file).toBe('gen.secpol');
              expect(lines[g.at.line - 1]).toBeDefined();
            }
      }),
      { numRuns: 100, seed: 19 },
    );
  });
});

/** A trace record's event for the evaluator, as the trace parser would make it. */
function abilityCheck(
  type: string,
  domain: AbilityDomain,
  ability: string,
  argument: AbilityArgument,
): TraceEvent {
  const upper = /^[a-z0-9_]+$/.test(ability);
  return {
    kind: 'ability',
    severity: 'error',
    process: 'proc/boot/prog',
    pid: '1',
    securityType: type,
    ability: {
      monitorName: upper ? ability.toUpperCase() : ability,
      policyName: ability,
      dynamic: !upper,
    },
    argument,
    domain,
    record: '',
    position: { file: 'gen.log', line: 1 },
  };
}

const DOMAINS = ['root', 'non-root'] as const;

/**
 * A generated policy with every type it names declared (`type X;` first): the evaluator denies a
 * type the policy does not declare (`no-type`) before asking the grant model.
 */
function declaredModel(file: PolicyFile): PolicyModel {
  const text = printPolicy(file);
  const first = modelOf(text);
  const names = new Set<string>(first.grants.keys());
  for (const g of first.grants.values()) for (const o of g.connects.keys()) names.add(o);
  const decls = [...names]
    .filter((n) => isIdentifier(n) && n !== 'self' && !first.attributes.has(n))
    .sort()
    .map((n) => `type ${n};\n`)
    .join('');
  return modelOf(decls + text);
}

describe('answers agree with the evaluator on trace events (generated policies)', () => {
  it('who-connects O and connects T list exactly the CHANNEL_CONNECT checks evaluate() allows', () => {
    let allowed = 0;
    fc.assert(
      fc.property(policyFileArbitrary, (file) => {
        const model = declaredModel(file);
        const types = [...model.types.keys()];
        for (const subject of types) {
          const connects = new Set(
            ask(model, `connects ${subject}`)
              .rows.map((r) => r.object)
              .filter((o) => o !== '*'),
          );
          for (const object of types) {
            const granted = DOMAINS.some(
              (d) =>
                evaluate(
                  model,
                  abilityCheck(subject, d, 'channel_connect', {
                    kind: 'type-id',
                    typeName: object,
                  }),
                ).allowed,
            );
            if (granted) allowed++;
            const who = ask(model, `who-connects ${object}`).rows.some((r) => r.type === subject);
            expect([subject, object, who, connects.has(object)]).toEqual([
              subject,
              object,
              granted,
              granted,
            ]);
          }
        }
      }),
      { numRuns: 150, seed: 19 },
    );
    expect(allowed).toBeGreaterThan(0);
  });

  it('ability NAME:V lists exactly the types whose check of V evaluate() allows', () => {
    let allowed = 0;
    fc.assert(
      fc.property(policyFileArbitrary, fc.bigInt({ min: 0n, max: 2n ** 32n }), (file, v) => {
        const model = declaredModel(file);
        const abilities = new Set<string>();
        for (const g of model.grants.values()) for (const a of g.abilities.keys()) abilities.add(a);
        for (const ability of abilities) {
          const words = `ability ${ability}:${v}`;
          if (!parseQuestion([words]).ok) continue;
          const listed = new Set(ask(model, words).rows.map((r) => r.type));
          for (const type of model.types.keys()) {
            const granted = DOMAINS.some(
              (d) =>
                evaluate(model, abilityCheck(type, d, ability, { kind: 'value', value: `${v}` }))
                  .allowed,
            );
            if (granted) allowed++;
            expect([type, ability, listed.has(type)]).toEqual([type, ability, granted]);
          }
        }
      }),
      { numRuns: 150, seed: 19 },
    );
    expect(allowed).toBeGreaterThan(0);
  });

  it.each(['attach', 'link'] as const)(
    '%s PATH: a sure answer exactly when evaluate() allows that record',
    (kind) => {
      let allowed = 0;
      fc.assert(
        fc.property(
          policyFileArbitrary,
          fc.constantFrom('/', '/dev/fsF1', '/dev/socket/x', '/tmp/libc.so', '/dev/ttyp3'),
          (file, p) => {
            const model = declaredModel(file);
            // The paths asked: a fixed one, and each literal path of the policy's own rules.
            const own = [...model.grants.values()].flatMap((g) =>
              (kind === 'attach' ? g.attaches : g.links)
                .map((r) => r.path)
                .filter((x) => !/[*?[]|\.\.\.$/.test(x) && parseQuestion([`${kind} ${x}`]).ok),
            );
            for (const q of [p, ...own]) check(model, q);
          },
        ),
        { numRuns: 150, seed: 19 },
      );
      expect(allowed).toBeGreaterThan(0);

      function check(model: PolicyModel, p: string): void {
        const rows = ask(model, `${kind} ${p}`).rows;
        for (const type of model.types.keys()) {
          const event: TraceEvent = {
            kind,
            severity: 'error',
            process: 'proc/boot/prog',
            pid: '1',
            securityType: type,
            path: p,
            failure: { reason: 'no rule', code: 'no-rule' },
            record: '',
            position: { file: 'gen.log', line: 1 },
          };
          const granted = evaluate(model, event).allowed;
          if (granted) allowed++;
          const sure = rows.some((r) => r.type === type && r.certainty === 'yes');
          expect([type, p, sure]).toEqual([type, p, granted]);
        }
      }
    },
  );
});

describe('query on the sample (goldens, exit codes)', () => {
  const policy = path.join(SAMPLE, 'policy.secpol');
  it.each([
    ['who-connects', ['who-connects', 'random_t'], 'text'],
    ['connects', ['connects', 'fs_t'], 'text'],
    ['ability', ['ability', 'setuid:2500'], 'text'],
    ['attach-under', ['attach', '/fs/...'], 'markdown'],
    ['type', ['type', 'fs_t'], 'json'],
  ])('%s', async (name, question, format) => {
    const r = await runCli(['query', '--policy', policy, '--format', format, ...question]);
    expect(r.code).toBe(0);
    const ext = format === 'json' ? 'json' : format === 'markdown' ? 'md' : 'txt';
    expectGolden(r.stdout, path.join(SAMPLE, `expected.query-${name}.${ext}`));
  });

  it('exit 1 when nothing answers, with a note for a name the policy does not have', async () => {
    const r = await runCli(['query', '--policy', policy, 'who-connects', 'nobody_t']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('nothing in the policy answers "who-connects nobody_t"\n');
    expect(r.stderr).toContain('note: nobody_t is not a type of the policy');
  });

  it('exit 2 for a question it cannot read, before any file is read', async () => {
    const r = await runCli(['query', '--policy', 'missing.secpol', 'ability', 'setuid:9-1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('cannot read the question: "9-1" is not an ability value');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exit 2 without --policy, and for a policy that does not parse (FILE:LINE:COL)', async () => {
    expect((await runCli(['query', 'type', 'fs_t'])).code).toBe(2);
    const bad = await runCli(['query', '--policy', '-', 'type', 'fs_t']);
    expect(bad.code).toBe(2);
    const broken = await runCli([
      'query',
      '--policy',
      'samples/_errors_/allow-attach-with-space/input.secpol',
      'type',
      'a_t',
    ]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/input\.secpol:\d+:\d+/);
  });
});
