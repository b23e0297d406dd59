/**
 * Guard rules (`--deny FILE`, repeatable): secpol rules that must never be granted,
 * SELinux's neverallow for secpol. A guard file is ordinary secpol; its
 * subjects may be the policy's types and attributes (the policy's
 * declarations are read before the guard's own). Answers two questions:
 * which grants of a policy overlap a guard (`check`, `lint`), and which
 * learned requirements a guard forbids (`suggest` refuses them).
 *
 * A guard file is itself a policy, read by the grant model (policy/grants.ts):
 * a requirement is refused when the guard model allows some of it. Overlap
 * of a policy with a guard [INF, documented in docs/review.md]: same type,
 * same ability, and in a common domain the values each side holds (merged,
 * negations applied; no subrange = every value; names by name) meet; a
 * connect to the same object type (`*`, i.e. a whole `channel_connect`,
 * overlaps every type); attach/link paths overlap when either pattern
 * matches the other's text (`/...` overlaps every path).
 *
 * Several guard files are several guard models (`Guards`), each applied on its
 * own: what any of them forbids is forbidden, and each finding names the
 * guard rule that forbids it, FILE:LINE:COL in its own file.
 */
import type { Policy, PolicyFile, Statement } from '../policy/ast';
import type { Origin, PolicyModel, Subrange } from '../policy/model/types';
import type { AbilityDomain } from '../trace/event';
import {
  abilityValues,
  allows,
  domainGrants,
  mergeIntervals,
  ruleOrigin,
  type ValueSet,
} from '../policy/grants';
import { abilityGrantText, pathSpecText } from '../policy/grant-text';
import { accessesOf } from '../plan/coverage';
import type { Requirement } from '../infer/requirement';
import type { InferResult } from '../infer/infer-requirements';
import type { Diagnostic } from '../diagnostics/diagnostic';
import { buildModel } from '../policy/model/build-model';
import { matchPath } from '../policy/path-match';
import type { QnxVersion } from '../qnx/abilities';
import { appendAll, oneOrMany } from '../arrays';

/** One policy grant that a guard forbids. */
export interface GuardViolation {
  type: string;
  /** What is granted, in policy words (`io`, `connect fs_t`, `attach /...`). */
  what: string;
  /** The policy's grant. */
  grant: Origin;
  /** The guard rule it overlaps. */
  guard: Origin;
}

const DECLARATIONS: ReadonlySet<Statement['type']> = new Set([
  'type-decl',
  'attribute-decl',
  'ability-decl',
  'range-decl',
]);

/** The guard models of one or several guard files. */
export type Guards = PolicyModel | readonly PolicyModel[];

/** A guard rule's place, `FILE:LINE:COL`, as every message names it. */
export function guardPlace(o: Origin): string {
  return `${o.file}:${o.line}:${o.column}`;
}

/** Builds the guard model: the policy's declarations (for attributes), then the guard file. */
export function buildGuardModel(
  guard: PolicyFile,
  policy: Policy | undefined,
  qnx: QnxVersion,
): PolicyModel {
  return buildModel({ type: 'policy', files: [...declarationFiles(policy), guard] }, { qnx });
}

/** The policy's files with their declarations only (types, attributes, abilities, ranges). */
export function declarationFiles(policy: Policy | undefined): PolicyFile[] {
  return (policy?.files ?? []).map((f) => ({
    ...f,
    statements: f.statements.filter((s) => DECLARATIONS.has(s.type)),
  }));
}

/** True when a grant's own values share a value with a normalised value set. */
function overlaps(set: ValueSet, ranges: Subrange[] | undefined): boolean {
  if (set.whole || !ranges) return true;
  return ranges.some((r) =>
    r.kind === 'name'
      ? set.names.has(r.name)
      : set.intervals.some(([s, e]) => s <= r.end && r.start <= e),
  );
}

/** True when two path rules can match a common path. */
export function pathsOverlap(a: string, b: string): boolean {
  return a === b || matchPath(a, b) || matchPath(b, a);
}

const DOMAINS: readonly AbilityDomain[] = ['root', 'non-root'];

/**
 * Every grant of `model` that a rule of `guards` forbids (once per guard file
 * that forbids it), sorted by the grant's place.
 */
export function guardViolations(model: PolicyModel, guards: Guards): GuardViolation[] {
  const out: GuardViolation[] = [];
  for (const g of oneOrMany(guards)) appendAll(out, violationsOf(model, g));
  return out.sort((a, b) =>
    a.grant.file !== b.grant.file
      ? a.grant.file < b.grant.file
        ? -1
        : 1
      : a.grant.line - b.grant.line ||
        a.grant.column - b.grant.column ||
        (a.what < b.what ? -1 : a.what > b.what ? 1 : 0) ||
        (a.guard.file < b.guard.file ? -1 : a.guard.file > b.guard.file ? 1 : 0),
  );
}

/** The grants of `model` one guard model forbids. */
function violationsOf(model: PolicyModel, guards: PolicyModel): GuardViolation[] {
  const out: GuardViolation[] = [];
  const seen = new Set<string>();
  const add = (type: string, what: string, grant: Origin, guard: Origin): void => {
    const k = `${type}\0${what}\0${grant.file}:${grant.line}:${grant.column}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ type, what, grant, guard });
  };
  for (const [type, gg] of guards.grants) {
    const pg = model.grants.get(type);
    if (!pg) continue;
    for (const ability of gg.abilities.keys()) {
      for (const domain of DOMAINS) {
        // What each side holds in this domain, as the grant model normalises it (merged, negations applied).
        const forbidden = abilityValues(guards, type, ability, domain);
        if (!forbidden || !abilityValues(model, type, ability, domain)) continue;
        const guardGrants = domainGrants(guards, type, ability, domain)!.grants;
        for (const granted of domainGrants(model, type, ability, domain)!.grants) {
          if (!overlaps(forbidden, granted.ranges)) continue;
          const own = granted.ranges ? abilityValuesOf(granted.ranges) : undefined;
          const hit = guardGrants.find((x) => !own || overlaps(own, x.ranges)) ?? guardGrants[0]!;
          add(type, abilityGrantText(granted), granted.origin, hit.origin);
        }
      }
    }
    for (const [object, guardList] of gg.connects) {
      for (const [pObject, list] of pg.connects) {
        if (!(object === pObject || object === '*' || pObject === '*')) continue;
        for (const c of list) add(type, `connect ${pObject}`, c.origin, guardList[0]!.origin);
      }
    }
    for (const kind of ['attaches', 'links'] as const) {
      for (const g of gg[kind]) {
        for (const p of pg[kind]) {
          if (pathsOverlap(g.path, p.path))
            add(
              type,
              `${kind === 'attaches' ? 'attach' : 'link'} ${pathSpecText(p)}`,
              p.origin,
              g.origin,
            );
        }
      }
    }
  }
  return out;
}

/** One grant's own subranges as a value set. */
function abilityValuesOf(ranges: Subrange[]): ValueSet {
  const names = new Set<string>();
  const intervals: Array<[bigint, bigint]> = [];
  for (const r of ranges) {
    if (r.kind === 'name') names.add(r.name);
    else intervals.push([r.start, r.end]);
  }
  return { whole: false, intervals: mergeIntervals(intervals), names };
}

/**
 * The guard rule that forbids what a requirement asks for (its denied part), or undefined:
 * the guard model allows some of it. A guard forbids a value range when the values it
 * holds (merged) touch the range; a type, connect or path when it allows it (a prefixed
 * path rule that may match counts). A guard file needs no `type` declarations.
 */
export function guardFor(guards: PolicyModel, r: Requirement): Origin | undefined {
  if (!guards.grants.has(r.type)) return undefined;
  const domain = r.domain ?? 'root';
  switch (r.kind) {
    case 'ability': {
      const values = abilityValues(guards, r.type, r.object, domain);
      if (!values) return undefined;
      const whole = r.deniedWhole ?? r.whole;
      const need: Subrange[] | undefined = whole
        ? undefined
        : (r.deniedRanges ?? r.ranges ?? []).map(([s, e]) => ({
            kind: 'interval',
            start: BigInt(s),
            end: BigInt(e),
            open: false,
            text: '',
          }));
      if (!overlaps(values, need)) return undefined;
      const grants = domainGrants(guards, r.type, r.object, domain)!.grants;
      const own = need ? abilityValuesOf(need) : undefined;
      return (grants.find((x) => !own || overlaps(own, x.ranges)) ?? grants[0])?.origin;
    }
    case 'settypeid':
    case 'connect':
    case 'attach':
    case 'link': {
      // A failure worded "attach" may be emitted as a link: a guard on either kind refuses it.
      const accesses =
        r.kind === 'attach' && r.wordedAttach === true
          ? [...accessesOf(r), ...accessesOf({ ...r, kind: 'link' })]
          : accessesOf(r);
      for (const access of accesses) {
        const a = allows(guards, access);
        if (a.allowed) return ruleOrigin(a.by[0]!);
        if (a.may.length > 0) return a.may[0]!.origin;
      }
      return undefined;
    }
  }
}

/** The denied values of an ability requirement that no guard value touches ([] when none, or when a guard forbids the whole ability). */
function allowedPart(guards: PolicyModel, r: Requirement): Array<[string, string]> {
  if (r.deniedWhole ?? r.whole) return [];
  const values = abilityValues(guards, r.type, r.object, r.domain ?? 'root');
  if (!values) return (r.deniedRanges ?? r.ranges ?? []).map(([a, b]) => [a, b]);
  if (values.whole) return [];
  let parts: Array<[bigint, bigint]> = (r.deniedRanges ?? r.ranges ?? []).map(([a, b]) => [
    BigInt(a),
    BigInt(b),
  ]);
  for (const [fs, fe] of values.intervals) {
    const next: Array<[bigint, bigint]> = [];
    for (const [s, e] of parts) {
      if (e < fs || s > fe) next.push([s, e]);
      else {
        if (s < fs) next.push([s, fs - 1n]);
        if (e > fe) next.push([fe + 1n, e]);
      }
    }
    parts = next;
  }
  return parts.map(([a, b]) => [a.toString(), b.toString()]);
}

/**
 * Removes from `inferred` the denied requirements a guard forbids and adds
 * each to its refused records (`FILE:LINE` of the record that asked, and the
 * guard's place). Returns the refusals, sorted by place.
 */
export function refuseGuarded(inferred: InferResult, guards: Guards): Diagnostic[] {
  const refusals: Diagnostic[] = [];
  // Each guard file in turn: a later one judges what the earlier ones left (values included).
  for (const g of oneOrMany(guards)) appendAll(refusals, refuseBy(inferred, g));
  refusals.sort((a, b) =>
    a.file !== b.file
      ? a.file < b.file
        ? -1
        : 1
      : a.line - b.line || (a.message < b.message ? -1 : 1),
  );
  appendAll(inferred.refused, refusals);
  inferred.refused.sort((a, b) =>
    a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line,
  );
  inferred.refusedCount += refusals.length;
  return refusals;
}

/** Removes what one guard model forbids; returns its refusals. */
function refuseBy(inferred: InferResult, guards: PolicyModel): Diagnostic[] {
  const refusals: Diagnostic[] = [];
  for (const [key, r] of inferred.requirements.byKey) {
    if (r.evidence.failures === 0) continue;
    const guard = guardFor(guards, r);
    if (!guard) continue;
    const rest = r.kind === 'ability' ? allowedPart(guards, r) : [];
    // Only the forbidden values go (SETUID(0) refused, SETUID(1000) of the same process kept).
    if (rest.length > 0) r.deniedRanges = rest;
    else inferred.requirements.byKey.delete(key);
    const at = r.evidence.firstFailure ?? r.evidence.first;
    const domain = r.domain ? ` as ${r.domain}` : '';
    refusals.push({
      severity: 'warning',
      message: `refused by guard rule ${guardPlace(guard)}: ${r.type} ${r.kind} ${r.object}${domain} (${r.process}) must never be granted`,
      file: at.file,
      line: at.line,
      ruleId: 'guard-refused',
    });
  }
  return refusals;
}

/** Guard violations as lint diagnostics (error `guard-rule`), at the policy grant. */
export function guardDiagnostics(violations: GuardViolation[]): Diagnostic[] {
  return violations.map((v) => ({
    severity: 'error',
    message: `${v.type} is granted ${v.what}, which guard rule ${guardPlace(v.guard)} forbids`,
    file: v.grant.file,
    line: v.grant.line,
    column: v.grant.column,
    ruleId: 'guard-rule',
  }));
}
