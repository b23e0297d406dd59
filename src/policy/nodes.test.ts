/**
 * The node constructors against the parser: every node they build prints as
 * text the parser reads back as the same node; every field the parser would
 * read differently is refused with a NodeError, never printed.
 */
import fc from 'fast-check';
import type { Statement } from './ast';
import {
  abilityDecl,
  abilityGrant,
  allowAbility,
  allowConnect,
  allowPaths,
  comment,
  gainPriv,
  literalPathSpec,
  NodeError,
  numberRange,
  pathSpec,
  rangeName,
  typeDecl,
} from './nodes';
import { parsePolicy } from './parse';
import { printPolicy, printRuleLine, printStatement } from './print';

/** The tree without positions. */
function strip(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => (key === 'position' ? undefined : v)),
  );
}

/** Prints the statement, parses it back (no diagnostics allowed) and returns the one statement. */
function roundTrip(s: Statement): unknown {
  const text = printStatement(s);
  const { ast, diagnostics } = parsePolicy(text, { file: 'gen.secpol' });
  expect(diagnostics).toEqual([]);
  expect(ast.statements).toHaveLength(1);
  expect(printPolicy(ast)).toBe(text);
  return strip(ast.statements[0]);
}

/** Hostile words: keywords, flags in any case, policy punctuation, control and bidi characters. */
const word = fc.oneof(
  fc.constantFrom(
    'allow',
    'type',
    'range',
    'ability',
    'self',
    'channel',
    'connect',
    'attach',
    'link',
    'default_priv',
    'DEFAULT_PRIV',
    'nonroot',
    'NonRoot',
    'unlock',
    'noinherit',
    'gain_priv',
    'io',
    'iofunc/exec',
    'vfs/mount-blk',
    'ecm_ops.fw_ver',
    'a_t',
    '0x10',
    '017',
    '1a',
    '-io',
    'io:1',
    'a b',
    'a;b',
    'a{',
    'a}',
    'a#b',
    'a\nb',
    'a\u202eb',
    '\u2028',
    '',
  ),
  fc.string({
    unit: fc.constantFrom('a', 'Z', '_', '0', '/', '.', '-', ':', ';', '{', '#', ' ', '\t', '*'),
    maxLength: 10,
  }),
);

const path = fc.oneof(
  fc.constantFrom('/', '/dev/fsF', '/dev/a b', '/dev/a;', '/a{', '/a#', '//x', '/...', '/a:b,c'),
  fc.string({
    unit: fc.constantFrom(
      '/',
      'a',
      '.',
      '-',
      ':',
      ',',
      ';',
      '{',
      '}',
      '#',
      ' ',
      '\n',
      '*',
      '\u200f',
    ),
    maxLength: 12,
  }),
);

/** Runs `build`; a NodeError is a refusal (fine), anything else must round-trip. */
function refusedOrRoundTrips(build: () => Statement): void {
  let s: Statement;
  try {
    s = build();
  } catch (e) {
    expect(e).toBeInstanceOf(NodeError);
    return;
  }
  expect(roundTrip(s)).toEqual(strip(s));
  // The one-line form (explain, harden) reads back as the same statement too.
  const line = printRuleLine(s);
  expect(line).not.toContain('\n');
  const { ast, diagnostics } = parsePolicy(line, { file: 'line.secpol' });
  expect(diagnostics).toEqual([]);
  expect(strip(ast.statements)).toEqual([strip(s)]);
}

describe('node constructors', () => {
  it('build ability rules that parse back as themselves, or refuse', () => {
    fc.assert(
      fc.property(word, word, fc.bigInt({ min: 0n, max: 2n ** 65n }), (subject, name, v) => {
        refusedOrRoundTrips(() => allowAbility(subject, [abilityGrant(name)]));
        refusedOrRoundTrips(() =>
          allowAbility(subject, [
            abilityGrant(name, [numberRange(v.toString(), (v + 3n).toString(), v % 2n === 0n)]),
            abilityGrant('settypeid', [rangeName(name)]),
            gainPriv(name),
          ]),
        );
        refusedOrRoundTrips(() => abilityDecl(name));
      }),
      { numRuns: 500 },
    );
  });

  it('build connect, type and path rules that parse back as themselves, or refuse', () => {
    fc.assert(
      fc.property(word, word, path, path, (subject, object, p, q) => {
        refusedOrRoundTrips(() => allowConnect(subject, object));
        refusedOrRoundTrips(() => typeDecl(subject));
        refusedOrRoundTrips(() => allowPaths('attach', subject, [pathSpec(p)]));
        refusedOrRoundTrips(() => allowPaths('link', subject, [pathSpec(p), pathSpec(q)]));
        refusedOrRoundTrips(() => allowPaths('attach', 'a_t', [pathSpec(p, object, subject)]));
      }),
      { numRuns: 500 },
    );
  });

  it('refuse the words a trace could turn into syntax', () => {
    for (const flag of ['default_priv', 'DEFAULT_PRIV', 'nonroot', 'unlock', 'noinherit'])
      expect(() => abilityGrant(flag)).toThrow(NodeError);
    for (const kw of ['allow', 'type', 'range', 'gain_priv', 'ALLOW'])
      expect(() => abilityGrant(kw)).toThrow(NodeError);
    for (const t of ['link', 'attach', 'self', 'type', '1a', 'a-b'])
      expect(() => allowConnect(t, 'a_t')).toThrow(NodeError);
    expect(() => literalPathSpec('/dev/*')).toThrow(NodeError);
    expect(() => literalPathSpec('/dev/...')).toThrow(NodeError);
    expect(() => pathSpec('//x')).toThrow(NodeError);
    expect(() => numberRange('017')).toThrow(NodeError);
    expect(() => numberRange('5', '4')).toThrow(NodeError);
    expect(() => numberRange((2n ** 64n).toString())).toThrow(NodeError);
    expect(() => comment('# a\n# b')).toThrow(NodeError);
    expect(() => comment('no marker')).toThrow(NodeError);
    expect(() => comment('# trailing ')).toThrow(NodeError);
  });

  it('print the forms the planner builds as before', () => {
    expect(
      printStatement(
        allowAbility('a_t', [
          abilityGrant('interrupt', [numberRange('14', '15')]),
          abilityGrant('mem_phys', [numberRange('18874368', '603979776', true)]),
          abilityGrant('settypeid', [rangeName('b_t')]),
          gainPriv('setuid'),
        ]),
      ),
    ).toBe(
      [
        'allow a_t self:ability {',
        '    interrupt:14-15',
        '    mem_phys:0x1200000-0x24000000',
        '    settypeid:b_t',
        '    gain_priv:setuid',
        '};',
        '',
      ].join('\n'),
    );
    expect(printStatement(allowPaths('attach', 'a_t', [literalPathSpec('/dev/fsF')]))).toBe(
      'allow_attach a_t /dev/fsF;\n',
    );
  });
});
