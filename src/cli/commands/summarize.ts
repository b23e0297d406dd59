/**
 * `secpol-learn summarize [INPUT...] > part.jsonl`: what learning found in
 * the inputs (traces, plain or gzip, and other summaries), and the review
 * tally `check`, `explain` and `harden` judge, as a summary file
 * (`secpol-learn/summary@2`, docs/json-schema.md), which every command that
 * reads traces reads back. Summarizing summaries is their merge, so a fleet's
 * logs are summarized where they are and merged in a tree anywhere
 * (docs/fleet.md). Lines not understood go into the summary (a count on
 * stderr). Exit 0; 2 for bad usage or unreadable input.
 */
import type { Writable } from 'node:stream';
import type { CommandImpl } from '../command';
import { ExitCode } from '../../errors';
import { readLearningInputs } from '../learn-inputs';
import { traceFilterOptions } from '../read-traces';
import { summaryChunks } from '../../infer/summary-codec';
import { CHUNK_BYTES } from '../../infer/summary-bytes';
import { writeBytes } from '../write-lines';

/**
 * Whether `out` writes to a file descriptor (`process.stdout`: a file, a
 * pipe, a terminal): it is done with a buffer once the write's callback
 * comes. Another stream (a caller's Writable) may keep the very buffer.
 */
function onDescriptor(out: Writable): boolean {
  return typeof (out as { fd?: unknown }).fd === 'number';
}

/**
 * Writes `bytes` and waits for the write's callback (the reader's pace: one
 * chunk at a time); true when they were written, false on an error (a reader
 * gone away, `| head`: the stream is destroyed and later writes fail at once).
 */
function writeOut(out: Writable, bytes: Buffer): Promise<boolean> {
  return new Promise((res) => {
    out.write(bytes, (error) => res(error == null));
  });
}

export const summarizeCommand: CommandImpl = {
  builder: (y) =>
    traceFilterOptions(
      y.positional('inputs', {
        describe:
          'secpolmonitor traces and summary files, plain or gzip (`-` or none: standard input)',
        type: 'string',
        array: true,
      }),
    )
      .example('$0 summarize device-0042.log.gz > device-0042.jsonl', 'one device’s summary')
      .example('$0 summarize parts/*.jsonl > fleet.jsonl', 'merge summaries (a tree of them)')
      .example('$0 suggest fleet.jsonl --policy fleet.secpol', 'learn from a summary')
      .example(
        '$0 check fleet.jsonl --policy fleet.secpol',
        'gate on a summary (explain, harden too)',
      ),
  run: async (args, io) => {
    const summary = await readLearningInputs(
      (args.inputs as string[] | undefined) ?? [],
      args,
      io,
      { summarize: true },
    );
    const { learned } = summary;
    // The lines not understood are in the summary (the command that reads it lists them).
    io.stderr.write(
      `secpol-learn summarize: ${learned.inferred.requirements.byKey.size} requirement(s) from ${learned.eventCount} event(s) in ${summary.inputs.length} input(s); ${learned.notUnderstoodCount} line(s) not understood\n`,
    );
    // The bytes as they are made, a chunk at a time (never the whole summary at once).
    if (!onDescriptor(io.stdout)) {
      for (const chunk of summaryChunks(summary)) await writeBytes(io.stdout, chunk);
      return ExitCode.OK;
    }
    // One buffer of CHUNK_BYTES filled again once its write is called back (the generator
    // resumes only then). Chunks made anew are freed by a collection only (they are outside
    // the heap), which writing bytes seldom calls for: the written ones piled up
    // (docs/performance.md, "summarize's per-record cost"). A larger chunk (one long line)
    // is not kept.
    let spare: Buffer | undefined;
    const allocate = (n: number): Buffer => {
      const b = n <= CHUNK_BYTES ? spare : undefined;
      spare = undefined;
      return b ?? Buffer.allocUnsafe(Math.max(n, CHUNK_BYTES));
    };
    for (const chunk of summaryChunks(summary, allocate)) {
      const whole = chunk.byteOffset === 0 && chunk.buffer.byteLength === CHUNK_BYTES;
      if ((await writeOut(io.stdout, chunk)) && whole)
        spare = Buffer.from(chunk.buffer, 0, CHUNK_BYTES);
    }
    return ExitCode.OK;
  },
};
