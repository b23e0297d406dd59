/**
 * The structured patch: what `planPatch` decided, as data, separate from any
 * text. Renderers (src/render/) and the text applier (apply-patch.ts) read
 * it; nothing here prints.
 */
import type { Evidence, RequirementKind } from '../infer/requirement';
import type { AbilityItem, Name, PathSpec } from '../policy/ast';
import type { AbilityDomain } from '../trace/event';
import type { Risk } from '../policy/risk';

/** Version of the patch data and of the JSON that carries it (docs/json-schema.md). */
export const PATCH_SCHEMA_VERSION = 1;

/** Where an existing statement is: its file and its index among the file's statements. */
export interface StatementRef {
  file: string;
  index: number;
  /** 1-based line of the statement, for messages. */
  line: number;
}

/**
 * Why an item is there beyond its evidence, as data (the renderer words it as
 * a comment line above the item):
 * - `hint`: the process did the same under another type (`on -T` it rather than widen);
 * - `link-from-attach`: reported as an attach, emitted as `allow_link` because of `because` (review mark);
 * - `gain-priv`: `settypeid:target` needs it, since `target` holds `ability` beyond `subject`;
 * - `collapsed`: `--collapse` folded these paths into the item's glob.
 */
export type ItemNote =
  | { kind: 'hint'; process: string; from: string; to: string }
  | { kind: 'link-from-attach'; because: string }
  | { kind: 'gain-priv'; subject: string; target: string; ability: string }
  | { kind: 'collapsed'; paths: string[] };

/** Where an item comes from: evidence, processes and notes (never policy text). */
export interface Provenance {
  /** Evidence behind the item (merged over the processes that needed it). */
  evidence: Evidence;
  /** The processes that needed it (at most MAX_LISTED, sorted). */
  processes: string[];
  /** How many more processes needed it than `processes` lists. */
  moreProcesses: number;
  notes: ItemNote[];
  /** `--collapse`: the provenance of each item folded into this one (their evidence is shown). */
  folded?: Provenance[];
  /** True for an item derived from another one (`gain_priv`): its evidence is not shown again. */
  derived?: boolean;
}

/**
 * The node an item adds: an ability item (ability changes), a path (attach
 * and link changes) or the object type (connect changes). Built only with the
 * validated constructors of src/policy/nodes.ts.
 */
export type ItemNode = AbilityItem | PathSpec | Name;

/** One rule item the patch adds (`pathspace`, `interrupt:14-15`, `/dev/fsF`, `fs_t` for a connect). */
export interface PlannedItem {
  node: ItemNode;
  provenance: Provenance;
  /** What lint would warn about the item (src/policy/risk.ts); absent for a harmless item. */
  risk?: Risk;
}

/** Why a type is declared (own type for processes under `-c`): data the renderer words. */
export interface ChangeNote {
  kind: 'own-type';
  processes: string[];
  /** The types the processes ran as. */
  from: string[];
}

/** The kinds of statement a change adds to or creates. */
export type ChangeKind = 'type' | 'ability-decl' | 'ability' | 'connect' | 'attach' | 'link';

/** A change of the patch. */
export interface PlannedChange {
  /**
   * `add-to-block`: items go into an existing braced block (its layout kept);
   * `add-statement`: a new statement, after `anchor` (the type's last
   * statement) or at the end of the policy; `declare-type`: `type NAME;`;
   * `declare-ability`: `ability OBJECT;` (a custom ability the policy does not declare).
   */
  op: 'add-to-block' | 'add-statement' | 'declare-type' | 'declare-ability';
  /** The subject type. */
  type: string;
  kind: ChangeKind;
  /** Ability blocks: `non-root` ones carry the `nonroot` flag. */
  domain?: AbilityDomain;
  /** `connect`: the object type; `ability-decl`: the declared ability. */
  object?: string;
  /** `add-to-block`: the block; `add-statement`: the statement to insert after. */
  anchor?: StatementRef;
  items: PlannedItem[];
  /** Printed above the statement always. */
  notes: ChangeNote[];
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
  /** Stable id: `unfixable-path`, `link-or-attach`, `attach-vs-link`, `untyped-process`, `wrong-type`, `gain-priv`, `default-type`, `connect-retargeted`, `unknown-ability`, `negated`, `renamed-type`. */
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
