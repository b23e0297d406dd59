/**
 * `tidy` as library calls: merged rules, path globs and attributes proposed
 * for a policy, applied to its texts and proven by the semantic diff of the
 * grant model (every difference a widening some proposal states), then
 * printed as the command prints them. Pure: the caller writes the texts.
 */
import type { PolicyText } from '../render/apply-patch';
import { buildModel } from '../policy/model/build-model';
import { parsePolicies } from '../policy/parse';
import { DEFAULT_QNX_VERSION, type QnxVersion } from '../qnx/abilities';
import { tidyJson, tidyMarkdown, tidySummary, tidyText } from '../render/tidy-output';
import { unifiedDiffParts } from '../render/unified-diff';
import { applyEdits, planTidy, type TidyPlan } from '../review/tidy';
import { proveTidy, type TidyProof } from '../review/tidy-proof';
import type { PolicySources } from './learning';

/** Options of `tidyPolicy`. */
export interface TidyPolicyOptions {
  /** The QNX release the policy targets (default 8.0). */
  qnx?: QnxVersion;
  /** Refuse every widening (`--equivalent-only`): proven only when the grants are exactly the same. */
  equivalentOnly?: boolean;
}

/** A tidied policy: the proposals, the proof, and the texts after them. */
export interface TidiedPolicy {
  plan: TidyPlan;
  proof: TidyProof;
  /** No difference beyond the stated widenings (none at all with `equivalentOnly`): safe to write. */
  proven: boolean;
  /** The policy's texts before, in order. */
  before: PolicyText[];
  /** Every file's text after the proposals, in the same order. */
  after: PolicyText[];
}

/**
 * Plans the tidying of a policy (`parsePolicies` of `sources.texts`), applies
 * it to the texts and proves it. Throws only if the tidied text does not
 * parse, which is a bug (the command prints it and writes nothing).
 */
export function tidyPolicy(sources: PolicySources, options: TidyPolicyOptions = {}): TidiedPolicy {
  const qnx = options.qnx ?? DEFAULT_QNX_VERSION;
  const equivalentOnly = options.equivalentOnly ?? false;
  const before = buildModel(sources.policy, { qnx });
  const plan = planTidy(sources.policy, before, { equivalentOnly });
  const texts = sources.texts.map((t) => ({ file: t.file, text: t.text }));
  const after = applyEdits(texts, plan.edits);
  const reparsed = parsePolicies(after);
  const broken = reparsed.diagnostics.find((d) => d.severity === 'error');
  if (broken)
    throw new Error(
      `the tidied text does not parse: ${broken.file}:${broken.line}: ${broken.message}`,
    );
  const proof = proveTidy(before, buildModel(reparsed.policy, { qnx }), plan.proposals);
  const proven = proof.unexplained.length === 0 && (!equivalentOnly || proof.entries.length === 0);
  return { plan, proof, proven, before: texts, after };
}

/**
 * The refactor as a unified diff of the policy files (`tidy --format
 * patch`): empty unless proven. `a/`/`b/` paths are the file names relative
 * to `cwd` (default `/`, which keeps relative names as given).
 */
export function formatTidyPatch(tidied: TidiedPolicy, options: { cwd?: string } = {}): string {
  return tidied.proven ? tidyDiff(tidied, options.cwd ?? '/') : '';
}

function tidyDiff(tidied: TidiedPolicy, cwd: string): string {
  return unifiedDiffParts(
    tidied.before.map((b, i) => ({ file: b.file, before: b.text, after: tidied.after[i]!.text })),
    cwd,
  )
    .map((p) => p.header + p.body)
    .join('');
}

/** `tidy`'s text: each proposal with what it widens, then the proof. */
export function formatTidy(tidied: TidiedPolicy): string {
  return tidyText(tidied.plan, tidied.proof);
}

/** `tidy --format json` (schema `secpol-learn/tidy`), with the diff whether proven or not. */
export function formatTidyJson(tidied: TidiedPolicy, options: { cwd?: string } = {}): string {
  return tidyJson(
    tidied.plan,
    tidied.proof,
    tidied.before.map((b) => b.file),
    tidyDiff(tidied, options.cwd ?? '/'),
  );
}

/** `tidy --format markdown`. */
export function formatTidyMarkdown(tidied: TidiedPolicy, options: { cwd?: string } = {}): string {
  return tidyMarkdown(tidied.plan, tidied.proof, tidyDiff(tidied, options.cwd ?? '/'));
}

/** `tidy`'s summary line (its standard error). */
export function formatTidySummary(tidied: TidiedPolicy): string {
  return `secpol-learn tidy: ${tidySummary(tidied.plan, tidied.proof)}\n`;
}
