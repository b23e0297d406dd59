/**
 * The policy's verdict on a review table's atoms, judged once per family
 * where the atom's value cannot change it. A family is (type, process, kind,
 * object, domain); its atoms differ by value alone (src/infer/atom-table.ts).
 * The evaluator (src/policy/evaluate.ts) reads an ability's value only after
 * the type is declared and the ability's grants in the domain are neither
 * none, negated nor whole (grants.ts `allowsAbility`), and none of the
 * verdicts before that names the value; `channel_connect` with a type id is
 * judged by connect rules, so its families of a declared type are judged per
 * atom. Path families
 * hold one atom each: nothing to share.
 */
import type { ProcessEvent } from '../trace/event';
import type { PolicyModel } from '../policy/model/types';
import { evaluate, type Verdict } from '../policy/evaluate';
import { domainGrants } from '../policy/grants';
import { normaliseAbilityName } from '../qnx/abilities';
import type { AtomFamily, AtomTable } from '../infer/atom-table';
import { TalliedAtom } from '../infer/review-tally';

/** A family's verdict, the same for each of its atoms. */
export interface FamilyVerdict {
  readonly family: AtomFamily;
  readonly verdict: Verdict;
}

/** Whether `model` gives every atom of ability family `f` one verdict, whatever its value. */
export function valueFreeFamily(model: PolicyModel, f: AtomFamily): boolean {
  if (f.kind !== 'ability') return false;
  if (!model.types.has(f.type)) return true;
  if (f.object === 'channel_connect' || (f.domain !== 'root' && f.domain !== 'non-root'))
    return false;
  const d = domainGrants(model, f.type, f.object, f.domain);
  return (
    d === undefined || d.negation !== undefined || d.grants.length === 0 || d.whole !== undefined
  );
}

/**
 * The verdicts of one table's families, made as asked: judged from the first
 * row asked of each family of two atoms or more whose verdict the value
 * cannot change. That row's event must read as its family (type, process,
 * ability, domain), or the family is judged per atom. A family of one atom
 * is judged per atom too: nothing to share, and its verdict is not held (a
 * trace of a million distinct failures is a million such families), so the
 * verdicts held are at most half the table's rows.
 */
export class FamilyVerdicts {
  /** By family id: the verdict, `null` (judged per atom) or not yet asked. */
  private readonly byFamily: (FamilyVerdict | null | undefined)[] = [];
  /** The event `of` made last (to judge its family), and its row. */
  private made: ProcessEvent | undefined = undefined;
  private madeRow = -1;

  /** By family id: whether it holds two rows or more (0: none seen, 1: one, 2: more). */
  private readonly rows: Uint8Array;

  constructor(
    private readonly model: PolicyModel,
    private readonly table: AtomTable,
  ) {
    this.rows = new Uint8Array(table.families.length);
    for (let r = 0; r < table.size; r++) {
      const id = table.family.at(r);
      if (this.rows[id]! < 2) this.rows[id]!++;
    }
  }

  /** The verdict of row `r`'s family, or undefined when each of its atoms is judged alone. */
  of(r: number): FamilyVerdict | undefined {
    const id = this.table.family.at(r);
    let known = this.byFamily[id];
    if (known === undefined) {
      const family = this.table.families[id]!;
      const event =
        this.rows[id]! > 1 && valueFreeFamily(this.model, family) ? this.event(r) : undefined;
      this.made = event;
      this.madeRow = r;
      known =
        event !== undefined && readsAs(event, family)
          ? { family, verdict: evaluate(this.model, event) }
          : null;
      this.byFamily[id] = known;
    }
    return known ?? undefined;
  }

  /** Row `r`'s first record's event: the one `of` made last if for `r`, else a new one. */
  event(r: number): ProcessEvent {
    const made = this.madeRow === r ? this.made : undefined;
    this.made = undefined;
    this.madeRow = -1;
    return made ?? new TalliedAtom(this.table, r).event;
  }
}

/** Whether event `e` is of family `f` as the evaluator and the text of `check` read it. */
function readsAs(e: ProcessEvent, f: AtomFamily): boolean {
  return (
    e.kind === 'ability' &&
    f.kind === 'ability' &&
    e.securityType === f.type &&
    e.process === f.process &&
    e.domain === f.domain &&
    normaliseAbilityName(e.ability.policyName) === f.object
  );
}
