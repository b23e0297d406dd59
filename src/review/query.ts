/**
 * `secpol-learn query`: questions about a policy, answered by the one grant
 * model (policy/grants.ts `allows`), each answer with the statements that
 * grant it (FILE:LINE:COL). Pure: no I/O.
 *
 * The question grammar (docs/query.md), one keyword and one argument:
 *
 *   who-connects TYPE      which types may connect to channels of TYPE
 *   connects TYPE          which types TYPE may connect to (`*`: any type)
 *   ability NAME[:VALUE]   which types hold the ability (with a subrange
 *                          covering VALUE: `N`, `A-B`, or a type name)
 *   attach PATH            which types may attach (register) at PATH;
 *                          `attach DIR/...`: any rule reaching under DIR
 *   link PATH              which types may link at PATH (`DIR/...` as attach)
 *   type TYPE              everything TYPE is granted
 *
 * The question is untrusted text: every word is checked with the parser's own
 * predicates (policy/lexical.ts) and refused in words when it is not a name,
 * ability, value or path the policy language could hold.
 */
import type { AbilityDomain } from '../trace/event';
import type { Origin, PolicyModel } from '../policy/model/types';
import { allows, ruleOrigin, type AbilityValue, type GrantRule } from '../policy/grants';
import { abilityGrantText, connectText, negationText, pathRuleText } from '../policy/grant-text';
import { printRuleLine } from '../policy/print';
import { matchPath } from '../policy/path-match';
import type { Statement } from '../policy/ast';
import { isAbilityName, isIdentifier, isPolicyPath } from '../policy/lexical';
import { looksNumeric, numberValue } from '../policy/number-literal';
import { normaliseAbilityName } from '../qnx/abilities';
import { appendAll } from '../arrays';

/** Version of the `query --format json` document. */
export const QUERY_SCHEMA_VERSION = 1;

/** A checked question. */
export type Question =
  | { kind: 'who-connects'; object: string }
  | { kind: 'connects'; subject: string }
  | { kind: 'ability'; ability: string; value?: string }
  | { kind: 'attach' | 'link'; path: string }
  | { kind: 'type'; type: string };

/** The question keywords, in the order the help lists them. */
export const QUESTION_FORMS: ReadonlyArray<[string, string]> = [
  ['who-connects TYPE', 'which types may connect to channels of TYPE'],
  ['connects TYPE', 'which types TYPE may connect to'],
  [
    'ability NAME[:VALUE]',
    'which types hold the ability (a subrange covering VALUE: N, A-B, TYPE)',
  ],
  ['attach PATH', 'which types may attach at PATH (DIR/... : anywhere under DIR)'],
  ['link PATH', 'which types may link at PATH (DIR/... : anywhere under DIR)'],
  ['type TYPE', 'everything TYPE is granted'],
];

/** A question that cannot be read: the words say why. */
export type QuestionResult = { ok: true; question: Question } | { ok: false; error: string };

const forms = (): string => QUESTION_FORMS.map(([f]) => f).join(', ');

/** Quotes a word of the question for a message (JSON string: no raw control character). */
const quote = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

/** Reads the question from its words (one string or several; split at blanks). */
export function parseQuestion(input: readonly string[]): QuestionResult {
  const words = input
    .join(' ')
    .split(/[ \t]+/)
    .filter((w) => w.length > 0);
  const fail = (error: string): QuestionResult => ({ ok: false, error });
  if (words.length === 0) return fail(`no question: ask one of ${forms()}`);
  const [keyword, ...rest] = words as [string, ...string[]];
  const known = ['who-connects', 'connects', 'ability', 'attach', 'link', 'type'];
  if (!known.includes(keyword))
    return fail(`unknown question ${quote(keyword)}: ask one of ${forms()}`);
  if (rest.length !== 1)
    return fail(
      `${keyword} takes one argument (${QUESTION_FORMS.find(([f]) => f.startsWith(`${keyword} `))![0]}), got ${rest.length}`,
    );
  const arg = rest[0]!;
  const typeName = (): string | undefined => (isIdentifier(arg) ? arg : undefined);
  switch (keyword) {
    case 'who-connects':
    case 'connects':
    case 'type': {
      const t = typeName();
      if (!t) return fail(`${quote(arg)} is not a type name (letters, digits and _)`);
      return {
        ok: true,
        question:
          keyword === 'who-connects'
            ? { kind: 'who-connects', object: t }
            : keyword === 'connects'
              ? { kind: 'connects', subject: t }
              : { kind: 'type', type: t },
      };
    }
    case 'attach':
    case 'link':
      if (!isPolicyPath(arg))
        return fail(
          `${quote(arg)} is not a path (it must start with / and hold no blank, ; or brace)`,
        );
      return { ok: true, question: { kind: keyword, path: arg } };
    default:
      return abilityQuestion(arg);
  }
}

function abilityQuestion(arg: string): QuestionResult {
  const colon = arg.indexOf(':');
  const name = colon < 0 ? arg : arg.slice(0, colon);
  const value = colon < 0 ? undefined : arg.slice(colon + 1);
  if (!isAbilityName(name)) return { ok: false, error: `${quote(name)} is not an ability name` };
  if (value !== undefined && valueOf(value) === undefined)
    return {
      ok: false,
      error: `${quote(value)} is not an ability value (a number, N-M with N <= M, or a type name)`,
    };
  return {
    ok: true,
    question: {
      kind: 'ability',
      ability: normaliseAbilityName(name),
      ...(value !== undefined ? { value } : {}),
    },
  };
}

/** The value a question asks for: a number, a span `A-B`, or a type name. */
function valueOf(text: string): AbilityValue | undefined {
  if (isIdentifier(text) && !looksNumeric(text)) return { kind: 'type', name: text };
  const dash = text.indexOf('-');
  const [a, b] = dash < 0 ? [text, text] : [text.slice(0, dash), text.slice(dash + 1)];
  const start = numberValue(a);
  const end = numberValue(b);
  if (start === undefined || end === undefined || BigInt(start) > BigInt(end)) return undefined;
  return { kind: 'span', start: BigInt(start), end: BigInt(end) };
}

/** Where a grant is written. */
export interface GrantPlace {
  file: string;
  line: number;
  column: number;
}

/** One grant of an answer: in policy words, with its place. */
export interface AnswerGrant {
  text: string;
  at: GrantPlace;
}

/** One type (or, for `connects`/`type`, one thing it may do) and the grants that allow it. */
export interface AnswerRow {
  /** The type the row is about. */
  type: string;
  /** What it may do or reach: the object type, ability, path, or (for `type`) the grant's kind. */
  object: string;
  /** The domains the grants hold in (abilities and connects); absent for paths. */
  domains?: Array<'root' | 'non-root'>;
  /** `may`: only a rule with a file-type prefix matches (the monitor prints no file types). */
  certainty: 'yes' | 'may';
  grants: AnswerGrant[];
}

/** The answer: the question, its rows (sorted), and a note when a name is not in the policy. */
export interface QueryAnswer {
  question: Question;
  rows: AnswerRow[];
  notes: string[];
}

const DOMAINS: readonly AbilityDomain[] = ['root', 'non-root'];

const placeOf = (o: Origin): GrantPlace => ({ file: o.file, line: o.line, column: o.column });

function ruleGrant(type: string, r: GrantRule): AnswerGrant {
  const text =
    r.kind === 'ability'
      ? abilityGrantText(r.grant)
      : r.kind === 'connect'
        ? connectText(type, r.grant)
        : pathRuleText(type, r.rule);
  return { text, at: placeOf(ruleOrigin(r)) };
}

/** Adds grants to a row, without repeating one (same text and place). */
function addGrants(row: AnswerRow, grants: AnswerGrant[]): void {
  for (const g of grants)
    if (
      !row.grants.some(
        (x) =>
          x.text === g.text &&
          x.at.file === g.at.file &&
          x.at.line === g.at.line &&
          x.at.column === g.at.column,
      )
    )
      row.grants.push(g);
}

/** The subject types of the model, sorted. */
const subjects = (model: PolicyModel): string[] => [...model.grants.keys()].sort();

/** Every type the policy names: declared, attribute members, subjects; sorted. */
function allTypes(model: PolicyModel): string[] {
  const out = new Set<string>([...model.types.keys(), ...model.grants.keys()]);
  for (const a of model.attributes.values()) for (const m of a.members) out.add(m);
  return [...out].sort();
}

/** A row per type for which `ask(type, domain)` is allowed in some domain. */
function perDomain(
  types: string[],
  object: (type: string) => string,
  ask: (type: string, domain: AbilityDomain) => ReturnType<typeof allows>,
): AnswerRow[] {
  const rows: AnswerRow[] = [];
  for (const type of types) {
    let row: AnswerRow | undefined;
    for (const domain of DOMAINS) {
      const a = ask(type, domain);
      if (!a.allowed) continue;
      row ??= { type, object: object(type), domains: [], certainty: 'yes', grants: [] };
      row.domains!.push(domain);
      addGrants(
        row,
        a.by.map((r) => ruleGrant(type, r)),
      );
    }
    if (row) rows.push(row);
  }
  return rows;
}

/** Answers a question from the model. */
export function answerQuestion(model: PolicyModel, q: Question): QueryAnswer {
  const notes: string[] = [];
  const known = new Set(allTypes(model));
  const unknownType = (t: string): void => {
    if (!known.has(t))
      notes.push(
        model.attributes.has(t)
          ? `${t} is an attribute: ask about one of its member types`
          : `${t} is not a type of the policy`,
      );
  };
  let rows: AnswerRow[];
  switch (q.kind) {
    case 'who-connects':
      unknownType(q.object);
      rows = perDomain(
        subjects(model),
        () => q.object,
        (type, domain) => allows(model, { kind: 'connect', type, domain, object: q.object }),
      );
      break;
    case 'connects': {
      unknownType(q.subject);
      const g = model.grants.get(q.subject);
      const objects = [...new Set([...allTypes(model), ...(g ? [...g.connects.keys()] : [])])]
        .filter((o) => o !== '*')
        .sort();
      rows = [];
      // A grant to connect to any type is one row `*`, then each type of the policy it covers.
      if (g?.connects.has('*'))
        appendAll(
          rows,
          perDomain(
            [q.subject],
            () => '*',
            (type, domain) => allows(model, { kind: 'connect', type, domain, object: '*' }),
          ),
        );
      for (const object of objects)
        appendAll(
          rows,
          perDomain(
            [q.subject],
            () => object,
            (type, domain) => allows(model, { kind: 'connect', type, domain, object }),
          ),
        );
      break;
    }
    case 'ability': {
      const value: AbilityValue =
        q.value === undefined ? { kind: 'unspecified' } : valueOf(q.value)!;
      rows = perDomain(
        subjects(model),
        () => (q.value === undefined ? q.ability : `${q.ability}:${q.value}`),
        (type, domain) =>
          allows(model, { kind: 'ability', type, domain, ability: q.ability, value }),
      );
      break;
    }
    case 'attach':
    case 'link':
      rows = [];
      for (const type of subjects(model)) {
        const a = q.path.endsWith('/...')
          ? under(model, type, q.kind, q.path.slice(0, -4))
          : allows(model, { kind: q.kind, type, path: q.path });
        const sure = a.allowed ? a.by.map((r) => ruleGrant(type, r)) : [];
        const may = a.may.map((rule) => ruleGrant(type, { kind: 'path', rule }));
        if (sure.length === 0 && may.length === 0) continue;
        const row: AnswerRow = {
          type,
          object: q.path,
          certainty: sure.length > 0 ? 'yes' : 'may',
          grants: [],
        };
        addGrants(row, [...sure, ...may]);
        rows.push(row);
      }
      break;
    default:
      unknownType(q.type);
      rows = typeRows(model, q.type);
  }
  return { question: q, rows, notes };
}

/**
 * The path rules of a type that reach under `prefix` (the question `attach /fs/...`): a rule
 * whose path is the prefix or lies below it, or whose pattern matches some name below it.
 */
function under(
  model: PolicyModel,
  type: string,
  kind: 'attach' | 'link',
  prefix: string,
): ReturnType<typeof allows> {
  const g = model.grants.get(type);
  const rules = (kind === 'attach' ? g?.attaches : g?.links) ?? [];
  const base = prefix === '' ? '/' : prefix;
  const below = `${prefix}/`;
  const hits = rules.filter(
    (r) =>
      r.path === base ||
      r.path.startsWith(below) ||
      matchPath(r.path, base) ||
      matchPath(r.path, `${below}x`),
  );
  const sure = hits.filter((r) => r.fileType === undefined);
  const may = hits.filter((r) => r.fileType !== undefined);
  return sure.length > 0
    ? { allowed: true, by: sure.map((rule) => ({ kind: 'path', rule })), may }
    : { allowed: false, why: 'no-grant', may };
}

/** Everything one type is granted, one row per grant, in policy order. */
function typeRows(model: PolicyModel, type: string): AnswerRow[] {
  const g = model.grants.get(type);
  const rows: Array<AnswerRow & { order: Origin }> = [];
  const domainsOf = (d: { root: boolean; nonRoot: boolean }): Array<'root' | 'non-root'> => [
    ...(d.root ? (['root'] as const) : []),
    ...(d.nonRoot ? (['non-root'] as const) : []),
  ];
  const push = (
    object: string,
    text: string,
    origin: Origin,
    domains?: Array<'root' | 'non-root'>,
  ): void => {
    rows.push({
      type,
      object,
      ...(domains ? { domains } : {}),
      certainty: 'yes',
      grants: [{ text, at: placeOf(origin) }],
      order: origin,
    });
  };
  if (g) {
    for (const list of g.abilities.values())
      for (const a of list) push('ability', abilityGrantText(a), a.origin, domainsOf(a.domains));
    for (const list of g.negations.values())
      for (const n of list)
        push('ability', negationText(n.ability), n.origin, domainsOf(n.domains));
    for (const { grant, set } of g.connects.rules()) {
      const objects = set ? set.objects.map((o) => (o === 'self' ? type : o)) : [grant.object];
      for (const object of objects)
        push(
          'connect',
          connectText(type, { ...grant, object }),
          grant.origin,
          domainsOf(grant.domains),
        );
    }
    for (const r of [...g.attaches, ...g.links]) push(r.kind, pathRuleText(type, r), r.origin);
  }
  for (const d of (model.deriveTypes.get(type) ?? new Map<string, never>()).values())
    if (d.origin.statement.type === 'derive-type')
      push('derive', statementText(d.origin.statement), d.origin);
  const spawn = model.defaultSpawnTypes.get(type);
  if (spawn?.origin.statement.type === 'default-spawn-type')
    push('spawn', statementText(spawn.origin.statement), spawn.origin);
  const byPlace = (a: Origin, b: Origin): number =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
  return rows.sort((a, b) => byPlace(a.order, b.order)).map(({ order: _o, ...row }) => row);
}

/** A one-line statement of the policy without its `;`, printed from its node. */
function statementText(s: Statement): string {
  return printRuleLine(s).replace(/;$/, '');
}
