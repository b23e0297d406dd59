/**
 * fast-check generators of policy ASTs (generated nodes, without positions)
 * for property tests of the parser and printer. They cover every statement
 * form, block items, ranges, paths and comment attachments; names avoid what
 * the grammar reads differently (flags, `gain_priv`, keywords, `//` paths).
 */
import fc from 'fast-check';
import type {
  AbilityItem,
  Comment,
  Name,
  NumberLiteral,
  PathSpec,
  PolicyFile,
  RangeValue,
  Statement,
  TypeSet,
} from './ast';
import { isAbilityName, isIdentifier, STATEMENT_KEYWORDS } from './lexical';

const RESERVED_ITEMS = new Set(['nonroot', 'noinherit', 'unlock', 'default_priv', 'gain_priv']);

const identifier: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom('a_t', 'io_pkt_t', 'default', 'dumper_t__run', 'App1_t', 'run', 'priv_port'),
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/),
  )
  .filter((s) => isIdentifier(s) && !RESERVED_ITEMS.has(s));

const name = (arb: fc.Arbitrary<string> = identifier): fc.Arbitrary<Name> =>
  arb.map((value) => ({ type: 'name', value }));

const abilityName: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom(
      'io',
      'IO',
      'pathspace',
      'iofunc/exec',
      'vfs/mount-blk',
      'ecm_ops.fw_ver',
      'mem_phys',
    ),
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,8}(\/[A-Za-z0-9_.-]{1,6}){0,2}$/),
  )
  .filter((s) => isAbilityName(s) && isIdentifierOrAbility(s));

function isIdentifierOrAbility(s: string): boolean {
  return !RESERVED_ITEMS.has(s) && !STATEMENT_KEYWORDS.has(s);
}

const commentText = fc.stringMatching(/^[ -~\u00e9\u4e2d]{0,20}$/).map((s) => `#${s}`.trimEnd());

const comment: fc.Arbitrary<Comment> = commentText.map((text) => ({ type: 'comment', text }));

/** Leading and trailing comments, sometimes. */
function commented<T extends object>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc
    .tuple(arb, fc.array(comment, { maxLength: 2 }), fc.option(comment, { nil: undefined }))
    .map(([node, leading, trailing]) => {
      const out = { ...node } as T & { leadingComments?: Comment[]; trailingComment?: Comment };
      if (leading.length > 0) out.leadingComments = leading;
      if (trailing) out.trailingComment = trailing;
      return out;
    });
}

const numberLiteral: fc.Arbitrary<NumberLiteral> = fc
  .tuple(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom('dec', 'hex', 'oct'))
  .map(([v, base]) => {
    let text = v.toString();
    if (base === 'hex') text = `0x${v.toString(16).toUpperCase()}`;
    if (base === 'oct' && v > 0n) text = `0${v.toString(8)}`;
    return { type: 'number', text, value: v.toString() };
  });

const rangeValue: fc.Arbitrary<RangeValue> = fc.oneof(
  numberLiteral.map((start): RangeValue => ({ type: 'range-number', start })),
  fc
    .tuple(numberLiteral, numberLiteral)
    .map(([start, end]): RangeValue => ({ type: 'range-number', start, end })),
  numberLiteral.map((start): RangeValue => ({ type: 'range-number', start, open: true })),
  name().map((n): RangeValue => ({ type: 'range-name', name: n })),
);

const abilityItem: fc.Arbitrary<AbilityItem> = fc.oneof(
  fc
    .constantFrom('nonroot', 'noinherit', 'unlock', 'default_priv')
    .map((n): AbilityItem => ({ type: 'ability-flag', name: n as 'nonroot' })),
  name(abilityName).map((ability): AbilityItem => ({ type: 'gain-priv', ability })),
  fc
    .tuple(
      fc.boolean(),
      name(abilityName),
      fc.option(fc.array(rangeValue, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    )
    .map(([negated, n, ranges]): AbilityItem => {
      const item: AbilityItem = { type: 'ability-grant', negated, name: n };
      if (ranges) item.ranges = ranges;
      return item;
    }),
);

const path: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('/', '/...', '/dev/fsF*', '/dev/socket/...', '/tmp/libc*', '/a:b', '/x,y'),
  fc.stringMatching(/^\/[A-Za-z0-9_.*?:,-][A-Za-z0-9_.*?:,/-]{0,15}$/),
);

const pathSpec = (relabel: boolean): fc.Arbitrary<PathSpec> =>
  fc
    .tuple(
      fc.option(identifier, { nil: undefined }),
      path,
      relabel ? fc.option(name(), { nil: undefined }) : fc.constant(undefined),
    )
    .map(([fileType, p, r]) => {
      const spec: PathSpec = { type: 'path-spec', path: p };
      if (fileType !== undefined) spec.fileType = fileType;
      if (r) spec.relabel = r;
      return spec;
    });

const typeSet = (object: boolean): fc.Arbitrary<TypeSet> => {
  const member = object ? fc.oneof(name(), name(fc.constant('self'))) : name();
  return fc.oneof(
    member.map((n): TypeSet => ({ type: 'type-set', braced: false, names: [n] })),
    fc
      .tuple(
        fc.array(commented(member), { minLength: 1, maxLength: 3 }),
        fc.array(comment, { maxLength: 1 }),
      )
      .map(([names, inner]): TypeSet => {
        const set: TypeSet = { type: 'type-set', braced: true, names };
        if (inner.length > 0) set.innerComments = inner;
        return set;
      }),
  );
};

/** A block: unbraced with one uncommented item, or braced with commented items and inner comments. */
function block<T extends object>(item: fc.Arbitrary<T>) {
  return fc.oneof(
    item.map((i) => ({ braced: false, items: [i], inner: [] as Comment[] })),
    fc
      .tuple(fc.array(commented(item), { maxLength: 3 }), fc.array(comment, { maxLength: 1 }))
      .map(([items, inner]) => ({ braced: true, items, inner })),
  );
}

function withInner<T extends object>(node: T, inner: Comment[]): T {
  return inner.length > 0 ? { ...node, innerComments: inner } : node;
}

const statement: fc.Arbitrary<Statement> = fc.oneof(
  fc
    .tuple(name(), fc.array(name(), { maxLength: 2 }))
    .map(([n, attributes]): Statement => ({ type: 'type-decl', name: n, attributes })),
  name().map((n): Statement => ({ type: 'attribute-decl', name: n })),
  name(abilityName).map((n): Statement => ({ type: 'ability-decl', name: n })),
  name().map((n): Statement => ({ type: 'range-decl', name: n })),
  fc
    .tuple(typeSet(false), block(abilityItem))
    .map(([subjects, b]): Statement =>
      withInner({ type: 'allow-ability', subjects, braced: b.braced, items: b.items }, b.inner),
    ),
  fc
    .tuple(typeSet(false), typeSet(true))
    .map(([subjects, objects]): Statement => ({ type: 'allow-connect', subjects, objects })),
  fc
    .tuple(name(), block(pathSpec(true)))
    .map(([subject, b]): Statement =>
      withInner({ type: 'allow-attach', subject, braced: b.braced, paths: b.items }, b.inner),
    ),
  fc
    .tuple(name(), block(pathSpec(false)))
    .map(([subject, b]): Statement =>
      withInner({ type: 'allow-link', subject, braced: b.braced, paths: b.items }, b.inner),
    ),
  fc
    .tuple(name(), name(), name())
    .map(([from, label, to]): Statement => ({ type: 'derive-type', from, label, to })),
  fc
    .tuple(name(), name())
    .map(([from, to]): Statement => ({ type: 'default-spawn-type', from, to })),
  fc
    .tuple(
      numberLiteral,
      numberLiteral,
      fc.array(fc.constantFrom('u::rw', 'g::r', 'u:99:rw', 'o::'), { maxLength: 3 }),
      path,
    )
    .map(([uid, gid, acl, p]): Statement => ({ type: 'mount-point', uid, gid, acl, path: p })),
);

/** A generated policy file: statements with comments, and comments after the last one. */
export const policyFileArbitrary: fc.Arbitrary<PolicyFile> = fc
  .tuple(fc.array(commented(statement), { maxLength: 6 }), fc.array(comment, { maxLength: 2 }))
  .map(([statements, trailing]) => {
    const file: PolicyFile = { type: 'policy-file', file: 'gen.secpol', statements };
    if (trailing.length > 0) file.trailingComments = trailing;
    return file;
  });
