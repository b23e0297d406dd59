/**
 * `inferRequirements`: trace events → access requirements (reference §1.5).
 *
 * Mapping, per event:
 * - `ability NAME` → an `ability` requirement in the tested domain; a value or
 *   range becomes a subrange, except for address-valued abilities (whole);
 * - `CHANNEL_CONNECT(N) (U)` → `connect` to U; `SETTYPEID(N) (U)` → `settypeid` U;
 * - attach / link events → `attach` / `link` of the path; a failure whose
 *   reason is not "no rule" is marked unfixable (reported for review);
 * - events of the unnamed type `-` → no rule (a type id without a name cannot
 *   be granted anything); counted per process for review;
 * - unknown events are counted (the trace stage reports them).
 * Successes and failures are both recorded (generate needs the first, the
 * wrong-type hint both). Does not look at policies.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { AbilityEvent, ProcessEvent, TraceEvent } from '../trace/event';
import { ADDRESS_VALUED } from './ability-values';
import {
  MAX_LISTED,
  addRequirement,
  comparePositions,
  emptyRequirementSet,
  mergeEvidence,
  requirementKey,
  type Evidence,
  type Requirement,
  type RequirementSet,
  type ValueRange,
} from './requirement';
import { validateEvent, validateUnkeyedFields } from './validate-event';

/** Options of `inferRequirements`. */
export interface InferOptions {
  /** How many refusal warnings to keep; further ones are only counted. Default 100. */
  maxDiagnostics?: number;
}

/** Processes that ran with the unnamed type id 0 (`-`), with their evidence. */
export type UntypedProcesses = Map<string, Evidence>;

/** What inference found in a stream of events. */
export interface InferResult {
  requirements: RequirementSet;
  untyped: UntypedProcesses;
  /** Warnings for refused records (first `maxDiagnostics`). */
  refused: Diagnostic[];
  /** How many records were refused in all. */
  refusedCount: number;
  /** How many events were of a form nobody understood. */
  unknownCount: number;
}

/** An empty inference result (the identity of `mergeInferResults`). */
export function emptyInferResult(): InferResult {
  return {
    requirements: emptyRequirementSet(),
    untyped: new Map(),
    refused: [],
    refusedCount: 0,
    unknownCount: 0,
  };
}

/** Turns events into merged requirements with their evidence. */
export function inferRequirements(
  events: Iterable<TraceEvent>,
  options: InferOptions = {},
): InferResult {
  const result = emptyInferResult();
  const max = options.maxDiagnostics ?? 100;
  for (const e of events) addEvent(result, e, max);
  return result;
}

/** Adds one event to a result in place (the streaming form of `inferRequirements`). */
export function addEvent(result: InferResult, e: TraceEvent, maxDiagnostics = 100): void {
  if (e.kind === 'unknown') {
    result.unknownCount++;
    return;
  }
  // Fast path: an atom with this key exists, so its names were validated already;
  // only the fields outside the key (pid, values) are checked, and the atom grows in place.
  const key = e.securityType === '-' ? undefined : rawKey(e);
  const prev = key === undefined ? undefined : result.requirements.byKey.get(key);
  const refusal = prev ? validateUnkeyedFields(e) : validateEvent(e);
  if (refusal) {
    result.refusedCount++;
    if (result.refused.length < maxDiagnostics) result.refused.push(refusal);
    return;
  }
  if (e.kind === 'link') result.requirements.linkers.add(e.process);
  if (e.kind === 'attach' && !e.failure) result.requirements.attachers.add(e.process);
  if (e.securityType === '-') {
    const ev = evidenceOf(e);
    const had = result.untyped.get(e.process);
    result.untyped.set(e.process, had ? mergeEvidence(had, ev) : ev);
    return;
  }
  if (prev) accumulate(prev, e);
  else {
    const r = toRequirement(e);
    result.requirements.byKey.set(r.key, r);
  }
}

/** The key `toRequirement(e)` would get, computed without building it. */
function rawKey(e: ProcessEvent): string {
  if (e.kind !== 'ability')
    return requirementKey({
      type: e.securityType,
      kind: e.kind,
      object: e.path,
      process: e.process,
    });
  const a = e.argument;
  const n = e.ability.policyName;
  if (a.kind === 'type-id' && (n === 'settypeid' || n === 'channel_connect')) {
    const kind = n === 'settypeid' ? 'settypeid' : 'connect';
    return requirementKey({
      type: e.securityType,
      kind,
      domain: e.domain,
      object: a.typeName,
      process: e.process,
    });
  }
  return requirementKey({
    type: e.securityType,
    kind: 'ability',
    domain: e.domain,
    object: n,
    process: e.process,
  });
}

/** The value an ability event checked: `whole`, or a closed interval. */
function eventValue(e: AbilityEvent, ability: string): 'whole' | [bigint, bigint] {
  const a = e.argument;
  if (a.kind === 'none' || a.kind === 'type-id' || ADDRESS_VALUED.has(ability)) return 'whole';
  const start = BigInt(a.kind === 'value' ? a.value : a.start);
  const end = BigInt(a.kind === 'value' ? a.value : a.end);
  return start <= end ? [start, end] : [end, start];
}

/** Adds one checked value to a (whole, ranges) pair; returns the new pair (arrays are replaced, not edited). */
function addValue(
  whole: boolean,
  ranges: ValueRange[],
  v: 'whole' | [bigint, bigint],
): [boolean, ValueRange[]] {
  if (whole) return [true, []];
  if (v === 'whole') return [true, []];
  const [start, end] = v;
  const parsed = parsedRanges(ranges);
  if (covered(parsed, start, end)) return [false, ranges];
  return [false, insertRange(ranges, parsed, start, end)];
}

/**
 * True when one range of `p` holds [start, end]. The list is sorted by start
 * and its ranges are disjoint (mergeRanges joins overlaps), so a binary search
 * for the last range starting at or before `start` decides: a long value list
 * (setuid values) costs log n BigInt compares per event, not n.
 */
function covered(p: Array<[bigint, bigint]>, start: bigint, end: bigint): boolean {
  let lo = 0;
  let hi = p.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (p[mid]![0] <= start) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return at >= 0 && end <= p[at]![1];
}

/**
 * `mergeRanges(ranges, [[start, end]])` for a sorted, disjoint list, in linear
 * time without re-sorting or re-parsing: the ranges that overlap [start, end]
 * form one run, which becomes one range. The new list's parsed bounds are
 * cached with it.
 */
function insertRange(
  ranges: ValueRange[],
  parsed: Array<[bigint, bigint]>,
  start: bigint,
  end: bigint,
): ValueRange[] {
  let i = 0;
  while (i < parsed.length && parsed[i]![1] < start) i++;
  let k = i;
  let s = start;
  let e = end;
  while (k < parsed.length && parsed[k]![0] <= end) {
    if (parsed[k]![0] < s) s = parsed[k]![0];
    if (parsed[k]![1] > e) e = parsed[k]![1];
    k++;
  }
  const out: ValueRange[] = [
    ...ranges.slice(0, i),
    [s.toString(), e.toString()],
    ...ranges.slice(k),
  ];
  parsedCache.set(out, [...parsed.slice(0, i), [s, e], ...parsed.slice(k)]);
  return out;
}

/** Parsed bounds of a range list, cached per array (arrays are replaced, never edited). */
const parsedCache = new WeakMap<object, Array<[bigint, bigint]>>();
function parsedRanges(ranges: ValueRange[]): Array<[bigint, bigint]> {
  let p = parsedCache.get(ranges);
  if (!p) {
    p = ranges.map(([s, e]) => [BigInt(s), BigInt(e)]);
    parsedCache.set(ranges, p);
  }
  return p;
}

/** Adds one event to the atom it belongs to, in place (the streaming form of `mergeRequirement`). */
function accumulate(r: Requirement, e: ProcessEvent): void {
  const ev = r.evidence;
  const failed = e.severity === 'error';
  if (failed) ev.failures++;
  else ev.successes++;
  const pids = ev.pids;
  // Common case in long traces: the list is full and this pid sorts after it, so it cannot be listed.
  if (pids.length >= MAX_LISTED && e.pid > pids[pids.length - 1]!) ev.morePids = true;
  else if (!pids.includes(e.pid)) {
    if (pids.length < MAX_LISTED || e.pid < pids[pids.length - 1]!) {
      pids.push(e.pid);
      pids.sort();
      if (pids.length > MAX_LISTED) {
        pids.length = MAX_LISTED;
        ev.morePids = true;
      }
    } else ev.morePids = true;
  }
  const c = comparePositions(e.position, ev.first);
  if (c < 0 || (c === 0 && e.record < ev.sample)) {
    ev.first = e.position;
    ev.sample = e.record;
  }
  // Positions arrive in order within a file: the same file as `last` is a number compare.
  const last = ev.last;
  if (
    e.position.file === last.file
      ? e.position.line > last.line
      : comparePositions(e.position, last) > 0
  )
    ev.last = e.position;
  if (failed && (!ev.firstFailure || comparePositions(e.position, ev.firstFailure) < 0))
    ev.firstFailure = e.position;
  // Once the whole range was seen (and denied), further values change nothing: skip the BigInt work.
  if (r.kind === 'ability' && e.kind === 'ability' && !(r.whole && (!failed || r.deniedWhole))) {
    const v = eventValue(e, r.object);
    [r.whole, r.ranges] = addValue(r.whole ?? false, r.ranges ?? [], v);
    if (failed)
      [r.deniedWhole, r.deniedRanges] = addValue(r.deniedWhole ?? false, r.deniedRanges ?? [], v);
  }
  if ((e.kind === 'attach' || e.kind === 'link') && e.failure) {
    if (
      e.failure.code !== 'no-rule' &&
      (r.unfixable === undefined || e.failure.reason < r.unfixable)
    ) {
      r.unfixable = e.failure.reason;
    }
    if (e.kind === 'attach') r.wordedAttach = true;
  }
}

function evidenceOf(e: ProcessEvent): Evidence {
  const failed = e.severity === 'error';
  const ev: Evidence = {
    failures: failed ? 1 : 0,
    successes: failed ? 0 : 1,
    pids: [e.pid],
    morePids: false,
    first: e.position,
    last: e.position,
    sample: e.record,
  };
  if (failed) ev.firstFailure = e.position;
  return ev;
}

/** The requirement one (validated, typed) event stands for. */
export function toRequirement(e: ProcessEvent): Requirement {
  const base = { type: e.securityType, process: e.process, evidence: evidenceOf(e) };
  if (e.kind === 'ability') {
    const a = e.argument;
    if (a.kind === 'type-id') {
      const n = e.ability.policyName;
      const kind: Requirement['kind'] | undefined =
        n === 'settypeid' ? 'settypeid' : n === 'channel_connect' ? 'connect' : undefined;
      if (kind) {
        const r = { ...base, kind, domain: e.domain, object: a.typeName };
        return { ...r, key: requirementKey(r) };
      }
    }
    const name = e.ability.policyName;
    const r = { ...base, kind: 'ability' as const, domain: e.domain, object: name };
    const whole = a.kind === 'none' || a.kind === 'type-id' || ADDRESS_VALUED.has(name);
    const ranges: Array<[string, string]> = whole
      ? []
      : a.kind === 'value'
        ? [[a.value, a.value]]
        : a.kind === 'range'
          ? [BigInt(a.start) <= BigInt(a.end) ? [a.start, a.end] : [a.end, a.start]]
          : [];
    const failed = e.severity === 'error';
    return {
      ...r,
      key: requirementKey(r),
      whole,
      ranges,
      deniedWhole: failed && whole,
      deniedRanges: failed ? ranges : [],
    };
  }
  const r = { ...base, kind: e.kind, object: e.path };
  const out: Requirement = { ...r, key: requirementKey(r) };
  if (e.failure && e.failure.code !== 'no-rule') out.unfixable = e.failure.reason;
  if (e.kind === 'attach' && e.failure) out.wordedAttach = true;
  return out;
}

/** Merges inference results (per shard, per machine); associative and commutative up to diagnostic order. */
export function mergeInferResults(...results: InferResult[]): InferResult {
  const out = emptyInferResult();
  for (const r of results) {
    for (const req of r.requirements.byKey.values()) addRequirement(out.requirements, req);
    for (const p of r.requirements.linkers) out.requirements.linkers.add(p);
    for (const p of r.requirements.attachers) out.requirements.attachers.add(p);
    for (const [p, ev] of r.untyped) {
      const prev = out.untyped.get(p);
      out.untyped.set(p, prev ? mergeEvidence(prev, ev) : ev);
    }
    out.refused.push(...r.refused);
    out.refusedCount += r.refusedCount;
    out.unknownCount += r.unknownCount;
  }
  out.refused.sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line));
  return out;
}
