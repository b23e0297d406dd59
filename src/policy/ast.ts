/**
 * The secpol abstract syntax tree: plain JSON data, every node with a `type`
 * discriminant and a `position` (unist style). Names get their own node and
 * span so diagnostics underline `io_pkt_t`, not the whole statement.
 *
 * The tree is lossless enough to print the policy back with every comment in
 * its place: comments are attached to the statement or block item they precede
 * (`leadingComments`) or end the line of (`trailingComment`); comments after
 * the last statement of a file are the file's `trailingComments`, and those
 * before a block's closing brace are the statement's `innerComments`.
 *
 * Nodes built by the tool (inferred rules) have no position (unist's
 * "generated" nodes): `position` is optional for that reason alone.
 */
import type { Span } from '../diagnostics/diagnostic';

/** Where a node sits: its file (as the user named it) and its span. */
export interface Position extends Span {
  file: string;
}

/** A `#` (or, with a lint warning, `//`) comment; `text` is the whole comment, marker included. */
export interface Comment {
  type: 'comment';
  text: string;
  position?: Position;
}

/** Comment attachments shared by statements and block items. */
export interface Commented {
  leadingComments?: Comment[];
  trailingComment?: Comment;
}

/** An identifier (type, attribute, range or ability name) with its own span. */
export interface Name {
  type: 'name';
  value: string;
  position?: Position;
}

/**
 * A subject or object: one name, or a braced set `{ a_t b_t }`. In object
 * position a name may be the keyword `self`.
 */
export interface TypeSet {
  type: 'type-set';
  braced: boolean;
  names: Array<Name & Commented>;
  /** Comments before the closing brace of a braced set. */
  innerComments?: Comment[];
  position?: Position;
}

/** A number as written (`0x1200000`, `017`, `255`) and its canonical decimal value. */
export interface NumberLiteral {
  type: 'number';
  text: string;
  /** Decimal string; BigInt-safe (addresses exceed 2^53). */
  value: string;
  position?: Position;
}

/**
 * One element of a subrange list after `ability:`:
 * `N` (single), `A-B` (closed), `A-` (open to the maximum), or a name
 * (a type name for settypeid/channel_connect, or a `range` declared name).
 */
export type RangeValue =
  | {
      type: 'range-number';
      start: NumberLiteral;
      end?: NumberLiteral;
      open?: boolean;
      position?: Position;
    }
  | { type: 'range-name'; name: Name; position?: Position };

/** Block flags that change how the block's abilities are granted. */
export type AbilityFlagName = 'nonroot' | 'noinherit' | 'unlock' | 'default_priv';

/** A flag item inside `self:ability { ... }`. */
export interface AbilityFlag extends Commented {
  type: 'ability-flag';
  name: AbilityFlagName;
  position?: Position;
}

/** `name`, `name:ranges`, or `-name` (negation) inside an ability list. */
export interface AbilityGrant extends Commented {
  type: 'ability-grant';
  negated: boolean;
  /** As written (`IO`, `io`, `iofunc/exec`); compare through the model's normalisation. */
  name: Name;
  /** Subranges after `:`; absent = the whole ability. */
  ranges?: RangeValue[];
  position?: Position;
}

/** `gain_priv:ABILITY`. */
export interface GainPriv extends Commented {
  type: 'gain-priv';
  ability: Name;
  position?: Position;
}

/** One item of an ability list: a block flag, a granted ability, or a `gain_priv` item. */
export type AbilityItem = AbilityFlag | AbilityGrant | GainPriv;

/** A path in `allow_attach` / `allow_link`, with optional file-type prefix and relabel type. */
export interface PathSpec extends Commented {
  type: 'path-spec';
  /** File-type prefix without its colon (`mount` in `mount:/`). */
  fileType?: string;
  /** The path as written (`/dev/fsF*`, `/...`, `/dev/socket/...`). */
  path: string;
  /** Trailing type: the channel is relabelled to it when attached there. */
  relabel?: Name;
  position?: Position;
}

interface StatementBase extends Commented {
  position?: Position;
}

/** `type NAME;` or `type NAME, ATTR, ...;` */
export interface TypeDecl extends StatementBase {
  type: 'type-decl';
  name: Name;
  attributes: Name[];
}

/** `attribute NAME;` */
export interface AttributeDecl extends StatementBase {
  type: 'attribute-decl';
  name: Name;
}

/** `ability NAME;` (declares a dynamic ability). */
export interface AbilityDecl extends StatementBase {
  type: 'ability-decl';
  name: Name;
}

/** `range NAME;` (declares a named range). */
export interface RangeDecl extends StatementBase {
  type: 'range-decl';
  name: Name;
}

/** `allow S self:ability ITEM;` or `allow S self:ability { ITEM... };` */
export interface AllowAbility extends StatementBase {
  type: 'allow-ability';
  subjects: TypeSet;
  /** False for the single-item form without braces. */
  braced: boolean;
  items: AbilityItem[];
  innerComments?: Comment[];
}

/** `allow S O:channel connect;` */
export interface AllowConnect extends StatementBase {
  type: 'allow-connect';
  subjects: TypeSet;
  objects: TypeSet;
}

/** `allow_attach T PATH [NEWTYPE];` or `allow_attach T { PATH... };` */
export interface AllowAttach extends StatementBase {
  type: 'allow-attach';
  subject: Name;
  braced: boolean;
  paths: PathSpec[];
  innerComments?: Comment[];
}

/** `allow_link T PATH;` or `allow_link T { PATH... };` */
export interface AllowLink extends StatementBase {
  type: 'allow-link';
  subject: Name;
  braced: boolean;
  paths: PathSpec[];
  innerComments?: Comment[];
}

/** `derive_type FROM LABEL TO;` */
export interface DeriveType extends StatementBase {
  type: 'derive-type';
  from: Name;
  label: Name;
  to: Name;
}

/** `default_spawn_type FROM TO;` */
export interface DefaultSpawnType extends StatementBase {
  type: 'default-spawn-type';
  from: Name;
  to: Name;
}

/** `mount_point UID:GID { ACL... } PATH;` — ACL entries kept as written (`u::rw`, `u:99:rw`). */
export interface MountPoint extends StatementBase {
  type: 'mount-point';
  uid: NumberLiteral;
  gid: NumberLiteral;
  acl: string[];
  path: string;
}

/** One statement of a policy file, discriminated by `type`. */
export type Statement =
  | TypeDecl
  | AttributeDecl
  | AbilityDecl
  | RangeDecl
  | AllowAbility
  | AllowConnect
  | AllowAttach
  | AllowLink
  | DeriveType
  | DefaultSpawnType
  | MountPoint;

/** One source file of a policy. */
export interface PolicyFile {
  type: 'policy-file';
  file: string;
  statements: Statement[];
  /** Comments after the last statement. */
  trailingComments?: Comment[];
  position?: Position;
  /**
   * `latin1` when the file's bytes are not UTF-8 and its text holds one character per byte (set
   * by the CLI, which reads the bytes): the model then judges its paths by their bytes
   * (model/path-bytes.ts). The text, and so printing, keeps the file's own characters.
   */
  encoding?: 'latin1';
}

/** A whole policy: files concatenated in order, as secpolcompile does. */
export interface Policy {
  type: 'policy';
  files: PolicyFile[];
}
