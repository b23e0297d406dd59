/**
 * Reading a guard file (`--deny FILE`) for `check`, `lint` and `suggest`:
 * read, parse (syntax errors printed with code frames on stderr) and build
 * the guard model over the policy's declarations (src/review/guards.ts).
 * An unreadable file is an InputError (exit 2).
 */
import * as path from 'node:path';
import type { CliIo } from './io';
import type { Policy } from '../policy/ast';
import type { PolicyModel } from '../policy/model/types';
import type { QnxVersion } from '../qnx/abilities';
import { readPolicyFile } from './policy-file-io';
import { parsePolicy } from '../policy/parse';
import { formatDiagnostic } from '../diagnostics/code-frame';
import { buildGuardModel } from '../review/guards';

/** The guard model of `file`, or undefined when it does not parse (the command exits 2). */
export async function loadGuardFile(
  file: string,
  policy: Policy | undefined,
  qnx: QnxVersion,
  io: CliIo,
): Promise<PolicyModel | undefined> {
  const src = await readPolicyFile(path.resolve(io.cwd, file), file);
  const { ast, diagnostics } = parsePolicy(src.text, { file: src.file });
  for (const d of diagnostics) io.stderr.write(formatDiagnostic(d, src.text));
  if (diagnostics.some((d) => d.severity === 'error')) return undefined;
  return buildGuardModel(ast, policy, qnx);
}
