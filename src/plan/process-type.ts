/**
 * Type names derived from process names, for `-c` (each executable its own
 * type): `sbin/devf-ram` → `devf_ram_t`. Only the executable's base name is
 * used; characters that cannot be in an identifier become `_`. Does not
 * decide which processes get a type (plan-patch.ts does).
 */
import { isSafeTypeName } from '../policy/lexical';

/** A fresh type name for `process`, not in `taken` (`_2`, `_3`... on collision); undefined when none can be made. */
export function typeNameForProcess(
  process: string,
  taken: ReadonlySet<string>,
): string | undefined {
  const base = process.slice(process.lastIndexOf('/') + 1);
  let stem = base.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (stem === '') return undefined;
  if (/^[0-9]/.test(stem)) stem = `p_${stem}`;
  let name = `${stem}_t`;
  for (let n = 2; taken.has(name); n++) name = `${stem}_${n}_t`;
  return isSafeTypeName(name) ? name : undefined;
}
