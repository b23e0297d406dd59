/**
 * Tests of KeyMemory: the same answers as a Set of the same keys, forgotten
 * oldest first, over numbers of every size the filter makes, strings among
 * them, and tables and rings that grow, wrap and empty.
 */
import { KeyMemory } from './key-memory';

/** A Set used as MonitorFilter used one: the reference. */
function forgetFromSet(set: Set<number | string>, n: number): void {
  let dropped = 0;
  for (const key of set) {
    if (dropped++ === n) break;
    set.delete(key);
  }
}

/** A deterministic generator (xorshift32): the same operations on every run. */
function numbers(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

describe('KeyMemory', () => {
  test('answers as a Set over random adds, forgets and clears, numbers and strings mixed', () => {
    const random = numbers(12345);
    const memory = new KeyMemory();
    const set = new Set<number | string>();
    // Few distinct keys, so many are asked again; numbers past 2^32 and 2^52 too.
    const key = (): number | string => {
      const r = random();
      const k = Math.floor(random() * 3000);
      if (r < 0.05) return `s${k}`;
      if (r < 0.5) return k;
      if (r < 0.8) return k * 4294967296 + 7;
      return Number.MAX_SAFE_INTEGER - k;
    };
    let wrong = 0;
    for (let step = 0; step < 100_000; step++) {
      const op = random();
      if (op < 0.002) {
        const n = Math.floor(random() * (set.size + 2));
        memory.forgetOldest(n);
        forgetFromSet(set, n);
      } else if (op < 0.0022) {
        memory.clear();
        set.clear();
      } else {
        const k = key();
        const has = set.has(k);
        if (memory.has(k) !== has) wrong++;
        if (memory.add(k) === has) wrong++;
        set.add(k);
      }
      if (memory.size !== set.size) wrong++;
    }
    for (const k of set) if (!memory.has(k)) wrong++;
    expect(wrong).toBe(0);
    expect(set.size).toBeGreaterThan(1000);
  });

  test('forgets in insertion order across strings and numbers', () => {
    const memory = new KeyMemory();
    const keys = [1, 'a', 2 ** 40, 'b', 0, 3];
    for (const k of keys) memory.add(k);
    memory.forgetOldest(2);
    expect(keys.map((k) => memory.has(k))).toEqual([false, false, true, true, true, true]);
    memory.add(1);
    memory.forgetOldest(4);
    expect(keys.map((k) => memory.has(k))).toEqual([true, false, false, false, false, false]);
    expect(memory.size).toBe(1);
  });

  test('keys that share their low 32 bits are told apart', () => {
    const memory = new KeyMemory();
    for (let hi = 0; hi < 1000; hi++) memory.add(hi * 4294967296 + 5);
    expect(memory.has(1000 * 4294967296 + 5)).toBe(false);
    memory.forgetOldest(500);
    for (let hi = 0; hi < 1000; hi++) expect(memory.has(hi * 4294967296 + 5)).toBe(hi >= 500);
  });
});
