import fc from 'fast-check';
import { parseTraceText } from '../trace/push-parser';
import { AtomRows, tallyEvents } from '../infer/review-tally';
import { KeyEvidence, RowEvidence, wrongTypeEvidence } from './wrong-type-evidence';

/** Records of a few processes, types, accesses and values (every value form the atom table holds). */
const record = fc
  .tuple(
    fc.constantFrom('info', 'error'),
    fc.constantFrom('bin/a', 'bin/b'),
    fc.constantFrom('a_t', 'b_t', 'c_t', 'd_t'),
    fc.constantFrom(
      'SETUID(5)',
      'SETUID(6)',
      'MEM_PHYS(10 - 20)',
      'MEM_PHYS(10 - 21)',
      'SETTYPEID(140) (x_t)',
      'SETTYPEID(140) (y_t)',
      'SETGID(0x1f)',
      'IO',
      'attach /dev/x',
      'attach /dev/y',
    ),
    fc.constantFrom('root', 'non-root'),
  )
  .map(([level, process, type, access, domain]) => {
    if (access.startsWith('attach ')) {
      const path = access.slice('attach '.length);
      return level === 'info'
        ? `info: ${process} (pid:1) of type ${type} attached channel to path ${path}`
        : `error: ${process} (pid:1) of type ${type} failed to attach to path ${path}: no rule`;
    }
    const verb = level === 'info' ? 'uses' : 'lacks';
    return `${level}: ${process} (pid:1) type ${type} ${verb} ability ${access} as ${domain}`;
  });

describe('wrong-type evidence', () => {
  it("by rows answers as by key strings: each type's first place, in the order noted", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 60 }), fc.array(fc.boolean()), (lines, okBits) => {
        const { events } = parseTraceText(lines.join('\n'), 't.log');
        const atoms = tallyEvents(events).atoms;
        expect(atoms).toBeInstanceOf(AtomRows);
        const rows = wrongTypeEvidence(atoms);
        expect(rows).toBeInstanceOf(RowEvidence);
        const keys = new KeyEvidence();
        const all = [...atoms].map((a) => ({ event: a.event, object: a.object }));
        // Any atoms noted (explain notes those that succeeded or are allowed), in atom order.
        all.forEach((g, i) => {
          if (okBits[i] ?? atoms.at(i)!.successes > 0) {
            rows.note(i, g);
            keys.note(i, g);
          }
        });
        all.forEach((g, i) => expect(rows.places(i, g)).toEqual(keys.places(i, g)));
      }),
    );
  });

  it('is made as large as the rows that succeeded need, and grows past that', () => {
    // Before: 1024 slots, doubled as the notes came (each outgrown array garbage).
    const lines: string[] = [];
    for (let v = 0; v < 3000; v++) {
      lines.push(`info: bin/a (pid:1) type b_t uses ability SETUID(${v}) as root`);
      lines.push(`error: bin/a (pid:1) type a_t lacks ability SETUID(${v + 5000}) as root`);
    }
    const atoms = tallyEvents(parseTraceText(lines.join('\n'), 't.log').events).atoms;
    const rows = wrongTypeEvidence(atoms) as RowEvidence;
    expect(rows.slotCount()).toBe(4096);
    const keys = new KeyEvidence();
    // The rows that succeeded, then (as allowed) the others: past the slots made at first.
    const order = [...atoms.map((a, i) => [a.successes, i] as const)].sort((x, y) => y[0] - x[0]);
    for (const [, i] of order) {
      const a = atoms.at(i)!;
      const g = { event: a.event, object: a.object };
      rows.note(i, g);
      keys.note(i, g);
      if (a.successes > 0) expect(rows.slotCount()).toBe(4096);
    }
    expect(rows.slotCount()).toBe(8192);
    for (let i = 0; i < atoms.length; i++) {
      const a = atoms.at(i)!;
      const g = { event: a.event, object: a.object };
      expect(rows.places(i, g)).toEqual(keys.places(i, g));
    }
  });

  it('holds one key string per family, none per value', () => {
    const lines: string[] = [];
    for (let v = 0; v < 5000; v++) {
      lines.push(`info: bin/a (pid:1) type b_t uses ability SETUID(${v}) as root`);
      if (v % 2 === 0) lines.push(`info: bin/a (pid:1) type c_t uses ability SETUID(${v}) as root`);
      lines.push(`error: bin/a (pid:1) type a_t lacks ability SETUID(${v}) as root`);
    }
    const atoms = tallyEvents(parseTraceText(lines.join('\n'), 't.log').events).atoms;
    const rows = wrongTypeEvidence(atoms) as RowEvidence;
    const keys = new KeyEvidence();
    for (let i = 0; i < atoms.length; i++) {
      const a = atoms.at(i)!;
      const g = { event: a.event, object: a.object };
      if (a.successes > 0) {
        rows.note(i, g);
        keys.note(i, g);
      }
    }
    expect(rows.accessFamilies()).toBe(1);
    for (let i = 0; i < atoms.length; i++) {
      const a = atoms.at(i)!;
      const g = { event: a.event, object: a.object };
      expect(rows.places(i, g)).toEqual(keys.places(i, g));
    }
    const at4 = [...atoms].findIndex((a) => a.failures > 0 && a.value === '4');
    expect(rows.places(at4, atoms.at(at4)!)).toEqual([
      ['b_t', { file: 't.log', line: 11 }],
      ['c_t', { file: 't.log', line: 12 }],
    ]);
  });
});
