/** Tests of harden's printers: the diagram is drawn from the finding's rule node, the JSON leaves it out. */
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { parseTraceText } from '../trace/push-parser';
import { reviewEvents } from '../review/trace-review';
import { hardenPolicy, type HardenResult } from '../review/harden';
import { hardenJson, hardenMarkdown } from './harden-format';

const POLICY =
  'type a_t;\ntype b_t;\ntype r_t;\nallow a_t self:ability { io };\nallow a_t b_t:channel connect;\nallow_attach a_t devb_t:/dev/x r_t;\nallow_link a_t /l;\n';
const TRACE = 'info: bin/a (pid:1) type a_t uses ability IO as root\n';

function harden(): HardenResult {
  const { policy } = parsePolicies([{ file: 'p.secpol', text: POLICY }]);
  const model = buildModel(policy);
  const review = reviewEvents(model, parseTraceText(TRACE, 't.log').events);
  return hardenPolicy(model, review, { traceFiles: ['t.log'], policyFiles: ['p.secpol'] });
}

describe('harden printers', () => {
  it('gives each unused rule grant its rule node, and only those', () => {
    const unused = harden().findings.filter((f) => f.code === 'unused-grant');
    expect(unused.map((f) => [f.grant, f.rule?.type])).toEqual([
      ['allow a_t b_t:channel connect', 'allow-connect'],
      ['allow_attach a_t devb_t:/dev/x r_t', 'allow-attach'],
      ['allow_link a_t /l', 'allow-link'],
    ]);
  });

  it('draws the removed edges from the node, not by reading the grant text back', () => {
    const h = harden();
    // Grant text a parser could not read: the diagram must not depend on it.
    const blurred = {
      ...h,
      findings: h.findings.map((f) => ({ ...f, grant: `[${f.grant}]` })),
    };
    const md = hardenMarkdown(blurred, '');
    expect(md).toContain('"- connect"');
    expect(md).toContain('"- attach"');
    expect(md).toContain('"- link"');
    expect(md).toContain('devb_t:/dev/x');
    const noNodes = { ...h, findings: h.findings.map(({ rule: _r, ...f }) => (void _r, f)) };
    expect(hardenMarkdown(noNodes, '')).not.toContain('"- connect"');
  });

  it('leaves the rule node out of the JSON document', () => {
    const h = harden();
    const doc = JSON.parse(hardenJson(h, '')) as { findings: Array<Record<string, unknown>> };
    expect(doc.findings).toHaveLength(h.findings.length);
    for (const f of doc.findings) expect(Object.keys(f)).not.toContain('rule');
    expect(hardenJson(h, '')).not.toContain('allow-connect');
  });
});
