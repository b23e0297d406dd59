/**
 * Reading guard files (`--deny FILE`, repeatable) for `check`, `lint` and
 * `suggest`: each file is read, parsed (syntax errors printed with code
 * frames on stderr) and built into its own guard model over the policy's
 * declarations (src/review/guards.ts). Every file's rules apply, each
 * answering for itself: a negation in one guard file never cancels a rule of
 * another, and each refusal or violation names its own guard FILE:LINE:COL.
 * A file named twice (or by a second name) is read once. An unreadable file
 * is an error in words (exit 2); `-` is refused (standard input is for traces).
 */
import * as path from 'node:path';
import type { CliIo } from './io';
import type { Policy } from '../policy/ast';
import type { PolicyModel } from '../policy/model/types';
import type { QnxVersion } from '../qnx/abilities';
import { UsageError } from '../errors';
import { distinctFiles, readPolicyFile } from './policy-file-io';
import { parsePolicy } from '../policy/parse';
import { formatDiagnostic } from '../diagnostics/code-frame';
import { buildGuardModel } from '../review/guards';
import { readAs } from './policy-bytes';

/** The guard model of each of `files`, or undefined when one does not parse (the command exits 2). */
export async function loadGuardFiles(
  files: readonly string[],
  policy: Policy | undefined,
  qnx: QnxVersion,
  io: CliIo,
): Promise<PolicyModel[] | undefined> {
  if (files.includes('-'))
    throw new UsageError('--deny must name a file (standard input is for traces)');
  const models: PolicyModel[] = [];
  let failed = false;
  // Every file is read and parsed before any is judged: all syntax errors are reported in one run.
  for (const file of await distinctFiles([...files], io.cwd)) {
    const src = await readPolicyFile(path.resolve(io.cwd, file), file);
    const { ast, diagnostics } = parsePolicy(src.text, { file: src.file });
    for (const d of diagnostics) io.stderr.write(formatDiagnostic(d, src.text));
    if (diagnostics.some((d) => d.severity === 'error')) failed = true;
    else models.push(buildGuardModel(readAs(ast, src.encoding), policy, qnx));
  }
  return failed ? undefined : models;
}

/** The `--deny` option's files (none when it is not given). */
export function denyFiles(args: Record<string, unknown>): string[] {
  const v = args.deny;
  return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
}
