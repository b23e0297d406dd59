/**
 * `planPatch`: requirements + (optionally) the user's policy → the smallest
 * structured patch (patch.ts). Pure: no I/O, same input → same patch.
 *
 * Per requirement group (type × kind × domain × object):
 * - granted by the policy → "already allowed" (not emitted);
 * - a path failure with a reason other than "no rule" → review, no rule;
 * - a path failure the monitor worded "attach" → `allow_link` when the
 *   evidence says it was a link (the process is `ln`, it created links, or
 *   the type has only link rules), marked for review; else `allow_attach`;
 * - otherwise an item in an existing braced block of the same type and flags,
 *   or a new statement after the type's last statement, or a new type.
 * Also: wrong-type hints (a process that failed under one type did the same
 * under another), `gain_priv` items for `settypeid`, the risk of each item
 * (attach-risks.ts), and with `combine` a type of its own for executables
 * that share a catch-all type.
 * Does not print text (render/) or edit files (apply-patch.ts).
 */
import {
  coalesceRanges,
  mergeEvidence,
  sortedRequirements,
  type Requirement,
} from '../infer/requirement';
import type { InferResult } from '../infer/infer-requirements';
import type { PlanOptions, PolicyInput } from './plan-types';
import { findCoverage } from './coverage';
import { negationOf } from './negation';
import {
  absorbRootIntoNonRoot,
  addProcess,
  asRequirement,
  groupAtoms,
  groupKeyForHint,
  processesOf,
  type Group,
} from './group';
import { combineTargets } from './combine-types';
import { otherKindNames, renameConflictingTypes } from './name-conflicts';
import { decideLinkOrAttach, TYPE_LINK_ONLY, typesGainingAttach } from './link-or-attach';
import { wrongTypeHints } from './wrong-type';
import { buildChanges, sortChanges } from './place-changes';
import { abilityDeclarations } from './declare-abilities';
import { cmp, KIND_ORDER } from './order';
import { addGainPriv } from './gain-priv';
import { attachRisks } from './attach-risks';
import { PATCH_SCHEMA_VERSION, type LaunchHint, type PolicyPatch, type ReviewItem } from './patch';
import { appendAll } from '../arrays';

/** Plans the patch that grants every needed requirement the policy does not grant yet. */
export function planPatch(
  input: PolicyInput | undefined,
  inferred: InferResult,
  options: PlanOptions,
): PolicyPatch {
  return planAtoms(input, takeAtoms(inferred, options), inferred, options);
}

/**
 * The atoms of an inference result, sorted (sortedRequirements): the one array
 * planning reads them from. With `consume` the set gives them up here, and
 * grouping drops each from this array once grouped (plan-types.ts).
 */
export function takeAtoms(inferred: InferResult, options: PlanOptions): Requirement[] {
  const atoms = sortedRequirements(inferred.requirements);
  if (options.consume) inferred.requirements.byKey.clear();
  return atoms;
}

/**
 * Distinct (type, kind, domain, object) among sorted atoms: the atom's key
 * without its process (requirementKey puts the process last), so atoms of one
 * access are adjacent; nothing is allocated per atom.
 */
export function distinctAccesses(atoms: readonly Requirement[]): number {
  let n = 0;
  let prev = '';
  let prevEnd = -1;
  for (const a of atoms) {
    const end = a.key.lastIndexOf('\0');
    if (end !== prevEnd || !samePrefix(a.key, prev, end)) n++;
    prev = a.key;
    prevEnd = end;
  }
  return n;
}

function samePrefix(a: string, b: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  return true;
}

/** planPatch over the atoms takeAtoms gave (with `consume`, `atoms` is emptied). */
export function planAtoms(
  input: PolicyInput | undefined,
  atoms: Requirement[],
  inferred: InferResult,
  options: PlanOptions,
): PolicyPatch {
  const review: ReviewItem[] = [];
  const launches: LaunchHint[] = [];

  // Trace types named like an attribute, range or ability of the policy move to a type of their own.
  const other = otherKindNames(input?.model);
  const taken = new Set(input?.model.types.keys() ?? []);
  for (const a of atoms) taken.add(a.type);
  // Connect and settypeid objects named like another kind are renamed in the array itself.
  const renamed = renameConflictingTypes(atoms, other, taken);
  appendAll(review, renamed.review);
  const retarget = options.combine
    ? combineTargets(atoms, input?.model, options.mode, other, review)
    : new Map<string, string>();
  for (const [pt, to] of renamed.retarget) retarget.set(pt, to);
  const fromTypes = new Map<string, { to: string; from: string[] }>();
  for (const [pt, to] of [...retarget].sort()) {
    const [process, from] = pt.split('\0') as [string, string];
    const l = fromTypes.get(process);
    if (l) l.from.push(from);
    else fromTypes.set(process, { to, from: [from] });
  }
  for (const [process, { to, from }] of fromTypes) {
    launches.push({ process, from: from.join(', '), to, reason: 'new-type' });
  }

  const wrongType = wrongTypeHints(atoms);
  const groups = groupAtoms(atoms, retarget, options.mode, options.consume);

  const patch: PolicyPatch = {
    schemaVersion: PATCH_SCHEMA_VERSION,
    changes: [],
    alreadyAllowed: [],
    review,
    launches,
  };
  const needed: Group[] = [];
  /**
   * The link groups of `needed` by type and object: each is in it once. Grouping made one
   * group per (type, kind, domain, object), and only a link decided from an attach report
   * can meet another group's key (a link reported as such), so other groups need no key.
   */
  const neededLinks = new Map<string, Group>();
  const gainingAttach = typesGainingAttach(groups, inferred, input?.model);
  // A draft declares every type that appears, even one whose only record is for review.
  const seenTypes = options.mode === 'generate' ? [...new Set(groups.map((g) => g.type))] : [];
  for (const g of groups) {
    if (g.unfixable !== undefined) {
      review.push({
        code: 'unfixable-path',
        message: `${g.type} failed to ${g.kind} ${g.object} with a reason other than "no rule"; adding the same rule will not fix it (decide on a relabel type or attach vs link)`,
        type: g.type,
        object: g.object,
        evidence: g.evidence,
      });
      continue;
    }
    if (g.originalObject !== undefined) {
      review.push({
        code: 'connect-retargeted',
        message: `${g.type} connected to channels of ${g.originalObject}; with -c the process(es) that ran as ${g.originalObject} have types of their own, so the connect goes to ${g.object}`,
        type: g.type,
        object: g.object,
        evidence: g.evidence,
      });
    }
    decideLinkOrAttach(g, inferred, input?.model, gainingAttach);
    if (
      g.linkBecause === TYPE_LINK_ONLY(g.type) &&
      input &&
      findCoverage(input.model, asRequirement(g))
    ) {
      // Weak evidence, and the policy allows that link: had it been a link it would not have
      // failed, so this is an attach where only links are allowed. A person decides.
      review.push({
        code: 'attach-vs-link',
        message: `${g.type} failed to attach ${g.object}, where the policy allows only a link: decide whether it should attach there (allow_attach) or link`,
        type: g.type,
        object: g.object,
        evidence: g.evidence,
      });
      continue;
    }
    if (g.linkBecause) {
      review.push({
        code: 'link-or-attach',
        message: `${g.type}: the failure on ${g.object} was reported as an attach; emitted as allow_link because ${g.linkBecause}`,
        type: g.type,
        object: g.object,
        evidence: g.evidence,
      });
    }
    if (input && !g.originalTypes && g.kind === 'ability' && !g.whole && g.ranges.length > 1) {
      // Each range on its own: values the policy grants already are not added again.
      const byRange = g.ranges.map((r) =>
        findCoverage(input.model, asRequirement({ ...g, ranges: [r] })),
      );
      const firstCovered = byRange.find((c) => c !== undefined);
      if (firstCovered && byRange.some((c) => c === undefined)) {
        patch.alreadyAllowed.push({
          type: g.type,
          kind: g.kind,
          object: g.object,
          ...(g.domain ? { domain: g.domain } : {}),
          by: firstCovered,
          evidence: g.evidence,
        });
        g.ranges = g.ranges.filter((_, i) => byRange[i] === undefined);
      }
    }
    const negation = input && !g.originalTypes ? negationOf(input.model, g) : undefined;
    if (negation) {
      // A negation wins over every grant (as policy/evaluate.ts judges): adding one would change nothing.
      review.push({
        code: 'negated',
        message: `${g.type} needs ${negation.ability} as ${g.domain ?? 'root'}, but the policy negates it at ${negation.origin.file}:${negation.origin.line} (\`-${negation.ability}\`), which cancels any grant: nothing added; remove the negation if ${g.type} should have it`,
        type: g.type,
        object: negation.ability,
        evidence: g.evidence,
      });
      continue;
    }
    const covered =
      input && !g.originalTypes ? findCoverage(input.model, asRequirement(g)) : undefined;
    if (covered) {
      patch.alreadyAllowed.push({
        type: g.type,
        kind: g.kind,
        object: g.object,
        ...(g.domain ? { domain: g.domain } : {}),
        by: covered,
        evidence: g.evidence,
      });
      continue;
    }
    // Only now, with granted values taken out, do adjacent values join (interrupt:14-15).
    if (g.kind === 'ability' && !g.whole) g.ranges = coalesceRanges(g.ranges);
    // A link decided from an attach report may meet the same link reported as such: one rule.
    const key = g.kind === 'link' ? `${g.type}\0${g.object}` : undefined;
    const same = key === undefined ? undefined : neededLinks.get(key);
    if (same) {
      same.evidence = mergeEvidence(same.evidence, g.evidence);
      for (const p of processesOf(g)) addProcess(same, p);
      same.linkBecause ??= g.linkBecause;
    } else {
      needed.push(g);
      if (key !== undefined) neededLinks.set(key, g);
    }
  }
  // What is not needed (review only, already allowed) is not kept while the changes are built.
  groups.length = 0;
  neededLinks.clear();

  absorbRootIntoNonRoot(needed);

  // QNX strongly advises against running anything as `default` (reference §2.1).
  const asDefault = [
    ...new Set(needed.filter((g) => g.type === 'default').flatMap((g) => [...processesOf(g)])),
  ].sort();
  const firstAsDefault = new Map<string, Group>();
  for (const n of needed)
    if (n.type === 'default')
      for (const p of processesOf(n)) if (!firstAsDefault.has(p)) firstAsDefault.set(p, n);
  for (const process of asDefault) {
    const g = firstAsDefault.get(process)!;
    review.push({
      code: 'default-type',
      message: `${process || '(unnamed)'} runs as \`default\` (type id 0): QNX advises launching it with a type of its own (\`-c\` proposes one) rather than widening \`default\``,
      evidence: g.evidence,
    });
  }

  // Keys only for the groups a hint names (a key per group would be kept through buildChanges).
  const byHintKey = new Map<string, Group>();
  if (wrongType.size > 0)
    for (const n of needed) {
      const key = groupKeyForHint(n);
      if (wrongType.has(key) && !byHintKey.has(key)) byHintKey.set(key, n);
    }
  for (const [key, hint] of wrongType) {
    const g = byHintKey.get(key);
    if (!g) continue;
    review.push({
      code: 'wrong-type',
      message: `${hint.process} failed as ${hint.from} but did the same as ${hint.to}: launch it with \`on -T ${hint.to} ...\` rather than widen ${hint.from}`,
      evidence: g.evidence,
    });
    if (!launches.some((l) => l.process === hint.process && l.from === hint.from))
      launches.push(hint);
  }
  launches.sort((a, b) => cmp(a.process, b.process) || cmp(a.from, b.from) || cmp(a.to, b.to));

  patch.changes = buildChanges(needed, input, wrongType, options, seenTypes);
  const patched = addGainPriv(patch.changes, input?.policy, review);
  attachRisks(patch.changes, patched);
  patch.changes = sortChanges([
    ...patch.changes,
    ...abilityDeclarations(patch.changes, input?.model),
  ]);
  review.sort((a, b) => cmp(a.code, b.code) || cmp(a.message, b.message));
  patch.alreadyAllowed.sort(
    (a, b) =>
      cmp(a.type, b.type) ||
      KIND_ORDER[a.kind === 'settypeid' ? 'ability' : a.kind] -
        KIND_ORDER[b.kind === 'settypeid' ? 'ability' : b.kind] ||
      cmp(a.object, b.object),
  );
  return patch;
}
