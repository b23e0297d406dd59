/**
 * A shard's result (src/infer/shard-learner.ts) as a worker thread posts it:
 * typed arrays only, every buffer transferred. The review atoms' table is
 * packed (src/infer/table-transfer.ts); the rest (counts, the first lines
 * not understood and records of unknown form, requirements when learning)
 * is serialized into one buffer.
 */
import { deserialize, serialize } from 'node:v8';
import type { ShardResult } from './shard-learner';
import { AtomRows } from './review-tally';
import { owned, packTable, unpackTable, type PackedTable } from './table-transfer';

/** What crosses: typed arrays and numbers. */
export interface PackedShard {
  /** The result `serialize`d, its review atoms left out when packed below. */
  result: Uint8Array;
  atoms: PackedTable | undefined;
  /** The atoms' order (AtomRows.order), when not their rows'. */
  order: Int32Array | undefined;
}

/** `r` packed, and the buffers to transfer with it (`r` is not read again). */
export function packShardResult(r: ShardResult): { packed: PackedShard; transfer: ArrayBuffer[] } {
  const rows = r.review?.atoms instanceof AtomRows ? r.review.atoms : undefined;
  if (rows === undefined) {
    const result = owned(serialize(r));
    return {
      packed: { result, atoms: undefined, order: undefined },
      transfer: [result.buffer as ArrayBuffer],
    };
  }
  const table = packTable(rows.table);
  const result = owned(serialize({ ...r, review: { ...r.review, atoms: [] } }));
  const transfer = [...table.transfer, result.buffer as ArrayBuffer];
  if (rows.order !== undefined) transfer.push(rows.order.buffer as ArrayBuffer);
  return { packed: { result, atoms: table.packed, order: rows.order }, transfer };
}

/** The result `packed` holds. */
export function unpackShardResult(packed: PackedShard): ShardResult {
  const r = deserialize(packed.result) as ShardResult;
  if (packed.atoms !== undefined && r.review !== undefined) {
    r.review.atoms = new AtomRows(unpackTable(packed.atoms), packed.order);
  }
  return r;
}
