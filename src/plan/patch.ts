/**
 * The structured patch: what `planPatch` decided, as data, separate from any
 * text. Renderers (src/render/) and the text applier (apply-patch.ts) read
 * it; nothing here prints.
 */
import type { Evidence, RequirementKind } from '../infer/requirement';
import type { AbilityDomain } from '../trace/event';

/** Version of the patch data and of the JSON that carries it (docs/json-schema.md). */
export const PATCH_SCHEMA_VERSION = 1;

/** Where an existing statement is: its file and its index among the file's statements. */
export interface StatementRef {
  file: string;
  index: number;
  /** 1-based line of the statement, for messages. */
  line: number;
}

/** One rule item the patch adds (`pathspace`, `interrupt:14-15`, `/dev/fsF`, `fs_t` for a connect). */
export interface PlannedItem {
  /** The item as policy text (built only from validated fields). */
  text: string;
  /** Evidence behind the item (merged over the processes that needed it). */
  evidence: Evidence;
  /** The processes that needed it (at most MAX_LISTED, sorted). */
  processes: string[];
  /** Comments printed above the item always (hints, review marks). */
  notes: string[];
  /** Comments printed above the item with `--explain` (evidence). */
  explain: string[];
}

/** The kinds of statement a change adds to or creates. */
export type ChangeKind = 'type' | 'ability' | 'connect' | 'attach' | 'link';

/** A change of the patch. */
export interface PlannedChange {
  /**
   * `add-to-block`: items go into an existing braced block (its layout kept);
   * `add-statement`: a new statement, after `anchor` (the type's last
   * statement) or at the end of the policy; `declare-type`: `type NAME;`.
   */
  op: 'add-to-block' | 'add-statement' | 'declare-type';
  /** The subject type. */
  type: string;
  kind: ChangeKind;
  /** Ability blocks: `non-root` ones carry the `nonroot` flag. */
  domain?: AbilityDomain;
  /** `connect`: the object type. */
  object?: string;
  /** `add-to-block`: the block; `add-statement`: the statement to insert after. */
  anchor?: StatementRef;
  items: PlannedItem[];
  /** Comments printed above the statement always. */
  notes: string[];
}

/** A requirement the policy already grants. */
export interface AlreadyAllowed {
  type: string;
  kind: RequirementKind;
  object: string;
  domain?: AbilityDomain;
  /** The granting rule's place. */
  by: { file: string; line: number };
  evidence: Evidence;
}

/** Something a person must decide: not fixed by adding a rule, or a heuristic choice to confirm. */
export interface ReviewItem {
  /** Stable id: `unfixable-path`, `link-or-attach`, `attach-vs-link`, `untyped-process`, `wrong-type`, `gain-priv`, `default-type`, `connect-retargeted`, `unknown-ability`. */
  code: string;
  /** One sentence (validated fields only). */
  message: string;
  /** The type and object concerned, when the item is about one access. */
  type?: string;
  object?: string;
  evidence: Evidence;
}

/** A launch line to change (`on -T TYPE ...`), from `-c` or the wrong-type hint. */
export interface LaunchHint {
  process: string;
  /** The type the process ran as (`new-type`: every type it leaves, comma-separated). */
  from: string;
  /** The type to launch it with. */
  to: string;
  /** `new-type` (from `-c`) or `wrong-type` (it succeeded under `to` in the traces). */
  reason: 'new-type' | 'wrong-type';
}

/** The planned patch. */
export interface PolicyPatch {
  schemaVersion: typeof PATCH_SCHEMA_VERSION;
  /** Changes in output order: by type, then kind, then name. */
  changes: PlannedChange[];
  alreadyAllowed: AlreadyAllowed[];
  review: ReviewItem[];
  launches: LaunchHint[];
}

/** True when the patch adds nothing. */
export function isEmptyPatch(p: PolicyPatch): boolean {
  return p.changes.length === 0;
}
