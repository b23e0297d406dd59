/**
 * The learning pipeline as one library call: inference result + policy →
 * planned patch, with the counts the summary and the JSON report need.
 * `suggest` and `generate` are thin shells over this. Does no I/O.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { InferResult } from '../infer/infer-requirements';
import { abilityInfo, type QnxVersion } from '../qnx/abilities';
import { cmp } from './order';
import { distinctAccesses, planAtoms, takeAtoms } from './plan-patch';
import type { PlanOptions, PolicyInput } from './plan-types';
import type { PolicyPatch, ReviewItem } from './patch';

/** Everything a command prints about one run. */
export interface LearnResult {
  command: 'suggest' | 'generate';
  /** Trace files as the user named them, sorted. */
  traceFiles: string[];
  /** Process events read (after the monitor filters). */
  eventCount: number;
  /** Distinct requirements (type × kind × domain × object) the traces show. */
  requirementCount: number;
  patch: PolicyPatch;
  refused: Diagnostic[];
  refusedCount: number;
  unknownCount: number;
}

/** Runs planning over an inference result and turns unnamed-type processes into review items. */
export function learn(
  inferred: InferResult,
  policy: PolicyInput | undefined,
  options: PlanOptions & {
    traceFiles: string[];
    eventCount: number;
    /** Lines the trace stage did not understand (default: the unknown events inference saw). */
    notUnderstood?: number;
    /** The QNX release the policy targets: added abilities it does not know go to review. */
    qnx?: QnxVersion;
  },
): LearnResult {
  const atoms = takeAtoms(inferred, options);
  const requirementCount = distinctAccesses(atoms);
  const patch = planAtoms(policy, atoms, inferred, options);
  const untyped: ReviewItem[] = [...inferred.untyped]
    .filter(([, ev]) => options.mode === 'generate' || ev.failures > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([process, evidence]) => ({
      code: 'untyped-process',
      message: `${process} runs with type id 0, the \`default\` type (printed \`-\` when the policy does not declare \`type default;\`): rules can name it \`default\`, but QNX advises against running anything as it; launch it with \`on -T TYPE ...\``,
      evidence,
    }));
  const unknown = options.qnx ? unknownAbilities(patch, options.qnx) : [];
  patch.review = [...patch.review, ...untyped, ...unknown].sort(
    (a, b) => cmp(a.code, b.code) || cmp(a.message, b.message),
  );
  return {
    command: options.mode,
    traceFiles: [...options.traceFiles].sort(),
    eventCount: options.eventCount,
    requirementCount,
    patch,
    refused: inferred.refused,
    refusedCount: inferred.refusedCount,
    unknownCount: options.notUnderstood ?? inferred.unknownCount,
  };
}

/**
 * Static abilities the patch adds that the chosen QNX release does not have
 * (a trace from a 7.1 target read for an 8.0 policy: `qnet`, `keydata`...):
 * secpolcompile for that release would refuse them. Dynamic names (with `/`)
 * are registered at run time and never flagged.
 */
function unknownAbilities(patch: PolicyPatch, qnx: QnxVersion): ReviewItem[] {
  const out: ReviewItem[] = [];
  for (const change of patch.changes) {
    if (change.kind !== 'ability') continue;
    for (const item of change.items) {
      const node = item.node;
      if (node.type !== 'ability-grant' && node.type !== 'gain-priv') continue;
      const name = node.type === 'gain-priv' ? node.ability.value : node.name.value;
      if (abilityInfo(name, qnx)) continue;
      out.push({
        code: 'unknown-ability',
        message: `${change.type} needs ${name}, which QNX ${qnx} does not define (was the trace taken on another release? see --qnx)`,
        type: change.type,
        object: name,
        evidence: item.provenance.evidence,
      });
    }
  }
  return out;
}
