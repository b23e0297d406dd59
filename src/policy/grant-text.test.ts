/** Tests of grant text: nodes built for grants of a parsed policy print as the policy wrote them. */
import { parsePolicies } from './parse';
import { buildModel } from './model/build-model';
import { parseTraceText } from '../trace/push-parser';
import { reviewEvents } from '../review/trace-review';
import { hardenPolicy } from '../review/harden';
import { explainFailures } from '../review/explain';
import { NodeError } from './nodes';
import { connectText, pathRule, pathRuleText, ruleText } from './grant-text';

const modelOf = (text: string): ReturnType<typeof buildModel> => {
  const { policy, diagnostics } = parsePolicies([{ file: 'p.secpol', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return buildModel(policy);
};

describe('grant text', () => {
  it('prints path rules through the constructors: prefix, relabel, one path', () => {
    const m = modelOf(
      'type a_t;\ntype r_t;\nallow_attach a_t devb_t:/dev/x r_t;\nallow_link a_t /l;\n',
    );
    const g = m.grants.get('a_t')!;
    expect(g.attaches.map((r) => pathRuleText('a_t', r))).toEqual([
      'allow_attach a_t devb_t:/dev/x r_t',
    ]);
    expect(g.links.map((r) => ruleText(pathRule('a_t', r)))).toEqual(['allow_link a_t /l']);
    expect(pathRule('a_t', g.attaches[0]!)).toMatchObject({
      type: 'allow-attach',
      paths: [{ path: '/dev/x', fileType: 'devb_t', relabel: { value: 'r_t' } }],
    });
  });

  it('refuses a path rule the parser would read differently (a bug upstream, not text to print)', () => {
    const rule = { kind: 'attach' as const, path: '/a b', origin: undefined as never };
    expect(() => pathRule('a_t', rule as never)).toThrow(NodeError);
  });

  it('quotes grants whose names a generated rule may not use, rather than failing', () => {
    // The parser reads both: an ability named like a keyword inside a one-line block,
    // and a type `attach` (never a subject) granted a connect through its attribute.
    const m = modelOf(
      'attribute s;\ntype attach, s;\ntype b_t;\nallow s b_t:channel connect;\nallow b_t self:ability { io range };\n',
    );
    const c = m.grants.get('attach')!.connects.get('b_t')![0]!;
    expect(connectText('attach', c)).toBe('allow attach b_t:channel connect');
    const trace =
      'info: bin/x (pid:1) type b_t uses ability IO as root\n' +
      'info: bin/y (pid:2) type attach uses ability IO as root\n' +
      'error: bin/y (pid:2) type attach lacks ability SETUID(5) as root\n';
    const review = reviewEvents(m, parseTraceText(trace, 't.log').events);
    const h = hardenPolicy(m, review, { traceFiles: ['t.log'], policyFiles: ['p.secpol'] });
    expect(h.findings.map((f) => f.grant)).toEqual(
      expect.arrayContaining(['range (root only)', 'allow attach b_t:channel connect']),
    );
    expect(() => explainFailures(review, { traceFiles: [], policyFiles: [] })).not.toThrow();
  });
});
