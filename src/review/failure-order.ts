/**
 * The order `check` prints its failures in, found without an object per
 * atom: each failing atom's first failure place as a file rank and a line in
 * typed arrays, then a sort of indices.
 */
import { byPlace } from '../diagnostics/first-by-place';
import { atomPlaces, type ReviewSummary } from '../infer/review-tally';

/**
 * The indices of the atoms with failures, ordered by their first failure
 * place as `byPlace` orders places (file, then line); atoms of one place in
 * their order in `atoms` (what a stable sort of them by place gives).
 * Reads the atoms through `length` and `at` only.
 */
export function failurePlaceOrder(atoms: ReviewSummary['atoms']): Uint32Array {
  const n = atoms.length;
  const atomAt = new Uint32Array(n);
  const fileOf = new Uint32Array(n);
  // A line as a double: exact past 2^32, which a Uint32Array would wrap.
  const lineOf = new Float64Array(n);
  const fileIds = new Map<string, number>();
  let m = 0;
  for (let i = 0; i < n; i++) {
    const a = atoms.at(i)!;
    if (a.failures === 0) continue;
    const p = a.failurePlaces[0] ?? atomPlaces(a)[0]!;
    let id = fileIds.get(p.file);
    if (id === undefined) fileIds.set(p.file, (id = fileIds.size));
    atomAt[m] = i;
    fileOf[m] = id;
    lineOf[m] = p.line;
    m++;
  }
  const rank = new Uint32Array(fileIds.size);
  [...fileIds.keys()]
    .sort((x, y) => byPlace({ file: x, line: 0 }, { file: y, line: 0 }))
    .forEach((file, r) => (rank[fileIds.get(file)!] = r));
  for (let k = 0; k < m; k++) fileOf[k] = rank[fileOf[k]!]!;
  const order = new Uint32Array(m);
  for (let k = 0; k < m; k++) order[k] = k;
  // The index breaks ties: the order does not rest on the sort being stable.
  order.sort((x, y) => fileOf[x]! - fileOf[y]! || lineOf[x]! - lineOf[y]! || x - y);
  for (let k = 0; k < m; k++) order[k] = atomAt[order[k]!]!;
  return order;
}
