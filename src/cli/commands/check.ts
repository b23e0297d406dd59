/**
 * `secpol-learn check --policy FILE... [TRACE...] [--deny FILE] [--strict]
 * [--format text|json|sarif]`: a CI gate. Exit 0 when the policy allows every
 * failure the traces recorded, 1 when some failure is not covered (each
 * listed with its trace `file:line`), when the policy grants what a guard
 * rule forbids, or (with `--strict`) when some trace line was not read; 2 for
 * bad usage or unreadable input. Lines not read are always named on stderr.
 *
 * Also exports the input helpers `explain` and `harden` share: policies,
 * range file, guard file, and the streamed review scan.
 */
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import type { CliCommand } from '../command';
import { useColour, type CliIo } from '../io';
import { ExitCode, InputError, UsageError } from '../../errors';
import { formatDiagnostic } from '../../diagnostics/code-frame';
import { formatDiagnosticLine, type Diagnostic } from '../../diagnostics/diagnostic';
import { buildModel } from '../../policy/model/build-model';
import { parseRangeFile } from '../../policy/model/range-file';
import type { PolicyModel } from '../../policy/model/types';
import { readTraceEvents, traceFilterFrom, traceFilterOptions } from '../../infer/read-traces';
import { loadPolicies, qnxFrom, type LoadedPolicies } from './suggest';
import { QNX_VERSIONS, DEFAULT_QNX_VERSION } from '../../qnx/abilities';
import { TraceReviewer, type TraceReview } from '../../review/trace-review';
import { guardViolations } from '../../review/guards';
import { loadGuardFile } from '../../review/load-guards';
import {
  CHECK_RULES,
  checkJson,
  checkResult,
  checkSarifFindings,
  checkSummary,
  uncoveredLine,
} from '../../review/check-result';
import { formatSarif, toSarif } from '../../sarif/sarif';

/** How many lines not read are listed on stderr; the rest are counted. */
const MAX_LISTED_LINES = 1000;

/** The tool version SARIF reports (package.json's). */
export function toolVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../../package.json') as { version: string }).version;
}

/** An option given zero, one or several times, as a list. */
export function listOf(v: unknown): string[] {
  return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
}

/** A policy, its model (with the range file when given) and the guard model (with `--deny`). */
export interface ReviewInput {
  loaded: LoadedPolicies;
  model: PolicyModel;
  guards?: PolicyModel;
}

async function readText(file: string, io: CliIo, what: string): Promise<string> {
  try {
    return await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (e) {
    throw new InputError(
      file,
      `cannot read the ${what} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        cause: e,
      },
    );
  }
}

/** Reads `--policy`, `--ranges` and `--deny`; undefined (exit 2) when one does not parse (code frames on stderr). */
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
  if (typeof args.ranges === 'string') {
    const text = await readText(args.ranges, io, 'range file');
    const r = parseRangeFile(text, { file: args.ranges });
    for (const d of r.diagnostics) io.stderr.write(formatDiagnostic(d, text));
    if (r.diagnostics.some((d) => d.severity === 'error')) return undefined;
    model = buildModel(loaded.input.policy, { qnx, ranges: r.ranges });
  }
  let guards: PolicyModel | undefined;
  if (typeof args.deny === 'string') {
    guards = await loadGuardFile(args.deny, loaded.input.policy, qnx, io);
    if (!guards) return undefined;
  }
  return { loaded, model, ...(guards ? { guards } : {}) };
}

/** Streams the traces through the review scan; names every line not read on stderr (bounded) and returns them. */
export async function scanTraces(
  args: Record<string, unknown>,
  model: PolicyModel,
  io: CliIo,
): Promise<{
  review: TraceReview;
  traceFiles: string[];
  notUnderstood: Diagnostic[];
  notUnderstoodCount: number;
}> {
  const traces = (args.traces as string[] | undefined) ?? [];
  const traceFiles = traces.length > 0 ? traces : ['-'];
  const reviewer = new TraceReviewer(model);
  const listed: Diagnostic[] = [];
  let count = 0;
  const note = (d: Diagnostic): void => {
    count++;
    if (listed.length < MAX_LISTED_LINES) listed.push(d);
  };
  await readTraceEvents(traceFiles, traceFilterFrom(args), io, {
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
      reviewer.add(e);
    },
    onDiagnostic: note,
  });
  listed.sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line));
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
  };
}

/** Options `check`, `explain` and `harden` share. */
export function reviewOptions(y: Argv): Argv {
  return traceFilterOptions(
    y
      .positional('traces', {
        describe: 'secpolmonitor output files (`-` or none: standard input)',
        type: 'string',
        array: true,
      })
      // Not `array`: an array option would swallow the trace names that follow it.
      .option('policy', {
        type: 'string',
        requiresArg: true,
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

export const checkCommand: CliCommand = {
  command: 'check [traces..]',
  describe: 'CI gate: fail when the policy does not allow every failure the traces recorded',
  builder: (y) =>
    reviewOptions(y)
      .option('deny', {
        type: 'string',
        describe:
          'guard rules (secpol) that must never be granted: fail when the policy grants one',
      })
      .option('strict', {
        type: 'boolean',
        default: false,
        describe: 'fail (exit 1) when some trace line could not be read',
      })
      .option('format', {
        type: 'string',
        choices: ['text', 'json', 'sarif'],
        default: 'text',
        describe: 'text: one line per uncovered failure; json; sarif (SARIF 2.1.0)',
      })
      .example(
        '$0 check --policy policy.secpol boot.log',
        'exit 1 and list failures the policy does not allow',
      )
      .example(
        '$0 check --policy base.secpol --policy svc.secpol --deny never.secpol --strict logs/*.log',
        'a strict gate with guard rules',
      )
      .example(
        '$0 check --policy policy.secpol boot.log --format sarif > check.sarif',
        'SARIF for code-review annotations',
      ),
  run: async (args, io) => {
    const input = await loadReviewInput(args, io);
    if (!input) return ExitCode.USAGE;
    const scan = await scanTraces(args, input.model, io);
    const result = checkResult(scan.review, {
      traceFiles: scan.traceFiles,
      policyFiles: input.loaded.sources.map((s) => s.file),
      notUnderstood: scan.notUnderstood,
      notUnderstoodCount: scan.notUnderstoodCount,
      guardViolations: input.guards ? guardViolations(input.model, input.guards) : [],
      strict: Boolean(args.strict),
    });
    const format = String(args.format ?? 'text');
    if (format === 'json') io.stdout.write(checkJson(result));
    else if (format === 'sarif')
      io.stdout.write(
        formatSarif(
          toSarif(checkSarifFindings(result, scan.review), CHECK_RULES, { version: toolVersion() }),
        ),
      );
    else {
      const red = useColour(io.stdout, io.env)
        ? (s: string): string => `\u001b[31m${s}\u001b[39m`
        : (s: string): string => s;
      for (const u of result.uncovered) io.stdout.write(`${red(uncoveredLine(u))}\n`);
      for (const v of result.guardViolations)
        io.stdout.write(
          `${red(`${v.grant.file}:${v.grant.line}:${v.grant.column}: guard: ${v.type} is granted ${v.what}, which guard rule ${v.guard.file}:${v.guard.line} forbids [guard-rule]`)}\n`,
        );
    }
    io.stderr.write(`${checkSummary(result)}\n`);
    return result.passed ? ExitCode.OK : ExitCode.FINDING;
  },
};
