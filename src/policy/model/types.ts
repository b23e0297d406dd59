/**
 * The policy semantic model: what a parsed policy grants, per type, indexed
 * by type and ability so the evaluator and lint never scan the whole policy.
 * Every grant keeps its origin (file, line, column, statement) so `explain`
 * can cite it and the planner can add items to an existing block.
 *
 * Plain data only; built by `buildModel` (build-model.ts). See
 * docs/policy-model.md for the semantics and their reference tags.
 */
import type { AbilityItem, PathSpec, Statement } from '../ast';
import type { QnxVersion } from '../../qnx/abilities';
import type { ConnectIndex } from './connect-index';
import type { AbilityIndex } from './ability-index';

/** Where a grant was written: the statement, the item inside it, and its place. */
export interface Origin {
  file: string;
  line: number;
  column: number;
  statement: Statement;
  /** The block item (ability item or path) the grant comes from, when there is one. */
  item?: AbilityItem | PathSpec;
}

/** Ability domains a grant covers. */
export interface Domains {
  root: boolean;
  nonRoot: boolean;
}

/** One subrange of an ability grant. */
export type Subrange =
  /** A numeric interval, both ends inclusive; `open` when written `A-`. */
  | { kind: 'interval'; start: bigint; end: bigint; open: boolean; text: string }
  /** A type name (settypeid / channel_connect), or a `range` name resolved through the range file. */
  | { kind: 'name'; name: string; text: string };

/** One ability granted (or negated) to one type by one item. */
export interface AbilityGrantInfo {
  /** Normalised name: static lower-cased, dynamic as written. */
  ability: string;
  /** Subranges; absent = the whole ability. */
  ranges?: Subrange[];
  domains: Domains;
  noinherit: boolean;
  unlock: boolean;
  /** True when the grant comes from a `default_priv` flag, not a named item. */
  fromDefaultPriv: boolean;
  origin: Origin;
}

/** An `-ability` item: the ability is denied to the type in these domains. */
export interface NegationInfo {
  ability: string;
  domains: Domains;
  origin: Origin;
}

/** Permission for a type to connect to channels of `object` (a type name, or `*` for any type). */
export interface ConnectGrant {
  object: string;
  /** `allow S O:channel connect` or a `channel_connect:O` ability item. */
  via: 'allow-connect' | 'ability';
  /** `allow … :channel connect` covers both domains [INF]; the ability form follows its block's `nonroot`. */
  domains: Domains;
  origin: Origin;
}

/** One `allow_attach` / `allow_link` path of a type. */
export interface PathRule {
  kind: 'attach' | 'link';
  /**
   * The path as a trace shows it: as written, except in a latin1 file (PolicyFile.encoding),
   * whose bytes are read as UTF-8, bytes that are not UTF-8 as lone surrogates (path-bytes.ts).
   * The written text stays in `origin.item`.
   */
  path: string;
  fileType?: string;
  relabel?: string;
  origin: Origin;
}

/** Everything one type is granted. */
export interface TypeGrants {
  /**
   * Granted abilities by normalised name; a block of several subjects is kept once and shared
   * (ability-index.ts), so read with `get`/`has` or iterate, as a map.
   */
  abilities: AbilityIndex<AbilityGrantInfo>;
  /** `-ability` items by normalised name, shared as `abilities`. */
  negations: AbilityIndex<NegationInfo>;
  /** `gain_priv:ABILITY` items by normalised ability name, shared as `abilities`. */
  gainPriv: AbilityIndex<Origin>;
  /** Connect permissions by object type (`*` = any type); sets kept as sets (connect-index.ts). */
  connects: ConnectIndex<ConnectGrant>;
  attaches: PathRule[];
  links: PathRule[];
  /** The ability blocks that name this type as a subject (for the planner). */
  abilityBlocks: Origin[];
}

/** A declaration and where it is. */
export interface Declaration {
  name: string;
  origin: Origin;
}

/** A `range NAME;` and its values per ability, when a range file gave them. */
export interface NamedRange {
  name: string;
  origin?: Origin;
  /** Values by normalised ability name; absent = not in the range file (coverage unknown). */
  values?: Map<string, RangeFileValue[]>;
}

/** A value of a named range file: an interval, or a `syspage:NAME` region (only known at boot). */
export type RangeFileValue =
  { kind: 'interval'; start: bigint; end: bigint } | { kind: 'syspage'; name: string };

/** Named range values read from a range file (reference §2.8): range name → ability → values. */
export type NamedRangeValues = Map<string, Map<string, RangeFileValue[]>>;

/** The semantic model of one policy. */
export interface PolicyModel {
  qnx: QnxVersion;
  /** Declared types (`type T;`) by name; the first declaration wins. */
  types: Map<string, Declaration & { attributes: string[] }>;
  /** Declared attributes and their member types, in declaration order. */
  attributes: Map<string, Declaration & { members: string[] }>;
  /** Declared dynamic abilities (`ability NAME;`). */
  abilities: Map<string, Declaration>;
  /** Declared named ranges. */
  ranges: Map<string, NamedRange>;
  /** Grants by type name (types used as subjects without a declaration are included). */
  grants: Map<string, TypeGrants>;
  /** `derive_type FROM LABEL TO`: FROM → LABEL → TO. */
  deriveTypes: Map<string, Map<string, Declaration>>;
  /** `default_spawn_type FROM TO`: FROM → TO. */
  defaultSpawnTypes: Map<string, Declaration>;
  /** True when a range file was given (named ranges without values are then known to be absent). */
  hasRangeFile: boolean;
}
