/**
 * `secpol-learn fmt FILE...`: prints policies in the canonical layout
 * (docs/policy-language.md), checks whether they already are (`--check`), or
 * rewrites them in place (`--write`: one transaction over every file that
 * parses, keeping FILE.orig, mode, owner, encoding and CRLF line ends;
 * docs/reliability.md).
 *
 * Every file is read and parsed before anything is written; a file with a
 * syntax error is reported with code frames on stderr and never written.
 * Exit codes: 0 done / already formatted, 1 syntax errors or (with
 * `--check`) files that would change, 2 bad usage or an unreadable file.
 */
import * as path from 'node:path';
import type { CommandImpl } from '../command';
import type { CliIo } from '../io';
import { ExitCode, UsageError } from '../../errors';
import { formatDiagnostic } from '../../diagnostics/code-frame';
import { parsePolicy } from '../../policy/parse';
import { printPolicy } from '../../policy/print';
import { readPolicyInput, type PolicySource } from '../policy-file-io';
import { toCrlf, usesCrlf } from '../policy-bytes';
import { backupName, writeTransaction, type FileWrite } from '../write-transaction';

const BOM = '\uFEFF';

export const fmtCommand: CommandImpl = {
  builder: (y) =>
    y
      .positional('files', {
        describe: 'policy files',
        type: 'string',
        array: true,
      })
      .option('check', {
        type: 'boolean',
        describe: 'print nothing but the names of files that would change; exit 1 if any would',
      })
      .option('write', {
        type: 'boolean',
        describe:
          'rewrite files in place (atomically; files with syntax errors are left untouched)',
      })
      .example('$0 fmt policy.secpol', 'print the formatted policy on stdout')
      .example(
        '$0 fmt --check policies/*.secpol',
        'list the files that are not formatted (exit 1 if any)',
      )
      .example('$0 fmt --write receiver.secpol sender.secpol', 'format the files in place'),
  run: async (args, io) => {
    const files = (args.files as string[] | undefined) ?? [];
    const check = Boolean(args.check);
    const write = Boolean(args.write);
    if (check && write) throw new UsageError('--check and --write cannot be used together');
    if (files.length === 0)
      throw new UsageError('Name at least one policy file (`-`: standard input).');
    // `-` is standard input, as everywhere (docs/cli.md): formatted or checked, never written back.
    if (files.includes('-') && write)
      throw new UsageError('--write needs policy files: standard input (-) cannot be written back');
    if (files.filter((f) => f === '-').length > 1)
      throw new UsageError('standard input (-) can be named once');
    // Read everything first: an unreadable file stops the run before any write.
    const sources: PolicySource[] = [];
    for (const file of files) sources.push(await readPolicyInput(file, io));
    let exitCode: number = ExitCode.OK;
    const writes: FileWrite[] = [];
    for (const src of sources) {
      const { ast, diagnostics } = parsePolicy(src.text, { file: src.file });
      for (const d of diagnostics) io.stderr.write(formatDiagnostic(d, src.text));
      if (diagnostics.some((d) => d.severity === 'error')) {
        exitCode = ExitCode.FINDING;
        continue;
      }
      // A byte-order mark is whitespace to the parser, and CRLF line ends are the file's own: both kept.
      const printed = (src.text.startsWith(BOM) ? BOM : '') + printPolicy(ast);
      const formatted = usesCrlf(src.text) ? toCrlf(printed) : printed;
      if (check) {
        if (formatted !== src.text) {
          io.stdout.write(`${src.file}\n`);
          exitCode = ExitCode.FINDING;
        }
      } else if (write) {
        if (formatted !== src.text)
          writes.push({
            name: src.file,
            path: pathIn(io, src.file),
            text: formatted,
            encoding: src.encoding,
            ...(src.digest ? { digest: src.digest } : {}),
          });
      } else {
        // Same bytes as the file's own encoding (a latin1 file stays latin1).
        io.stdout.write(Buffer.from(formatted, src.encoding));
      }
    }
    const written = await writeTransaction(writes, {
      backup: true,
      note: (line) => io.stderr.write(`secpol-learn: ${line}\n`),
    });
    for (const w of written)
      io.stderr.write(
        `secpol-learn: wrote ${w.name} (original kept as ${backupName(w, io.cwd)})\n`,
      );
    return exitCode;
  },
};

/** The file's path relative to the command's working directory. */
function pathIn(io: CliIo, file: string): string {
  return path.resolve(io.cwd, file);
}
