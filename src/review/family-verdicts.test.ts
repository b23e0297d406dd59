/**
 * Verdicts judged once per family (family-verdicts.ts) and `check`'s text
 * from the table's columns (check-stream.ts `checkRows`): which families the
 * value cannot change, the text equal to the text of each atom judged alone,
 * and one event made per such family, not one per atom.
 */
import { formatCheck } from '../api/review';
import { bigPolicy } from '../bench/bench-inputs';
import { AtomRows, TalliedAtom, tallyEvents, type ReviewSummary } from '../infer/review-tally';
import type { AtomFamily } from '../infer/atom-table';
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import type { PolicyModel } from '../policy/model/types';
import type { TraceEvent } from '../trace/event';
import { parseTraceText } from '../trace/push-parser';
import { generatedTrace } from '../test-utils/generated-trace';
import { uncoveredLines } from '../render/check-output';
import { checkResult, type CheckInput } from './check-result';
import { checkRows, checkStream, FamilyFailure } from './check-stream';
import { FamilyVerdicts, valueFreeFamily } from './family-verdicts';
import { judgeSummary } from './trace-review';

const POLICY = [
  'type fs_t;',
  'type init_t;',
  'type io_t;',
  'type neg_t;',
  'allow init_t self:ability { io pathspace };',
  'allow fs_t self:ability { setuid:1000-1009 map_fixed:0-4095 };',
  'allow io_t self:ability { setuid };',
  'allow neg_t self:ability { -setuid };',
  'allow_attach fs_t /dev/fsF;',
].join('\n');

function modelOf(text: string): PolicyModel {
  return buildModel(parsePolicies([{ file: 'p.secpol', text }]).policy);
}

const INPUT: CheckInput = {
  traceFiles: ['t.log'],
  policyFiles: ['p.secpol'],
  notUnderstood: [],
  notUnderstoodCount: 0,
  guardViolations: [],
  strict: false,
};

/** The text lines of `judged`, and its verdict. */
function textOf(judged: ReturnType<typeof checkRows>): string[] {
  const out: string[] = [];
  const lines = uncoveredLines(judged);
  let next = lines.next();
  for (; !next.done; next = lines.next()) out.push(next.value);
  out.push(JSON.stringify(next.value));
  return out;
}

/** Denied ability records of `type` for `ability(VALUE)`, one per value, as root. */
function denied(type: string, process: string, ability: string, values: string[]): string[] {
  return values.map(
    (v, i) =>
      `error: ${process} (pid:${100 + i}) type ${type} lacks ability ${ability}${v ? `(${v})` : ''} as root`,
  );
}

const values = Array.from({ length: 40 }, (_, i) => String(990 + i * 7));
const ranges = Array.from({ length: 20 }, (_, i) => `${4000 + i * 9} - ${4100 + i * 9}`);
const TRACE = [
  ...denied('fs_t', 'bin/a', 'SETUID', values),
  ...denied('fs_t', 'bin/a', 'MAP_FIXED', ranges),
  ...denied('init_t', 'bin/b', 'SETUID', values),
  ...denied('io_t', 'bin/c', 'SETUID', values),
  ...denied('neg_t', 'bin/d', 'SETUID', values),
  ...denied('nope_t', 'bin/e', 'SETUID', values),
  ...denied('init_t', 'bin/b', 'IO', ['']),
  ...denied('fs_t', 'bin/a', 'CHANNEL_CONNECT', ['7) (init_t', '8) (fs_t']),
  ...denied('nope_t', 'bin/g', 'CHANNEL_CONNECT', ['7) (init_t', '8) (fs_t', '9) (io_t']),
  ...denied('fs_t', 'bin/a', 'SETUID', ['0x3e8', '01001', '1002']),
  'error: bin/f (pid:9) of type fs_t failed to create link to path /dev/fsF: no rule',
  'error: bin/f (pid:9) of type init_t failed to attach to path /dev/x: bad op',
].join('\n');

function summaryOf(text: string, file = 't.log'): ReviewSummary {
  return tallyEvents(parseTraceText(text, file).events);
}

describe('family verdicts', () => {
  const model = modelOf(POLICY);
  const family = (
    type: string,
    object: string,
    kind: AtomFamily['kind'] = 'ability',
  ): AtomFamily => ({
    type,
    process: 'p',
    kind,
    object,
    domain: kind === 'ability' ? 'root' : '',
  });

  it.each([
    ['an undeclared type', family('nope_t', 'setuid'), true],
    ['channel_connect of an undeclared type', family('nope_t', 'channel_connect'), true],
    ['an ability the type is not granted', family('init_t', 'setuid'), true],
    ['an ability granted whole', family('io_t', 'setuid'), true],
    ['a negated ability', family('neg_t', 'setuid'), true],
    ['an ability granted by subranges', family('fs_t', 'setuid'), false],
    [
      'channel_connect (its connect rules read the type id)',
      family('fs_t', 'channel_connect'),
      false,
    ],
    ['a path (one atom per family)', family('fs_t', '/dev/fsF', 'attach'), false],
  ])('%s: value-free %s', (_name, f, free) => {
    expect(valueFreeFamily(model, f)).toBe(free);
  });

  it('gives each atom of a value-free family the verdict of its own event', () => {
    const summary = summaryOf(TRACE);
    const rows = summary.atoms as AtomRows;
    const families = new FamilyVerdicts(model, rows.table);
    let shared = 0;
    for (let i = 0; i < rows.length; i++) {
      const f = families.of(rows.row(i));
      if (f === undefined) continue;
      shared++;
      expect(f.verdict).toEqual(
        judgeSummary(model, { ...summary, atoms: [rows.at(i)!] }).groups[0]!.verdict,
      );
    }
    // Four value-free families of 40 atoms and channel_connect of an undeclared type (3); the IO
    // family holds one atom: judged per atom, its verdict not held (before: 4 * 40 + 1 + 3).
    expect(shared).toBe(4 * 40 + 3);
  });

  it.each([
    ['the hand-made trace', async (): Promise<ReviewSummary> => summaryOf(TRACE), POLICY],
    [
      'generated traces',
      async (): Promise<ReviewSummary> => {
        const events: TraceEvent[] = [];
        for (const [file, seed] of [
          ['z.log', 31],
          ['a.log', 32],
        ] as const)
          events.push(...parseTraceText(await generatedTrace(seed, 3000), file).events);
        return tallyEvents(events);
      },
      `${bigPolicy(20)}\n${POLICY}`,
    ],
  ])('writes from the columns the text of each atom judged alone (%s)', async (_n, make, text) => {
    const m = modelOf(text);
    const summary = await make();
    const rows = textOf(checkRows(m, summary, INPUT));
    const alone = textOf(checkStream(m, summary, INPUT));
    expect(rows).toEqual(alone);
    expect(rows.slice(0, -1).join('\n')).toBe(
      formatCheck(checkResult(judgeSummary(m, summary), INPUT))
        .split('\n')
        .slice(0, rows.length - 1)
        .join('\n'),
    );
    let fromColumns = 0;
    for (const j of { [Symbol.iterator]: () => checkRows(m, summary, INPUT) })
      if (j instanceof FamilyFailure) fromColumns++;
    expect(fromColumns).toBeGreaterThan(10);
  });

  it('makes one event per value-free family, not one per atom', () => {
    const summary = summaryOf(TRACE);
    const event = jest.spyOn(TalliedAtom.prototype, 'event', 'get');
    try {
      textOf(checkRows(model, summary, INPUT));
      // Six value-free families (164 atoms: setuid of init_t, io_t, neg_t, nope_t; init_t's io;
      // nope_t's channel_connect), an event each; every failing atom of the others (fs_t's setuid and map_fixed values, its
      // connects, the paths) its own.
      const rows = summary.atoms as AtomRows;
      let alone = 0;
      for (let i = 0; i < rows.length; i++)
        if (!valueFreeFamily(model, rows.at(i)!.family) && rows.at(i)!.failures > 0) alone++;
      expect(alone).toBe(43 + 20 + 2 + 2);
      expect(event).toHaveBeenCalledTimes(6 + alone);
    } finally {
      event.mockRestore();
    }
  });
});
