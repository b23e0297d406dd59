/**
 * The one rule that would allow a single denied record, for `explain`, as a
 * statement node (built with the validated constructors of
 * src/policy/nodes.ts, printed by src/policy/print.ts). Every field is checked
 * with the inference stage's validator first: a record with an unsafe field
 * gets no rule (undefined), never a broken one. Does not merge records or
 * place rules in a policy: that is `suggest` (src/plan/).
 */
import type { AbilityItem, Statement } from '../policy/ast';
import {
  abilityFlag,
  abilityGrant,
  allowAbility,
  allowConnect,
  allowPaths,
  literalPathSpec,
  numberRange,
  rangeName,
} from '../policy/nodes';
import type { AbilityEvent, ProcessEvent } from '../trace/event';
import { validateEvent, validateUnkeyedFields } from '../infer/validate-event';
import { ADDRESS_ABILITIES, VADDR_ABILITIES, normaliseAbilityName } from '../qnx/abilities';

/** The secpol statement that would allow `e`, or undefined when no rule can (unsafe field, untyped process, relabel conflict). */
export function ruleFor(e: ProcessEvent): Statement | undefined {
  if (e.securityType === '-' || validateEvent(e)) return undefined;
  return ruleOfValid(e);
}

/**
 * `ruleFor` for many records (`explain`): every record is validated as
 * `ruleFor` validates it, and a rule that names no value (a path, a connect,
 * a type id, an ability without a value or with a virtual address) is built
 * once per (kind, type, path or ability, domain, object type) and the same
 * statement returned for each record that needs it, so a printer can print
 * it once (src/render/explain-output.ts). A rule that names the record's
 * value is built per record: its text differs per value. A shared
 * statement is frozen (its top object), so a printer may keep what it makes
 * of it for the run and print a rule built per record as it comes; not to
 * be changed. `name`, when given: the ability's policy name as normalised
 * (an atom's `object`), so it is not normalised again per record. An ability
 * record whose process, type and ability name passed before has only its
 * other fields checked (`CheckedAbilities`): the same answers.
 */
export function ruleMemo(): (e: ProcessEvent, name?: string) => Statement | undefined {
  const held = [new SharedRules(), new SharedRules(), new SharedRules()];
  const checked = new CheckedAbilities();
  return (e, name) => {
    if (e.securityType === '-') return undefined;
    if (e.kind === 'ability' && checked.has(e)) {
      if (validateUnkeyedFields(e)) return undefined;
    } else if (validateEvent(e)) return undefined;
    else if (e.kind === 'ability') checked.add(e);
    const policyName =
      e.kind === 'ability' ? (name ?? normaliseAbilityName(e.ability.policyName)) : '';
    // What ruleOfValid reads of `e` when its rule names no value, by four strings in one of
    // three tables; no table when it names one.
    const t = e.securityType;
    let rules: Map<string, Statement | null>;
    let last: string;
    if (e.kind === 'attach' || e.kind === 'link') {
      rules = held[RuleKind.Path]!.leaf(
        e.kind,
        t,
        e.failure?.code === 'conflict' ? 'conflict' : '',
      );
      last = e.path;
    } else if (e.argument.kind === 'type-id') {
      rules = held[RuleKind.TypeId]!.leaf(t, policyName, e.domain);
      last = e.argument.typeName;
    } else if (e.argument.kind === 'none' || VADDR_ABILITIES.has(policyName)) {
      rules = held[RuleKind.Ability]!.leaf(t, policyName, e.domain);
      last = '';
    } else return ruleOfValid(e, policyName);
    const known = rules.get(last);
    if (known !== undefined) return known ?? undefined;
    const rule = ruleOfValid(e, policyName);
    rules.set(last, rule ? Object.freeze(rule) : null);
    return rule;
  };
}

/** `ruleMemo`'s tables of shared rules: the four strings of a key mean different things in each. */
const enum RuleKind {
  /** Kind, type, conflict or not (`conflict` or empty); the path. */
  Path,
  /** Type, ability, domain; the type id's name. */
  TypeId,
  /** Type, ability, domain; nothing (the empty string). */
  Ability,
}

/**
 * Shared rules by four strings, in nested maps: no key string is made per
 * record (the strings are the record's fields, whose hashes V8 keeps, and
 * the atom's normalised name). `null`: no rule.
 */
class SharedRules {
  private readonly byA = new Map<string, Map<string, Map<string, Map<string, Statement | null>>>>();

  /** The rules held under `a`, `b`, `c`, by the fourth string (made empty if none). */
  leaf(a: string, b: string, c: string): Map<string, Statement | null> {
    let byB = this.byA.get(a);
    if (byB === undefined) this.byA.set(a, (byB = new Map()));
    let byC = byB.get(b);
    if (byC === undefined) byB.set(b, (byC = new Map()));
    let rules = byC.get(c);
    if (rules === undefined) byC.set(c, (rules = new Map()));
    return rules;
  }
}

/** How many (process, type, ability name) `CheckedAbilities` holds; past them a record is checked whole. */
const MAX_CHECKED = 4096;

/**
 * The process, type and ability name (as the record prints it) of ability
 * records that passed `validateEvent`: another record with the same three
 * strings passes their checks too (each a check of the string alone), so
 * only its other fields are checked (`validateUnkeyedFields`: the pid and
 * the value), not its names again per record. Bounded: a trace decides how
 * many there are.
 */
class CheckedAbilities {
  private readonly byProcess = new Map<string, Map<string, Set<string>>>();
  private size = 0;

  has(e: AbilityEvent): boolean {
    return this.byProcess.get(e.process)?.get(e.securityType)?.has(e.ability.policyName) === true;
  }

  add(e: AbilityEvent): void {
    if (this.size >= MAX_CHECKED) return;
    let byType = this.byProcess.get(e.process);
    if (byType === undefined) this.byProcess.set(e.process, (byType = new Map()));
    let names = byType.get(e.securityType);
    if (names === undefined) byType.set(e.securityType, (names = new Set()));
    names.add(e.ability.policyName);
    this.size++;
  }
}

/** The rule for a record that passed `ruleFor`'s checks. */
function ruleOfValid(
  e: ProcessEvent,
  name = e.kind === 'ability' ? normaliseAbilityName(e.ability.policyName) : '',
): Statement | undefined {
  const t = e.securityType;
  if (e.kind === 'attach' || e.kind === 'link') {
    // A conflict is about the channel's type change, which no plain path rule fixes.
    if (e.failure && e.failure.code === 'conflict') return undefined;
    return allowPaths(e.kind, t, [literalPathSpec(e.path)]);
  }
  const a = e.argument;
  if (name === 'channel_connect' && a.kind === 'type-id') return allowConnect(t, a.typeName);
  // Physical addresses read better in hex, as suggest prints them.
  const hex = ADDRESS_ABILITIES.has(name);
  let item: AbilityItem = abilityGrant(name);
  if (a.kind === 'type-id') item = abilityGrant(name, [rangeName(a.typeName)]);
  // Virtual addresses change every boot: a learned subrange would not match the next run.
  else if (a.kind === 'value' && !VADDR_ABILITIES.has(name))
    item = abilityGrant(name, [numberRange(a.value, a.value, hex)]);
  else if (a.kind === 'range' && !VADDR_ABILITIES.has(name)) {
    // The monitor may print a range high-low; the rule names it low-high.
    const [lo, hi] = BigInt(a.start) <= BigInt(a.end) ? [a.start, a.end] : [a.end, a.start];
    item = abilityGrant(name, [numberRange(lo, hi, hex)]);
  }
  return e.domain === 'non-root'
    ? allowAbility(t, [abilityFlag('nonroot'), item])
    : allowAbility(t, [item], false);
}
