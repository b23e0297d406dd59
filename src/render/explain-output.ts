/**
 * Printing `explain`'s explanation (src/review/explain.ts): plain text (a
 * heading per reason, then per failure its why, the rule that would allow it,
 * the consulted rules and the hint) and the JSON document (schema
 * `secpol-learn/explain`). Rules are printed by the policy printer.
 */
import type { Statement } from '../policy/ast';
import { printRuleLine } from '../policy/print';
import {
  EXPLAIN_SCHEMA_VERSION,
  type ExplainStep,
  type ExplainedFailure,
  type Explanation,
  type PlacedRule,
} from '../review/explain';
import { escapeJsonControls } from '../diagnostics/safe-text';
import type { ByteSink } from './check-output';

/** Plain-text explanation: a heading per reason, then per failure its why, rule, consulted rules and hint. */
export function explainText(x: Explanation): string {
  const out: string[] = [];
  for (const s of x.sections) {
    out.push(explainHeading(s.title, s.failures.length));
    for (const f of s.failures) out.push(explainFailureText(f));
    out.push('');
  }
  if (x.sections.length === 0) out.push('no failures recorded in the traces', '');
  return out.join('\n');
}

/**
 * `explainText`'s lines as `explainSteps` (src/review/explain.ts) yields the
 * explanation, each failure handed on as it is, for `ExplainFailureBytes` to
 * write (`writeRows`, src/cli/write-lines.ts): the same bytes once each line
 * is ended by a newline (a failure's lines are `explainFailureText`'s).
 * Returns the number of failure groups.
 */
export function* explainTextRows(
  steps: Generator<ExplainStep, number, undefined>,
): Generator<string | ExplainedFailure, number, undefined> {
  let sections = 0;
  let step = steps.next();
  for (; !step.done; step = steps.next()) {
    const x = step.value;
    if (x.kind === 'failure') yield x.failure;
    else {
      // A blank line between sections.
      if (sections++ > 0) yield '';
      yield explainHeading(x.title, x.count);
    }
  }
  if (sections === 0) yield 'no failures recorded in the traces';
  return step.value;
}

/** A section's heading line in text (explainText; streamed by `explain`). */
export function explainHeading(title: string, count: number): string {
  return `== ${title} (${count}) ==`;
}

/**
 * Rule lines by statement, and each as its text line: `explain` shares one
 * statement, frozen, among the failures a rule naming no value allows
 * (src/review/rule-for.ts, `ruleMemo`), so it is printed once; a rule built
 * per record is printed as it comes. Weak: held as long as the statement is.
 */
const ruleLines = new WeakMap<Statement, { line: string; text: string }>();

function ruleTexts(rule: Statement): { line: string; text: string } | undefined {
  if (!Object.isFrozen(rule)) return undefined;
  let made = ruleLines.get(rule);
  if (made === undefined) {
    const line = printRuleLine(rule);
    ruleLines.set(rule, (made = { line, text: `\n  rule that would allow it: ${line}` }));
  }
  return made;
}

/** A rule's line as the policy printer prints it (the text, JSON and markdown of `explain`). */
export function ruleLine(rule: Statement): string {
  return ruleTexts(rule)?.line ?? printRuleLine(rule);
}

/** A rule's line in a failure's text, after a newline. */
function ruleText(rule: Statement): string {
  return ruleTexts(rule)?.text ?? `\n  rule that would allow it: ${printRuleLine(rule)}`;
}

/**
 * The text lines of one explained failure, joined by newlines (explainText;
 * streamed by `explain`): one string built as it goes, no array of lines to
 * join. The consulted lines of a verdict's list are made once per list (a
 * family's verdict is shared by its atoms).
 */
export function explainFailureText(f: ExplainedFailure): string {
  let text = `${f.file}:${f.line}: ${f.process} (${f.type}) ${f.access}`;
  if (f.count > 1) text += ` (${f.count} records)`;
  text += `\n  why: ${f.why}`;
  if (f.rule) text += ruleText(f.rule);
  if (f.reason !== 'allowed-now') text += consultedText(f);
  if (f.hint) text += `\n  hint: ${f.hint}`;
  return text;
}

/**
 * The consulted lines of a shared (frozen) list, made from the list alone:
 * src/review/explain.ts shares and freezes a family's list. Weak: held as
 * long as the list is.
 */
const consultedTexts = new WeakMap<readonly PlacedRule[], string>();

/** `f`'s consulted lines, each after a newline. */
function consultedText(f: ExplainedFailure): string {
  let text: string;
  if (f.consulted.length === 0) text = `\n  consulted: none (no rule of ${f.type} for this access)`;
  else {
    const shared = Object.isFrozen(f.consulted);
    const made = shared ? consultedTexts.get(f.consulted) : undefined;
    if (made !== undefined) text = made;
    else {
      text = '';
      for (const c of f.consulted)
        text += `\n  consulted: ${c.file}:${c.line}:${c.column} ${c.summary}`;
      if (shared) consultedTexts.set(f.consulted, text);
    }
  }
  if (f.moreConsulted)
    text += `\n  consulted: ${f.moreConsulted} more rule(s) of ${f.type}, not listed`;
  return text;
}

/** Where `ExplainFailureBytes` writes: `ByteSink`'s bytes and numbers, and strings encoded as UTF-8. */
export interface TextSink extends ByteSink {
  text(text: string): void;
}

const COLON = Buffer.from(':');
const COLON_SPACE = Buffer.from(': ');
const OPEN = Buffer.from(' (');
const TIMES_CLOSE = Buffer.from(' records)');
const WHY = Buffer.from('\n  why: ');
const HINT = Buffer.from('\n  hint: ');
const RULE = Buffer.from('\n  rule that would allow it: ');

/** How many names `HeldBytes` keeps the bytes of; past them a name is encoded per use. */
const MAX_HELD_NAMES = 1024;

/**
 * Names (processes, types), or a text made of each, written as UTF-8, the bytes of the first
 * MAX_HELD_NAMES met made once: a trace decides how many there are.
 */
class HeldBytes {
  private readonly held = new Map<string, Buffer>();

  /** `text`: what is written for a name (the name itself unless given). */
  constructor(private readonly text: (name: string) => string = (name) => name) {}

  write(name: string, sink: TextSink): void {
    let bytes = this.held.get(name);
    if (bytes === undefined && this.held.size < MAX_HELD_NAMES)
      this.held.set(name, (bytes = Buffer.from(this.text(name))));
    if (bytes === undefined) sink.text(this.text(name));
    else sink.bytes(bytes);
  }
}

/**
 * A failure's text (`explainFailureText`, without its last newline) written
 * as UTF-8 into a sink, with no string made for the whole: the pieces a
 * family or a run shares (the file name, the why of a shared verdict, the
 * line of a shared rule, the consulted lines of a shared list) encoded once,
 * the numbers written as digits, the rest encoded piece by piece. The same
 * bytes as the text's UTF-8: every piece meets the next at an ASCII
 * character (a line's start or a literal), so no surrogate pair is split.
 */
export class ExplainFailureBytes {
  private file = '';
  private fileBytes = Buffer.alloc(0);
  private why = '';
  private whyBytes: Buffer | undefined = undefined;
  /** A process name and the ` (` after it; a type name and the `) ` after it: a run has few. */
  private readonly processes = new HeldBytes((name) => `${name} (`);
  private readonly types = new HeldBytes((name) => `${name}) `);
  /** The consulted line of a failure with no rule consulted, by its type (`consultedText`). */
  private readonly noRules = new HeldBytes(
    (type) => `\n  consulted: none (no rule of ${type} for this access)`,
  );
  /** The bytes of a shared rule's line and of a shared consulted list's lines (`ruleTexts`, `consultedText`). */
  private readonly shared = new WeakMap<object, Buffer>();

  write(f: ExplainedFailure, sink: TextSink): void {
    if (f.file !== this.file) {
      this.file = f.file;
      this.fileBytes = Buffer.from(f.file);
    }
    sink.bytes(this.fileBytes);
    sink.bytes(COLON);
    sink.decimal(f.line);
    sink.bytes(COLON_SPACE);
    this.processes.write(f.process, sink);
    this.types.write(f.type, sink);
    sink.text(f.access);
    if (f.count > 1) {
      sink.bytes(OPEN);
      sink.decimal(f.count);
      sink.bytes(TIMES_CLOSE);
    }
    // Failures of one verdict often come in runs: a why met twice running is encoded once (with
    // its line's start) for the rest of its run (a why met once, a verdict's per atom, is
    // encoded as it comes).
    if (f.why !== this.why) {
      this.why = f.why;
      this.whyBytes = undefined;
      sink.bytes(WHY);
      sink.text(f.why);
    } else sink.bytes((this.whyBytes ??= Buffer.from(`\n  why: ${f.why}`)));
    if (f.rule) {
      if (Object.isFrozen(f.rule)) sink.bytes(this.sharedBytes(f.rule, ruleText));
      else {
        sink.bytes(RULE);
        sink.text(printRuleLine(f.rule));
      }
    }
    if (f.reason !== 'allowed-now') {
      if (f.consulted.length === 0 && !f.moreConsulted) this.noRules.write(f.type, sink);
      else if (f.consulted.length > 0 && !f.moreConsulted && Object.isFrozen(f.consulted)) {
        let bytes = this.shared.get(f.consulted);
        if (bytes === undefined)
          this.shared.set(f.consulted, (bytes = Buffer.from(consultedText(f))));
        sink.bytes(bytes);
      } else sink.text(consultedText(f));
    }
    if (f.hint) {
      sink.bytes(HINT);
      sink.text(f.hint);
    }
  }

  /** `text()`'s bytes for shared (frozen) `key`, made once. */
  private sharedBytes<K extends object>(key: K, text: (key: K) => string): Buffer {
    let bytes = this.shared.get(key);
    if (bytes === undefined) this.shared.set(key, (bytes = Buffer.from(text(key))));
    return bytes;
  }
}

/** The JSON document of `explain --format json`. */
export function explainJson(x: Explanation): string {
  // Rules are printed by the policy printer, on one line.
  const sections = x.sections.map((s) => ({
    ...s,
    failures: s.failures.map((f) => (f.rule ? { ...f, rule: printRuleLine(f.rule) } : f)),
  }));
  return `${escapeJsonControls(JSON.stringify({ schema: 'secpol-learn/explain', schemaVersion: EXPLAIN_SCHEMA_VERSION, ...x, sections }, null, 2))}\n`;
}

/** What the JSON document says before its sections. */
export type ExplainHead = Omit<Explanation, 'sections'>;

/** A value as `explainJson` prints it, at the outermost indent. */
function jsonText(value: unknown): string {
  return escapeJsonControls(JSON.stringify(value, null, 2));
}

/**
 * A failure's text as `explainJson` prints it, inside a section inside the
 * document's `sections` (eight spaces in). JSON.stringify indents a value by
 * its depth, so the failure is stringified at that depth inside a frame
 * (`FRAME_HEAD`, `FRAME_TAIL`) and cut out of it: no second pass over the
 * text to indent it.
 */
function failureJson(f: ExplainedFailure): string {
  const framed = JSON.stringify(
    { s: [{ f: [f.rule ? { ...f, rule: ruleLine(f.rule) } : f] }] },
    null,
    2,
  );
  return escapeJsonControls(framed.slice(FRAME_HEAD.length, framed.length - FRAME_TAIL.length));
}

/** What JSON.stringify prints of `failureJson`'s frame before and after the failure. */
const FRAME_HEAD = '{\n  "s": [\n    {\n      "f": [\n';
const FRAME_TAIL = '\n      ]\n    }\n  ]\n}';

/**
 * `explainJson`'s text as `explainSteps` (src/review/explain.ts) yields the
 * explanation, for `writeLines` (src/cli/write-lines.ts): the same bytes once
 * each piece is ended by a newline, no failure held after it is printed
 * (each stringified at its depth: `failureJson`). Returns the number of
 * failure groups.
 */
export function* explainJsonLines(
  steps: Generator<ExplainStep, number, undefined>,
  head: ExplainHead,
): Generator<string, number, undefined> {
  // The document with no sections, cut where they go: it ends `"sections": []\n}`.
  const empty = jsonText({
    schema: 'secpol-learn/explain',
    schemaVersion: EXPLAIN_SCHEMA_VERSION,
    traceFiles: head.traceFiles,
    policyFiles: head.policyFiles,
    failures: head.failures,
    sections: [],
  });
  const open = empty.slice(0, -'[]\n}'.length);
  let sections = 0;
  // Failures left in the section: the last takes no comma.
  let left = 0;
  let step = steps.next();
  for (; !step.done; step = steps.next()) {
    const x = step.value;
    if (x.kind === 'failure') {
      const f = x.failure;
      yield --left > 0 ? `${failureJson(f)},` : failureJson(f);
      continue;
    }
    // The section before this one is closed here: only now is it known not to be the last.
    yield sections++ === 0 ? `${open}[` : '      ]\n    },';
    yield `    {\n      "reason": ${jsonText(x.reason)},\n      "title": ${jsonText(x.title)},\n      "failures": [`;
    left = x.count;
  }
  yield sections === 0 ? empty : '      ]\n    }\n  ]\n}';
  return step.value;
}
