/**
 * `harden` on real-looking input: the removal patch, applied, still allows
 * every record the policy allowed before (successes and covered failures)
 * and denies the same failures; grants are removed with the smallest edit;
 * no successes means nothing is unused; narrower rules come from the
 * records each grant allowed.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { parseTraceText } from '../trace/push-parser';
import type { TraceEvent } from '../trace/event';
import { hardenPolicy } from './harden';
import { removeGrants } from './remove-grants';
import { reviewEvents } from './trace-review';

const samples = path.join(__dirname, '..', '..', 'samples');

function load(c: string): { text: string; events: TraceEvent[] } {
  const text = readFileSync(path.join(samples, c, 'policy.secpol'), 'utf8');
  const trace = readFileSync(path.join(samples, c, 'trace.log'), 'utf8');
  return { text, events: parseTraceText(trace, 'trace.log').events };
}

function modelOf(text: string) {
  const { policy, diagnostics } = parsePolicies([{ file: 'policy.secpol', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { policy, model: buildModel(policy) };
}

describe.each(['seed-walkthrough', 'multi-process-boot', 'review-harden'])(
  'harden on samples/%s',
  (c) => {
    it('the removal patch, applied, still covers every success and failure the policy allowed', () => {
      const { text, events } = load(c);
      const before = modelOf(text);
      const review = reviewEvents(before.model, events);
      const h = hardenPolicy(before.model, review, {
        traceFiles: ['trace.log'],
        policyFiles: ['policy.secpol'],
      });
      expect(h.hasSuccesses).toBe(true);
      expect(h.removals.length).toBeGreaterThan(0);
      const [after] = removeGrants([{ file: 'policy.secpol', text }], h.removals);
      expect(after!.text).not.toBe(text);
      const patched = modelOf(after!.text);
      const again = reviewEvents(patched.model, events);
      const verdicts = (r: typeof review): string[] =>
        r.groups.map((g) => `${g.key}=${g.verdict.allowed}`);
      expect(verdicts(again)).toEqual(verdicts(review));
      // A fixpoint: nothing the traces use is left to remove.
      const h2 = hardenPolicy(patched.model, again, {
        traceFiles: ['trace.log'],
        policyFiles: ['policy.secpol'],
      });
      expect(h2.removals).toEqual([]);
    });
  },
);

describe('removeGrants', () => {
  const text = [
    'type a;',
    'allow a self:ability {',
    '    io   # needed?',
    '    pathspace',
    '};',
    'allow a self:ability { nonroot spawn setuid:5 };',
    'allow_attach a { /x /y };',
    'allow a a:channel connect;',
    '',
  ].join('\n');
  const { policy, model } = modelOf(text);
  const g = model.grants.get('a')!;
  const origin = (ability: string) => g.abilities.get(ability)![0]!.origin;

  it('removes an item alone on its line with its comment, and nothing else', () => {
    const [out] = removeGrants([{ file: 'policy.secpol', text }], [origin('io')]);
    expect(out!.text).toBe(text.replace('    io   # needed?\n', ''));
  });
  it('removes an inline item with the blank before it', () => {
    const [out] = removeGrants([{ file: 'policy.secpol', text }], [origin('spawn')]);
    expect(out!.text).toContain('allow a self:ability { nonroot setuid:5 };');
  });
  it('removes a statement left with flags only, or a connect rule, with its line', () => {
    const [out] = removeGrants(
      [{ file: 'policy.secpol', text }],
      [origin('spawn'), origin('setuid'), g.connects.get('a')![0]!.origin],
    );
    expect(out!.text).not.toContain('nonroot');
    expect(out!.text).not.toContain('channel connect');
    expect(out!.text.split('\n')).toHaveLength(text.split('\n').length - 2);
    void policy;
  });
  it('removes one path of a block, or the whole statement when all go', () => {
    const [one] = removeGrants([{ file: 'policy.secpol', text }], [g.attaches[0]!.origin]);
    expect(one!.text).toContain('allow_attach a { /y };');
    const [all] = removeGrants(
      [{ file: 'policy.secpol', text }],
      g.attaches.map((r) => r.origin),
    );
    expect(all!.text).not.toContain('allow_attach');
  });
});

describe('hardenPolicy', () => {
  it('without successes reports nothing unused and removes nothing', () => {
    const { text, events } = load('review-harden');
    const { model } = modelOf(text);
    const failures = events.filter((e) => e.kind === 'unknown' || e.severity === 'error');
    const h = hardenPolicy(model, reviewEvents(model, failures), {
      traceFiles: [],
      policyFiles: [],
    });
    expect(h.hasSuccesses).toBe(false);
    expect(h.findings.filter((f) => f.code === 'unused-grant')).toEqual([]);
    expect(h.removals).toEqual([]);
  });
  it('keeps an unused rule of an attribute while a type of it did not run, and removes it once otherwise', () => {
    const text = [
      'attribute svc;',
      'type a_t, svc;',
      'type b_t, svc;',
      'type c_t;',
      'allow svc c_t:channel connect;',
      'allow { a_t b_t } self:ability pathspace;',
      '',
    ].join('\n');
    const { model } = modelOf(text);
    const run = (trace: string) => {
      const { events } = parseTraceText(trace, 'trace.log');
      return hardenPolicy(model, reviewEvents(model, events), { traceFiles: [], policyFiles: [] });
    };
    const a = 'info: bin/a (pid:1) type a_t uses ability PATHSPACE as root\n';
    const b = 'info: bin/b (pid:2) type b_t uses ability PATHSPACE as root\n';
    // b_t never ran: the connect rule may serve it, so it is kept.
    const onlyA = run(a);
    expect(onlyA.findings.filter((f) => f.code === 'unused-grant')).toEqual([]);
    expect(onlyA.removals).toEqual([]);
    // Both ran and neither connected: unused for each type, removed once.
    const both = run(a + b);
    expect(both.findings.filter((f) => f.code === 'unused-grant').map((f) => f.type)).toEqual([
      'a_t',
      'b_t',
    ]);
    expect(both.removals.map((o) => o.line)).toEqual([5]);
  });

  it('offers the narrower rule from what each grant allowed, hex for addresses', () => {
    const { text, events } = load('review-harden');
    const { model } = modelOf(text);
    const h = hardenPolicy(model, reviewEvents(model, events), { traceFiles: [], policyFiles: [] });
    const alt = (grant: string): string | undefined =>
      h.findings.find((f) => f.code === 'over-broad' && f.grant === grant)?.alternative;
    expect(alt('mem_phys')).toBe('allow console_t self:ability { mem_phys:0xb8000-0xbffff };');
    expect(alt('allow_attach console_t /...')).toBe(
      'allow_attach console_t { /dev/con1 /dev/con2 };',
    );
    expect(alt('setuid:1000-')).toBe('allow init_t self:ability { nonroot setuid:1000-1001 };');
    expect(alt('default_priv')).toBe('allow init_t self:ability { spawn };');
    expect(h.findings.find((f) => f.code === 'multi-executable')?.type).toBe('init_t');
    expect(h.findings.find((f) => f.code === 'type-not-seen')?.type).toBe('backup_t');
  });
});
