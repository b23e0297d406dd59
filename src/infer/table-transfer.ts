/**
 * An atom table (src/infer/atom-table.ts) packed to cross worker threads as
 * typed arrays only, every buffer transferred (moved, not copied): the
 * columns' blocks and the blocks of the failure places after the first
 * (src/infer/packed-places.ts) as they are, the first records held as text
 * in one buffer, and the few objects (families, texts, files, the shapes and
 * events held) serialized into one more. A structured clone of the table
 * would serialize a string per first record in the sending thread, while
 * the receiving thread still reads, and leave the copies as garbage after
 * the merge.
 *
 * The table must be sealed (`AtomTable.seal`: its columns cut to its rows);
 * packing hands its buffers over: the sender does not read it again.
 */
import { deserialize, serialize } from 'node:v8';
import { AtomTable, type AtomFamily, type HeldFirst } from './atom-table';
import { PlacePool } from './packed-places';

type Block = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array;

/** A table as it crosses threads (typed arrays and numbers). */
export interface PackedTable {
  size: number;
  /** 1: failure places are kept (`AtomTable.keepPlaces`). */
  keepPlaces: number;
  /** Each column's blocks, in `AtomTable.columns()` order. */
  blocks: Block[][];
  /** Per column: 1 when its narrow blocks were made wide for good (`wide`). */
  wide: Uint8Array;
  /** The failure places' pool: its blocks, slots, and 1 when its blocks are wide. */
  placeBlocks: (Uint32Array | Float64Array)[];
  placeSlots: number;
  placesWide: number;
  /** The first records held as text, one after another: latin1, or UTF-16 when `twoByte`. */
  text: Uint8Array;
  twoByte: number;
  /** Per held entry: its text's end in `text`, or -1 for an object (in `objects`). */
  textEnds: Float64Array;
  /** `serialize`d TableObjects. */
  objects: Uint8Array;
}

/** The table's objects: few (a family per (type, process, kind, object, domain), a shape per skeleton). */
interface TableObjects {
  families: AtomFamily[];
  texts: string[];
  files: string[];
  /** The held entries that are not text: [index, shape or event]. */
  held: [number, HeldFirst][];
}

/** Whether `s` has a character past U+00FF (latin1 would not hold it). */
const TWO_BYTE = /[^\u0000-\u00ff]/;

/** `t` (sealed) packed, and the buffers to transfer with it. */
export function packTable(t: AtomTable): { packed: PackedTable; transfer: ArrayBuffer[] } {
  const columns = t.columns();
  const blocks = columns.map((c) => [...c.blocks] as Block[]);
  const wide = Uint8Array.from(columns, (c) => ('wide' in c && c.wide ? 1 : 0));
  const held: [number, HeldFirst][] = [];
  const twoByte = t.held.some((h) => typeof h === 'string' && TWO_BYTE.test(h));
  const width = twoByte ? 2 : 1;
  const textEnds = new Float64Array(t.held.length);
  let end = 0;
  t.held.forEach((h, i) => {
    if (typeof h === 'string') end += h.length * width;
    else held.push([i, h]);
    textEnds[i] = typeof h === 'string' ? end : -1;
  });
  const text = new Uint8Array(end);
  const into = Buffer.from(text.buffer, 0, end);
  let at = 0;
  for (const h of t.held) {
    if (typeof h === 'string') at += into.write(h, at, twoByte ? 'utf16le' : 'latin1');
  }
  const objects: TableObjects = { families: t.families, texts: t.texts, files: t.files, held };
  const packed: PackedTable = {
    size: t.size,
    keepPlaces: t.keepPlaces ? 1 : 0,
    blocks,
    wide,
    placeBlocks: [...t.places.blocks],
    placeSlots: t.places.slots,
    placesWide: t.places.wide ? 1 : 0,
    text,
    twoByte: twoByte ? 1 : 0,
    textEnds,
    objects: owned(serialize(objects)),
  };
  const transfer = [
    ...t.buffers(),
    ...t.places.buffers(),
    text.buffer,
    textEnds.buffer,
    wide.buffer,
    packed.objects.buffer,
  ] as ArrayBuffer[];
  return { packed, transfer };
}

/** The table `packed` holds (its blocks taken as they are). */
export function unpackTable(packed: PackedTable): AtomTable {
  const t = new AtomTable();
  t.columns().forEach((c, i) => {
    c.blocks = packed.blocks[i]! as typeof c.blocks;
    if ('wide' in c) c.wide = packed.wide[i] === 1;
  });
  const objects = deserialize(packed.objects) as TableObjects;
  for (const f of objects.families) t.families.push(f);
  for (const s of objects.texts) t.texts.push(s);
  for (const f of objects.files) t.files.push(f);
  const text = Buffer.from(packed.text.buffer, packed.text.byteOffset, packed.text.byteLength);
  const encoding = packed.twoByte === 1 ? 'utf16le' : 'latin1';
  let start = 0;
  for (let i = 0; i < packed.textEnds.length; i++) {
    const end = packed.textEnds[i]!;
    if (end < 0) {
      t.held.push(undefined as unknown as HeldFirst);
      continue;
    }
    t.held.push(text.toString(encoding, start, end));
    start = end;
  }
  for (const [i, h] of objects.held) t.held[i] = h;
  const places = new PlacePool();
  places.blocks = packed.placeBlocks;
  places.slots = packed.placeSlots;
  places.wide = packed.placesWide === 1;
  t.receiveRows(packed.size, places, packed.keepPlaces === 1);
  return t;
}

/** `b` as a Uint8Array owning its buffer whole (a Buffer may be a slice of a shared pool). */
export function owned(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : b.slice();
}
