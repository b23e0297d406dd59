/**
 * Numbers in subranges and `mount_point` ids: decimal, octal (leading `0`) or
 * hex (`0x`), "with conventional notation" (reference §2.1). Values are kept
 * as decimal strings through BigInt because addresses exceed 2^53.
 * Does not handle: signs, separators, or suffixes (none are documented).
 */

const HEX = /^0[xX][0-9a-fA-F]+$/;
const OCTAL = /^0[0-7]+$/;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** True when `text` starts like a number (a digit), so it must be one. */
export function looksNumeric(text: string): boolean {
  return text.length > 0 && text[0] >= '0' && text[0] <= '9';
}

/** The canonical decimal value of a number as written, or undefined when `text` is not a number. */
export function numberValue(text: string): string | undefined {
  if (HEX.test(text) || DECIMAL.test(text)) return BigInt(text).toString();
  if (OCTAL.test(text)) return BigInt(`0o${text.slice(1)}`).toString();
  return undefined;
}
