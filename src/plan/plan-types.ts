/**
 * The inputs of planning, in a module of their own so that the planner's
 * steps (grouping, placing, gain_priv) import types, not the runner
 * (plan-patch.ts), and no import cycle forms.
 */
import type { Policy } from '../policy/ast';
import type { PolicyModel } from '../policy/model/types';

/** Options of `planPatch`. */
export interface PlanOptions {
  /** `suggest` learns from failures only; `generate` from every observed use. */
  mode: 'suggest' | 'generate';
  /** `-c`: group by process name (see plan-patch.ts). */
  combine?: boolean;
  /**
   * The caller gives the requirements up to planning: `planPatch` empties
   * `inferred.requirements.byKey` and drops each requirement once it is
   * grouped, and each group once its item is built, so requirements, groups
   * and items are never all alive at once (docs/performance.md, "1M distinct
   * failures"). The evidence objects
   * move into the patch unchanged; `linkers`, `attachers`, `untyped` and the
   * counts are left as they were. For callers that print only the patch
   * (`suggest`, `generate`); without it the inference result is only read.
   */
  consume?: boolean;
}

/** The user's policy: its AST (for anchors) and its model (for grants). */
export interface PolicyInput {
  policy: Policy;
  model: PolicyModel;
}
