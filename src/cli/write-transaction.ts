/**
 * Writes a set of policy files as one transaction (docs/reliability.md):
 *
 * 1. Each name is resolved to its real file (a symlinked policy is written
 *    through to its target); names of one file are one write (refused when
 *    they would get different text).
 * 2. `REAL.lock` is created beside each file (O_EXCL, holding the pid), in
 *    path order; a lock held is refused naming the lock and its holder.
 * 3. Under the locks each file is read again: when its bytes are not those
 *    read for planning, another writer got there first and nothing is written.
 * 4. The new text is encoded in the file's encoding (refused when it cannot
 *    hold a character), with CRLF line ends when every line of the file had them.
 * 5. Backups (`REAL.orig`, else `.orig.1`, `.orig.2`, ...: an existing backup,
 *    symlink or directory is never written through or over) are copied to a
 *    temporary file, fsynced and hard-linked into place, so a backup is whole or absent.
 * 6. Every temporary file is written beside its policy with the policy's
 *    mode and owner, and fsynced; a failure removes them and the new backups:
 *    nothing changed.
 * 7. Each temporary file is renamed over its policy and the directories
 *    fsynced. A file with several hard links is instead rewritten in place
 *    (rename would split the links): that write is not atomic, its backup is
 *    the way back.
 *
 * Every failure is an InputError/FileError in words (exit 2).
 */
import { randomBytes } from 'node:crypto';
import {
  constants,
  existsSync,
  promises as fs,
  readFileSync,
  unlinkSync,
  type Stats,
} from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { InputError, FileError } from '../errors';
import { digestOf, encodePolicyText, toCrlf, usesCrlf, type PolicyEncoding } from './policy-bytes';

/** One file to rewrite. */
export interface FileWrite {
  /** The file as the user named it (messages). */
  name: string;
  /** Its path (resolved against the working directory). */
  path: string;
  /** The new text. */
  text: string;
  encoding: PolicyEncoding;
  /** Digest of the bytes the new text was planned from; the write is refused if the file changed. */
  digest?: string;
}

/** What was written. */
export interface WrittenFile {
  name: string;
  /** The real file written (the symlink's target for a symlinked policy). */
  real: string;
  /** The backup made, when asked for. */
  backup?: string;
}

export interface TransactionOptions {
  /** Keep each file's old bytes as FILE.orig (or the next free FILE.orig.N). */
  backup: boolean;
  /** One line for stderr, for what the user should know (a backup name that was taken). */
  note?: (line: string) => void;
}

/** Highest N tried for FILE.orig.N before refusing. */
const MAX_BACKUPS = 1000;

interface Target {
  writes: FileWrite[];
  name: string;
  real: string;
  text: string;
  encoding: PolicyEncoding;
  digests: string[];
  stat?: Stats;
  old?: Buffer;
  bytes?: Buffer;
  backup?: string;
  tmp?: string;
}

/**
 * Lock and temporary files this process made and has not yet removed or
 * renamed: removed when it exits early, on an error or on SIGINT/SIGTERM/SIGHUP
 * during a transaction (after which the signal ends the process as it would have).
 */
const owned = new Set<string>();
function removeOwned(): void {
  for (const file of owned) {
    try {
      unlinkSync(file);
    } catch {
      // Already gone.
    }
  }
  owned.clear();
}
process.on('exit', removeOwned);
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/**
 * Creations in flight: a file exists on disk before its open() resolves, so a
 * signal that lands in between waits for the creation to be recorded as owned
 * (then it is removed and the signal re-raised); otherwise it would be left behind.
 */
let creating = 0;
let pendingSignal: NodeJS.Signals | undefined;
/** Transactions under way. */
let active = 0;
/**
 * Whether `onSignal` listens. Once added it stays: removing the last listener
 * of a signal drops one that Node had caught but not yet handed to it, so a
 * signal at a transaction's end was lost (the command ran on). During a
 * transaction a signal ends the process, whoever else listens; between
 * transactions only when no other listener (follow.ts) is there to decide
 * what the signal does. It is first of the listeners because Node removes a
 * `once` listener (follow.ts's) before calling it: called after it, `onSignal`
 * would count itself alone.
 */
let listening = false;
function onSignal(signal: NodeJS.Signals): void {
  if (creating > 0) {
    pendingSignal = signal;
    return;
  }
  if (active === 0 && process.listenerCount(signal) > 1) return;
  removeOwned();
  // Every listener goes, so that none catches the signal raised again: it ends the process.
  for (const s of SIGNALS) process.removeAllListeners(s);
  listening = false;
  process.kill(process.pid, signal);
}

/** Runs the transaction; resolves to the files written (files whose bytes would not change are not). */
export async function writeTransaction(
  writes: FileWrite[],
  options: TransactionOptions,
): Promise<WrittenFile[]> {
  const targets = await resolveTargets(writes);
  const locks: string[] = [];
  if (!listening) for (const s of SIGNALS) process.prependListener(s, onSignal);
  listening = true;
  active++;
  try {
    for (const t of targets) locks.push(await lock(t));
    const changed: Target[] = [];
    for (const t of targets) if (await prepare(t)) changed.push(t);
    await commit(changed, options);
    return changed.map((t) => ({
      name: t.name,
      real: t.real,
      ...(t.backup ? { backup: t.backup } : {}),
    }));
  } finally {
    // Removed before it is forgotten: a signal in between still removes it.
    for (const l of locks) {
      await fs.rm(l, { force: true });
      owned.delete(l);
    }
    active--;
  }
}

async function resolveTargets(writes: FileWrite[]): Promise<Target[]> {
  const byReal = new Map<string, Target>();
  for (const w of writes) {
    let real: string;
    try {
      real = await fs.realpath(w.path);
    } catch (error) {
      throw new FileError(w.name, 'write', error);
    }
    const t = byReal.get(real);
    if (!t) {
      byReal.set(real, {
        writes: [w],
        name: w.name,
        real,
        text: w.text,
        encoding: w.encoding,
        digests: w.digest ? [w.digest] : [],
      });
    } else if (t.text !== w.text) {
      throw new InputError(
        w.name,
        `is the same file as ${t.name} and would get other text: name it once; nothing written`,
      );
    } else {
      t.writes.push(w);
      if (w.digest) t.digests.push(w.digest);
    }
  }
  // One order for every writer, so two transactions over the same files never wait on each other.
  return [...byReal.values()].sort((a, b) => (a.real < b.real ? -1 : a.real > b.real ? 1 : 0));
}

/** Creates FILE (O_EXCL) and records it as owned before a signal can be handled. */
async function createOwned(file: string, mode: number): Promise<FileHandle> {
  creating++;
  try {
    const handle = await fs.open(file, 'wx', mode);
    owned.add(file);
    return handle;
  } finally {
    creating--;
    if (creating === 0 && pendingSignal) onSignal(pendingSignal);
  }
}

/** Creates REAL.lock (O_EXCL) holding this pid; refuses, naming the holder, when it exists. */
async function lock(t: Target): Promise<string> {
  const file = `${t.real}.lock`;
  let handle: FileHandle;
  try {
    handle = await createOwned(file, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new FileError(t.name, 'write', error);
    throw new InputError(t.name, lockHeldMessage(file));
  }
  try {
    await handle.writeFile(`${process.pid}\n`);
  } catch (error) {
    await handle.close();
    await fs.rm(file, { force: true });
    owned.delete(file);
    throw new FileError(t.name, 'write', error);
  }
  await handle.close();
  return file;
}

/**
 * The refusal for a lock this run could not create, naming its holder. `running` answers whether a pid
 * is alive (injectable so a test can end the holder between the read and the probe).
 */
export function lockHeldMessage(
  file: string,
  running: (pid: number) => boolean = isRunning,
): string {
  const pid = lockHolder(file);
  if (pid === undefined)
    return existsSync(file)
      ? `is being written by another process (${file} exists); nothing written`
      : `was being written by another process, which has just finished (${file} is gone); nothing written, run again`;
  if (running(pid))
    return `is being written by process ${pid} (${file}); nothing written, run again when it is done`;
  // The holder may have finished, removing its lock, between the read and the probe: only a lock that
  // still names it was left behind.
  const now = lockHolder(file);
  if (now === pid)
    return `${file} was left by process ${pid}, which is no longer running: remove it and run again; nothing written`;
  if (now === undefined && !existsSync(file))
    return `was being written by process ${pid}, which has just finished (${file} is gone); nothing written, run again`;
  return `is being written by another process (${file} exists); nothing written`;
}

/** The pid a lock file holds; undefined when it is gone, unreadable or holds no pid. */
function lockHolder(file: string): number | undefined {
  let pid = NaN;
  try {
    pid = Number.parseInt(readFileSync(file, 'latin1'), 10);
  } catch {
    // Unreadable or gone: named without a holder.
  }
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads the file again under the lock and encodes the new text; false when its bytes would not change. */
async function prepare(t: Target): Promise<boolean> {
  try {
    t.stat = await fs.stat(t.real);
    t.old = await fs.readFile(t.real);
  } catch (error) {
    throw new FileError(t.name, 'read', error);
  }
  if (t.stat.isDirectory()) throw new FileError(t.name, 'write', { code: 'EISDIR' });
  const now = digestOf(t.old);
  if (t.digests.some((d) => d !== now)) {
    throw new InputError(
      t.name,
      'changed since it was read (another writer got there first); nothing written, run again',
    );
  }
  const text = usesCrlf(t.old.toString('latin1')) ? toCrlf(t.text) : t.text;
  t.bytes = encodePolicyText(text, t.encoding, t.name, 1, t.old.toString('latin1'));
  return !t.bytes.equals(t.old);
}

async function commit(targets: Target[], options: TransactionOptions): Promise<void> {
  const made: string[] = [];
  try {
    if (options.backup)
      for (const t of targets) {
        t.backup = await backup(t, options.note);
        made.push(t.backup);
      }
    for (const t of targets) if (t.stat!.nlink === 1) await writeTemporary(t);
  } catch (error) {
    // Nothing renamed yet: remove what this run made, leaving every file as it was.
    for (const t of targets) if (t.tmp) await dropTemporary(t.tmp);
    for (const b of made) await fs.rm(b, { force: true });
    throw error;
  }
  const renamed: Target[] = [];
  for (const t of targets) {
    if (!t.tmp) continue;
    try {
      await fs.rename(t.tmp, t.real);
      owned.delete(t.tmp);
      renamed.push(t);
    } catch (error) {
      for (const u of targets) if (u.tmp && !renamed.includes(u)) await dropTemporary(u.tmp);
      await restore(renamed);
      throw new FileError(t.name, 'write', error);
    }
  }
  for (const t of targets) if (!t.tmp) await writeInPlace(t);
  for (const dir of new Set(renamed.map((t) => path.dirname(t.real)))) await syncDirectory(dir);
}

/** Puts the old bytes back into files already renamed, when a later rename failed. */
async function restore(renamed: Target[]): Promise<void> {
  for (const t of renamed) {
    const tmp = temporaryName(t.real);
    try {
      await writeFileSynced(tmp, t.old!, t.stat!, t.name);
      await fs.rename(tmp, t.real);
      owned.delete(tmp);
    } catch {
      await dropTemporary(tmp);
    }
  }
}

/**
 * Copies the old bytes to a temporary file, fsyncs it, and hard-links it as
 * the first free REAL.orig[.N]: link() never follows a symlink nor replaces
 * anything, and the backup appears whole.
 */
async function backup(t: Target, note?: (line: string) => void): Promise<string> {
  const tmp = temporaryName(t.real);
  try {
    await writeFileSynced(tmp, t.old!, t.stat!, t.name);
    for (let n = 0; n <= MAX_BACKUPS; n++) {
      const name = n === 0 ? `${t.real}.orig` : `${t.real}.orig.${n}`;
      try {
        await fs.link(tmp, name);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw new FileError(t.name, 'write backup of', error);
      }
      if (n > 0)
        note?.(
          `${path.basename(t.real)}.orig already exists and is kept; the original is saved as ${path.basename(name)}`,
        );
      return name;
    }
    throw new InputError(
      t.name,
      `${path.basename(t.real)}.orig to .orig.${MAX_BACKUPS} all exist: remove old backups; nothing written`,
    );
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new FileError(t.name, 'write backup of', error);
  } finally {
    await dropTemporary(tmp);
  }
}

async function writeTemporary(t: Target): Promise<void> {
  t.tmp = temporaryName(t.real);
  try {
    await writeFileSynced(t.tmp, t.bytes!, t.stat!, t.name);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new FileError(t.name, 'write', error);
  }
}

/** Rewrites a hard-linked file in place (after its backup); on failure puts the old bytes back. */
async function writeInPlace(t: Target): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(t.real, constants.O_WRONLY);
    await handle.write(t.bytes!, 0, t.bytes!.length, 0);
    await handle.truncate(t.bytes!.length);
    await handle.sync();
  } catch (error) {
    try {
      await handle?.write(t.old!, 0, t.old!.length, 0);
      await handle?.truncate(t.old!.length);
    } catch {
      // The backup holds the old bytes.
    }
    throw new FileError(t.name, 'write', error);
  } finally {
    await handle?.close();
  }
}

/** Writes `bytes` to a new file with `like`'s mode and owner, fsynced; refuses (naming `name`) when the owner cannot be kept. */
async function writeFileSynced(
  file: string,
  bytes: Buffer,
  like: Stats,
  name: string,
): Promise<void> {
  const handle = await createOwned(file, 0o600);
  try {
    await handle.writeFile(bytes);
    // The mode given to open() is filtered by the umask; set it exactly.
    await handle.chmod(like.mode & 0o7777);
    const own = await handle.stat();
    if (own.uid !== like.uid || own.gid !== like.gid) {
      try {
        await handle.chown(like.uid, like.gid);
      } catch (error) {
        throw new InputError(
          name,
          `cannot keep the owner ${like.uid}:${like.gid} (${(error as NodeJS.ErrnoException).code ?? error}): run as the file's owner or root; nothing written`,
        );
      }
      // chown clears set-id bits: set the mode again.
      await handle.chmod(like.mode & 0o7777);
    }
    await handle.sync();
  } catch (error) {
    await handle.close();
    await dropTemporary(file);
    throw error;
  }
  await handle.close();
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory; the renames are done.
  } finally {
    await handle?.close();
  }
}

async function dropTemporary(file: string): Promise<void> {
  await fs.rm(file, { force: true });
  owned.delete(file);
}

function temporaryName(real: string): string {
  return path.join(
    path.dirname(real),
    `.${path.basename(real)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

/** The backup's name for messages: beside the name the user gave, or relative to `cwd` for a symlink's target. */
export function backupName(w: WrittenFile, cwd: string): string {
  if (!w.backup) return '';
  const suffix = w.backup.slice(w.real.length);
  const named = path.resolve(cwd, w.name);
  return named === w.real ? w.name + suffix : path.relative(cwd, w.backup);
}
