/**
 * Text safe for the medium it is written to: what a terminal, a markdown
 * renderer or a JSON consumer would act on or display as other text never
 * passes through unescaped (docs/safe-output.md).
 *
 * - `visible`: C0 (but tab) and C1 controls, DEL, bidirectional controls,
 *   zero-width and other invisible format characters, and line or paragraph
 *   separators each become `?`: nothing moves a cursor, retitles a window,
 *   reorders or hides text.
 * - `escapeJsonControls`: the same characters (and DEL) as `\uXXXX` in JSON
 *   text, so a JSON or SARIF document carries them only escaped (JSON.stringify
 *   escapes C0 alone).
 */

/** Characters a terminal or a reviewer's screen would act on or not show. */
const UNSAFE =
  /[\x00-\x08\x0a-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\ufff9-\ufffb]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

/** True when `s` has a character `visible` replaces. */
export function hasUnsafeCharacter(s: string): boolean {
  return UNSAFE.test(s);
}

/** `s` with every control, bidirectional or invisible character as `?`. */
export function visible(s: string): string {
  return UNSAFE.test(s) ? s.replace(UNSAFE_ALL, '?') : s;
}

/** Characters JSON.stringify leaves raw that a viewer of the JSON would act on or not show. */
const JSON_UNSAFE =
  /[\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\ufff9-\ufffb]/g;

/**
 * JSON text with those characters as `\uXXXX` escapes. Valid on any
 * JSON.stringify output: outside strings JSON holds only ASCII.
 */
export function escapeJsonControls(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
