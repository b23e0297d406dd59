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

/** True for a line that decides the reader: not blank, not a `#` comment. */
function meaningful(raw: string): boolean {
  const line = clean(raw).trim();
  return line !== '' && !line.startsWith('#');
}

/** The line without a byte-order mark (read as Latin-1 or UTF-16) and CR. */
function clean(raw: string): string {
  return raw.replace(/^(?:\uFEFF|\xEF\xBB\xBF)/, '').replace(/\r$/, '');
}

/**
 * True when the first line of `bytes` that decides the reader (as
 * TraceInputParser decides) starts secpolgenerate output. The threaded
 * readers ask before cutting an input into pieces: secpolgenerate's rules
 * span lines, so such an input is read whole, by one parser.
 */
export function startsAsSecpolgenerate(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, DECIDE_BYTES))
    .toString('latin1')
    .split('\n');
  // The last piece may be a cut line: judged only when it is all there is.
  const whole = text.length > 1 ? text.slice(0, -1) : text;
  const first = whole.find(meaningful);
  return first !== undefined && isSecpolgenerateStart(clean(first));
}

export class TraceInputParser implements Reader {
  private held: Buffer[] = [];
  private size = 0;
  /** The line not yet ended, while undecided (at most DECIDE_BYTES). */
  private partial = '';
  private reader: Reader | undefined;

  constructor(private readonly options: PushParserOptions) {}

  feed(chunk: Buffer): void {
    if (this.reader) return this.reader.feed(chunk);
    // The source may reuse a chunk's memory (read-chunks.ts): what is held is copied.
    this.held.push(Buffer.from(chunk));
    this.size += chunk.length;
    // Each byte is looked at once: complete lines are judged as they arrive, the partial one kept.
    const text = chunk.toString('latin1');
    if (!text.includes('\n')) this.partial += text;
    else {
      const lines = (this.partial + text).split('\n');
      this.partial = lines.pop()!;
      for (const line of lines) if (meaningful(line)) return this.decide(clean(line));
    }
    if (this.size >= DECIDE_BYTES) this.decide('');
  }

  end(): TraceSummary {
    if (!this.reader) this.decide(meaningful(this.partial) ? clean(this.partial) : '');
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
    this.partial = '';
    for (const c of held) this.reader.feed(c);
  }
}
