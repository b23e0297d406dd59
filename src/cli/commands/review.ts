/**
 * `secpol-learn review [TRACE...] --policy FILE... [--answers FILE]
 * [--deny-file FILE] [--waive FILE...] [--write] [--follow]`: aa-logprof for
 * QNX. The failures are planned as `suggest` plans them; each planned group
 * (type, access) is asked about on a terminal (src/cli/review-prompt.ts),
 * and the decisions become the patch (stdout, or `--write`), guard rules
 * appended to the deny file, waiver entries appended to the waiver file and
 * the answers file. Without a terminal (or with `--no-interactive`) the
 * answers file is replayed: exit 1 lists the groups with no decision.
 *
 * A thin shell over the pure session core (src/review/session/). Exit 0
 * when every group is decided (or after an interactive session), 1 when a
 * replay leaves groups undecided, 2 for bad usage, unreadable input or a bad
 * answers file (FILE:LINE).
 */
import * as path from 'node:path';
import { openSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { ReadStream } from 'node:tty';
import type { Readable } from 'node:stream';
import type { CommandImpl } from '../command';
import type { CliIo } from '../io';
import { ExitCode, FileError, InputError, UsageError } from '../../errors';
import { writeTransaction } from '../write-transaction';
import { distinctFiles, readPolicyFile, writePolicies, type PolicySource } from '../policy-file-io';
import { learn, type LearnResult } from '../../plan/learn';
import { applyPatch } from '../../render/apply-patch';
import { templatesOption } from '../load-templates';
import { withTemplates } from '../shared-options';
import { toSnippetView } from '../../render/view-model';
import { loadRangeOption } from '../load-ranges';
import { startFollow } from '../follow';
import {
  inferFromTraces,
  learnOptions,
  parsePolicyFiles,
  withModel,
  qnxFrom,
  refuseEmptyInputs,
  reportToStderr,
  type LoadedPolicies,
} from '../learn-inputs';
import { startSession, pending, type SessionState } from '../../review/session/session';
import {
  answersText,
  readAnswers,
  replay,
  type ReadAnswer,
  type StaleAnswer,
} from '../../review/session/answers';
import { isAsked, itemAccesses, keyId } from '../../review/session/groups';
import {
  staleWaivers,
  useWaiver,
  waiverFor,
  type WaiverSet,
  type WaiverUse,
} from '../../review/waivers';
import { guardEntries, reviewedPatch, waiverEntries } from '../../review/session/outputs';
import { inquirerPrompter, REVIEW_KEYS, runPrompts } from '../review-prompt';
import { followLive } from '../review-live';
import type { InferResult } from '../../infer/infer-requirements';
import { visible } from '../../diagnostics/safe-text';
import { formatDiagnosticLine } from '../../diagnostics/diagnostic';
import type { PolicyPatch } from '../../plan/patch';
import { waivedBy } from '../../review/session/waived';
import { loadWaivers, waiveFiles } from '../load-waivers';

const KEYS_HELP = `Keys: ${REVIEW_KEYS.map((k) => `${k.key} ${k.name}`).join(' · ')}`;

/** The answers file, read; undefined when it does not exist yet (an interactive session makes it). */
async function loadAnswers(file: string | undefined, io: CliIo): Promise<ReadAnswer[] | undefined> {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = await fsp.readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FileError(file, 'read', error);
  }
  const r = readAnswers(text);
  if ('message' in r) throw new InputError(`${file}:${r.line}`, visible(r.message));
  return r.answers;
}

/**
 * Where the prompts read keys, or undefined when there is no terminal to ask
 * (a replay): standard input, or the controlling terminal when standard input
 * carries the traces.
 */
function promptInput(io: CliIo, tracesOnStdin: boolean): Readable | undefined {
  const err = io.stderr as { isTTY?: boolean };
  if (!err.isTTY) return undefined;
  if (!tracesOnStdin) return (io.stdin as { isTTY?: boolean }).isTTY ? io.stdin : undefined;
  try {
    return new ReadStream(openSync('/dev/tty', 'r'));
  } catch {
    return undefined;
  }
}

/** Appends entries to a policy-syntax file (created when absent), skipping entries it already holds. */
async function appendEntries(file: string, entries: string[], io: CliIo): Promise<number> {
  if (entries.length === 0) return 0;
  const full = path.resolve(io.cwd, file);
  let old: PolicySource | undefined;
  try {
    old = await readPolicyFile(full, file);
  } catch (error) {
    const code = ((error as FileError).cause as NodeJS.ErrnoException | undefined)?.code;
    if (code !== 'ENOENT') throw error;
  }
  const fresh = entries.filter((e) => !old?.text.includes(e));
  if (fresh.length === 0) return 0;
  if (!old) {
    await fsp.writeFile(full, fresh.join('\n'), { flag: 'wx' }).catch((error: unknown) => {
      throw new FileError(file, 'write', error);
    });
    return fresh.length;
  }
  const sep =
    old.text === '' || old.text.endsWith('\n\n') ? '' : old.text.endsWith('\n') ? '\n' : '\n\n';
  await writeTransaction(
    [
      {
        name: file,
        path: full,
        text: old.text + sep + fresh.join('\n'),
        encoding: old.encoding,
        ...(old.digest ? { digest: old.digest } : {}),
      },
    ],
    { backup: false },
  );
  return fresh.length;
}

/** Writes the reviewed patch into the policy files (as `suggest --write`). */
async function writePatch(loaded: LoadedPolicies, result: LearnResult, io: CliIo): Promise<void> {
  const patched = applyPatch(loaded.sources, loaded.input.policy, result.patch, { explain: false });
  await writePolicies(
    loaded.sources,
    patched.map((p) => p.text),
    io,
  );
}

export const reviewCommand: CommandImpl = {
  builder: (y) =>
    withTemplates(learnOptions(y), ['snippet'])
      .option('policy', {
        type: 'string',
        array: true,
        describe: 'the current policy (repeatable; files are concatenated as secpolcompile does)',
      })
      .option('answers', {
        type: 'string',
        describe:
          'decisions file (JSON): replayed first; an interactive session writes every decision to it',
      })
      .option('interactive', {
        type: 'boolean',
        describe:
          'ask on the terminal (default when standard error and the keyboard are a terminal); --no-interactive replays --answers only',
      })
      .option('deny-file', {
        type: 'string',
        describe: '`n` appends guard rules here (for `check --deny` and `suggest --deny`)',
      })
      .option('waive', {
        type: 'string',
        array: true,
        describe:
          'waiver files (repeatable): what they waive is not asked; `w` appends waiver entries (# reason:, # until:, the statement) to the last one named, created when absent',
      })
      .option('explain', {
        type: 'boolean',
        default: false,
        describe: 'add evidence comments above each added rule',
      })
      .option('write', {
        type: 'boolean',
        default: false,
        describe: 'apply the reviewed patch to the --policy files (atomically, keeping FILE.orig)',
      })
      .option('allow-empty', {
        type: 'boolean',
        default: false,
        describe:
          'with --no-interactive (a replay, a gate): pass a trace from which no secpolmonitor record was read',
      })
      .option('follow', {
        type: 'boolean',
        default: false,
        describe:
          'review a live stream: groups are asked as they appear; the patch is printed when it ends or on Ctrl-C/SIGTERM',
      })
      .example(
        '$0 review boot.log --policy p.secpol --answers review.json --deny-file never.secpol --waive waivers.secpol',
        'decide group by group; decisions saved to review.json',
      )
      .example(
        '$0 review boot.log --policy p.secpol --answers review.json --no-interactive',
        'CI: replay the decisions; exit 1 lists the groups nobody decided',
      )
      .example(
        'ssh target secpolmonitor -aps | $0 review --follow --policy p.secpol --answers review.json',
        'review a live monitor (keys are read from the terminal)',
      )
      .epilog(KEYS_HELP),
  run: async (args, io) => {
    const policyFiles = await distinctFiles((args.policy as string[] | undefined) ?? [], io.cwd);
    if (policyFiles.length === 0) throw new UsageError('review needs --policy');
    if (policyFiles.includes('-'))
      throw new UsageError('--policy must name a file (standard input is for traces)');
    const answersFile = args.answers as string | undefined;
    const denyFile = args['deny-file'] as string | undefined;
    // `w` appends to the last waiver file named; every one is read (the last only when it exists).
    const waiveNames = waiveFiles(args);
    const waiveFile = waiveNames[waiveNames.length - 1];
    for (const [name, f] of [
      ['--answers', answersFile],
      ['--deny-file', denyFile],
      ...waiveNames.map((w) => ['--waive', w] as const),
    ] as const)
      if (f === '-')
        throw new UsageError(`${name} must name a file (standard input is for traces)`);
    const templates = templatesOption(args, io);
    const qnx = qnxFrom(args);
    const parsed = await parsePolicyFiles(policyFiles, io);
    if (!parsed) return ExitCode.USAGE;
    const ranges = await loadRangeOption(args, io);
    if (ranges === undefined) return ExitCode.USAGE;
    const answers = await loadAnswers(answersFile, io);
    const traces = (args.traces as string[] | undefined) ?? [];
    const tracesOnStdin = traces.length === 0 || traces.includes('-');
    const input = args.interactive === false ? undefined : promptInput(io, tracesOnStdin);
    if (args.interactive === true && !input)
      throw new UsageError('--interactive needs a terminal (standard error and the keyboard)');
    if (!input && answers === undefined && answersFile !== undefined)
      throw new InputError(answersFile, 'no such file (a replay needs the answers file)');
    // The waiver files are read: what they waive is not asked again. The one `w` appends to (the
    // last) may not exist yet; any other must (a misspelt name is an error, exit 2).
    const toRead =
      waiveFile !== undefined && !(await exists(path.resolve(io.cwd, waiveFile)))
        ? waiveNames.slice(0, -1)
        : waiveNames;
    const waivers = await loadWaivers({ waive: toRead }, parsed.policy, qnx, io);
    if (waivers === 'failed') return ExitCode.USAGE;
    for (const d of waivers?.diagnostics ?? []) io.stderr.write(`${formatDiagnosticLine(d)}\n`);
    const session = (patch: PolicyPatch): SessionState =>
      startSession(patch, waivers ? waivedBy(waivers.set, patch) : undefined);
    const loaded = withModel(parsed, qnx, ranges);
    const plan = (
      inferred: InferResult,
      counts: { eventCount: number; traceFiles: string[]; notUnderstood: number },
    ): LearnResult => {
      return learn(inferred, loaded.input, {
        mode: 'suggest',
        combine: Boolean(args.combine),
        qnx,
        ...counts,
      });
    };
    const follow = startFollow(args, traces);
    const prompter = input && inquirerPrompter(input, io.stderr);
    let result: LearnResult;
    let state: SessionState;
    let kept: ReadAnswer[] = [];
    const replayed = (r: Pick<LearnResult, 'patch'>): SessionState => {
      const rep = replay(session(r.patch), answers ?? []);
      // An allow the policy now grants (written by an earlier `review --write`) is not stale: its
      // failure still happens and is allowed. Counted, kept in the answers file, not warned about.
      const granted = grantedKeys(r.patch);
      const inPolicy = rep.stale.filter((s) => isGranted(s, granted));
      for (const s of rep.stale)
        if (!inPolicy.includes(s))
          io.stderr.write(
            `${answersFile}:${s.line}: warning: stale answer (${visible(`${s.answer.type} ${s.answer.kind} ${s.answer.object}`)}): ${visible(s.why)} [stale-answer]\n`,
          );
      if (inPolicy.length > 0)
        io.stderr.write(
          `${answersFile}: ${inPolicy.length} allow answer(s) already granted by the policy (applied earlier): kept, nothing to do\n`,
        );
      kept = [...rep.stale, ...rep.waived];
      return rep.state;
    };
    try {
      if (follow && prompter) {
        // Live: groups are asked as they appear; the decisions are replayed on the final plan.
        const live = followLive(
          traces,
          args,
          io,
          follow,
          (inferred, counts) => plan(inferred, counts).patch,
          answers ?? [],
        );
        state = await runPrompts(live.session.refresh(session(live.latest())), {
          prompter,
          out: io.stderr,
          model: loaded.input.model,
          live: live.session,
        });
        const read = await live.done;
        result = plan(read.inferred, read);
        const decided = asAnswers(state);
        replayed(result);
        state = replay(session(result.patch), decided).state;
      } else {
        const read = await inferFromTraces(traces, args, io, follow);
        follow?.dispose();
        // A replay is a gate: a trace that held no record must not pass with "0 group(s)".
        if (!prompter && refuseEmptyInputs(read, args, io)) return ExitCode.USAGE;
        result = plan(read.inferred, read);
        state = replayed(result);
        if (prompter)
          state = await runPrompts(state, { prompter, out: io.stderr, model: loaded.input.model });
      }
    } finally {
      follow?.dispose();
      if (input && input !== io.stdin) (input as ReadStream).destroy();
    }
    const final: LearnResult = { ...result, patch: reviewedPatch(state) };
    io.stdout.write(templates.snippet(toSnippetView(final, { explain: Boolean(args.explain) })));
    if (args.write) await writePatch(loaded, final, io);
    const guardsAdded =
      denyFile !== undefined ? await appendEntries(denyFile, guardEntries(state), io) : 0;
    const waiversAdded =
      waiveFile !== undefined ? await appendEntries(waiveFile, waiverEntries(state), io) : 0;
    if (denyFile === undefined && guardEntries(state).length > 0)
      io.stderr.write(
        'secpol-learn: warning: `never` decisions need --deny-file FILE to be written\n',
      );
    if (waiveFile === undefined && waiverEntries(state).length > 0)
      io.stderr.write('secpol-learn: warning: `waive` decisions need --waive FILE to be written\n');
    if (prompter && answersFile !== undefined)
      await fsp
        .writeFile(
          path.resolve(io.cwd, answersFile),
          answersText(
            state,
            kept.map((k) => k.answer),
          ),
        )
        .catch((error: unknown) => {
          throw new FileError(answersFile, 'write', error);
        });
    // A waiver in force that covers no planned access is stale, as `suggest --waive` says.
    if (waivers)
      for (const d of staleWaivers(waivers.set, waiversUsed(waivers.set, result.patch)))
        io.stderr.write(`${formatDiagnosticLine(d)}\n`);
    reportToStderr(final, io);
    const left = pending(state);
    io.stderr.write(
      `secpol-learn review: ${state.groups.length} group(s); ${state.groups.length - left.length - state.waived.size} decided, ${state.waived.size} waived, ${left.length} with no decision; ${guardsAdded} guard rule(s) and ${waiversAdded} waiver(s) added\n`,
    );
    if (left.length === 0) return ExitCode.OK;
    for (const g of left) {
      const p = g.evidence.firstFailure ?? g.evidence.first;
      io.stderr.write(
        `${p.file}:${p.line}: no decision: ${g.id} (${g.suggested}) [review-undecided]\n`,
      );
    }
    return prompter ? ExitCode.OK : ExitCode.FINDING;
  },
};

/**
 * The group keys (`keyId`) of the accesses the policy already allows: `settypeid` is an
 * ability group (`settypeid:TARGET`); domains are part of ability keys only.
 */
function grantedKeys(patch: PolicyPatch): Set<string> {
  const out = new Set<string>();
  for (const a of patch.alreadyAllowed) {
    const ability = a.kind === 'ability' || a.kind === 'settypeid';
    out.add(
      keyId({
        type: a.type,
        kind: a.kind === 'settypeid' ? 'ability' : a.kind,
        ...(ability && a.domain ? { domain: a.domain } : {}),
        object: a.kind === 'settypeid' ? `settypeid:${a.object}` : a.object,
      }),
    );
  }
  return out;
}

/** An answer that allowed (as suggested or edited) an access the policy now grants. */
function isGranted(s: StaleAnswer, granted: Set<string>): boolean {
  const { type, kind, domain, object, choice } = s.answer;
  return (
    (choice === 'allow' || choice === 'allow-edited') &&
    granted.has(keyId({ type, kind, ...(domain ? { domain } : {}), object }))
  );
}

/** The waivers that cover an access some item of the plan would grant (each once). */
function waiversUsed(set: WaiverSet, patch: PolicyPatch): WaiverUse {
  const used: WaiverUse = new Map();
  for (const change of patch.changes)
    if (isAsked(change))
      for (const item of change.items)
        for (const access of itemAccesses(change, item.node)) {
          const w = waiverFor(set, access);
          if (w) useWaiver(used, w, 1);
        }
  return used;
}

/** The decisions of a live session as answers, to replay on the final plan. */
function asAnswers(state: SessionState): ReadAnswer[] {
  const r = readAnswers(answersText(state));
  return 'answers' in r ? r.answers : [];
}

/** True when `file` exists (a waiver file `w` appends to may not yet). */
async function exists(file: string): Promise<boolean> {
  return fsp.stat(file).then(
    () => true,
    () => false,
  );
}
