/**
 * A shard's result (src/infer/shard-learner.ts) as a worker thread posts it:
 * typed arrays only, every buffer transferred. The review atoms' table is
 * packed (src/infer/table-transfer.ts); the ability values a shard hands
 * over as numbers (`ShardResult.values`) are its bounds in one Float64Array;
 * the rest (counts, the first lines not understood and records of unknown
 * form, requirements when learning, the values' keys) is serialized into one
 * buffer.
 */
import { deserialize, serialize } from 'node:v8';
import type { ShardResult } from './shard-learner';
import { AtomRows } from './review-tally';
import { owned, packTable, unpackTable, type PackedTable } from './table-transfer';
import { ValueSet, type Bound, type RequirementValues } from './value-set';

/** What crosses: typed arrays and numbers. */
export interface PackedShard {
  /** The result `serialize`d (a SerializedShard), its review atoms and values left out when packed below. */
  result: Uint8Array;
  atoms: PackedTable | undefined;
  /** The atoms' order (AtomRows.order), when not their rows'. */
  order: Int32Array | undefined;
  /** The values, when the result has them. */
  values: PackedValues | undefined;
}

/** A shard's values (RequirementValues) as numbers, each set in the order of its key. */
interface PackedValues {
  /** Per key, two sets (seen, denied): -1 when whole, else how many intervals. */
  counts: Int32Array;
  /** The intervals' bounds, start then end; NaN for a BigInt bound (the next of `big`). */
  bounds: Float64Array;
}

/** What `PackedShard.result` holds. */
interface SerializedShard {
  result: ShardResult;
  /** The values' keys, in `PackedValues` order. */
  keys: string[];
  /** The BigInt bounds (decimals of more than 15 digits: `toBound`), in order. */
  big: bigint[];
}

/** `r` packed, and the buffers to transfer with it (`r` is not read again). */
export function packShardResult(r: ShardResult): { packed: PackedShard; transfer: ArrayBuffer[] } {
  const rows = r.review?.atoms instanceof AtomRows ? r.review.atoms : undefined;
  const keys: string[] = [];
  const big: bigint[] = [];
  const values = r.values && packValues(r.values, keys, big);
  const transfer: ArrayBuffer[] =
    values === undefined
      ? []
      : [values.counts.buffer as ArrayBuffer, values.bounds.buffer as ArrayBuffer];
  const { values: _packedApart, ...rest } = r;
  if (rows === undefined) {
    const result = owned(serialize({ result: rest, keys, big } satisfies SerializedShard));
    transfer.push(result.buffer as ArrayBuffer);
    return { packed: { result, atoms: undefined, order: undefined, values }, transfer };
  }
  const table = packTable(rows.table);
  const result = owned(
    serialize({
      result: { ...rest, review: { ...r.review!, atoms: [] } },
      keys,
      big,
    } satisfies SerializedShard),
  );
  const all = [...transfer, ...table.transfer, result.buffer as ArrayBuffer];
  if (rows.order !== undefined) all.push(rows.order.buffer as ArrayBuffer);
  return { packed: { result, atoms: table.packed, order: rows.order, values }, transfer: all };
}

/** The result `packed` holds. */
export function unpackShardResult(packed: PackedShard): ShardResult {
  const { result: r, keys, big } = deserialize(packed.result) as SerializedShard;
  if (packed.values !== undefined) r.values = unpackValues(packed.values, keys, big);
  if (packed.atoms !== undefined && r.review !== undefined) {
    r.review.atoms = new AtomRows(unpackTable(packed.atoms), packed.order);
  }
  return r;
}

/** `values` as numbers; their keys pushed to `keys`, their BigInt bounds to `big`. */
function packValues(values: RequirementValues, keys: string[], big: bigint[]): PackedValues {
  const counts = new Int32Array(2 * values.size);
  let n = 0;
  for (const v of values.values()) {
    n += v.values.bounds().starts.length + v.denied.bounds().starts.length;
  }
  const bounds = new Float64Array(2 * n);
  let at = 0;
  let set = 0;
  const put = (b: Bound): void => {
    if (typeof b === 'bigint') {
      big.push(b);
      bounds[at++] = NaN;
    } else bounds[at++] = b;
  };
  for (const [key, v] of values) {
    keys.push(key);
    for (const s of [v.values, v.denied]) {
      const { starts, ends } = s.bounds();
      counts[set++] = s.whole ? -1 : starts.length;
      for (let i = 0; i < starts.length; i++) {
        put(starts[i]!);
        put(ends[i]!);
      }
    }
  }
  return { counts, bounds };
}

/** The values `packValues` packed. */
function unpackValues(packed: PackedValues, keys: string[], big: bigint[]): RequirementValues {
  const values: RequirementValues = new Map();
  let at = 0;
  let nextBig = 0;
  const take = (): Bound => {
    const b = packed.bounds[at++]!;
    return Number.isNaN(b) ? big[nextBig++]! : b;
  };
  const set = (count: number): ValueSet => {
    const starts: Bound[] = [];
    const ends: Bound[] = [];
    for (let i = 0; i < count; i++) {
      starts.push(take());
      ends.push(take());
    }
    return ValueSet.of(count < 0, starts, ends);
  };
  keys.forEach((key, i) => {
    const seen = set(packed.counts[2 * i]!);
    values.set(key, { values: seen, denied: set(packed.counts[2 * i + 1]!) });
  });
  return values;
}
