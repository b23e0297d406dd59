/**
 * Every client of the grant model agrees with it, on random policies and
 * random monitor records over a small universe (types, abilities, values
 * 0-40, paths with and without a file-type prefix) so that subranges often
 * touch, overlap, negate and straddle domains:
 *
 * - `suggest`'s already-allowed test (findCoverage) ⇔ `check` (evaluate), for
 *   each record's requirement; for requirements coarser than their record (a
 *   whole ability, a type known only by name) findCoverage ⇒ evaluate;
 * - a guard refuses a denied requirement ⇔ the guard model allows one of its
 *   values, and keeps exactly the values it does not allow;
 * - `diff` sees no change between a policy and the same grants with their
 *   subranges cut into touching pieces.
 */
import fc from 'fast-check';
import { parsePolicies } from './parse';
import { buildModel } from './model/build-model';
import { allows, ruleOrigin } from './grants';
import { evaluate } from './evaluate';
import { findCoverage } from '../plan/coverage';
import { parseTraceText } from '../trace/push-parser';
import { inferRequirements } from '../infer/infer-requirements';
import { buildGuardModel, refuseGuarded } from '../review/guards';
import { diffPolicies } from '../review/policy-diff';
import { hardenPolicy } from '../review/harden';
import { reviewEvents } from '../review/trace-review';
import type { AbilityDomain, ProcessEvent } from '../trace/event';

const HEAD = 'type a_t;\ntype b_t;\nattribute peers;\ntype c_t, peers;\n';
const value = fc.integer({ min: 0, max: 40 });

/** A subrange as written: `N`, `N-M` or `N-`. */
const subrange = fc.oneof(
  value.map(String),
  fc.tuple(value, value).map(([x, y]) => `${Math.min(x, y)}-${Math.max(x, y)}`),
  value.map((x) => `${x}-`),
);
const ranges = fc.array(subrange, { minLength: 1, maxLength: 3 }).map((r) => r.join(','));

const item = fc.oneof(
  { weight: 6, arbitrary: ranges.map((r) => `setuid:${r}`) },
  { weight: 1, arbitrary: fc.constant('setuid') },
  { weight: 1, arbitrary: fc.constant('-setuid') },
  { weight: 2, arbitrary: fc.constantFrom('io', 'io:0-1', '-io') },
  { weight: 2, arbitrary: fc.constantFrom('settypeid:b_t', 'settypeid:peers', 'settypeid:5-9') },
  { weight: 2, arbitrary: fc.constantFrom('channel_connect:b_t', 'channel_connect:peers') },
  { weight: 1, arbitrary: fc.constant('default_priv') },
);

const subject = fc.constantFrom('a_t', 'a_t', 'c_t', 'peers', 'z_t');
const path = fc.constantFrom(
  '/dev/x',
  '/dev/*',
  '/dev/...',
  'mount:/dev/x',
  'mount:/...',
  '/tmp/y',
);

const statement = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(
        subject,
        fc.subarray(['nonroot', 'noinherit']),
        fc.array(item, { minLength: 1, maxLength: 4 }),
      )
      .map(([s, flags, items]) => `allow ${s} self:ability { ${[...flags, ...items].join(' ')} };`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(subject, fc.constantFrom('b_t', 'peers'))
      .map(([s, o]) => `allow ${s} ${o}:channel connect;`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('allow_attach', 'allow_link'), subject, path)
      .map(([k, s, p]) => `${k} ${s} ${p};`),
  },
);

const policyText = fc.array(statement, { maxLength: 6 }).map((s) => HEAD + s.join('\n') + '\n');

const domain = fc.constantFrom<AbilityDomain>('root', 'non-root');
const type = fc.constantFrom('a_t', 'a_t', 'c_t', 'z_t');

/** One monitor record, as the monitor prints it. */
const record = fc.oneof(
  fc
    .tuple(type, value, fc.option(value, { nil: undefined }), domain)
    .map(([t, x, y, d]) =>
      y === undefined
        ? `type ${t} lacks ability SETUID(${x}) as ${d}`
        : `type ${t} lacks ability SETUID(${Math.min(x, y)} - ${Math.max(x, y)}) as ${d}`,
    ),
  fc.tuple(type, domain).map(([t, d]) => `type ${t} lacks ability IO as ${d}`),
  fc
    .tuple(
      type,
      fc.constantFrom('SETTYPEID', 'CHANNEL_CONNECT'),
      fc.constantFrom('b_t', 'c_t', 'a_t'),
      value,
      domain,
    )
    .map(([t, a, o, id, d]) => `type ${t} lacks ability ${a}(${id}) (${o}) as ${d}`),
  fc
    .tuple(
      type,
      fc.constantFrom('attach to', 'link to'),
      fc.constantFrom('/dev/x', '/dev/y', '/tmp/y', '/'),
    )
    .map(([t, k, p]) => `of type ${t} failed to ${k} path ${p}: no rule`),
);

/** The same record as a success (`secpolmonitor -s`). */
const asSuccess = (r: string): string =>
  `info: usr/bin/x (pid:1) ${r
    .replace(' lacks ability ', ' uses ability ')
    .replace(/failed to attach to path (\S+): no rule/, 'attached channel to path $1')
    .replace(/failed to link to path (\S+): no rule/, 'created link to path $1')}`;

const eventOf = (r: string): ProcessEvent => {
  const line = r.startsWith('info: ') ? r : `error: usr/bin/x (pid:1) ${r}`;
  const events = parseTraceText(line, 'trace.log').events;
  expect(events).toHaveLength(1);
  expect(events[0]!.kind).not.toBe('unknown');
  return events[0] as ProcessEvent;
};

const modelOf = (text: string) => {
  const { policy, diagnostics } = parsePolicies([{ file: 'p.secpol', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { policy, model: buildModel(policy) };
};

describe('grant model: every client agrees', () => {
  it('findCoverage (suggest) agrees with evaluate (check) on each record', () => {
    fc.assert(
      fc.property(policyText, record, (text, r) => {
        const { model } = modelOf(text);
        const e = eventOf(r);
        const reqs = [...inferRequirements([e]).requirements.byKey.values()];
        expect(reqs).toHaveLength(1);
        const req = reqs[0]!;
        const covered = findCoverage(model, req) !== undefined;
        const allowed = evaluate(model, e).allowed;
        // A whole ability or a type without its id asks more than the record did.
        const coarser = req.whole === true || req.kind === 'settypeid' || req.kind === 'connect';
        if (coarser) expect(!covered || allowed).toBe(true);
        else expect(covered).toBe(allowed);
      }),
      { numRuns: 400 },
    );
  });

  it('a guard refuses exactly the denied values the guard model allows', () => {
    fc.assert(
      fc.property(policyText, fc.array(record, { minLength: 1, maxLength: 4 }), (text, rs) => {
        const guard = parsePolicies([{ file: 'g.secpol', text }]).policy.files[0]!;
        const guards = buildGuardModel(guard, undefined, '7.1');
        const events = rs.map(eventOf);
        const inferred = inferRequirements(events);
        const before = [...inferred.requirements.byKey.values()].map((q) => ({
          ...q,
          ranges: [...(q.deniedRanges ?? q.ranges ?? [])],
        }));
        refuseGuarded(inferred, guards);
        for (const q of before) {
          const after = inferred.requirements.byKey.get(q.key);
          if (q.kind !== 'ability' || q.whole) continue;
          const d = q.domain ?? 'root';
          const values: number[] = [];
          for (const [s, e] of q.ranges)
            for (let v = Number(s); v <= Number(e); v++) values.push(v);
          const forbidden = (v: number): boolean =>
            allows(guards, {
              kind: 'ability',
              type: q.type,
              domain: d,
              ability: q.object,
              value: { kind: 'span', start: BigInt(v), end: BigInt(v) },
            }).allowed;
          const kept = values.filter((v) => !forbidden(v));
          if (kept.length === values.length)
            expect(after?.deniedRanges ?? after?.ranges).toEqual(q.ranges);
          else if (kept.length === 0) expect(after).toBeUndefined();
          else {
            const left: number[] = [];
            for (const [s, e] of after!.deniedRanges!)
              for (let v = Number(s); v <= Number(e); v++) left.push(v);
            expect(left).toEqual(kept);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('harden never removes a rule that allowed, or may have allowed, a recorded access', () => {
    const records = fc.array(
      fc.tuple(record, fc.boolean()).map(([r, ok]) => (ok ? asSuccess(r) : r)),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(policyText, records, (text, rs) => {
        const { model } = modelOf(text);
        const events = rs.map(eventOf);
        const h = hardenPolicy(model, reviewEvents(model, events), {
          traceFiles: ['trace.log'],
          policyFiles: ['p.secpol'],
        });
        const removed = new Set(h.removals.map((o) => `${o.line}:${o.column}`));
        for (const e of events) {
          // An undeclared type's rules allow nothing (`check` says no-type).
          if ((e.kind !== 'attach' && e.kind !== 'link') || !model.types.has(e.securityType))
            continue;
          const a = allows(model, { kind: e.kind, type: e.securityType, path: e.path });
          const rules = [...(a.allowed ? a.by.map(ruleOrigin) : []), ...a.may.map((r) => r.origin)];
          for (const o of rules) expect(removed.has(`${o.line}:${o.column}`)).toBe(false);
        }
        for (const g of reviewEvents(model, events).groups)
          if (g.verdict.allowed)
            for (const r of g.verdict.grants)
              expect(removed.has(`${r.line}:${r.column}`)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('diff sees no change when subranges are only cut into touching pieces', () => {
    const cut = fc.tuple(value, value).chain(([x, y]) => {
      const [s, e] = [Math.min(x, y), Math.max(x, y)];
      return fc.integer({ min: s, max: e }).map((m) => ({
        whole: `${s}-${e}`,
        pieces: m === e ? `${s}-${e}` : `${s}-${m},${m + 1}-${e}`,
      }));
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(cut, fc.boolean()), { minLength: 1, maxLength: 3 }), (cuts) => {
        const block = (ranges: string[], nonroot: boolean): string =>
          `allow a_t self:ability { ${nonroot ? 'nonroot ' : ''}setuid:${ranges.join(',')} };`;
        const a = HEAD + cuts.map(([c, n]) => block([c.whole], n)).join('\n');
        const b =
          HEAD +
          cuts
            .map(([c, n]) =>
              c.pieces
                .split(',')
                .map((p) => block([p], n))
                .join('\n'),
            )
            .join('\n');
        expect(diffPolicies(modelOf(a).model, modelOf(b).model).entries).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
