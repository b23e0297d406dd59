/**
 * The trace stage's entry for one input: picks the reader by content, on the
 * first line that is not blank or a `#` comment. secpolgenerate output
 * (secpolgenerate.ts: an errors-view rule or a saved-state `type NAME`) goes to
 * SecpolgenerateParser; everything else to the secpolmonitor push parser,
 * with its fast lane. Bytes are held only until that line is whole (at most
 * DECIDE_BYTES; past that, or at the end, the monitor parser reads them).
 * Same `feed`/`end` contract as TracePushParser.
 */
import type { TraceSummary, PushParserOptions } from './push-parser';
import { TracePushParser } from './push-parser';
import { SecpolgenerateParser, isSecpolgenerateStart } from './secpolgenerate';

/** Bytes read before giving up on finding a first line and reading as a monitor trace. */
const DECIDE_BYTES = 64 * 1024;

interface Reader {
  feed(chunk: Buffer): void;
  end(): TraceSummary;
}

/** The first complete line that is not blank or a comment; undefined when none is whole yet. */
function firstLine(bytes: Buffer, ended: boolean): string | undefined {
  const head = bytes.subarray(0, DECIDE_BYTES);
  const lines = head.toString('latin1').split('\n');
  if (!ended || head.length < bytes.length) lines.pop();
  for (const raw of lines) {
    const line = raw.replace(/^(?:\uFEFF|\xEF\xBB\xBF)/, '').replace(/\r$/, '');
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    return line;
  }
  return ended ? '' : undefined;
}

export class TraceInputParser implements Reader {
  private held: Buffer[] = [];
  private size = 0;
  private reader: Reader | undefined;

  constructor(private readonly options: PushParserOptions) {}

  feed(chunk: Buffer): void {
    if (this.reader) return this.reader.feed(chunk);
    // The source may reuse a chunk's memory (read-chunks.ts): what is held is copied.
    this.held.push(Buffer.from(chunk));
    this.size += chunk.length;
    const line = firstLine(Buffer.concat(this.held), false);
    if (line === undefined && this.size < DECIDE_BYTES) return;
    this.decide(line ?? '');
  }

  end(): TraceSummary {
    if (!this.reader) this.decide(firstLine(Buffer.concat(this.held), true) ?? '');
    return this.reader!.end();
  }

  private decide(line: string): void {
    const o = this.options;
    this.reader = isSecpolgenerateStart(line)
      ? new SecpolgenerateParser({
          file: o.file,
          onEvent: o.onEvent,
          ...(o.onDiagnostic ? { onDiagnostic: o.onDiagnostic } : {}),
        })
      : new TracePushParser(o);
    const held = this.held;
    this.held = [];
    for (const c of held) this.reader.feed(c);
  }
}
