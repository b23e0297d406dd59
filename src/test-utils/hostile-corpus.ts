/**
 * A generated corpus of hostile inputs for the every-command suite
 * (src/hostile-commands.test.ts): secpolmonitor traces whose ability names
 * are block flags and keywords, whose types collide with the policy's
 * attribute, whose names and paths carry control, bidirectional, zero-width
 * and escape characters and policy punctuation, in every encoding (BOM, CRLF,
 * Latin-1, invalid UTF-8); and policies in every encoding with a large set
 * statement and an attribute with members. fast-check arbitraries, so a
 * failure shrinks to a small case.
 */
import fc from 'fast-check';

/** Ability names policy text reads as something else (block flags, keywords). */
export const KEYWORD_ABILITIES = [
  'DEFAULT_PRIV',
  'NONROOT',
  'UNLOCK',
  'NOINHERIT',
  'GAIN_PRIV',
  'allow',
  'type',
  'range',
  'ability',
  'attribute',
  'self',
];

/** Text with a meaning to a terminal, to policy text or to a reader's eye. */
export const HOSTILE_FRAGMENTS = [
  '',
  '\x1b[31m',
  '\x1b]0;pwned\x07',
  '\x07',
  '\u009b31m',
  '\u0085',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  ';',
  '{',
  '}',
  '#',
  ' ',
  // Their low bytes are `;`, newline, space and `:`: a Latin-1 writer keeping the low byte would
  // turn them into policy text.
  'Ļ',
  'Ċ',
  'Ġ',
  'ĺ',
  'é',
  'а', // Cyrillic a
  '*',
  '..',
];

/** The attribute the hostile policy declares, which the traces also use as a type. */
export const ATTRIBUTE = 'grp';
/** The attribute's members: no trace names them, so nothing may ever be granted to them. */
export const MEMBERS = ['m1_t', 'm2_t'];

/** How a file's text becomes bytes. */
export type Encoding = 'utf8' | 'bom' | 'crlf' | 'latin1' | 'invalid-utf8';
export const ENCODINGS: readonly Encoding[] = ['utf8', 'bom', 'crlf', 'latin1', 'invalid-utf8'];

/** One hostile trace record, before it becomes a line. */
export interface HostileRecord {
  form: 'keyword-ability' | 'ability' | 'value' | 'attach' | 'link' | 'connect' | 'use';
  /** Where the fragment goes: the type, the process name, or the record's own field. */
  at: 'type' | 'process' | 'field' | 'attribute-type';
  fragment: string;
  keyword: string;
  value: number;
}

export const hostileRecord: fc.Arbitrary<HostileRecord> = fc.record({
  form: fc.constantFrom('keyword-ability', 'ability', 'value', 'attach', 'link', 'connect', 'use'),
  at: fc.constantFrom('type', 'process', 'field', 'attribute-type'),
  fragment: fc.constantFrom(...HOSTILE_FRAGMENTS),
  keyword: fc.constantFrom(...KEYWORD_ABILITIES),
  value: fc.integer({ min: 0, max: 300 }),
});

/** The record's line (one line: no record is wrapped). */
export function recordLine(r: HostileRecord, i: number): string {
  const f = r.fragment;
  const type = r.at === 'attribute-type' ? ATTRIBUTE : r.at === 'type' ? `t${f}${i}_t` : `p${i}_t`;
  const proc = `bin/p${r.at === 'process' ? f : ''}${i}`;
  const field = r.at === 'field' ? f : '';
  const head = `${r.form === 'use' ? 'info' : 'error'}: ${proc} (pid:${100 + i}) `;
  switch (r.form) {
    case 'keyword-ability':
      return `${head}type ${type} lacks ability ${r.keyword}${field} as root`;
    case 'ability':
      return `${head}type ${type} lacks ability AB${field}C${i} as non-root`;
    case 'value':
      return `${head}type ${type} lacks ability INTERRUPT(${r.value}) as root`;
    case 'attach':
      return `${head}of type ${type} failed to attach to path /dev/a${field}b${i}: no rule`;
    case 'link':
      return `${head}of type ${type} failed to link to path /tmp/l${field}${i}: no rule`;
    case 'connect':
      return `${head}type ${type} lacks ability CHANNEL_CONNECT(${r.value}) (${field ? `s${field}_t` : ATTRIBUTE}) as root`;
    case 'use':
      return `${head}type ${type} uses ability PATHSPACE as root`;
  }
}

/** The bytes of `text` (lines joined by LF) in `encoding`. */
export function encodeText(text: string, encoding: Encoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'bom':
      return Buffer.from(`\ufeff${text}`, 'utf8');
    case 'crlf':
      return Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8');
    case 'latin1':
      // Characters above U+00FF keep their low byte: the bytes an old editor would leave.
      return Buffer.from(text, 'latin1');
    case 'invalid-utf8': {
      // A lone 0xFF (never valid UTF-8) at the end of the first line.
      const nl = text.indexOf('\n');
      const at = nl < 0 ? text.length : nl;
      return Buffer.concat([
        Buffer.from(text.slice(0, at), 'utf8'),
        Buffer.from([0xff]),
        Buffer.from(text.slice(at), 'utf8'),
      ]);
    }
  }
}

/**
 * A hostile policy's text: an attribute with members, large set statements (a connect set and an
 * ability block of as many subjects as items), non-ASCII comments.
 */
export function policyText(setSize: number): string {
  const set = Array.from({ length: setSize }, (_, i) => `h${i}_t`);
  return [
    '# hostile policy: café, naïve',
    'type default;',
    'type srv_t;',
    'type p0_t;',
    `attribute ${ATTRIBUTE};`,
    ...MEMBERS.map((m) => `type ${m}, ${ATTRIBUTE};`),
    `allow ${ATTRIBUTE} self:ability { io };`,
    'allow p0_t self:ability {',
    '    nonroot',
    '    spawn',
    '};',
    ...set.map((t) => `type ${t};`),
    `allow {${set.join(' ')}} {${set.join(' ')}}:channel connect;`,
    ...set.map((_, i) => `ability h${i}_ab;`),
    `allow {${set.join(' ')}} self:ability {${set.map((_, i) => ` h${i}_ab`).join('')} };`,
    'allow_attach p0_t /dev/null;',
    '',
  ].join('\n');
}

/** One case of the corpus: a trace and a policy, each in some encoding, and how to name the trace. */
export interface HostileCase {
  records: HostileRecord[];
  lines: string[];
  trace: Buffer;
  traceEncoding: Encoding;
  policy: Buffer;
  policyEncoding: Encoding;
  setSize: number;
  /** The trace comes on standard input (`-`), at this place among the arguments. */
  stdin: boolean;
  /** Where the trace arguments go: before the options, between them, or after them. */
  place: 'first' | 'middle' | 'last';
}

export const hostileCase: fc.Arbitrary<HostileCase> = fc
  .record({
    records: fc.array(hostileRecord, { minLength: 1, maxLength: 8 }),
    traceEncoding: fc.constantFrom(...ENCODINGS),
    policyEncoding: fc.constantFrom(...ENCODINGS),
    setSize: fc.integer({ min: 1, max: 80 }),
    stdin: fc.boolean(),
    place: fc.constantFrom('first', 'middle', 'last'),
  })
  .map((c) => {
    const lines = c.records.map(recordLine);
    return {
      ...c,
      lines,
      trace: encodeText(`${lines.join('\n')}\n`, c.traceEncoding),
      policy: encodeText(policyText(c.setSize), c.policyEncoding),
    };
  });

/** `args` with the trace arguments placed as the case says. */
export function placeTraces(c: HostileCase, traces: string[], options: string[][]): string[] {
  const flat = options.flat();
  if (c.place === 'first') return [...traces, ...flat];
  if (c.place === 'last') return [...flat, ...traces];
  const [head = [], ...rest] = options;
  return [...head, ...traces, ...rest.flat()];
}
