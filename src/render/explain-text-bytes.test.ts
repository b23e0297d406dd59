/**
 * `ExplainFailureBytes` (src/render/explain-output.ts): a failure's text
 * written as bytes into an output batch is the UTF-8 of
 * `explainFailureText`, whatever it shares with the failures before it
 * (a frozen rule or consulted list, a why, a file, a name) and whatever its
 * text holds (non-ASCII, lone surrogates, which the stream writes as U+FFFD).
 */
import { LineBatch } from '../cli/line-batch';
import { abilityGrant, allowAbility } from '../policy/nodes';
import type { ExplainedFailure, PlacedRule } from '../review/explain';
import { ExplainFailureBytes, explainFailureText } from './explain-output';

const shared = Object.freeze(allowAbility('a_t', [abilityGrant('io')], false));
const consulted: PlacedRule[] = Object.freeze([
  { file: 'p.secpol', line: 3, column: 1, summary: 'allow a_t self:ability { io };' },
]) as PlacedRule[];

function failure(over: Partial<ExplainedFailure>): ExplainedFailure {
  return {
    file: 't.log',
    line: 12,
    count: 1,
    type: 'a_t',
    process: 'bin/a',
    access: 'io as root',
    reason: 'no-ability',
    why: 'a_t has no ability io as root',
    consulted: [],
    record: 'error: ...',
    ...over,
  };
}

const FAILURES: ExplainedFailure[] = [
  failure({}),
  failure({ count: 7, rule: shared, consulted }),
  // The same shared rule, list and why again: encoded once, the same bytes.
  failure({ line: 13, count: 2, rule: shared, consulted }),
  failure({ line: 14, rule: shared, consulted, moreConsulted: 4 }),
  // A count merged from summaries can pass 2^53.
  failure({ line: 15, count: 117093590310669970 }),
  failure({
    file: 'u.log',
    line: 9007199254740991,
    rule: allowAbility('a_t', [abilityGrant('setuid')], false),
    consulted: [{ file: 'p.secpol', line: 4, column: 2, summary: 'per atom' }],
    hint: 'bin/a did this as b_t (t.log:1): launch it with `on -T b_t ...` rather than widen a_t',
  }),
  failure({ reason: 'allowed-now', why: 'allowed now by p.secpol:3', consulted }),
  failure({
    process: 'bin/\u00e9\u{1f600}\ud800',
    type: '\udc00t',
    access: 'attach /dev/\u2028\ud83d',
    why: '\ude00 why \u00ff',
    hint: '\udfff',
  }),
  failure({ process: 'bin/\u00e9\u{1f600}\ud800', why: '\ude00 why \u00ff' }),
];

function written(failures: ExplainedFailure[], bytes = new ExplainFailureBytes()): Buffer {
  const batch = new LineBatch(16);
  for (const f of failures) {
    bytes.write(f, batch);
    batch.endLine();
  }
  return batch.take();
}

describe('ExplainFailureBytes', () => {
  it("writes each failure's text as the stream would encode it", () => {
    const text = FAILURES.map((f) => `${explainFailureText(f)}\n`).join('');
    expect(written(FAILURES)).toEqual(Buffer.from(text));
  });

  it('gives the same bytes one failure at a time and in any order', () => {
    const reversed = [...FAILURES].reverse();
    const text = reversed.map((f) => `${explainFailureText(f)}\n`).join('');
    expect(written(reversed)).toEqual(Buffer.from(text));
    for (const f of FAILURES)
      expect(written([f])).toEqual(Buffer.from(`${explainFailureText(f)}\n`));
  });

  it('writes names past those it keeps the bytes of as they come', () => {
    const many = Array.from({ length: 1100 }, (_, i) =>
      failure({ process: `bin/p${i}`, type: `t${i % 2000}_t` }),
    );
    const bytes = new ExplainFailureBytes();
    const text = many.map((f) => `${explainFailureText(f)}\n`).join('');
    expect(written([...many, ...many], bytes)).toEqual(Buffer.from(text + text));
  });

  it("writes a type's no-rule consulted line from bytes made once", () => {
    // Before: the line was made and encoded per failure (most of a bench trace's failures).
    const pieces: string[] = [];
    const batch = new LineBatch(16);
    const text = batch.text.bind(batch);
    batch.text = (t: string): void => {
      pieces.push(t);
      text(t);
    };
    const bytes = new ExplainFailureBytes();
    const same = [failure({}), failure({ line: 13 }), failure({ line: 14, type: 'b_t' })];
    const again = [failure({ line: 15 }), failure({ line: 16, type: 'b_t' })];
    for (const f of [...same, ...again]) {
      bytes.write(f, batch);
      batch.endLine();
    }
    const lines = [...same, ...again].map((f) => `${explainFailureText(f)}\n`).join('');
    expect(batch.take()).toEqual(Buffer.from(lines));
    expect(pieces.filter((t) => t.includes('consulted: none'))).toEqual([]);
  });
});
