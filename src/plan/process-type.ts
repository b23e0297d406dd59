/**
 * Type names derived from process names, for `-c` (each executable its own
 * type): `sbin/devf-ram` → `devf_ram_t`. Only the executable's base name is
 * used; characters that cannot be in an identifier become `_`. Does not
 * decide which processes get a type (plan-patch.ts does).
 */
import { isSafeTypeName } from '../policy/lexical';

function stemOf(process: string): string | undefined {
  const base = process.slice(process.lastIndexOf('/') + 1);
  const stem = base.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (stem === '') return undefined;
  return /^[0-9]/.test(stem) ? `p_${stem}` : stem;
}

/** The name `process` gets when nothing collides (`devf_ram_t`); undefined when none can be made. */
export function plainTypeName(process: string): string | undefined {
  const stem = stemOf(process);
  return stem === undefined ? undefined : `${stem}_t`;
}

/** A fresh type name for `process`, not in `taken` (`_2`, `_3`... on collision); undefined when none can be made. */
export function typeNameForProcess(
  process: string,
  taken: ReadonlySet<string>,
): string | undefined {
  const stem = stemOf(process);
  if (stem === undefined) return undefined;
  let name = `${stem}_t`;
  for (let n = 2; taken.has(name); n++) name = `${stem}_${n}_t`;
  return isSafeTypeName(name) ? name : undefined;
}
