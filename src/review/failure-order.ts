/**
 * The order `check` prints its failures in, found without an object per
 * atom: each failing atom's first failure place as a file rank and a line in
 * typed arrays, then a sort of indices: by line alone (a radix sort,
 * `sortedByKey`) when every failure is in one file and every line is a
 * Uint32, else by file rank and line (runs merged in one more typed array,
 * `sortedIndices`; both in src/infer/sorted-indices.ts). The arrays are sized by the failing atoms
 * alone (counted first), and the one for lines holds the atoms' indices once
 * the sort is done, so the order costs at most 24 B per failing atom while
 * it is built (the sort's bounds as many as its runs) and 4 B after (docs/performance.md, "check's memory").
 */
import { fileRanks } from '../diagnostics/first-by-place';
import { AtomRows, atomPlaces, type ReviewSummary } from '../infer/review-tally';
import { sortedByKey, sortedIndices } from '../infer/sorted-indices';

/** A failing atom's first failure place: (file name, line), read from its table when it has one. */
interface FailurePlaces {
  /** Whether atom `i` has failures. */
  fails(i: number): boolean;
  /** Atom `i`'s first failure place (a failing atom's), its file as an id into `files`. */
  file(i: number): number;
  line(i: number): number;
  /** File names by id (no name twice). */
  files: readonly string[];
}

/**
 * The indices of the atoms with failures, ordered by their first failure
 * place as `byPlace` orders places (file, then line); atoms of one place in
 * their order in `atoms` (what a stable sort of them by place gives).
 * Reads the atoms through `length` and `at` only, or a table's columns.
 */
export function failurePlaceOrder(atoms: ReviewSummary['atoms']): Uint32Array {
  const n = atoms.length;
  const places = atoms instanceof AtomRows ? tablePlaces(atoms) : listPlaces(atoms);
  let m = 0;
  // Whether the failing atoms' places are of one file, each line a Uint32: the common case, sorted
  // by line alone (`byLine`).
  let file = -1;
  let byLineOnly = true;
  for (let i = 0; i < n; i++) {
    if (!places.fails(i)) continue;
    m++;
    if (!byLineOnly) continue;
    const f = places.file(i);
    const line = places.line(i);
    if (file < 0) file = f;
    if (f !== file || line >>> 0 !== line) byLineOnly = false;
  }
  if (byLineOnly) return byLine(places, n, m);
  const fileOf = new Uint32Array(m);
  // A line as a double: exact past 2^32, which a Uint32Array would wrap.
  const lineOf = new Float64Array(m);
  for (let i = 0, k = 0; i < n; i++) {
    if (!places.fails(i)) continue;
    fileOf[k] = places.file(i);
    lineOf[k] = places.line(i);
    k++;
  }
  // Files ranked by name once their ids are all known (a list's are given as met).
  const rank = fileRanks(places.files);
  for (let k = 0; k < m; k++) fileOf[k] = rank[fileOf[k]!]!;
  const indices = new Uint32Array(m);
  for (let k = 0; k < m; k++) indices[k] = k;
  // The index breaks ties (the sort is stable as well). Merged runs in typed arrays (sortedIndices),
  // not `Uint32Array.sort`, which copies the order into heap arrays.
  const order = sortedIndices(
    indices,
    (x, y) => fileOf[x]! - fileOf[y]! || lineOf[x]! - lineOf[y]! || x - y,
  );
  // The lines are read: their array holds the kth failing atom's index instead.
  const atomAt = lineOf;
  for (let i = 0, k = 0; i < n; i++) if (places.fails(i)) atomAt[k++] = i;
  for (let k = 0; k < m; k++) order[k] = atomAt[order[k]!]!;
  return order;
}

/**
 * `failurePlaceOrder` when the `m` failing atoms' first failure places are
 * in one file, each line a Uint32: by line, then index (`sortedByKey`, a
 * radix sort: no comparison; 12 B a failing atom while it sorts).
 */
function byLine(places: FailurePlaces, n: number, m: number): Uint32Array {
  const lines = new Uint32Array(m);
  let max = 0;
  for (let i = 0, k = 0; i < n; i++) {
    if (!places.fails(i)) continue;
    const line = places.line(i);
    lines[k++] = line;
    if (line > max) max = line;
  }
  const indices = new Uint32Array(m);
  for (let k = 0; k < m; k++) indices[k] = k;
  const order = sortedByKey(indices, (k) => lines[k]!, max);
  // The lines are read: their array holds the kth failing atom's index instead.
  const atomAt = lines;
  for (let i = 0, k = 0; i < n; i++) if (places.fails(i)) atomAt[k++] = i;
  for (let k = 0; k < m; k++) order[k] = atomAt[order[k]!]!;
  return order;
}

/** The places of a table's rows, read from its columns (no atom object made). */
function tablePlaces(rows: AtomRows): FailurePlaces {
  const t = rows.table;
  return {
    fails: (i) => t.failures.at(rows.row(i)) > 0,
    file: (i) => t.failFile.at(rows.row(i)),
    line: (i) => t.failLine.at(rows.row(i)),
    files: t.files,
  };
}

/** The places of any list's atoms (a test's, a library caller's), files given ids as met. */
function listPlaces(atoms: ReviewSummary['atoms']): FailurePlaces {
  const files: string[] = [];
  const ids = new Map<string, number>();
  const first = (i: number): { file: string; line: number } => {
    const a = atoms.at(i)!;
    return a.failurePlaces[0] ?? atomPlaces(a)[0]!;
  };
  return {
    fails: (i) => atoms.at(i)!.failures > 0,
    file: (i) => {
      const name = first(i).file;
      let id = ids.get(name);
      if (id === undefined) {
        ids.set(name, (id = files.length));
        files.push(name);
      }
      return id;
    },
    line: (i) => first(i).line,
    files,
  };
}
