/**
 * What inference must know about ability values (reference §3.2, §4.6):
 * which abilities take address values that change every boot (emit the bare
 * ability, never the range), which take physical addresses (print in hex),
 * and which take type ids (emitted as type names, not numbers).
 * The lists themselves live in src/qnx/abilities.ts.
 */
import { ADDRESS_ABILITIES, VADDR_ABILITIES } from '../qnx/abilities';

/** Abilities whose values are virtual addresses: they differ every boot (ASLR), so a subrange would never match again. */
export const ADDRESS_VALUED: ReadonlySet<string> = VADDR_ABILITIES;

/** Abilities whose values are physical addresses: printed in hex, as integrators read them. */
export const HEX_VALUED: ReadonlySet<string> = ADDRESS_ABILITIES;

/** Prints one subrange bound: hex for address-like domains, decimal otherwise. */
export function formatAbilityValue(ability: string, decimal: string): string {
  return HEX_VALUED.has(ability) ? `0x${BigInt(decimal).toString(16)}` : decimal;
}

/** Prints a subrange (`14`, `14-15`, `0x1200000-0x24000000`). */
export function formatAbilityRange(ability: string, [start, end]: [string, string]): string {
  const s = formatAbilityValue(ability, start);
  return start === end ? s : `${s}-${formatAbilityValue(ability, end)}`;
}
