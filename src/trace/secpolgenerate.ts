/**
 * What QNX's `secpolgenerate` writes, read as trace events (docs/secpolgenerate.md,
 * reference §4.2–4.3, corpus INDEX §C/C2). Two forms, told apart by the first
 * line that is not blank or a `#` comment (`isSecpolgenerateStart`):
 *
 * - the **errors view** (`/dev/secpolgenerate/errors`): each failed check as
 *   the policy rule that would have allowed it (`allow random_t self:ability {
 *   io };`, `allow_attach T { PATH... };`, `allow_link ...`). Each ability item
 *   or path becomes one failure (`error`) event of the subject type; `nonroot`
 *   in the block means the non-root domain. [DOC form, INF mapping]
 * - the **saved state** in names mode (`secpolgenerate -s FILE -n`): `type
 *   NAME` opens a type's entries, `used` says the type was used, `attach PATH`
 *   is a path the type attached (a success, `info`). [INF]
 *
 * Neither names a process or pid: events carry the process name `` (none)
 * and pid `-`. A failed channel connect is written as the rule that allows it
 * (`allow S O:channel connect;`, braced sets on either side, `self` the
 * subject) and a failed type change as a type-valued subrange (`settypeid:T`,
 * also `channel_connect:T`) [INF: the errors view writes every failure as
 * the rule that would allow it]: each subject × type is one failed
 * CHANNEL_CONNECT or SETTYPEID check whose argument names the type but
 * carries no id (the entry gives none; the grant model judges connects and
 * type subranges by name). A connect rule has no domain: its check is read
 * as root [INF]. Every line or statement not understood is named FILE:LINE
 * (rule `trace-unknown-line`) and counted, as the monitor parser does;
 * nothing is guessed.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import { hasUnsafeCharacter } from '../diagnostics/safe-text';
import type { AbilityArgument, TraceEvent } from './event';
import { emptyTraceSummary, type TraceSummary } from './push-parser';

/** True when `line` (the first line that is not blank or a comment) starts secpolgenerate output. */
export function isSecpolgenerateStart(line: string): boolean {
  return /^\s*(?:allow(?:_attach|_link)?\s|type\s+[A-Za-z_][A-Za-z0-9_]*\s*$)/.test(line);
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^(?:0[xX][0-9A-Fa-f]+|[0-9]+)$/;
const FLAGS = new Set(['nonroot', 'noinherit', 'unlock']);

function decimal(n: string): string {
  return BigInt(n).toString();
}

/** Abilities whose subranges are type ids, which the errors view writes as type names. */
const TYPE_VALUED = new Set(['settypeid', 'channel_connect']);

/** The names of `name` or `{ name... }`, or undefined when one is not an identifier. */
function namesOf(text: string): string[] | undefined {
  const m = /^\{([^{}]*)\}$/.exec(text.trim());
  const names = (m ? m[1]! : text).trim().split(/\s+/).filter(Boolean);
  return names.length > 0 && names.every((n) => IDENT.test(n)) ? names : undefined;
}

/**
 * The arguments of `name:ranges`, or undefined when a subrange is not a number
 * or number range (or, for a type-valued ability, a type name).
 */
function argumentsOf(ability: string, ranges: string | undefined): AbilityArgument[] | undefined {
  if (ranges === undefined) return [{ kind: 'none' }];
  const parts = ranges.split(',').map((p) => p.trim());
  if (TYPE_VALUED.has(ability.toLowerCase()) && parts.every((p) => IDENT.test(p)))
    return parts.map((typeName) => ({ kind: 'type-id', typeName }));
  const out: AbilityArgument[] = [];
  for (const part of ranges.split(',')) {
    const m = /^([^-]+)(?:-(.*))?$/.exec(part.trim());
    if (!m || !NUMBER.test(m[1]!)) return undefined;
    if (m[2] === undefined) out.push({ kind: 'value', value: decimal(m[1]!) });
    else if (NUMBER.test(m[2]) && BigInt(m[1]!) <= BigInt(m[2]))
      out.push({ kind: 'range', start: decimal(m[1]!), end: decimal(m[2]) });
    else return undefined;
  }
  return out;
}

/** Options as the monitor parser's (push-parser.ts). */
export interface SecpolgenerateParserOptions {
  file: string;
  onEvent: (event: TraceEvent) => void;
  onDiagnostic?: (diagnostic: Diagnostic) => void;
}

/** A push parser for secpolgenerate output: `feed` bytes, then `end`. */
export class SecpolgenerateParser {
  private rest = '';
  private line = 0;
  /** The statement being collected (errors view) and the line it started on. */
  private statement = '';
  private statementLine = 0;
  /** The statement's words with the line each is on, so each event names its own line. */
  private words: Array<{ word: string; line: number }> = [];
  /** The saved state's current type. */
  private type: string | undefined;
  private readonly summary: TraceSummary;

  constructor(private readonly options: SecpolgenerateParserOptions) {
    this.summary = emptyTraceSummary(options.file);
  }

  feed(chunk: Buffer): void {
    const text = this.rest + chunk.toString('utf8');
    const lines = text.split('\n');
    this.rest = lines.pop()!;
    for (const l of lines) this.onLine(l.replace(/\r$/, ''));
  }

  end(): TraceSummary {
    if (this.rest !== '') this.onLine(this.rest.replace(/\r$/, ''));
    this.rest = '';
    if (this.statement.trim() !== '') this.notUnderstood(this.statementLine, 'a rule cut short');
    return this.summary;
  }

  private notUnderstood(line: number, what: string): void {
    this.summary.diagnostics++;
    const place = `${this.options.file}:${line}`;
    if (this.summary.firstDiagnosticPlaces.length < 10)
      this.summary.firstDiagnosticPlaces.push(place);
    this.options.onDiagnostic?.({
      severity: 'warning',
      message: `line not understood: secpolgenerate output, ${what}`,
      file: this.options.file,
      line,
      ruleId: 'trace-unknown-line',
    });
  }

  private emit(e: TraceEvent): void {
    if (e.kind !== 'unknown') this.summary.events[e.kind]++;
    this.summary.records++;
    this.options.onEvent(e);
  }

  private onLine(raw: string): void {
    this.line++;
    this.summary.lines++;
    const line = raw.replace(/^\uFEFF/, '');
    // A line with a control, bidirectional or invisible character is named and left out whole:
    // none of its text may reach a report, a terminal or a rule (docs/safe-output.md).
    if (hasUnsafeCharacter(line))
      return this.notUnderstood(
        this.line,
        'holds a control, bidirectional or invisible character; left out',
      );
    const bare = line.replace(/#.*$/, '').trim();
    if (this.statement === '' && bare === '') return;
    if (this.statement === '' && !/^allow/.test(bare)) return this.stateLine(bare);
    if (this.statement === '') this.statementLine = this.line;
    this.statement += ` ${bare}`;
    for (const word of bare.split(/[\s{};]+/)) if (word) this.words.push({ word, line: this.line });
    // A statement ends at a `;` outside braces.
    const open = (this.statement.match(/\{/g) ?? []).length;
    const close = (this.statement.match(/\}/g) ?? []).length;
    if (!bare.endsWith(';') || open !== close) return;
    const s = this.statement.trim();
    this.statement = '';
    this.rule(s, this.statementLine);
    this.words = [];
  }

  /** A saved-state line: `type NAME`, `used`, `attach PATH`. */
  private stateLine(bare: string): void {
    const words = bare.split(/\s+/);
    if (words[0] === 'type' && words.length === 2 && IDENT.test(words[1]!)) {
      this.type = words[1];
      return;
    }
    if (bare === 'used' && this.type) return;
    if (words[0] === 'attach' && words.length === 2 && words[1]!.startsWith('/') && this.type) {
      this.emit({
        kind: 'attach',
        severity: 'info',
        process: '',
        pid: '-',
        securityType: this.type,
        path: words[1]!,
        record: `info: (pid:-) of type ${this.type} attached channel to path ${words[1]!}`,
        position: { file: this.options.file, line: this.line },
      });
      return;
    }
    this.notUnderstood(
      this.line,
      'neither an errors-view rule (`allow ...;`) nor a saved-state entry (`type NAME`, `used`, `attach PATH`) this reader knows',
    );
  }

  /** The line of the statement's next word `word` after the previous one looked up. */
  private lineOf(word: string, from: { at: number }): number {
    for (let i = from.at; i < this.words.length; i++)
      if (this.words[i]!.word === word) {
        from.at = i + 1;
        return this.words[i]!.line;
      }
    return this.statementLine;
  }

  /** An errors-view rule: the failures it would have allowed, each at its item's line. */
  private rule(s: string, line: number): void {
    const cursor = { at: 0 };
    const at = (word: string): { file: string; line: number } => ({
      file: this.options.file,
      line: this.lineOf(word, cursor),
    });
    const ability =
      /^allow\s+([A-Za-z_]\w*)\s+self\s*:\s*ability\s*(\{([^{}]*)\}|([^{};]+))\s*;$/.exec(s);
    if (ability) {
      const type = ability[1]!;
      const items = (ability[3] ?? ability[4] ?? '').trim().split(/\s+/).filter(Boolean);
      const domain = items.includes('nonroot') ? 'non-root' : 'root';
      const events: TraceEvent[] = [];
      for (const item of items) {
        if (FLAGS.has(item)) continue;
        const m = /^([A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)+)(?::(.+))?$/.exec(
          item,
        );
        const args = m && argumentsOf(m[1]!, m[2]);
        if (!m || !args)
          return this.notUnderstood(
            this.lineOf(item, cursor),
            `an ability item this reader cannot read (${JSON.stringify(item)})`,
          );
        const place = at(item);
        const dynamic = m[1]!.includes('/') || /[.-]/.test(m[1]!);
        const monitorName = dynamic ? m[1]! : m[1]!.toUpperCase();
        const policyName = dynamic ? m[1]! : m[1]!.toLowerCase();
        for (const argument of args)
          events.push({
            kind: 'ability',
            severity: 'error',
            process: '',
            pid: '-',
            securityType: type,
            ability: { monitorName, policyName, dynamic },
            argument,
            domain,
            record: `error: (pid:-) type ${type} lacks ability ${monitorName}${argument.kind === 'type-id' ? ` (${argument.typeName})` : ''} as ${domain}`,
            position: place,
          });
      }
      if (events.length === 0) return this.notUnderstood(line, 'a rule that grants no ability');
      for (const e of events) this.emit(e);
      return;
    }
    const paths = /^allow_(attach|link)\s+([A-Za-z_]\w*)\s*(\{([^{}]*)\}|([^{};]+))\s*;$/.exec(s);
    if (paths) {
      const kind = paths[1] === 'attach' ? 'attach' : 'link';
      const type = paths[2]!;
      const list = (paths[4] ?? paths[5] ?? '').trim().split(/\s+/).filter(Boolean);
      if (list.length === 0 || list.some((p) => !p.startsWith('/')))
        return this.notUnderstood(line, `an ${paths[1]!} rule whose paths this reader cannot read`);
      for (const p of list)
        this.emit({
          position: at(p),
          kind,
          severity: 'error',
          process: '',
          pid: '-',
          securityType: type,
          path: p,
          failure: { reason: 'no rule', code: 'no-rule' },
          record: `error: (pid:-) of type ${type} failed to ${paths[1]!} to path ${p}: no rule`,
        });
      return;
    }
    const connect =
      /^allow\s+(\{[^{}]*\}|[A-Za-z_]\w*)\s*(\{[^{}]*\}|[A-Za-z_]\w*)\s*:\s*channel\s+connect\s*;$/.exec(
        s,
      );
    const subjects = connect && namesOf(connect[1]!);
    const objects = connect && namesOf(connect[2]!);
    if (subjects && objects) {
      for (const type of subjects)
        for (const object of objects) {
          const typeName = object === 'self' ? type : object;
          this.emit({
            kind: 'ability',
            severity: 'error',
            process: '',
            pid: '-',
            securityType: type,
            ability: {
              monitorName: 'CHANNEL_CONNECT',
              policyName: 'channel_connect',
              dynamic: false,
            },
            argument: { kind: 'type-id', typeName },
            domain: 'root',
            record: `error: (pid:-) type ${type} lacks ability CHANNEL_CONNECT (${typeName}) as root`,
            position: { file: this.options.file, line },
          });
        }
      return;
    }
    this.notUnderstood(line, 'a rule this reader does not map to a check');
  }
}
