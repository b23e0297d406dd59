/**
 * The library API in one run (docs/api.md): parse a policy, learn from a
 * trace what it lacks, plan the patch, print it, and check the trace against
 * the policy before and after. Reading and writing files is the caller's
 * part; every secpol-learn call is pure.
 *
 *   npx tsc --strict example.ts && node example.js policy.secpol trace.log
 */
import { readFileSync } from 'node:fs';
import {
  checkTraces,
  formatCheck,
  formatDiagnostic,
  formatPatch,
  formatRules,
  learnFromTraces,
  parsePolicies,
  patchPolicyTexts,
  planPolicyPatch,
  reviewTraces,
  type PolicyText,
  type TraceText,
} from 'secpol-learn';

const [policyFile = 'policy.secpol', traceFile = 'trace.log'] = process.argv.slice(2);
const texts: PolicyText[] = [{ file: policyFile, text: readFileSync(policyFile, 'utf8') }];
const traces: TraceText[] = [{ file: traceFile, text: readFileSync(traceFile) }];

// 1. Parse the policy: syntax errors are diagnostics with FILE:LINE:COL, never exceptions.
const { policy, diagnostics } = parsePolicies(texts);
for (const d of diagnostics) process.stderr.write(formatDiagnostic(d, texts[0]!.text));
if (diagnostics.some((d) => d.severity === 'error')) process.exit(2);

// 2. Learn what the trace needs, and 3. plan what the policy lacks.
const learned = learnFromTraces(traces);
const plan = planPolicyPatch(learned, { policy });

// 4. Print it: the rules alone (with their evidence), then as a diff of the policy.
process.stdout.write('== rules ==\n');
process.stdout.write(formatRules(plan, { explain: true }));
process.stdout.write('== patch ==\n');
process.stdout.write(formatPatch(plan, { texts, policy }));

// 5. Check the trace against the policy, then against the patched policy.
process.stdout.write('== check ==\n');
process.stdout.write(formatCheck(checkTraces(reviewTraces(traces, policy))));
const patched = patchPolicyTexts(plan, { texts, policy });
const after = checkTraces(reviewTraces(traces, parsePolicies(patched).policy));
process.stdout.write('== check after the patch ==\n');
process.stdout.write(formatCheck(after));
process.exitCode = after.passed ? 0 : 1;
