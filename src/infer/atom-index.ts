/**
 * The review tally's index of atoms: by family key (type, process, kind,
 * object and domain joined by NUL), then by value text. A family's first
 * atom is held alone; a Map of its atoms by value comes with its second.
 *
 * Why two levels: an index keyed by family key and value together paid a key
 * string per atom (the family's fields again), and the review fast lane built
 * that key for every record it counted (a string joined, flattened and hashed
 * per look-up). Here the lane looks up its skeleton's family key (one string,
 * hashed once) and then the record's short value text; the inner Map's keys
 * are the atoms' own value strings. A trace of a million distinct types pays
 * one entry per family, as before (no Map for a family of one atom).
 */

/** What the index holds: atoms, each with its value text (review-tally.ts's TalliedAtom). */
interface Valued {
  readonly value: string;
}

export class AtomIndex<A extends Valued> {
  private readonly families = new Map<string, A | Map<string, A>>();

  /** The atom of family key `family` and value text `value`, if held. */
  get(family: string, value: string): A | undefined {
    const f = this.families.get(family);
    if (f === undefined) return undefined;
    if (f instanceof Map) return f.get(value);
    return f.value === value ? f : undefined;
  }

  /** Holds `a` (family key `family`) in place of any atom of its family and value. */
  set(family: string, a: A): void {
    const f = this.families.get(family);
    if (f === undefined) this.families.set(family, a);
    else if (f instanceof Map) f.set(a.value, a);
    else if (f.value === a.value) this.families.set(family, a);
    else
      this.families.set(
        family,
        new Map([
          [f.value, f],
          [a.value, a],
        ]),
      );
  }

  /** Every atom held, by family in first-set order, then value in first-set order. */
  *values(): IterableIterator<A> {
    for (const f of this.families.values()) {
      if (f instanceof Map) yield* f.values();
      else yield f;
    }
  }

  clear(): void {
    this.families.clear();
  }
}
