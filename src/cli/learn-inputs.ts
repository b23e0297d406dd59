/**
 * Inputs of the learning commands (`suggest`, `generate`) and the review
 * commands that reuse them: reading and parsing policies (code frames on
 * stderr), streaming traces into one inference result (one thread or
 * sharded), the stderr report, and the options they share.
 */
import * as path from 'node:path';
import type { Argv } from 'yargs';
import type { CliIo } from './io';
import { formatDiagnostic } from '../diagnostics/code-frame';
import { formatDiagnosticLine } from '../diagnostics/diagnostic';
import { parsePolicy } from '../policy/parse';
import { decodePolicyBytes, readPolicyFile, type PolicySource } from './policy-file-io';
import { FileError } from '../errors';
import { buildModel } from '../policy/model/build-model';
import { QNX_VERSIONS, DEFAULT_QNX_VERSION, type QnxVersion } from '../qnx/abilities';
import type { InferResult } from '../infer/infer-requirements';
import type { LearnResult } from '../plan/learn';
import type { PolicyInput } from '../plan/plan-types';
import { learnReport } from '../render/learn-report';
import { readTraceEvents, traceFilterOptions, traceFilterFrom } from './read-traces';
import { readTracesParallel } from './parallel/read-parallel';
import { ShardLearner } from '../infer/shard-learner';
import type { TraceSink } from '../infer/trace-filter';
import type { Policy, PolicyFile } from '../policy/ast';
import type { NamedRangeValues } from '../policy/model/types';
import type { FollowStop } from './follow';
import { byPlace } from '../diagnostics/first-by-place';
import { withColor } from './shared-options';

/** How many lines not understood are listed on stderr; the rest are counted. */
const MAX_LISTED_LINES = 1000;

/** The policies given on the command line, parsed. */
export interface ParsedPolicies {
  sources: PolicySource[];
  policy: Policy;
}

/** The policies given on the command line, parsed, with their model. */
export interface LoadedPolicies {
  sources: PolicySource[];
  input: PolicyInput;
}

/** A policy file's text; `-` is standard input (for `diff -`: the commands that read traces refuse it). */
async function readPolicySource(file: string, io: CliIo): Promise<PolicySource> {
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
 * Reads and parses policy files. A policy that does not parse is input the
 * user must fix: code frames on stderr, then `undefined` (the command exits 2).
 */
export async function parsePolicyFiles(
  files: string[],
  io: CliIo,
): Promise<ParsedPolicies | undefined> {
  const sources: PolicySource[] = [];
  for (const file of files) sources.push(await readPolicySource(file, io));
  const parsed: PolicyFile[] = [];
  let failed = false;
  for (const src of sources) {
    const { ast, diagnostics } = parsePolicy(src.text, { file: src.file });
    for (const d of diagnostics) io.stderr.write(formatDiagnostic(d, src.text));
    if (diagnostics.some((d) => d.severity === 'error')) failed = true;
    parsed.push(ast);
  }
  if (failed) return undefined;
  return { sources, policy: { type: 'policy', files: parsed } };
}

/**
 * Adds the model to parsed policies. The learning commands parse first (a
 * syntax error stops them before any trace is read) and build the model only
 * after the traces are read, so the two never share the heap's peak: about
 * 27 MB of a 10,000-type policy (docs/performance.md).
 */
export function withModel(
  parsed: ParsedPolicies,
  qnx: QnxVersion,
  ranges?: NamedRangeValues | null,
): LoadedPolicies {
  return {
    sources: parsed.sources,
    input: {
      policy: parsed.policy,
      model: buildModel(parsed.policy, { qnx, ...(ranges ? { ranges } : {}) }),
    },
  };
}

/** Reads and parses policy files and builds their model; undefined as parsePolicyFiles. */
export async function loadPolicies(
  files: string[],
  io: CliIo,
  qnx: QnxVersion,
): Promise<LoadedPolicies | undefined> {
  const parsed = await parsePolicyFiles(files, io);
  return parsed && withModel(parsed, qnx);
}

/** Reads every trace into one inference result; reports lines not understood on stderr. */
export async function inferFromTraces(
  traces: string[],
  args: Record<string, unknown>,
  io: CliIo,
  follow?: FollowStop,
  /** Sees every event and diagnostic before learning does (`--follow`'s live output; one thread, no fast lane). */
  watch?: (sink: TraceSink) => TraceSink,
): Promise<{
  inferred: InferResult;
  eventCount: number;
  traceFiles: string[];
  notUnderstood: number;
}> {
  const traceFiles = traces.length > 0 ? traces : ['-'];
  // Large files: every core, merged to the same result (src/cli/parallel/); else one thread below.
  // (An input being followed is read as it is written, in one thread.)
  const parallel =
    follow || watch
      ? undefined
      : await readTracesParallel(traceFiles, traceFilterFrom(args), io, MAX_LISTED_LINES);
  let learned = parallel;
  if (learned === undefined) {
    // One thread: the learner a shard uses (fast lane, the first lines not understood by place;
    // bounded: a gigabyte of garbage must not become a gigabyte of diagnostics).
    const learner = new ShardLearner(traceFilterFrom(args), MAX_LISTED_LINES);
    const sink = watch ? watch(learner.sink()) : learner.sink();
    await readTraceEvents(traceFiles, traceFilterFrom(args), io, sink, follow);
    learned = learner.result();
  }
  // Sorted by place: the same bytes whatever the order of the trace files.
  const { inferred, eventCount, notUnderstood, notUnderstoodCount } = learned;
  for (const d of notUnderstood) io.stderr.write(`${formatDiagnosticLine(d)}\n`);
  if (notUnderstoodCount > notUnderstood.length) {
    io.stderr.write(
      `secpol-learn: ${notUnderstoodCount - notUnderstood.length} more line(s) not understood, not listed\n`,
    );
  }
  inferred.refused.sort(byPlace);
  return { inferred, eventCount, traceFiles, notUnderstood: notUnderstoodCount };
}

/** Writes refused records, review items, what was already allowed and the summary on stderr. */
export function reportToStderr(result: LearnResult, io: CliIo): void {
  io.stderr.write(learnReport(result));
}

/** The `--qnx` option's value, checked. */
export function qnxFrom(args: Record<string, unknown>): QnxVersion {
  return (args.qnx as QnxVersion | undefined) ?? DEFAULT_QNX_VERSION;
}

/** Options both learning commands share. */
export function learnOptions(y: Argv): Argv {
  return traceFilterOptions(
    withColor(y)
      .positional('traces', {
        describe: 'secpolmonitor output files (`-` or none: standard input)',
        type: 'string',
        array: true,
      })
      .option('combine', {
        alias: 'c',
        type: 'boolean',
        default: false,
        describe:
          'processes of the same name are one: an executable sharing a catch-all type gets a type of its own',
      })
      .option('qnx', {
        type: 'string',
        choices: [...QNX_VERSIONS],
        default: DEFAULT_QNX_VERSION,
        describe: 'QNX release whose abilities the policy uses',
      })
      .option('ranges', {
        type: 'string',
        describe:
          'named range file (secpolpush -r format): the named ranges the policy uses are understood',
      })
      .epilog(
        'Traces of 256 MiB or more are learned on every core; SECPOL_LEARN_THREADS=N asks for N threads (1: one thread), never more than the cores available.',
      ),
  );
}
