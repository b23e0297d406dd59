/**
 * secpolgenerate output read as a trace (docs/secpolgenerate.md): the errors
 * view and the saved state are detected by content, mapped to TraceEvents,
 * every line not understood named FILE:LINE and counted; a monitor trace is
 * untouched; the fast lane never sees these lines; any cut of the bytes reads
 * the same; the corpus's errors entry reads as one failure.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { TraceEvent } from './event';
import { pushTrace } from './parse-trace';
import { isSecpolgenerateStart } from './secpolgenerate';
import { TraceInputParser } from './trace-input';
import { FastLane } from '../infer/fast-lane';
import { RequirementAccumulator } from '../infer/requirement-accumulator';
import { corpusPath, describeWithCorpus } from '../test-utils/corpus';

const SAMPLE = path.resolve(__dirname, '..', '..', 'samples', 'secpolgenerate');

function read(text: string | Buffer, file = 'in.txt', cut = 0) {
  const events: TraceEvent[] = [];
  const diagnostics: Diagnostic[] = [];
  const parser = new TraceInputParser({
    file,
    onEvent: (e) => events.push(e),
    onDiagnostic: (d) => diagnostics.push(d),
  });
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  if (cut > 0)
    for (let at = 0; at < bytes.length; at += cut) parser.feed(bytes.subarray(at, at + cut));
  else parser.feed(bytes);
  return { events, diagnostics, summary: parser.end() };
}

const brief = (e: TraceEvent): string =>
  e.kind === 'ability'
    ? `${e.position.line} ${e.severity} ${e.securityType} ${e.ability.monitorName} ${JSON.stringify(e.argument)} ${e.domain}`
    : e.kind === 'unknown'
      ? `${e.position.line} unknown`
      : `${e.position.line} ${e.severity} ${e.securityType} ${e.kind} ${e.path}`;

describe('secpolgenerate errors view', () => {
  const text = readFileSync(path.join(SAMPLE, 'errors.txt'));

  it('maps each ability item and path to a failure of the rule subject, at its own line', () => {
    const r = read(text, 'errors.txt');
    expect(r.events.map(brief)).toEqual([
      '2 error random_t IO {"kind":"none"} root',
      '5 error devb_t PATHSPACE {"kind":"none"} root',
      '6 error devb_t MEM_PHYS {"kind":"range","start":"4263510016","end":"4263510271"} root',
      '10 error sshd_t SETUID {"kind":"value","value":"1000"} non-root',
      '11 error sshd_t iofunc/exec {"kind":"none"} non-root',
      '14 error devb_t attach /dev/hd0',
      '15 error devb_t attach /dev/hd0t177',
      '17 error sshd_t link /tmp/ssh-agent',
      // The connect rule: a failed CHANNEL_CONNECT naming the object type, with no type id.
      '18 error sshd_t CHANNEL_CONNECT {"kind":"type-id","typeName":"random_t"} root',
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.summary).toMatchObject({ lines: 18, records: 9, diagnostics: 0 });
  });

  it('reads channel connects (sets, self) and type-valued subranges as named-type checks', () => {
    const r = read(
      [
        'allow { a_t b_t } { self c_t }:channel connect;', // 1: every subject x object
        'allow a_t',
        '    d_t : channel connect;', // 2-3: spread over lines, blanks around `:`
        'allow a_t self:ability {', // 4
        '    settypeid:e_t,f_t', // 5: one check per type
        '    channel_connect:g_t', // 6: the ability form of a connect
        '    settypeid:140', // 7: a numeric id stays a value
        '};',
        '',
      ].join('\n'),
    );
    const type = (t: string): string => JSON.stringify({ kind: 'type-id', typeName: t });
    expect(r.events.map(brief)).toEqual([
      `1 error a_t CHANNEL_CONNECT ${type('a_t')} root`,
      `1 error a_t CHANNEL_CONNECT ${type('c_t')} root`,
      `1 error b_t CHANNEL_CONNECT ${type('b_t')} root`,
      `1 error b_t CHANNEL_CONNECT ${type('c_t')} root`,
      `2 error a_t CHANNEL_CONNECT ${type('d_t')} root`,
      `5 error a_t SETTYPEID ${type('e_t')} root`,
      `5 error a_t SETTYPEID ${type('f_t')} root`,
      `6 error a_t CHANNEL_CONNECT ${type('g_t')} root`,
      '7 error a_t SETTYPEID {"kind":"value","value":"140"} root',
    ]);
    expect(r.diagnostics).toEqual([]);
    // Learned as connect and settypeid requirements of the named types.
    const acc = new RequirementAccumulator();
    for (const e of r.events) acc.add(e);
    const needs = [...acc.result().requirements.byKey.values()]
      .map((q) => `${q.type} ${q.kind} ${q.object}`)
      .sort();
    expect(needs).toEqual([
      'a_t ability settypeid',
      'a_t connect a_t',
      'a_t connect c_t',
      'a_t connect d_t',
      'a_t connect g_t',
      'a_t settypeid e_t',
      'a_t settypeid f_t',
      'b_t connect b_t',
      'b_t connect c_t',
    ]);
  });

  it('reads the same whatever the chunk cuts', () => {
    const whole = read(text, 'errors.txt');
    for (const cut of [1, 2, 3, 7, 64]) expect(read(text, 'errors.txt', cut)).toEqual(whole);
  });

  it('names every hostile or malformed entry FILE:LINE and reads the rest', () => {
    const hostile = [
      'allow a_t self:ability { io\u001b[31m };', // 1: an escape sequence in an item
      'allow a_t self:ability { setuid:5-1 };', // 2: a reversed range
      'allow a_t self:ability { settypeid:b_t,7 };', // 3: a type name mixed with an id
      'allow_attach a_t relative/path;', // 4: not a path
      'allow a_t self:ability { nonroot };', // 5: grants nothing
      'allow a_t self:ability { pathspace };', // 6: fine
      'rm -rf /', // 7: not an entry
      'allow a_t self:ability {', // 8: cut short at the end
      '    io',
      '',
    ].join('\n');
    const r = read(hostile);
    expect(r.events.map(brief)).toEqual(['6 error a_t PATHSPACE {"kind":"none"} root']);
    expect(r.diagnostics.map((d) => d.line)).toEqual([1, 2, 3, 4, 5, 7, 8]);
    expect(r.summary.diagnostics).toBe(7);
    // Connect rules this reader cannot read: named with their line, nothing emitted.
    const connects = read(
      [
        'allow a_t b_t:channel { connect };', // 1: a braced permission list, never documented
        'allow a_t b\u001b[31m_t:channel connect;', // 2: an escape sequence in a type
        'allow a_t { }:channel connect;', // 3: an empty set
        'allow a_t b_t:channel connect;', // 4: fine
        '',
      ].join('\n'),
      'c.txt',
    );
    expect(connects.events.map(brief)).toEqual([
      `4 error a_t CHANNEL_CONNECT ${JSON.stringify({ kind: 'type-id', typeName: 'b_t' })} root`,
    ]);
    expect(connects.diagnostics.map((d) => `${d.file}:${d.line}`)).toEqual([
      'c.txt:1',
      'c.txt:2',
      'c.txt:3',
    ]);
    for (const d of connects.diagnostics) expect(d.message).not.toMatch(/\u001b/);
    for (const d of r.diagnostics) expect(d.message).not.toMatch(/\u001b/);
  });
});

describe('secpolgenerate saved state (names mode)', () => {
  it('reads `type NAME` / `used` / `attach PATH` as successes of the type', () => {
    const r = read(readFileSync(path.join(SAMPLE, 'saved-state.txt')), 'saved-state.txt');
    expect(r.events.map(brief)).toEqual([
      '5 info devb_t attach /dev/hd0',
      '6 info devb_t attach /dev/hd0t177',
      '8 info random_t attach /dev/random',
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it('names entries it does not know (abilities, links) and entries before any type', () => {
    const r = read('type a_t\nability io\nattach /dev/x\nlink /tmp/y\n', 's.txt');
    expect(r.events.map(brief)).toEqual(['3 info a_t attach /dev/x']);
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}`)).toEqual(['s.txt:2', 's.txt:4']);
    // `used` with no type before it is not this form: the monitor parser names it.
    expect(read('used\n').diagnostics.map((d) => d.line)).toEqual([1]);
  });

  it('leaves out a line with a control or bidirectional character, named, so none reaches a report', () => {
    const r = read('type a_t\nattach /dev/a\x1b[31mRED\u202eb\nattach /dev/ok\n', 's.txt');
    expect(r.events.map(brief)).toEqual(['3 info a_t attach /dev/ok']);
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}`)).toEqual(['s.txt:2']);
    expect(JSON.stringify(r)).not.toMatch(/\x1b|\u202e|\\u001b|\\u202e/);
  });
});

describe('detection by content', () => {
  it('recognises the two forms and nothing a monitor trace or a policy starts with', () => {
    expect(isSecpolgenerateStart('allow random_t self:ability {')).toBe(true);
    expect(isSecpolgenerateStart('allow_attach devb_t /dev/hd0;')).toBe(true);
    expect(isSecpolgenerateStart('type devb_t')).toBe(true);
    expect(isSecpolgenerateStart('type devb_t;')).toBe(false);
    expect(isSecpolgenerateStart('error: sbin/x (pid:1) type a_t lacks ability IO as root')).toBe(
      false,
    );
  });

  it('leaves a monitor trace to the monitor parser, comments and BOM before it included', () => {
    const trace = readFileSync(path.resolve(SAMPLE, '..', 'seed-walkthrough', 'trace.log'));
    const plain = read(trace, 'trace.log');
    expect(plain.events.length).toBeGreaterThan(0);
    expect(plain.diagnostics).toEqual([]);
    expect(read(trace, 'trace.log', 5)).toEqual(plain);
    const bom = read(
      Buffer.concat([Buffer.from('\uFEFF# note\n\n'), Buffer.from('type a_t\nattach /x\n')]),
    );
    expect(bom.events.map(brief)).toEqual(['4 info a_t attach /x']);
  });

  it('never hands these lines to the fast lane', async () => {
    const accumulator = new RequirementAccumulator();
    const lane = new FastLane(accumulator, () => undefined);
    const events: TraceEvent[] = [];
    const text = readFileSync(path.join(SAMPLE, 'errors.txt'));
    async function* chunks(): AsyncGenerator<Buffer> {
      yield text.subarray(0, 20);
      yield text.subarray(20);
    }
    await pushTrace(chunks(), {
      file: 'errors.txt',
      times: false,
      lane,
      onEvent: (e) => events.push(e),
    });
    expect(lane.taken).toBe(0);
    expect(events).toEqual(read(text, 'errors.txt').events);
  });
});

describeWithCorpus('secpolgenerate errors entry of the QNX docs', () => {
  it('reads as one failure: random_t lacks io', () => {
    const file = 'qnxdocs71_debugging__dev_secpolgenerate_errors_entry.txt';
    const r = read(readFileSync(corpusPath(file)), file);
    expect(r.events.map(brief)).toEqual(['2 error random_t IO {"kind":"none"} root']);
    expect(r.diagnostics).toEqual([]);
  });
});
