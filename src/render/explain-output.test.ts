/** Tests of `explain` output for a type with more rules than are listed per failure. */
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { MAX_CONSULTED } from '../policy/evaluate';
import { parseTraceText } from '../trace/push-parser';
import { explainFailures } from '../review/explain';
import { reviewEvents } from '../review/trace-review';
import { explainJson, explainText } from './explain-output';
import { explainMarkdown } from './explain-markdown';

describe('explain with many consulted rules', () => {
  const rules = MAX_CONSULTED + 3;
  const text = `type a_t;\nallow_attach a_t {\n${Array.from({ length: rules }, (_, i) => `    /dev/x${i}\n`).join('')}};\n`;
  const { policy } = parsePolicies([{ file: 'policy.secpol', text }]);
  const model = buildModel(policy);
  const trace = 'error: bin/a (pid:1) of type a_t failed to attach to path /dev/y: no rule\n';
  const x = explainFailures(reviewEvents(model, parseTraceText(trace, 'trace.log').events), {
    traceFiles: ['trace.log'],
    policyFiles: ['policy.secpol'],
  });

  it('lists the first rules and says how many more were consulted, in every format', () => {
    const out = explainText(x);
    expect(out.match(/consulted: policy\.secpol:/g)).toHaveLength(MAX_CONSULTED);
    expect(out).toContain('  consulted: 3 more rule(s) of a_t, not listed\n');
    expect(JSON.parse(explainJson(x)).sections[0].failures[0].moreConsulted).toBe(3);
    expect(explainMarkdown(x)).toContain('<br>and 3 more');
  });
});
