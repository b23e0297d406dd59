/** The bench's generated inputs are what they claim: valid policies, traces read without loss. */
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { inferRequirements } from '../infer/infer-requirements';
import { parseTraceText } from '../trace/push-parser';
import {
  bigPolicy,
  distinctFailures,
  selinuxLog,
  sharedTypeProcesses,
  wideTypeFailures,
  wideTypePolicy,
} from './bench-inputs';
import { distinctFailureLine, writeDistinctFailures } from './distinct-failures';

const policyOk = (text: string): void => {
  const { diagnostics } = parsePolicies([{ file: 'p.secpol', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
};

describe('bench inputs', () => {
  it('selinuxLog: auditd AVC denials, each permission one its class has', () => {
    const lines = selinuxLog(400).trimEnd().split('\n');
    expect(lines).toHaveLength(400);
    const allowed: Record<string, string[]> = {
      file: ['read', 'write', 'open', 'getattr', 'execute'],
      dir: ['read', 'search', 'getattr', 'open'],
      sock_file: ['write', 'getattr', 'read'],
      chr_file: ['read', 'write', 'open', 'getattr'],
    };
    const shape =
      /^type=AVC msg=audit\(\d+\.\d{3}:\d+\): avc: {2}denied {2}\{ (\w+) \} for {2}pid=\d+ comm="[^"]{1,15}" .* scontext=system_u:system_r:\w+_t:s0 tcontext=system_u:object_r:\w+_t:s0 tclass=(\w+) permissive=0$/;
    const seen = new Set<string>();
    for (const line of lines) {
      const m = shape.exec(line);
      expect(m).not.toBeNull();
      expect(allowed[m![2]!]).toContain(m![1]);
      seen.add(`${m![2]} ${m![1]}`);
    }
    // Every class with every one of its permissions.
    expect(seen.size).toBe(Object.values(allowed).flat().length);
  });

  it('distinctFailures: one requirement per record, over types the big policy declares', () => {
    const { events, diagnostics } = parseTraceText(distinctFailures(400));
    expect(diagnostics).toEqual([]);
    expect(events).toHaveLength(400);
    expect(inferRequirements(events).requirements.byKey.size).toBe(400);
    const { policy } = parsePolicies([{ file: 'p.secpol', text: bigPolicy(100) }]);
    const types = buildModel(policy).types;
    expect(events.every((e) => e.kind !== 'unknown' && types.has(e.securityType))).toBe(true);
  });

  it('wideTypePolicy and its failures, sharedTypeProcesses: valid and read whole', () => {
    policyOk(wideTypePolicy(50));
    policyOk(wideTypePolicy(50, 'y'));
    const wide = parseTraceText(wideTypeFailures(50));
    expect(wide.diagnostics).toEqual([]);
    expect(new Set(wide.events.map((e) => (e.kind === 'attach' ? e.path : ''))).size).toBe(50);
    const shared = parseTraceText(sharedTypeProcesses(30));
    expect(shared.diagnostics).toEqual([]);
    expect(new Set(shared.events.map((e) => (e.kind === 'unknown' ? '' : e.process))).size).toBe(
      30,
    );
  });
});

describe('distinct failures, streamed', () => {
  it('writeDistinctFailures writes distinctFailures byte for byte, each record its own requirement and group', async () => {
    const { PassThrough } = await import('node:stream');
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const bytes = await writeDistinctFailures(20_000, out);
    out.end();
    const text = Buffer.concat(chunks).toString('utf8');
    expect(bytes).toBe(Buffer.byteLength(text));
    expect(text).toBe(distinctFailures(20_000));
    const { events, diagnostics } = parseTraceText(text);
    expect(diagnostics).toEqual([]);
    expect(events).toHaveLength(20_000);
    expect(inferRequirements(events).requirements.byKey.size).toBe(20_000);
    const kinds = new Set(events.map((e) => `${e.severity} ${e.kind}`));
    expect([...kinds].sort()).toEqual(['error ability', 'error attach', 'info link']);
    // Types beyond the big policy's too: `n / 10` of them.
    expect(new Set(events.map((e) => (e.kind === 'unknown' ? '' : e.securityType))).size).toBe(
      2_000,
    );
    expect(distinctFailureLine(5, 20_000)).toBe(
      'error: bin/p5 (pid:5) type t5_t lacks ability SETUID(5) as root',
    );
  });
});
