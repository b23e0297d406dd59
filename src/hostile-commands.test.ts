/**
 * Hostile-input suite over every command (issue 15): suggest, generate,
 * check, explain, harden, lint, fmt, diff and monitor run through the
 * library's `run` with in-memory streams over a generated corpus
 * (test-utils/hostile-corpus.ts): keyword and block-flag ability names, a
 * trace type equal to the policy's attribute, control, bidirectional,
 * zero-width and escape characters, every encoding of trace and policy (BOM,
 * CRLF, Latin-1, invalid UTF-8), large set statements (a connect set and an
 * ability block as wide as it), repeated options
 * (`--policy` twice, `--deny` twice, `-f` twice) and `-` at any place.
 *
 * Asserts: no command fails with an internal error or prints a raw control
 * character; every policy text output re-parses with zero errors (the patched
 * file after `--write`, `generate --base` and `fmt` decoded as the file is);
 * the patch applied to the policy's bytes gives `--write`'s bytes; what
 * `suggest` and `generate` grant is exactly what the trace recorded: each
 * grant of their output, in the one grant model (policy/grants.ts through
 * evaluate), allows some recorded access, and each recorded need is allowed or
 * its line is reported with FILE:LINE; every line of the trace is understood
 * or named on stderr; the attribute's members gain nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { applyPatch } from 'diff';
import { runCliBytes } from './test-utils/run-cli';
import {
  hostileCase,
  MEMBERS,
  ATTRIBUTE,
  placeTraces,
  type HostileCase,
} from './test-utils/hostile-corpus';
import { parsePolicy } from './policy/parse';
import { buildModel } from './policy/model/build-model';
import { evaluate } from './policy/evaluate';
import { parseTraceText } from './trace/push-parser';
import type { TraceEvent } from './trace/event';
import type { PolicyModel } from './policy/model/types';
import { decodePolicyBytes } from './cli/policy-bytes';

/** Characters no terminal or report output may carry raw (newline and tab excepted). */
const RAW_UNSAFE =
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;

const A_DENY = 'allow p1_t self:ability { io };\nallow_attach p2_t /dev/...;\n';
const B_DENY = 'allow p3_t p3_t:channel connect;\nallow p4_t self:ability -io;\n';

interface Ran {
  label: string;
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** The grant origins of a model (flags from `default_priv` are not grants of their own). */
function grantPlaces(model: PolicyModel): string[] {
  const out: string[] = [];
  for (const g of model.grants.values()) {
    for (const list of g.abilities.values())
      for (const a of list) if (!a.fromDefaultPriv) out.push(`${a.origin.line}:${a.origin.column}`);
    for (const { grant: c } of g.connects.rules()) out.push(`${c.origin.line}:${c.origin.column}`);
    for (const p of [...g.attaches, ...g.links]) out.push(`${p.origin.line}:${p.origin.column}`);
  }
  return out;
}

/**
 * Checks a learned policy against the trace: it parses without error, each of its grants
 * allows some recorded access; returns the lines of the needs it does not allow.
 */
function learnedAgainstTrace(
  text: string,
  events: TraceEvent[],
  label: string,
  failuresOnly: boolean,
): Set<number> {
  const { ast, diagnostics } = parsePolicy(text, { file: label });
  expect({ label, errors: diagnostics.filter((d) => d.severity === 'error') }).toEqual({
    label,
    errors: [],
  });
  let model = buildModel({ type: 'policy', files: [ast] }, { qnx: '7.1' });
  if (failuresOnly) {
    // suggest's rules go into a policy that declares their types: declared here, after them
    // (line numbers of the rules unchanged).
    const names = new Set<string>();
    for (const [t, g] of model.grants) {
      names.add(t);
      for (const o of g.connects.keys()) if (o !== '*') names.add(o);
    }
    const decls = [...names].map((t) => `type ${t};`).join('\n');
    model = buildModel(
      { type: 'policy', files: [parsePolicy(`${text}\n${decls}\n`, { file: label }).ast] },
      { qnx: '7.1' },
    );
  }
  const used = new Set<string>();
  const notAllowed = new Set<number>();
  for (const e of events) {
    if (e.kind === 'unknown') continue;
    const v = evaluate(model, e);
    if (v.allowed) for (const g of v.grants) used.add(`${g.line}:${g.column}`);
    else if (!failuresOnly || e.severity === 'error') notAllowed.add(e.position.line);
  }
  const unused = grantPlaces(model).filter((p) => !used.has(p));
  expect({ label, grantsNoRecordAsksFor: unused }).toEqual({ label, grantsNoRecordAsksFor: [] });
  return notAllowed;
}

/** Lines of `file` named on stderr as `FILE:LINE:`. */
function namedLines(stderr: string, file: string): Set<number> {
  const out = new Set<number>();
  const prefix = `${file}:`;
  for (const l of stderr.split('\n'))
    if (l.startsWith(prefix)) {
      const n = Number(/^(\d+):/.exec(l.slice(prefix.length))?.[1]);
      if (n > 0) out.add(n);
    }
  return out;
}

/**
 * Every line of the trace is understood (an event starts on it, or it continues a
 * wrapped record) or named on stderr; every need not learned is named.
 */
function accountFor(
  c: HostileCase,
  events: TraceEvent[],
  named: Set<number>,
  notLearned: Set<number>,
  label: string,
): void {
  const eventLines = new Set(events.map((e) => e.position.line));
  const physical = c.trace
    .toString('latin1')
    .replace(/^\xef\xbb\xbf/, '')
    .split('\n');
  if (physical[physical.length - 1] === '') physical.pop();
  const unaccounted: string[] = [];
  let inRecord = false;
  physical.forEach((text, i) => {
    const line = i + 1;
    if (eventLines.has(line)) inRecord = true;
    else if (!named.has(line) && !(inRecord && !/^(?:error|info|warning):/.test(text)))
      unaccounted.push(`${line}: ${text}`);
    if (named.has(line)) inRecord = false;
  });
  const silent = [...notLearned].filter((l) => !named.has(l));
  expect({ label, unaccounted, notLearnedAndSilent: silent }).toEqual({
    label,
    unaccounted: [],
    notLearnedAndSilent: [],
  });
}

/** The grants of the attribute's members, as text (must not change). */
function memberGrants(bytes: Buffer): string {
  const { text } = decodePolicyBytes(bytes);
  const model = buildModel(
    { type: 'policy', files: [parsePolicy(text, { file: 'p' }).ast] },
    { qnx: '7.1' },
  );
  return JSON.stringify(
    MEMBERS.map((m) => {
      const g = model.grants.get(m);
      return g
        ? [[...g.abilities.keys()], [...g.connects.keys()], g.attaches.length, g.links.length]
        : null;
    }),
  );
}

async function runCase(c: HostileCase, dir: string): Promise<void> {
  fs.writeFileSync(path.join(dir, 'trace.log'), c.trace);
  fs.writeFileSync(path.join(dir, 'policy.secpol'), c.policy);
  fs.writeFileSync(path.join(dir, 'policy-w.secpol'), c.policy);
  fs.writeFileSync(path.join(dir, 'a.deny'), A_DENY);
  fs.writeFileSync(path.join(dir, 'b.deny'), B_DENY);
  const traceFile = c.stdin ? '-' : 'trace.log';
  const runs: Ran[] = [];
  const cmd = async (label: string, argv: string[]): Promise<Ran> => {
    const r = await runCliBytes(argv, { cwd: dir, stdin: c.stdin ? c.trace : '' });
    const ran = { label, ...r };
    runs.push(ran);
    return ran;
  };
  const withTraces = (command: string, ...options: string[][]): string[] => [
    command,
    ...placeTraces(c, [traceFile], options),
  ];
  const policyOptions = [
    ['--policy', 'policy.secpol'],
    ['--policy', 'policy.secpol'],
  ];
  const guardOptions = [
    ['--deny', 'a.deny'],
    ['--deny', 'b.deny'],
  ];
  const { events } = parseTraceText(c.trace, traceFile);

  // suggest and generate alone: exactly what the trace recorded.
  const s0 = await cmd('suggest', withTraces('suggest'));
  expect(s0.code).toBe(0);
  const sNot = learnedAgainstTrace(s0.stdout.toString('utf8'), events, 'suggest', true);
  accountFor(c, events, namedLines(s0.stderr, traceFile), sNot, 'suggest');
  const g0 = await cmd('generate', withTraces('generate'));
  expect(g0.code).toBe(0);
  const gNot = learnedAgainstTrace(g0.stdout.toString('utf8'), events, 'generate', false);
  accountFor(c, events, namedLines(g0.stderr, traceFile), gNot, 'generate');

  // suggest against the policy, guards repeated, policy named twice.
  const sp = await cmd(
    'suggest --policy',
    withTraces('suggest', ...policyOptions, ...guardOptions),
  );
  expect(sp.code).toBe(0);
  const snippet = parsePolicy(sp.stdout.toString('utf8'), { file: 'snippet' });
  expect(snippet.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(sp.stdout.toString('utf8')).not.toMatch(new RegExp(`^type ${ATTRIBUTE};`, 'm'));

  // The patch, in the policy's bytes, gives what --write writes.
  const patch = await cmd(
    'suggest patch',
    withTraces('suggest', ...policyOptions, ['--format', 'patch']),
  );
  const written = await cmd(
    'suggest --write',
    withTraces('suggest', ['--policy', 'policy-w.secpol'], ['--write']),
  );
  expect(written.code).toBe(patch.code);
  if (patch.code === 2) {
    // Only a character the policy's encoding cannot hold is refused, with FILE:LINE.
    expect(patch.stderr).toMatch(/policy\.secpol:\d+: U\+[0-9A-F]{4} cannot be written/);
    expect(patch.stdout.length).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'policy-w.secpol'))).toEqual(c.policy);
  } else {
    expect(patch.code).toBe(0);
    const after = fs.readFileSync(path.join(dir, 'policy-w.secpol'));
    const applied =
      patch.stdout.length === 0
        ? c.policy.toString('latin1')
        : applyPatch(c.policy.toString('latin1'), patch.stdout.toString('latin1'));
    expect(applied).toBe(after.toString('latin1'));
    const { text } = decodePolicyBytes(after);
    expect(
      parsePolicy(text, { file: 'written' }).diagnostics.filter((d) => d.severity === 'error'),
    ).toEqual([]);
    // A trace type named like the attribute never grants to its members.
    expect(memberGrants(after)).toBe(memberGrants(c.policy));
  }

  const gb = await cmd('generate --base', withTraces('generate', ['--base', 'policy.secpol']));
  if (gb.code === 2) expect(gb.stderr).toMatch(/:\d+: U\+[0-9A-F]{4} cannot be written/);
  else {
    expect(gb.code).toBe(0);
    const draft = parsePolicy(decodePolicyBytes(gb.stdout).text, { file: 'draft' });
    expect(draft.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  }

  // The review commands, lint, fmt, diff, monitor: no crash, no raw control character.
  await cmd('check', withTraces('check', ...policyOptions, ...guardOptions, ['--allow-empty']));
  await cmd('check sarif', withTraces('check', ...policyOptions, ['--format', 'sarif']));
  await cmd('explain', withTraces('explain', ...policyOptions));
  await cmd('harden', withTraces('harden', ...policyOptions));
  await cmd('harden patch', withTraces('harden', ...policyOptions, ['--format', 'patch']));
  const lint = await cmd('lint', ['lint', 'policy.secpol', '--deny', 'a.deny', '--deny', 'b.deny']);
  expect(lint.code).toBeLessThan(2);
  const fmt = await cmd('fmt', ['fmt', 'policy.secpol']);
  expect(fmt.code).toBe(0);
  expect(
    parsePolicy(decodePolicyBytes(fmt.stdout).text, { file: 'fmt' }).diagnostics.filter(
      (d) => d.severity === 'error',
    ),
  ).toEqual([]);
  await cmd('diff', ['diff', 'policy.secpol', 'policy-w.secpol']);
  await cmd('monitor', withTraces('monitor', ['-f', 'p0'], ['-f', 'p1']));
  await cmd('monitor json', withTraces('monitor', ['--json']));

  // Outputs that are not a policy's own bytes (fmt, patches, --base drafts keep them) carry none raw.
  const bytesOfPolicy = new Set(['suggest patch', 'harden patch', 'fmt', 'generate --base']);
  for (const r of runs) {
    expect({ label: r.label, code: r.code }).toEqual({ label: r.label, code: Math.min(r.code, 2) });
    expect({ label: r.label, internal: /internal error|\n\s+at /.test(r.stderr) }).toEqual({
      label: r.label,
      internal: false,
    });
    expect({ label: r.label, err: RAW_UNSAFE.exec(r.stderr)?.[0] }).toEqual({
      label: r.label,
      err: undefined,
    });
    if (!bytesOfPolicy.has(r.label))
      expect({ label: r.label, out: RAW_UNSAFE.exec(r.stdout.toString('utf8'))?.[0] }).toEqual({
        label: r.label,
        out: undefined,
      });
  }
}

describe('hostile inputs through every command', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-commands-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('outputs re-parse, grant only what was recorded, and every line is accounted for', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(hostileCase, async (c) => {
        const dir = path.join(root, String(n++));
        fs.mkdirSync(dir);
        await runCase(c, dir);
      }),
      { numRuns: 16, seed: 77 },
    );
  }, 300_000);
});
