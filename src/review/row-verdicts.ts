/**
 * Verdicts on a review table's rows, each evaluation shared by every row it
 * answers (harden's judgement). An ability family the value cannot change
 * is judged once (family-verdicts.ts, as `check` does), and its rows need
 * no event; any other row is judged on its own and its verdict dropped once
 * read, so the verdicts are never all held. (A memo by access without the
 * process held one verdict per distinct access for the whole run: on a
 * trace of distinct values it cost more memory and CPU than it saved:
 * docs/performance.md "harden's evaluation (issue 18, seventh round)".)
 *
 * Notes in `used` the grants each verdict used, once per verdict, as
 * `judgeEvent` does per atom.
 */
import type { AbilityArgument, ProcessEvent } from '../trace/event';
import type { PolicyModel } from '../policy/model/types';
import { evaluate, type Verdict } from '../policy/evaluate';
import { normaliseAbilityName } from '../qnx/abilities';
import type { AtomTable } from '../infer/atom-table';
import { FamilyVerdicts } from './family-verdicts';
import { placeKey } from './trace-review';

export class RowVerdicts {
  private readonly families: FamilyVerdicts;
  /** The family verdicts whose grants are noted. */
  private readonly noted = new Set<Verdict>();
  /** The event `verdict` made last, and its row. */
  private made: ProcessEvent | undefined = undefined;
  private madeRow = -1;

  constructor(
    private readonly model: PolicyModel,
    table: AtomTable,
    private readonly used: Set<string>,
  ) {
    this.families = new FamilyVerdicts(model, table);
  }

  /** Row `r`'s verdict: its family's, or its own. */
  verdict(r: number): Verdict {
    const shared = this.families.of(r);
    this.made = undefined;
    this.madeRow = -1;
    if (shared !== undefined) {
      if (!this.noted.has(shared.verdict)) {
        this.noted.add(shared.verdict);
        this.note(shared.verdict);
      }
      return shared.verdict;
    }
    const event = this.families.event(r);
    this.made = event;
    this.madeRow = r;
    return this.note(evaluate(this.model, event));
  }

  /** The event `verdict` made for row `r`, if it made one (a family's verdict needs none). */
  madeFor(r: number): ProcessEvent | undefined {
    return this.madeRow === r ? this.made : undefined;
  }

  /** Row `r`'s first record's event: the one made for it if any, else a new one. */
  event(r: number): ProcessEvent {
    const made = this.madeFor(r);
    this.made = undefined;
    this.madeRow = -1;
    return made ?? this.families.event(r);
  }

  /** `judgeEvent`'s note of the grants `verdict` used. */
  private note(verdict: Verdict): Verdict {
    if (verdict.allowed) for (const g of verdict.grants) this.used.add(placeKey(g));
    // A prefixed path rule that may have matched counts as used: harden must not remove it.
    for (const g of verdict.mayHaveAllowed ?? []) this.used.add(placeKey(g));
    return verdict;
  }
}

/**
 * What `evaluateAbility` reads of an ability event: type, ability (as
 * normalised), domain and argument, joined by NUL (in no record) and
 * without the process, so no two accesses it could judge apart share one.
 */
export function accessKey(e: ProcessEvent & { kind: 'ability' }): string {
  return [
    e.securityType,
    normaliseAbilityName(e.ability.policyName),
    e.domain,
    argumentKey(e.argument),
  ].join('\0');
}

function argumentKey(a: AbilityArgument): string {
  switch (a.kind) {
    case 'none':
      return 'none';
    case 'value':
      return `value\0${a.value}`;
    case 'range':
      return `range\0${a.start}\0${a.end}`;
    case 'type-id':
      return `type-id\0${a.value === undefined ? '-' : `=${a.value}`}\0${a.typeName}`;
  }
}
