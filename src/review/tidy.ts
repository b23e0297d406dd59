/**
 * `secpol-learn tidy`: QNX's maintenance advice for a grown policy, as
 * proposals with text edits, proven afterwards (tidy-proof.ts):
 *
 * - `merge`: the ability blocks of one subject with the same flags, the
 *   connect rules of one subject, and the attach (or link) rules of one
 *   subject become the first of them, in any file of the policy (the files
 *   are one policy, concatenated); repeated items go. A rule using a name
 *   declared after the first stays, so no name is used before its
 *   declaration. Equivalent: the grant model merges subranges across blocks
 *   with the same flags, and a block's flags alone decide its domains.
 * - `glob`: numbered paths of one subject's attach or link rules with the same
 *   prefix (`/dev/ttyp0` … `/dev/ttyp4`) become one glob (`/dev/ttyp*`, the
 *   rule plan/collapse-paths.ts uses for learned paths). Widens: the glob
 *   admits every name that starts with the prefix.
 * - `attribute`: types with identical grants (the semantic diff's facts), each
 *   declared once, in no attribute, granted only by rules naming it alone
 *   that follow its declaration (in any file), become members of a new
 *   attribute, declared before the member declared first, that takes the
 *   rules of the lead (the first by name of the members declared in that
 *   file); the other members' rules go. Widens: a type declared later with
 *   the attribute gets its grants.
 *
 * Every rule the tool writes is a node (policy/nodes.ts) printed by
 * policy/print.ts; edits replace a statement or a name by its span and cut
 * whole statements as remove-grants.ts does, so the rest of the file keeps
 * its bytes. Each statement is changed by one proposal at most. Pure.
 */
import type {
  AbilityItem,
  AllowAbility,
  AllowAttach,
  AllowConnect,
  AllowLink,
  Name,
  PathSpec,
  Policy,
  Statement,
  TypeDecl,
} from '../policy/ast';
import type { PolicyModel } from '../policy/model/types';
import { buildModel, expandName } from '../policy/model/build-model';
import { allowAbility, identifierName, pathSpec, subjectName } from '../policy/nodes';
import { printItemNode, printRuleLine, printStatement } from '../policy/print';
import { isIdentifier, isSafeLiteralPath } from '../policy/lexical';
import { NUMBERED } from '../plan/collapse-paths';
import { normaliseAbilityName } from '../qnx/abilities';
import { diffPolicies } from './policy-diff';
import { lineCut } from './remove-grants';
import { lineEndOf } from '../policy/line-ends';

/** What a proposal does. */
export type ProposalKind = 'merge' | 'glob' | 'attribute';

/** One proposed refactor. */
export interface Proposal {
  kind: ProposalKind;
  /** Where the first statement it changes is. */
  at: { file: string; line: number; column: number };
  /** The subject types it is about. */
  types: string[];
  /** What it does, in policy words. */
  does: string;
  /** What it grants beyond the policy; absent for an equivalent refactor. */
  widens?: string;
  /** `glob`: the glob and the paths it replaces; `attribute`: the new attribute. */
  glob?: { kind: 'attach' | 'link'; path: string; replaces: string[] };
  attribute?: string;
}

/** A change of a file's text: [start, end) becomes `text`. */
export interface TextEdit {
  file: string;
  start: number;
  end: number;
  text: string;
}

/** Proposals applied (with their edits) and widenings refused (`--equivalent-only`). */
export interface TidyPlan {
  proposals: Proposal[];
  refused: Proposal[];
  edits: TextEdit[];
}

/** What tidy may propose. */
export interface TidyOptions {
  /** Refuse every proposal that widens (globs, attributes). */
  equivalentOnly: boolean;
}

/** A policy file's text. */
export interface FileText {
  file: string;
  text: string;
}

type Span = { start: number; end: number };

const spanOf = (node: {
  position?: { start: { offset: number }; end: { offset: number } };
}): Span => ({
  start: node.position!.start.offset,
  end: node.position!.end.offset,
});

const atOf = (s: Statement): Proposal['at'] => ({
  file: s.position!.file,
  line: s.position!.start.line,
  column: s.position!.start.column,
});

/** The one subject a rule names on its own (undefined for sets). */
function loneSubject(s: Statement): string | undefined {
  if (s.type === 'allow-ability' || s.type === 'allow-connect')
    return !s.subjects.braced && s.subjects.names.length === 1
      ? s.subjects.names[0]!.value
      : undefined;
  if (s.type === 'allow-attach' || s.type === 'allow-link') return s.subject.value;
  return undefined;
}

/** The flags of an ability block, as a key (`nonroot unlock`). */
const flagsOf = (s: AllowAbility): string =>
  s.items
    .filter((i) => i.type === 'ability-flag')
    .map((i) => i.name)
    .sort()
    .join(' ');

/**
 * Plans the refactor of a parsed policy (every file parsed without errors; positions present)
 * whose model is `model`.
 */
export function planTidy(policy: Policy, model: PolicyModel, options: TidyOptions): TidyPlan {
  const plan: TidyPlan = { proposals: [], refused: [], edits: [] };
  const taken = new Set<Statement>();
  const order = concatenationOrder(policy);
  proposeAttributes(policy, model, options, plan, taken, order);
  // One policy, as secpolcompile concatenates it: the rules of one subject are merged across files,
  // into the first of them. Path rules join only rules of files of the same encoding: a latin1
  // file's path moved into a UTF-8 file would name other bytes (src/policy/model/path-bytes.ts).
  const groups = new Map<string, Statement[]>();
  for (const { s, encoding } of policy.files.flatMap((f) =>
    f.statements.map((s) => ({ s, encoding: f.encoding ?? 'utf8' })),
  )) {
    if (taken.has(s) || !s.position) continue;
    const subject = loneSubject(s);
    if (subject === undefined) continue;
    const key =
      s.type === 'allow-ability'
        ? `${s.type}\0${subject}\0${flagsOf(s)}`
        : s.type === 'allow-attach' || s.type === 'allow-link'
          ? `${s.type}\0${subject}\0${encoding}`
          : `${s.type}\0${subject}`;
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  const declared = declarationOrder(policy, order);
  for (const all of groups.values()) {
    // The rules that may join the first; those left form the next group, and so on.
    for (let rest = all; rest.length > 0;) {
      const list = joinable(rest, declared, order);
      const joined = new Set(list);
      rest = rest.filter((s) => !joined.has(s));
      const first = list[0]!;
      if (first.type === 'allow-ability') mergeAbilities(list as AllowAbility[], plan);
      else if (first.type === 'allow-connect') mergeConnects(list as AllowConnect[], plan);
      else mergePaths(list as Array<AllowAttach | AllowLink>, model, options, plan);
    }
  }
  plan.proposals.sort(byPlace);
  plan.refused.sort(byPlace);
  return plan;
}

/** Each statement's place in the policy as secpolcompile reads it: the files concatenated in order. */
function concatenationOrder(policy: Policy): Map<Statement, number> {
  return new Map(policy.files.flatMap((f) => f.statements).map((s, i) => [s, i]));
}

/** A declared name's key: types, attributes and ranges by name, abilities normalised. */
const abilityKey = (name: string): string => `ability\0${normaliseAbilityName(name)}`;

/** Where each name is first declared (`type`, `attribute`, `ability`, `range`), as a place in the policy. */
function declarationOrder(policy: Policy, order: Map<Statement, number>): Map<string, number> {
  const at = new Map<string, number>();
  const note = (key: string, s: Statement): void => {
    if (!at.has(key)) at.set(key, order.get(s)!);
  };
  for (const s of policy.files.flatMap((f) => f.statements)) {
    if (s.type === 'type-decl' || s.type === 'attribute-decl' || s.type === 'range-decl')
      note(s.name.value, s);
    else if (s.type === 'ability-decl') note(abilityKey(s.name.value), s);
  }
  return at;
}

/** The declared names a rule uses besides its subject (objects, relabel types, abilities, ranges). */
function usedNames(s: Statement): string[] {
  if (s.type === 'allow-connect') return s.objects.names.map((n) => n.value);
  if (s.type === 'allow-attach' || s.type === 'allow-link')
    return s.paths.flatMap((p) => (p.relabel ? [p.relabel.value] : []));
  if (s.type !== 'allow-ability') return [];
  return s.items.flatMap((i) =>
    i.type === 'ability-grant'
      ? [
          abilityKey(i.name.value),
          ...(i.ranges ?? []).flatMap((r) => (r.type === 'range-name' ? [r.name.value] : [])),
        ]
      : i.type === 'gain-priv'
        ? [abilityKey(i.ability.value)]
        : [],
  );
}

/**
 * The rules of a group that may join the first: those whose names are declared before it (or
 * nowhere), so the merged rule, at the first one's place, never uses a name before its
 * declaration. The others stay where they are (and are merged among themselves).
 */
function joinable(
  list: Statement[],
  declared: Map<string, number>,
  order: Map<Statement, number>,
): Statement[] {
  const first = order.get(list[0]!)!;
  return list.filter(
    (s, i) => i === 0 || usedNames(s).every((n) => (declared.get(n) ?? -1) < first),
  );
}

function byPlace(a: Proposal, b: Proposal): number {
  return a.at.file < b.at.file
    ? -1
    : a.at.file > b.at.file
      ? 1
      : a.at.line - b.at.line || a.at.column - b.at.column;
}

/** Items without repeats (same printed text), in order. */
function distinct<T extends AbilityItem | PathSpec>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = printItemNode(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Replaces the first statement by `node` (printed without its comments) and cuts the others. */
function rewrite(list: Statement[], node: Statement, plan: TidyPlan): void {
  const first = list[0]!;
  const file = first.position!.file;
  const printed = printStatement(node).replace(/\n$/, '');
  plan.edits.push({ file, ...spanOf(first), text: printed });
  // A rule of another file is cut from that file.
  for (const s of list.slice(1))
    plan.edits.push({ file: s.position!.file, ...spanOf(s), text: '' });
}

/** For rules merged across files: ` (FILE:LINE joins it, …)`, naming the rules of the other files. */
function joining(list: Statement[]): string {
  const file = list[0]!.position!.file;
  const others = list.filter((s) => s.position!.file !== file);
  if (others.length === 0) return '';
  const places = others.map((s) => `${s.position!.file}:${s.position!.start.line}`);
  return ` (${places.join(', ')} ${places.length === 1 ? 'joins' : 'join'} it)`;
}

/** A node's own fields without the comments the parser attached (those stay in the text). */
function bare<T extends AbilityItem | PathSpec>(item: T): T {
  const { leadingComments: _l, trailingComment: _t, position: _p, ...rest } = item;
  return rest as T;
}

function mergeAbilities(list: AllowAbility[], plan: TidyPlan): void {
  const all = list.flatMap((s) => s.items);
  const items = distinct(all).map(bare);
  if (list.length === 1 && items.length === all.length) return;
  const subject = loneSubject(list[0]!)!;
  if (items.length === 0) {
    // Empty blocks (`{}`): the first stays as written, the others go.
    for (const s of list.slice(1))
      plan.edits.push({ file: s.position!.file, ...spanOf(s), text: '' });
  } else rewrite(list, allowAbility(subject, items, items.length > 1 || list[0]!.braced), plan);
  plan.proposals.push({
    kind: 'merge',
    at: atOf(list[0]!),
    types: [subject],
    does:
      list.length > 1
        ? `merge ${list.length} ability blocks of ${subject} with the same flags into one${dropped(all.length - items.length, 'item')}${joining(list)}`
        : `drop ${all.length - items.length} repeated item(s) of ${subject}'s ability block`,
  });
}

function mergeConnects(list: AllowConnect[], plan: TidyPlan): void {
  const all = list.flatMap((s) => s.objects.names.map((n) => n.value));
  const objects = [...new Set(all)];
  if (list.length === 1 && objects.length === all.length) return;
  const subject = loneSubject(list[0]!)!;
  const node: AllowConnect = {
    type: 'allow-connect',
    subjects: { type: 'type-set', braced: false, names: [subjectName(subject)] },
    objects: {
      type: 'type-set',
      braced: objects.length > 1,
      // `self` is the subject: one subject, so it means the same in the merged set.
      names: objects.map((o): Name =>
        o === 'self' ? { type: 'name', value: 'self' } : identifierName(o),
      ),
    },
  };
  rewrite(list, node, plan);
  plan.proposals.push({
    kind: 'merge',
    at: atOf(list[0]!),
    types: [subject],
    does: `merge ${list.length} connect rule(s) of ${subject} into ${printRuleLine(node)}${joining(list)}`,
  });
}

function mergePaths(
  list: Array<AllowAttach | AllowLink>,
  model: PolicyModel,
  options: TidyOptions,
  plan: TidyPlan,
): void {
  const kind = list[0]!.type === 'allow-attach' ? 'attach' : 'link';
  const subject = list[0]!.subject.value;
  const all = list.flatMap((s) => s.paths);
  let paths = distinct(all).map(bare);
  const merged = list.length > 1 || paths.length < all.length;
  // Numbered families: plain literal paths (no file type, no relabel) of one prefix, two or more.
  const families = new Map<string, PathSpec[]>();
  for (const p of paths) {
    const m = p.fileType === undefined && !p.relabel ? NUMBERED.exec(p.path) : null;
    if (!m || !isSafeLiteralPath(m[1]!)) continue;
    families.set(m[1]!, [...(families.get(m[1]!) ?? []), p]);
  }
  const globs: Proposal[] = [];
  for (const [prefix, members] of families) {
    if (members.length < 2) continue;
    const glob = `${prefix}*`;
    const proposal: Proposal = {
      kind: 'glob',
      at: atOf(list[0]!),
      // The types the rule grants (an attribute subject grants its members).
      types: expandName(model, subject),
      does: `allow_${kind} ${subject}: ${members.map((p) => p.path).join(' ')} → ${glob}`,
      widens: `${glob} admits every name that starts with ${prefix} (${prefix}9, ${prefix}x/y, …), not only the ${members.length} listed`,
      glob: { kind, path: glob, replaces: members.map((p) => p.path) },
    };
    if (options.equivalentOnly) {
      plan.refused.push(proposal);
      continue;
    }
    globs.push(proposal);
    const gone = new Set<PathSpec>(members);
    const at = paths.indexOf(members[0]!);
    paths = paths.flatMap((p, i) => (i === at ? [pathSpec(glob)] : gone.has(p) ? [] : [p]));
  }
  paths = distinct(paths);
  if (!merged && globs.length === 0) return;
  const base = { subject: identifierName(subject), braced: paths.length > 1, paths };
  const node: AllowAttach | AllowLink =
    kind === 'attach' ? { type: 'allow-attach', ...base } : { type: 'allow-link', ...base };
  rewrite(list, node, plan);
  if (merged)
    plan.proposals.push({
      kind: 'merge',
      at: atOf(list[0]!),
      types: [subject],
      does:
        list.length > 1
          ? `merge ${list.length} allow_${kind} rules of ${subject} into one${dropped(all.length - distinct(all).length, 'path')}${joining(list)}`
          : `drop ${all.length - distinct(all).length} repeated path(s) of ${subject}'s allow_${kind} rule`,
    });
  for (const g of globs) plan.proposals.push(g);
}

/** The grant facts of each type (the semantic diff against an empty policy), as one key per type. */
function grantSignatures(model: PolicyModel): Map<string, string> {
  const empty = buildModel({ type: 'policy', files: [] }, { qnx: model.qnx });
  const facts = new Map<string, string[]>();
  for (const e of diffPolicies(empty, model).entries) {
    if (e.kind === 'type' || e.kind === 'declaration') continue;
    facts.set(e.type, [
      ...(facts.get(e.type) ?? []),
      // An ability's values are its text; other facts are named by their object alone.
      JSON.stringify([e.kind, e.domain ?? '', e.object, e.kind === 'ability' ? (e.new ?? '') : '']),
    ]);
  }
  return new Map([...facts].map(([t, list]) => [t, list.sort().join('\n')]));
}

function proposeAttributes(
  policy: Policy,
  model: PolicyModel,
  options: TidyOptions,
  plan: TidyPlan,
  taken: Set<Statement>,
  order: Map<Statement, number>,
): void {
  const statements = policy.files.flatMap((f) => f.statements);
  const decls = new Map<string, TypeDecl[]>();
  const rules = new Map<string, Statement[]>();
  const refused = new Set<string>();
  for (const s of statements) {
    if (s.type === 'type-decl') decls.set(s.name.value, [...(decls.get(s.name.value) ?? []), s]);
    const lone = loneSubject(s);
    if (lone !== undefined) rules.set(lone, [...(rules.get(lone) ?? []), s]);
    // A type named in a set of subjects, or with derive/spawn rules, keeps its rules.
    if (s.type === 'allow-ability' || s.type === 'allow-connect')
      if (lone === undefined) for (const n of s.subjects.names) refused.add(n.value);
    if (s.type === 'derive-type' || s.type === 'default-spawn-type') refused.add(s.from.value);
  }
  const bySignature = new Map<string, string[]>();
  for (const [type, signature] of grantSignatures(model)) {
    const d = decls.get(type);
    if (refused.has(type) || !d || d.length !== 1 || d[0]!.attributes.length > 0) continue;
    if (model.attributes.has(type) || !rules.has(type)) continue;
    // Every rule of a member after its declaration in the concatenated policy (any file): the
    // attribute is declared before the first member's declaration, so before any rule names it.
    const after = order.get(d[0]!)!;
    if (!rules.get(type)!.every((s) => order.get(s)! > after)) continue;
    bySignature.set(signature, [...(bySignature.get(signature) ?? []), type]);
  }
  const names = new Set([
    ...model.types.keys(),
    ...model.attributes.keys(),
    ...model.grants.keys(),
  ]);
  for (const members of bySignature.values()) {
    if (members.length < 2) continue;
    members.sort();
    const firstDecl = members
      .map((m) => decls.get(m)![0]!)
      .sort((a, b) => order.get(a)! - order.get(b)!)[0]!;
    // The lead (whose rules the attribute takes) is the first by name of the members declared in
    // the file the attribute is declared in, so the attribute and its rules stay in one file.
    const lead = members.find(
      (m) => decls.get(m)![0]!.position!.file === firstDecl.position!.file,
    )!;
    const attribute = freshName(`${lead.replace(/_t$/, '')}_alike`, names);
    names.add(attribute);
    const proposal: Proposal = {
      kind: 'attribute',
      at: atOf(firstDecl),
      types: members,
      does: `attribute ${attribute} for ${members.join(', ')} (identical grants${declaredIn(
        members.map((m) => decls.get(m)![0]!),
        order,
      )}): ${lead}'s rules name ${attribute}, the others' rules go`,
      widens: `every type declared later with ${attribute} gets the grants of ${members.join(', ')}`,
      attribute,
    };
    // Rules already changed by an earlier attribute stay.
    const own = members.flatMap((m) => rules.get(m)!);
    if (options.equivalentOnly || own.some((s) => taken.has(s))) {
      if (options.equivalentOnly) plan.refused.push(proposal);
      continue;
    }
    plan.proposals.push(proposal);
    for (const s of own) taken.add(s);
    plan.edits.push({
      file: firstDecl.position!.file,
      start: firstDecl.position!.start.offset,
      end: firstDecl.position!.start.offset,
      text: `${printRuleLine({ type: 'attribute-decl', name: identifierName(attribute) })}\n`,
    });
    for (const m of members) {
      const d = decls.get(m)![0]!;
      const node: TypeDecl = {
        type: 'type-decl',
        name: identifierName(m),
        attributes: [identifierName(attribute)],
      };
      plan.edits.push({ file: d.position!.file, ...spanOf(d), text: printRuleLine(node) });
      for (const s of rules.get(m)!) {
        if (m !== lead) {
          plan.edits.push({ file: s.position!.file, ...spanOf(s), text: '' });
          continue;
        }
        const subject: Name =
          s.type === 'allow-attach' || s.type === 'allow-link'
            ? s.subject
            : (s as AllowAbility | AllowConnect).subjects.names[0]!;
        plan.edits.push({ file: s.position!.file, ...spanOf(subject), text: attribute });
      }
    }
  }
}

/** `, declared in a.secpol, b.secpol` (in policy order) when the members are declared in several files. */
function declaredIn(decls: TypeDecl[], order: Map<Statement, number>): string {
  const inOrder = [...decls].sort((a, b) => order.get(a)! - order.get(b)!);
  const files = [...new Set(inOrder.map((d) => d.position!.file))];
  return files.length > 1 ? `, declared in ${files.join(', ')}` : '';
}

const dropped = (n: number, what: string): string =>
  n === 0 ? '' : ` (${n} repeated ${what}${n === 1 ? '' : 's'} dropped)`;

function freshName(base: string, taken: Set<string>): string {
  const stem = isIdentifier(base) ? base : 'tidy_alike';
  let name = stem;
  for (let i = 2; taken.has(name); i++) name = `${stem}${i}`;
  return name;
}

/** Each file's text after the edits; a cut (empty text) takes its whole line when it stands alone. */
export function applyEdits(files: readonly FileText[], edits: readonly TextEdit[]): FileText[] {
  return files.map((f) => {
    // Written lines end as the file's lines do (CRLF kept).
    const eol = lineEndOf(f.text);
    const mine = edits
      .filter((e) => e.file === f.file)
      .map((e) =>
        e.text === ''
          ? { ...lineCut(f.text, e.start, e.end), text: '' }
          : { ...e, text: e.text.replace(/\n/g, eol) },
      )
      .sort((a, b) => a.start - b.start || a.end - b.end);
    let out = '';
    let at = 0;
    for (const e of mine) {
      if (e.start < at) continue; // inside an edit already made (planTidy never overlaps edits)
      out += f.text.slice(at, e.start) + e.text;
      at = e.end;
    }
    return { file: f.file, text: out + f.text.slice(at) };
  });
}
