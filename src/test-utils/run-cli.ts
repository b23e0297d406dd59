/**
 * Runs the CLI in-process with captured standard streams, for tests.
 */
import { PassThrough, Readable, Writable } from 'node:stream';
import { run } from '../cli/run';
import type { CliIo } from '../cli/io';
import type { CliCommand } from '../cli/command';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

class Capture extends Writable {
  chunks: Buffer[] = [];
  isTTY = false;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    cb();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export interface CliOptions {
  stdin?: string | Buffer | Readable;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Replaces the command registry (shell tests). */
  commands?: CliCommand[];
}

/** Runs `secpol-learn ARGV` with `stdin` as standard input; `cwd` defaults to the repository root. */
export async function runCli(argv: string[], options: CliOptions = {}): Promise<CliResult> {
  const r = await runCliBytes(argv, options);
  return { ...r, stdout: r.stdout.toString('utf8') };
}

/** As runCli, with standard output as the bytes written (patches of non-UTF-8 policies). */
export async function runCliBytes(
  argv: string[],
  options: CliOptions = {},
): Promise<Omit<CliResult, 'stdout'> & { stdout: Buffer }> {
  const stdout = new Capture();
  const stderr = new Capture();
  let stdin: Readable;
  if (options.stdin instanceof Readable) stdin = options.stdin;
  else {
    const pass = new PassThrough();
    pass.end(options.stdin ?? '');
    stdin = pass;
  }
  const io: CliIo = {
    stdin,
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await run(argv, io, options.commands);
  return { code, stdout: Buffer.concat(stdout.chunks), stderr: stderr.text() };
}
