/**
 * Inputs of the review commands (`check`, `explain`, `harden`): policy, range
 * file and guard file, the streamed review scan of the traces (lines not read
 * named on stderr, bounded), the options they share, and the tool version
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
import { QNX_VERSIONS, DEFAULT_QNX_VERSION } from '../qnx/abilities';
import {
  TraceReviewer,
  coveredAsLink,
  type EventGroup,
  type TraceReview,
} from '../review/trace-review';
import type { FollowStop } from './follow';
import { denyFiles, loadGuardFiles } from './load-guards';
import { FirstByPlace } from '../diagnostics/first-by-place';
import { withColor } from './shared-options';
import { loadWaivers } from './load-waivers';
import type { ParsedWaivers } from '../review/waivers';

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

/**
 * Streams the traces through the review scan; names every line not read on stderr (bounded) and
 * returns them. With `live`, the input is followed and each access that fails and that the policy
 * does not allow is handed on when its first denied record is read (judged with the link records
 * read so far: the final result, which sees them all, is what decides the status).
 */
export async function scanTraces(
  args: Record<string, unknown>,
  model: PolicyModel,
  io: CliIo,
  live?: LiveScan,
): Promise<{
  review: TraceReview;
  traceFiles: string[];
  notUnderstood: Diagnostic[];
  notUnderstoodCount: number;
  /** Records read from each input, as readTraceEvents counts them. */
  records: Map<string, number>;
}> {
  const traces = (args.traces as string[] | undefined) ?? [];
  const traceFiles = traces.length > 0 ? traces : ['-'];
  const reviewer = new TraceReviewer(model);
  // The first by place, as the learners keep them (first-by-place.ts), and a count.
  const kept = new FirstByPlace(MAX_LISTED_LINES);
  const note = (d: Diagnostic): void => kept.add(d);
  const linking = new Set<string>();
  const records = await readTraceEvents(
    traceFiles,
    traceFilterFrom(args),
    io,
    {
      onEvent: (e) => {
        // A record of a form nobody knows cannot be judged: it is counted and named, never dropped.
        if (e.kind === 'unknown')
          note({
            severity: 'warning',
            message: 'record of an unknown form: not judged',
            file: e.position.file,
            line: e.position.line,
            ruleId: 'trace-unknown-record',
          });
        const g = reviewer.add(e);
        if (!live || !g || e.kind === 'unknown') return;
        if (e.kind === 'link') linking.add(e.process);
        if (e.severity === 'error' && g.failures === 1 && !g.verdict.allowed)
          if (!coveredAsLink(g, linking)) live.onUncovered(g);
      },
      onDiagnostic: note,
    },
    live?.follow,
  );
  const listed = kept.sorted();
  const count = kept.count;
  for (const d of listed) io.stderr.write(`${formatDiagnosticLine(d)}\n`);
  if (count > listed.length)
    io.stderr.write(
      `secpol-learn: ${count - listed.length} more line(s) not understood, not listed\n`,
    );
  return {
    review: reviewer.result(),
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
      .option('qnx', {
        type: 'string',
        choices: [...QNX_VERSIONS],
        default: DEFAULT_QNX_VERSION,
        describe: 'QNX release whose abilities the policy uses',
      })
      .option('ranges', { type: 'string', describe: 'named range file (secpolpush -r format)' }),
  );
}
