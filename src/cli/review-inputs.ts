/**
 * Inputs of the review commands (`check`, `explain`, `harden`): policy, range
 * file and guard file, the review scan of the traces (read by the learner in
 * review mode, on every core for large inputs; lines not read named on
 * stderr, bounded), the options they share, and the tool version
 * SARIF reports.
 */
import { version as VERSION } from '../../package.json';
import type { Argv } from 'yargs';
import type { CliIo } from './io';
import { UsageError } from '../errors';
import { formatDiagnosticLine, type Diagnostic } from '../diagnostics/diagnostic';
import { buildModel } from '../policy/model/build-model';
import { loadRangeOption } from './load-ranges';
import type { PolicyModel } from '../policy/model/types';
import { readTraceEvents, traceFilterFrom, traceFilterOptions } from './read-traces';
import { loadPolicies, qnxFrom, type LoadedPolicies } from './learn-inputs';
import { atomGroup, coveredAsLink, type EventGroup } from '../review/trace-review';
import { evaluate } from '../policy/evaluate';
import type { ProcessEvent } from '../trace/event';
import { ShardLearner } from '../infer/shard-learner';
import { emptyReviewSummary, type ReviewAtom, type ReviewSummary } from '../infer/review-tally';
import { readTracesParallel, type ParallelOptions } from './parallel/read-parallel';
import type { FollowStop } from './follow';
import { denyFiles, loadGuardFiles } from './load-guards';
import { withColor, qnxOption } from './shared-options';
import { loadWaivers } from './load-waivers';
import type { ParsedWaivers } from '../review/waivers';
import { sortInputs } from './summary-inputs';
import { readReviewSummaries, withSummaries } from './review-summaries';

/** How many lines not read are listed on stderr; the rest are counted. */
const MAX_LISTED_LINES = 1000;

/** The tool version SARIF reports (package.json's). */
export function toolVersion(): string {
  return VERSION;
}

/** An option given zero, one or several times, as a list. */
export function listOf(v: unknown): string[] {
  return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
}

/**
 * A policy, its model (with the range file when given), the guard models (one per `--deny`
 * file) and the waivers (`--waive`).
 */
export interface ReviewInput {
  loaded: LoadedPolicies;
  model: PolicyModel;
  guards?: PolicyModel[];
  waivers?: ParsedWaivers;
}

/** Reads `--policy`, `--ranges`, `--deny` and `--waive`; undefined (exit 2) when one is wrong (code frames on stderr). */
export async function loadReviewInput(
  args: Record<string, unknown>,
  io: CliIo,
): Promise<ReviewInput | undefined> {
  const files = listOf(args.policy);
  if (files.length === 0) throw new UsageError('--policy FILE is required');
  if (files.includes('-'))
    throw new UsageError('--policy must name a file (standard input is for traces)');
  const qnx = qnxFrom(args);
  const loaded = await loadPolicies(files, io, qnx);
  if (!loaded) return undefined;
  let model = loaded.input.model;
  const ranges = await loadRangeOption(args, io);
  if (ranges === undefined) return undefined;
  if (ranges) model = buildModel(loaded.input.policy, { qnx, ranges });
  let guards: PolicyModel[] | undefined;
  if (denyFiles(args).length > 0) {
    guards = await loadGuardFiles(denyFiles(args), loaded.input.policy, qnx, io);
    if (!guards) return undefined;
  }
  const waivers = await loadWaivers(args, loaded.input.policy, qnx, io);
  if (waivers === 'failed') return undefined;
  return { loaded, model, ...(guards ? { guards } : {}), ...(waivers ? { waivers } : {}) };
}

/** How `check --follow` reads: the stop, and a callback for each failure group found uncovered as it arrives. */
export interface LiveScan {
  follow: FollowStop;
  onUncovered: (group: EventGroup) => void;
}

/** What the review commands read from the traces: the judgement and what was not read. */
export interface TraceScan {
  /** The review tally of every record read, not yet judged (`judgeSummary`, `checkStream`). */
  summary: ReviewSummary;
  traceFiles: string[];
  notUnderstood: Diagnostic[];
  notUnderstoodCount: number;
  /** Records read from each input (as named; `-` is standard input), before the filter. */
  records: Map<string, number>;
}

/**
 * Reads the traces through the learner in review mode (src/infer/shard-learner.ts: the review
 * tally, on every core for large inputs as suggest reads them, merged), then judges each distinct
 * access once; names every line not read on stderr (bounded) and returns them. With `live`, the
 * input is followed in this thread and each access that fails and that the policy does not allow
 * is handed on when its first denied record is read (judged with the link records read so far:
 * the final result, which sees them all, is what decides the status). `parallel`: the parallel
 * reader's knobs (tests), and `places: false` for a reader that lists no failure place after
 * an atom's first (`harden`: src/infer/shard-learner.ts). Summary files among the inputs (told apart by content, standard input
 * too; never under `live`) give their review tallies, merged with the traces' by the learner's
 * merge (review-summaries.ts).
 */
export async function scanTraces(
  args: Record<string, unknown>,
  model: PolicyModel,
  io: CliIo,
  live?: LiveScan,
  parallel: ParallelOptions = {},
): Promise<TraceScan> {
  const traces = (args.traces as string[] | undefined) ?? [];
  // Summary files (and a summary on standard input) are read apart, merged below.
  const sorted = await sortInputs(traces.length > 0 ? traces : ['-'], io, live?.follow);
  io = sorted.io;
  const summaries = await readReviewSummaries(sorted.summaries, args, io);
  let traceFiles = sorted.traces;
  const filter = traceFilterFrom(args);
  let read = live
    ? undefined
    : await readTracesParallel(traceFiles, filter, io, MAX_LISTED_LINES, {
        ...parallel,
        review: true,
      });
  let records: Map<string, number>;
  if (read) records = new Map(traceFiles.map((f) => [f, read!.records[f] ?? 0]));
  else {
    const linking = new Set<string>();
    const onReviewed = (e: ProcessEvent, atom: ReviewAtom): void => {
      if (e.kind === 'link') linking.add(e.process);
      if (e.severity !== 'error' || atom.failures !== 1) return;
      const event = atom.event;
      const g = atomGroup(atom, event, evaluate(model, event));
      if (!g.verdict.allowed && !coveredAsLink(g, linking)) live!.onUncovered(g);
    };
    const learner = new ShardLearner(filter, MAX_LISTED_LINES, {
      review: true,
      places: parallel.places !== false,
      ...(live ? { onReviewed } : {}),
    });
    records = await readTraceEvents(traceFiles, filter, io, learner.sink(), live?.follow);
    read = learner.result();
  }
  if (summaries.length > 0)
    ({ read, records, traceFiles } = withSummaries(read, records, traceFiles, summaries));
  const listed = read.notUnderstood;
  const count = read.notUnderstoodCount;
  for (const d of listed) io.stderr.write(`${formatDiagnosticLine(d)}\n`);
  if (count > listed.length)
    io.stderr.write(
      `secpol-learn: ${count - listed.length} more line(s) not understood, not listed\n`,
    );
  return {
    summary: read.review ?? emptyReviewSummary(),
    traceFiles,
    notUnderstood: listed,
    notUnderstoodCount: count,
    records,
  };
}

/** Options `check`, `explain` and `harden` share. */
export function reviewOptions(y: Argv): Argv {
  return traceFilterOptions(
    withColor(y)
      .positional('traces', {
        describe: 'secpolmonitor output files (`-` or none: standard input)',
        type: 'string',
        array: true,
      })
      // A list option: one file per --policy, never the trace names after it (option-contract.ts).
      .option('policy', {
        type: 'string',
        array: true,
        describe: 'the policy (repeatable; files are concatenated as secpolcompile does)',
      })
      .option('qnx', qnxOption())
      .option('ranges', { type: 'string', describe: 'named range file (secpolpush -r format)' }),
  );
}
