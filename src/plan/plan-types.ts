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
}

/** The user's policy: its AST (for anchors) and its model (for grants). */
export interface PolicyInput {
  policy: Policy;
  model: PolicyModel;
}
