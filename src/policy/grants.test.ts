/**
 * The grant model on the cases issue 14 names: subranges that touch merge
 * (within a block and across blocks with the same flags) before the "one
 * subrange covers it" test; names are not merged; negation wins; prefixed
 * attach rules are "may match" both ways. Then the same cases end to end:
 * `suggest` adds nothing, `check` passes, `harden` removes neither grant,
 * `diff` sees no change when subranges are only split or joined.
 */
import { parsePolicies } from './parse';
import { buildModel } from './model/build-model';
import { parseRangeFile } from './model/range-file';
import {
  abilityValues,
  allows,
  domainGrants,
  ruleOrigin,
  type Access,
  type GrantAnswer,
} from './grants';
import { evaluate } from './evaluate';
import { parseTraceText } from '../trace/push-parser';
import { inferRequirements } from '../infer/infer-requirements';
import { planPatch } from '../plan/plan-patch';
import { reviewEvents, uncoveredGroups } from '../review/trace-review';
import { hardenPolicy } from '../review/harden';
import { diffPolicies } from '../review/policy-diff';

function modelOf(text: string, rangeFile?: string) {
  const { policy, diagnostics } = parsePolicies([{ file: 'p.secpol', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const ranges = rangeFile ? parseRangeFile(rangeFile, { file: 'r' }).ranges : undefined;
  return { policy, model: buildModel(policy, ranges ? { ranges } : {}) };
}

const span = (
  ability: string,
  start: number,
  end: number,
  domain: 'root' | 'non-root' = 'root',
): Access => ({
  kind: 'ability',
  type: 'a_t',
  domain,
  ability,
  value: { kind: 'span', start: BigInt(start), end: BigInt(end) },
});
const setuid = (start: number, end: number, domain: 'root' | 'non-root' = 'root'): Access =>
  span('setuid', start, end, domain);

/** `allowed by LINE,LINE` or the reason. */
const said = (a: GrantAnswer): string =>
  a.allowed ? `by ${a.by.map((r) => ruleOrigin(r).line).join(',')}` : a.why;

const TWO_BLOCKS = `type a_t;
allow a_t self:ability { setuid:1000-1009 };
allow a_t self:ability { setuid:1010-1019 };
`;

describe('grant model: subranges', () => {
  it('merges touching subranges across blocks; both grants allow the span', () => {
    const { model } = modelOf(TWO_BLOCKS);
    expect(said(allows(model, setuid(1005, 1015)))).toBe('by 2,3');
    // A span one subrange holds needs only that grant.
    expect(said(allows(model, setuid(1001, 1009)))).toBe('by 2');
    expect(said(allows(model, setuid(1015, 1020)))).toBe('not-covered');
  });

  it('merges within a block, and overlapping subranges', () => {
    const { model } = modelOf(`type a_t;
allow a_t self:ability { setuid:1-5,6-10 mem_phys:100-200,190-300 };
`);
    expect(said(allows(model, setuid(3, 8)))).toBe('by 2');
    expect(said(allows(model, span('mem_phys', 150, 250)))).toBe('by 2');
  });

  it('does not merge over a gap, across domains, or across different flags', () => {
    const { model } = modelOf(`type a_t;
allow a_t self:ability { setuid:1-5,7-10 };
allow a_t self:ability { noinherit setuid:11-20 };
allow a_t self:ability { nonroot setuid:100-110 };
allow a_t self:ability { setuid:111-120 };
`);
    expect(said(allows(model, setuid(4, 8)))).toBe('not-covered');
    expect(said(allows(model, setuid(9, 12)))).toBe('not-covered');
    // 100-110 (both domains) and 111-120 (root) merge in root only.
    expect(said(allows(model, setuid(105, 115)))).toBe('by 4,5');
    expect(said(allows(model, setuid(105, 115, 'non-root')))).toBe('not-covered');
  });

  it('merges up to the top of the value space (2^64 - 1) without overflow', () => {
    const text = `type a_t;
allow a_t self:ability { setuid:0xfffffffffffffff0-0xfffffffffffffffe };
allow a_t self:ability { setuid:18446744073709551615 };
`;
    const top = 18446744073709551615n;
    const near: Access = {
      kind: 'ability',
      type: 'a_t',
      domain: 'root',
      ability: 'setuid',
      value: { kind: 'span', start: top - 5n, end: top },
    };
    expect(said(allows(modelOf(text).model, near))).toBe('by 2,3');
    const open = modelOf(`${text}allow a_t self:ability { setuid:10- };\n`).model;
    expect(abilityValues(open, 'a_t', 'setuid', 'root')).toEqual({
      whole: false,
      intervals: [[10n, top]],
      names: new Set(),
    });
  });

  it('keeps named ranges apart from numbers', () => {
    const { model } = modelOf(
      `type a_t;\nrange low;\nallow a_t self:ability { setuid:low,11-20 };\n`,
      'setuid : low : 0-10\n',
    );
    expect(said(allows(model, setuid(2, 8)))).toBe('by 3');
    expect(said(allows(model, setuid(12, 20)))).toBe('by 3');
    expect(said(allows(model, setuid(5, 15)))).toBe('not-covered');
  });

  it('lets a negation win in its domain, whatever other blocks grant', () => {
    const { model } = modelOf(`type a_t;
allow a_t self:ability { nonroot setuid:1-10 };
allow a_t self:ability { -setuid };
`);
    expect(said(allows(model, setuid(2, 3)))).toBe('negated');
    expect(said(allows(model, setuid(2, 3, 'non-root')))).toBe('by 2');
    expect(abilityValues(model, 'a_t', 'setuid', 'root')).toBeUndefined();
  });
});

describe('grant model: file-type-prefixed attach rules', () => {
  const { model } = modelOf(`type devb_t;
allow_attach devb_t mount:/;
allow_attach devb_t /dev/hd0;
`);
  it('never surely match a plain trace path, but may', () => {
    const a = allows(model, { kind: 'attach', type: 'devb_t', path: '/' });
    expect(a.allowed).toBe(false);
    expect(a.may.map((r) => r.origin.line)).toEqual([2]);
    const b = allows(model, { kind: 'attach', type: 'devb_t', path: '/dev/hd0' });
    expect(said(b)).toBe('by 3');
    expect(b.may).toEqual([]);
  });
});

const trace = (lines: string[]) => parseTraceText(lines.join('\n'), 'trace.log').events;

describe('grant model: every command agrees', () => {
  const USE = [
    'info: usr/sbin/a (pid:7) type a_t uses ability SETUID(1005 - 1015) as root',
    'info: usr/sbin/a (pid:7) type a_t uses ability SETUID(1001) as root',
  ];

  it('suggest adds nothing for a span merged subranges cover', () => {
    const input = modelOf(TWO_BLOCKS);
    const denied = trace([
      'error: usr/sbin/a (pid:7) type a_t lacks ability SETUID(1005 - 1015) as root',
    ]);
    const patch = planPatch(input, inferRequirements(denied), { mode: 'suggest' });
    expect(patch.alreadyAllowed.map((x) => `${x.object} ${x.by.line}`)).toEqual(['setuid 2']);
    expect(evaluate(input.model, denied[0]!).allowed).toBe(true);
    expect(uncoveredGroups(reviewEvents(input.model, denied))).toEqual([]);
  });

  it('harden removes neither grant when the trace used the merged span', () => {
    const { model } = modelOf(TWO_BLOCKS);
    const h = hardenPolicy(model, reviewEvents(model, trace(USE)), {
      traceFiles: ['trace.log'],
      policyFiles: ['p.secpol'],
    });
    expect(h.removals).toEqual([]);
    expect(h.findings.filter((f) => f.code === 'unused-grant')).toEqual([]);
  });

  it('check does not call a prefixed rule a cover; harden does not call it unused', () => {
    const { model } = modelOf(`type devb_t;
allow_attach devb_t mount:/;
allow devb_t self:ability { io };
`);
    const events = trace([
      'error: sbin/devb-eide (pid:9) of type devb_t failed to attach to path /: no rule',
      'info: sbin/devb-eide (pid:9) of type devb_t attached channel to path /',
      'info: sbin/devb-eide (pid:9) type devb_t uses ability IO as root',
    ]);
    const review = reviewEvents(model, events);
    const uncovered = uncoveredGroups(review);
    expect(uncovered.map((g) => g.object)).toEqual(['/']);
    const v = uncovered[0]!.verdict;
    expect(!v.allowed && v.message).toMatch(/file-type prefix/);
    const h = hardenPolicy(model, review, { traceFiles: ['t'], policyFiles: ['p.secpol'] });
    expect(h.removals).toEqual([]);
  });

  it('a prefixed rule whose path matches no record is still unused', () => {
    const { model } = modelOf(`type devb_t;
allow_attach devb_t mount:/mnt;
allow devb_t self:ability { io };
`);
    const events = trace(['info: sbin/devb-eide (pid:9) type devb_t uses ability IO as root']);
    const h = hardenPolicy(model, reviewEvents(model, events), {
      traceFiles: ['t'],
      policyFiles: ['p.secpol'],
    });
    expect(h.removals.map((o) => o.line)).toEqual([2]);
  });

  it('diff sees no change when subranges are only split or joined', () => {
    const a = modelOf(TWO_BLOCKS).model;
    const b = modelOf('type a_t;\nallow a_t self:ability { setuid:1000-1004,1005-1019 };\n').model;
    const c = modelOf('type a_t;\nallow a_t self:ability setuid:1000-1019;\n').model;
    expect(diffPolicies(a, b).entries).toEqual([]);
    expect(diffPolicies(a, c).entries).toEqual([]);
    const d = modelOf('type a_t;\nallow a_t self:ability { setuid:1000-1008,1010-1019 };\n').model;
    expect(diffPolicies(a, d).entries.map((e) => `${e.change} ${e.new}`)).toEqual([
      'narrowed setuid:1000-1008,1010-1019',
    ]);
  });
});

describe('the domainGrants cache is kept per list, not per type', () => {
  const n = 200;
  const types = Array.from({ length: n }, (_, i) => `t${i}`);
  const abilities = Array.from({ length: n }, (_, i) => `custom_${i}`);
  const text = [
    ...types.map((t) => `type ${t};`),
    ...abilities.map((a) => `ability ${a};`),
    `allow {${types.join(' ')}} self:ability {${abilities.map((a, i) => `${a}:${i}-${i + 9}`).join(' ')}};`,
    // t0 also holds custom_0 from a block of its own: its lists are its own.
    'allow t0 self:ability custom_0:100;',
  ].join('\n');
  const { model } = modelOf(text);

  it('every subject of a shared block holding an ability through it alone shares one normalisation', () => {
    // A reader asking every (type, ability) pair (diff) keeps one per (block, ability, domain).
    const first = domainGrants(model, 't1', 'custom_5', 'root');
    for (const t of types.slice(2)) expect(domainGrants(model, t, 'custom_5', 'root')).toBe(first);
    expect(domainGrants(model, 't1', 'custom_5', 'non-root')).not.toBe(first);
    // A type whose grants of the ability come from two blocks has its own, with both.
    const own = domainGrants(model, 't0', 'custom_0', 'root')!;
    expect(own).not.toBe(domainGrants(model, 't1', 'custom_0', 'root'));
    expect(own.grants).toHaveLength(2);
  });

  it('answers stay right when a type is asked more abilities than it keeps answers for', () => {
    for (let round = 0; round < 2; round++)
      for (const [i, a] of abilities.entries()) {
        const v = abilityValues(model, 't0', a, 'root');
        expect(v?.intervals).toEqual(
          i === 0
            ? [
                [0n, 9n],
                [100n, 100n],
              ]
            : [[BigInt(i), BigInt(i + 9)]],
        );
      }
  });
});
