/**
 * Inputs of the learning commands (`suggest`, `generate`) and the review
 * commands that reuse them: reading and parsing policies (code frames on
 * stderr), streaming traces into one inference result (one thread or
 * sharded), the stderr report, and the options they share.
 */
import type { Argv } from 'yargs';
import type { CliIo } from './io';
import { formatDiagnostic } from '../diagnostics/code-frame';
import { formatDiagnosticLine } from '../diagnostics/diagnostic';
import { parsePolicy } from '../policy/parse';
import { distinctFiles, readPolicyInput, type PolicySource } from './policy-file-io';
import { readAs } from './policy-bytes';
import { buildModel } from '../policy/model/build-model';
import { DEFAULT_QNX_VERSION, type QnxVersion } from '../qnx/abilities';
import type { InferResult } from '../infer/infer-requirements';
import type { LearnResult } from '../plan/learn';
import type { PolicyInput } from '../plan/plan-types';
import { learnReport } from '../render/learn-report';
import { readTraceEvents, traceFilterOptions, traceFilterFrom } from './read-traces';
import { readTracesParallel } from './parallel/read-parallel';
import { ShardLearner, type ShardResult } from '../infer/shard-learner';
import { MAX_LISTED_LINES, mergeSummaries, type Summary } from '../infer/summary';
import { readSummaryFile, refuseFilters, sortInputs } from './summary-inputs';
import { learnAndTally } from './learn-and-tally';
import type { TraceSink } from '../infer/trace-filter';
import type { Policy, PolicyFile } from '../policy/ast';
import type { NamedRangeValues } from '../policy/model/types';
import type { FollowStop } from './follow';
import { byPlace } from '../diagnostics/first-by-place';
import { withColor, qnxOption } from './shared-options';

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

/**
 * Reads and parses policy files. A policy that does not parse is input the
 * user must fix: code frames on stderr, then `undefined` (the command exits 2).
 * A file named twice (the same name, `./name`, a symlink or a hard link) is
 * one file of the policy, read once: every command that takes policy files
 * reads them here, so none declares a file's rules twice or patches it twice.
 * A latin1 file's AST is marked (readAs) so its model judges paths by bytes.
 */
export async function parsePolicyFiles(
  files: string[],
  io: CliIo,
): Promise<ParsedPolicies | undefined> {
  const sources: PolicySource[] = [];
  for (const file of await distinctFiles(files, io.cwd))
    sources.push(await readPolicyInput(file, io));
  const parsed: PolicyFile[] = [];
  let failed = false;
  for (const src of sources) {
    const { ast, diagnostics } = parsePolicy(src.text, { file: src.file });
    for (const d of diagnostics) io.stderr.write(formatDiagnostic(d, src.text));
    if (diagnostics.some((d) => d.severity === 'error')) failed = true;
    parsed.push(readAs(ast, src.encoding));
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

/** Learns trace files (no summaries among them) into one result: on every core when large. */
async function learnTraceFiles(
  traceFiles: string[],
  args: Record<string, unknown>,
  io: CliIo,
  follow?: FollowStop,
  watch?: (sink: TraceSink) => TraceSink,
): Promise<ShardResult> {
  // Large files: every core, merged to the same result (src/cli/parallel/); else one thread below.
  // (An input being followed or watched is read as it is written, in one thread.)
  const parallel =
    follow || watch
      ? undefined
      : await readTracesParallel(traceFiles, traceFilterFrom(args), io, MAX_LISTED_LINES);
  if (parallel !== undefined) return parallel;
  // One thread: the learner a shard uses (fast lane, the first lines not understood by place;
  // bounded: a gigabyte of garbage must not become a gigabyte of diagnostics).
  const learner = new ShardLearner(traceFilterFrom(args), MAX_LISTED_LINES);
  const sink = watch ? watch(learner.sink()) : learner.sink();
  const records = await readTraceEvents(traceFiles, traceFilterFrom(args), io, sink, follow);
  const result = learner.result();
  // A sink's learner sees events, not the parser's summaries: the reader counted the records.
  for (const [file, n] of records) result.records[file] = n;
  return result;
}

/**
 * The one place where inputs are read for learning: traces and summary files
 * (`secpol-learn summarize` output, told apart by content, standard input
 * too), merged with the learner's merge into one summary. With `summarize`,
 * each trace is learned on its own so the summary counts the events of each
 * input, and tallied for review too (learn-and-tally.ts), and the summaries'
 * review tallies are read and merged; otherwise traces are learned together
 * (on every core when large) and the review tallies are skipped unread.
 */
export async function readLearningInputs(
  names: string[],
  args: Record<string, unknown>,
  io: CliIo,
  options: {
    follow?: FollowStop;
    summarize?: boolean;
    /** Sees every event and diagnostic before learning does (review's and suggest's `--follow`). */
    watch?: (sink: TraceSink) => TraceSink;
  } = {},
): Promise<Summary> {
  const sorted = await sortInputs(names.length > 0 ? names : ['-'], io, options.follow);
  io = sorted.io;
  const { traces, summaries: summaryFiles } = sorted;
  refuseFilters(summaryFiles, args);
  const parts: Summary[] = [];
  if (options.summarize) {
    for (const file of [...traces].sort()) {
      const learned = await learnAndTally([file], args, io);
      parts.push({ inputs: [{ file, events: learned.eventCount }], learned });
    }
  } else if (traces.length > 0) {
    parts.push({
      inputs: [...traces].sort().map((file) => ({ file })),
      learned: await learnTraceFiles(traces, args, io, options.follow, options.watch),
    });
  }
  const want = { learned: true, review: Boolean(options.summarize) };
  for (const file of [...summaryFiles].sort()) parts.push(await readSummaryFile(file, io, want));
  // One part is the learner's own result (no copy of a million atoms).
  return parts.length === 1 ? parts[0]! : mergeSummaries(parts);
}

/** Writes the lines not understood (the first, then a count) on stderr. */
function reportNotUnderstood(learned: ShardResult, io: CliIo): void {
  const { notUnderstood, notUnderstoodCount } = learned;
  for (const d of notUnderstood) io.stderr.write(`${formatDiagnosticLine(d)}\n`);
  if (notUnderstoodCount > notUnderstood.length) {
    io.stderr.write(
      `secpol-learn: ${notUnderstoodCount - notUnderstood.length} more line(s) not understood, not listed\n`,
    );
  }
}

/** Reads every trace (and summary) into one inference result; reports lines not understood on stderr. */
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
  /** The secpolmonitor records read from each trace (before the filters), by name. */
  records: Readonly<Record<string, number>>;
}> {
  const summary = await readLearningInputs(traces, args, io, {
    ...(follow ? { follow } : {}),
    ...(watch ? { watch } : {}),
  });
  const { learned } = summary;
  // Sorted by place: the same bytes whatever the order of the trace files.
  reportNotUnderstood(learned, io);
  const { inferred, eventCount, notUnderstoodCount } = learned;
  inferred.refused.sort(byPlace);
  return {
    inferred,
    eventCount,
    // The traces read, and those the summaries were learned from.
    traceFiles: summary.inputs.map((i) => i.file),
    notUnderstood: notUnderstoodCount,
    records: learned.records,
  };
}

/**
 * A gate that read nothing judged nothing (docs/cli.md, "Inputs that held
 * nothing"): names on stderr each trace from which no secpolmonitor record was
 * read and returns true, unless `--allow-empty` accepts them. The gates are
 * `check`, `review --no-interactive` (a replay) and `types --check`.
 */
export function refuseEmptyInputs(
  read: { traceFiles: readonly string[]; records: Readonly<Record<string, number>> },
  args: Record<string, unknown>,
  io: CliIo,
): boolean {
  if (args.allowEmpty) return false;
  const empty = read.traceFiles.filter((file) => (read.records[file] ?? 0) === 0);
  for (const file of empty)
    io.stderr.write(
      `secpol-learn: ${file === '-' ? 'standard input' : file}: no secpolmonitor record read (empty, binary, or no line understood); nothing was checked (--allow-empty to accept)\n`,
    );
  return empty.length > 0;
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
      .option('qnx', qnxOption())
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
