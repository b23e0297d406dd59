/**
 * Reading policy files for the commands, and the one-file atomic write the
 * library exports. Bytes and text convert in ./policy-bytes.ts; every write
 * of a policy goes through ./write-transaction.ts (lock, backup, temporary
 * files, fsync, rename: docs/reliability.md).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FileError } from '../errors';
import { decodePolicyBytes, digestOf, type PolicyEncoding } from './policy-bytes';
import { backupName, writeTransaction } from './write-transaction';
import type { CliIo } from './io';

export { decodePolicyBytes, type PolicyEncoding } from './policy-bytes';

/** A policy file's text, the encoding to write it back in, and the digest of the bytes read. */
export interface PolicySource {
  file: string;
  text: string;
  encoding: PolicyEncoding;
  /** SHA-256 of the bytes read: a write refuses when the file no longer has them. */
  digest?: string;
}

/**
 * Reads a policy file; throws FileError (exit 2: "cannot read policy FILE: no such file or
 * directory") when it cannot be read.
 * `name` is how the user named it (for diagnostics); it defaults to `file`.
 */
export async function readPolicyFile(file: string, name: string = file): Promise<PolicySource> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    throw new FileError(name, 'read policy', error);
  }
  return { file: name, ...decodePolicyBytes(bytes), digest: digestOf(bytes) };
}

/**
 * A policy named on the command line: `-` is standard input (read once; it
 * has no digest, so it can never be written back), any other name a file
 * relative to the command's directory.
 */
export async function readPolicyInput(file: string, io: CliIo): Promise<PolicySource> {
  if (file !== '-') return readPolicyFile(path.resolve(io.cwd, file), file);
  const chunks: Buffer[] = [];
  try {
    for await (const c of io.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  } catch (error) {
    throw new FileError('standard input', 'read a policy from', error);
  }
  return { file: '-', ...decodePolicyBytes(Buffer.concat(chunks)) };
}

/**
 * Replaces `file` with `text` as a one-file transaction without a backup
 * (locked, temporary file, fsync, rename; mode, owner, symlink and hard links
 * kept). Throws InputError/FileError (exit 2) in words.
 */
export async function writePolicyFileAtomic(
  file: string,
  text: string,
  encoding: PolicyEncoding,
): Promise<void> {
  await writeTransaction([{ name: file, path: file, text, encoding }], { backup: false });
}

/**
 * The files named, each file once: a second name for a file already named
 * (the same name again, a symlink, a hard link) is dropped. Names that cannot
 * be read are kept, for the reader to report.
 */
export async function distinctFiles(files: string[], cwd: string): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const file of files) {
    try {
      const s = await fs.stat(path.resolve(cwd, file));
      const id = `${s.dev}:${s.ino}`;
      if (seen.has(id)) continue;
      seen.add(id);
    } catch {
      // Reported when read.
    }
    out.push(file);
  }
  return out;
}

/**
 * `--write` of policy files: their new texts (`after[i]` for `sources[i]`) in
 * one transaction (write-transaction.ts: locked, checked against the bytes
 * read, atomic, `FILE.orig` kept). A file whose text is unchanged is neither
 * written nor locked (it may be read-only). Says on stderr what was written
 * and where the original is kept.
 */
export async function writePolicies(
  sources: readonly PolicySource[],
  after: readonly string[],
  io: CliIo,
): Promise<void> {
  const written = await writeTransaction(
    sources.flatMap((src, i) =>
      after[i] === src.text
        ? []
        : [
            {
              name: src.file,
              path: path.resolve(io.cwd, src.file),
              text: after[i]!,
              encoding: src.encoding,
              ...(src.digest ? { digest: src.digest } : {}),
            },
          ],
    ),
    { backup: true, note: (line) => io.stderr.write(`secpol-learn: ${line}\n`) },
  );
  for (const w of written)
    io.stderr.write(`secpol-learn: wrote ${w.name} (original kept as ${backupName(w, io.cwd)})\n`);
}
