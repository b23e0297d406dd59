/**
 * A 2-space JSON document (`JSON.stringify(doc, null, 2)` through
 * `escapeJsonControls`) as lines, some of its arrays read one item at a time:
 * the document is never one string, and an array's items are made as they
 * are written (`check`'s JSON and SARIF hold hundreds of thousands).
 */
import { escapeJsonControls } from '../diagnostics/safe-text';

/** An array of a document, given as its items, placed in the document as `[]` under `key`. */
export interface StreamedArray {
  /** The key whose value in the document is `[]`: once at `depth`, as its `[]` nowhere else. */
  key: string;
  /** Its key's nesting in the document: 1 for a key of the top object. */
  depth: number;
  items: Iterable<unknown>;
}

/**
 * The lines (no newline) of `escapeJsonControls(JSON.stringify(doc, null,
 * 2))` where each `arrays` key's `[]` holds its items instead, in the order
 * the keys appear in the document. Only structure puts a newline and
 * indentation before a key (a string's newline is escaped), so the place of
 * each `[]` is found in the text.
 */
export function* prettyJsonLines(
  doc: object,
  arrays: readonly StreamedArray[],
): Generator<string, void, undefined> {
  const text = escapeJsonControls(JSON.stringify(doc, null, 2));
  const places = arrays
    .map((a) => {
      const indent = ' '.repeat(2 * a.depth);
      const at = text.indexOf(`\n${indent}${JSON.stringify(a.key)}: []`);
      if (at < 0) throw new Error(`prettyJsonLines: no empty array under ${a.key}`);
      return { a, indent, at };
    })
    .sort((x, y) => x.at - y.at);
  // The text not yet written: `pending`, then the text from `from` on.
  let pending = '';
  let from = 0;
  for (const { a, indent, at } of places) {
    const items = a.items[Symbol.iterator]();
    let next = items.next();
    // An empty array stays the document's `[]`.
    if (next.done) continue;
    yield* (pending + text.slice(from, at)).split('\n');
    const open = `${indent}${JSON.stringify(a.key)}: [`;
    yield open;
    const inner = `\n${indent}  `;
    for (;;) {
      const json = escapeJsonControls(JSON.stringify(next.value, null, 2));
      const item = `${indent}  ${json.replace(/\n/g, inner)}`;
      next = items.next();
      if (next.done) {
        yield item;
        break;
      }
      yield `${item},`;
    }
    // The document goes on after the `[]`, from the closing bracket on a line of its own.
    pending = `${indent}]`;
    from = at + 1 + open.length + 1;
  }
  yield* (pending + text.slice(from)).split('\n');
}
