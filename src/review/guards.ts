/**
 * Guard rules (`--deny FILE`): secpol rules that must never be granted,
 * SELinux's neverallow for secpol. A guard file is ordinary secpol; its
 * subjects may be the policy's types and attributes (the policy's
 * declarations are read before the guard's own). Answers two questions:
 * which grants of a policy overlap a guard (`check`, `lint`), and which
 * learned requirements a guard forbids (`suggest` refuses them).
 *
 * Overlap [INF, documented in docs/review.md]: same type, same ability with
 * a common domain and a common value (a grant or guard without subranges
 * overlaps every value; named ranges overlap by name); a connect to the same
 * object type (`*`, i.e. a whole `channel_connect`, overlaps every type);
 * attach/link paths overlap when either pattern matches the other's text
 * (`/...` overlaps every path).
 */
import type { Policy, PolicyFile, Statement } from '../policy/ast';
import type {
  AbilityGrantInfo,
  Domains,
  Origin,
  PolicyModel,
  Subrange,
} from '../policy/model/types';
import type { Requirement } from '../infer/requirement';
import type { InferResult } from '../infer/infer-requirements';
import type { Diagnostic } from '../diagnostics/diagnostic';
import { buildModel } from '../policy/model/build-model';
import { matchPath } from '../policy/path-match';
import type { QnxVersion } from '../qnx/abilities';

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

/** Builds the guard model: the policy's declarations (for attributes), then the guard file. */
export function buildGuardModel(
  guard: PolicyFile,
  policy: Policy | undefined,
  qnx: QnxVersion,
): PolicyModel {
  const decls: PolicyFile[] = (policy?.files ?? []).map((f) => ({
    ...f,
    statements: f.statements.filter((s) => DECLARATIONS.has(s.type)),
  }));
  return buildModel({ type: 'policy', files: [...decls, guard] }, { qnx });
}

const overlapDomains = (a: Domains, b: Domains): boolean =>
  (a.root && b.root) || (a.nonRoot && b.nonRoot);

function overlapRange(a: Subrange, b: Subrange): boolean {
  if (a.kind === 'interval' && b.kind === 'interval') return a.start <= b.end && b.start <= a.end;
  if (a.kind === 'name' && b.kind === 'name') return a.name === b.name;
  return false;
}

function overlapRanges(a: Subrange[] | undefined, b: Subrange[] | undefined): boolean {
  if (!a || !b) return true;
  return a.some((x) => b.some((y) => overlapRange(x, y)));
}

/** True when two path rules can match a common path. */
export function pathsOverlap(a: string, b: string): boolean {
  return a === b || matchPath(a, b) || matchPath(b, a);
}

function abilityWhat(g: AbilityGrantInfo): string {
  const r = g.ranges ? `:${g.ranges.map((x) => x.text).join(',')}` : '';
  return `${g.ability}${r}${g.fromDefaultPriv ? ' (via default_priv)' : ''}`;
}

/** Every grant of `model` that a rule of `guards` forbids, sorted by the grant's place. */
export function guardViolations(model: PolicyModel, guards: PolicyModel): GuardViolation[] {
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
    for (const [ability, guardList] of gg.abilities) {
      for (const granted of pg.abilities.get(ability) ?? []) {
        const hit = guardList.find(
          (x) =>
            overlapDomains(x.domains, granted.domains) && overlapRanges(x.ranges, granted.ranges),
        );
        if (hit) add(type, abilityWhat(granted), granted.origin, hit.origin);
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
            add(type, `${kind === 'attaches' ? 'attach' : 'link'} ${p.path}`, p.origin, g.origin);
        }
      }
    }
  }
  return out.sort((a, b) =>
    a.grant.file !== b.grant.file
      ? a.grant.file < b.grant.file
        ? -1
        : 1
      : a.grant.line - b.grant.line ||
        a.grant.column - b.grant.column ||
        (a.what < b.what ? -1 : a.what > b.what ? 1 : 0),
  );
}

/** The guard rule that forbids what a requirement asks for (its denied part), or undefined. */
export function guardFor(guards: PolicyModel, r: Requirement): Origin | undefined {
  const g = guards.grants.get(r.type);
  if (!g) return undefined;
  const domains: Domains =
    r.domain === 'non-root' ? { root: false, nonRoot: true } : { root: true, nonRoot: false };
  switch (r.kind) {
    case 'ability': {
      const whole = r.deniedWhole ?? r.whole;
      const values = r.deniedRanges ?? r.ranges ?? [];
      const need: Subrange[] | undefined = whole
        ? undefined
        : values.map(([s, e]) => ({
            kind: 'interval',
            start: BigInt(s),
            end: BigInt(e),
            open: false,
            text: '',
          }));
      return (g.abilities.get(r.object) ?? []).find(
        (x) => overlapDomains(x.domains, domains) && overlapRanges(x.ranges, need),
      )?.origin;
    }
    case 'settypeid':
      return (g.abilities.get('settypeid') ?? []).find(
        (x) =>
          overlapDomains(x.domains, domains) &&
          overlapRanges(x.ranges, [{ kind: 'name', name: r.object, text: r.object }]),
      )?.origin;
    case 'connect':
      return (g.connects.get(r.object) ?? g.connects.get('*'))?.[0]?.origin;
    case 'attach':
    case 'link':
      // A failure worded "attach" may be emitted as a link: a guard on either kind refuses it.
      return [...g.attaches, ...g.links].find(
        (x) => (x.kind === r.kind || r.wordedAttach === true) && pathsOverlap(x.path, r.object),
      )?.origin;
  }
}

/** The denied values of an ability requirement that no guard interval touches ([] when none, or when a guard forbids the whole ability). */
function allowedPart(guards: PolicyModel, r: Requirement): Array<[string, string]> {
  if (r.deniedWhole ?? r.whole) return [];
  const inDomain = (d: Domains): boolean => (r.domain === 'non-root' ? d.nonRoot : d.root);
  const forbidden: Array<[bigint, bigint]> = [];
  for (const g of guards.grants.get(r.type)?.abilities.get(r.object) ?? []) {
    if (!inDomain(g.domains)) continue;
    if (!g.ranges) return [];
    for (const x of g.ranges) if (x.kind === 'interval') forbidden.push([x.start, x.end]);
  }
  let parts: Array<[bigint, bigint]> = (r.deniedRanges ?? r.ranges ?? []).map(([a, b]) => [
    BigInt(a),
    BigInt(b),
  ]);
  for (const [fs, fe] of forbidden) {
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
export function refuseGuarded(inferred: InferResult, guards: PolicyModel): Diagnostic[] {
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
      message: `refused by guard rule ${guard.file}:${guard.line}: ${r.type} ${r.kind} ${r.object}${domain} (${r.process}) must never be granted`,
      file: at.file,
      line: at.line,
      ruleId: 'guard-refused',
    });
  }
  refusals.sort((a, b) =>
    a.file !== b.file
      ? a.file < b.file
        ? -1
        : 1
      : a.line - b.line || (a.message < b.message ? -1 : 1),
  );
  inferred.refused.push(...refusals);
  inferred.refused.sort((a, b) =>
    a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line,
  );
  inferred.refusedCount += refusals.length;
  return refusals;
}

/** Guard violations as lint diagnostics (error `guard-rule`), at the policy grant. */
export function guardDiagnostics(violations: GuardViolation[]): Diagnostic[] {
  return violations.map((v) => ({
    severity: 'error',
    message: `${v.type} is granted ${v.what}, which guard rule ${v.guard.file}:${v.guard.line} forbids`,
    file: v.grant.file,
    line: v.grant.line,
    column: v.grant.column,
    ruleId: 'guard-rule',
  }));
}
