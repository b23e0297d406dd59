/**
 * Reading and rewriting policy files without damaging their bytes.
 *
 * Real policies carry bytes that are not UTF-8 inside comments (CP1252 `’`,
 * 0x92, in the splywaczyk corpus files). A file that is valid UTF-8 is decoded
 * as UTF-8; any other file is decoded as latin1, which maps every byte to one
 * character and back, so writing the text again in the same encoding restores
 * every byte the formatter did not change. Writes are atomic: a temporary file
 * in the same directory, given the original's mode, then renamed over it.
 * Does not handle: UTF-16 files, or preserving CRLF line endings (the printer
 * writes LF).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';

/** How a policy file's bytes map to text: `utf8`, or `latin1` for bytes that are not valid UTF-8. */
export type PolicyEncoding = 'utf8' | 'latin1';

/** A policy file's text and the encoding to write it back in. */
export interface PolicySource {
  file: string;
  text: string;
  encoding: PolicyEncoding;
}

/** Decodes policy bytes: UTF-8 when valid, latin1 otherwise. */
export function decodePolicyBytes(bytes: Uint8Array): { text: string; encoding: PolicyEncoding } {
  try {
    // `ignoreBOM` keeps a byte-order mark in the text so it is not silently lost.
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return { text, encoding: 'utf8' };
  } catch {
    return { text: Buffer.from(bytes).toString('latin1'), encoding: 'latin1' };
  }
}

/**
 * Reads a policy file; throws InputError (exit 2) naming the file when it cannot be read.
 * `name` is how the user named it (for diagnostics); it defaults to `file`.
 */
export async function readPolicyFile(file: string, name: string = file): Promise<PolicySource> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    throw new InputError(
      name,
      `cannot read policy: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
  return { file: name, ...decodePolicyBytes(bytes) };
}

/** Replaces `file` with `text` atomically (temp file in the same directory, then rename), keeping its mode. */
export async function writePolicyFileAtomic(
  file: string,
  text: string,
  encoding: PolicyEncoding,
): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  let mode: number | undefined;
  try {
    mode = (await fs.stat(file)).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  try {
    const handle = await fs.open(tmp, 'wx', mode ?? 0o644);
    try {
      await handle.writeFile(Buffer.from(text, encoding));
      // The mode given to open() is filtered by the umask; set it exactly.
      if (mode !== undefined) await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw new InputError(
      file,
      `cannot write policy: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
}
