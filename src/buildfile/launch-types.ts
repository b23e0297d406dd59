/**
 * `launchTypes(buildfiles, learned, inferred)`: the launch line of every
 * process the traces show, and the type each line should give (docs/launch-
 * types.md). Pure. The planned types are those of the one `-c` plan the
 * caller ran (`learn` with `combine`), so the policy and the boot script agree.
 *
 * Matching: a line's command is an absolute path, or a name looked up through
 * the script's PATH; when the image (the buildfiles' file lists) holds one of
 * the PATH candidates, the first such is the command, as the shell would find
 * it; else every candidate is possible. A line whose possible paths are those
 * of several traced processes is ambiguous: reported, never patched.
 *
 * The planned type of a process: its `-c` type (plan launches, `new-type`);
 * else the type its wrong-type hints agree on; else the one type it ran as
 * (a type it enters by settypeid does not count). Otherwise none is planned
 * and its lines are reported, not patched.
 */
import type { InferResult } from '../infer/infer-requirements';
import { sortedRequirements } from '../infer/requirement';
import type { LearnResult } from '../plan/learn';
import { isSafeTypeName } from '../policy/lexical';
import type { Buildfile, LaunchLine } from './buildfile';

/** What a launch line should change to. */
export type LaunchStatus =
  'ok' | 'untyped' | 'wrong-type' | 'not-in-traces' | 'no-type-planned' | 'ambiguous';

/** One launch line, judged. */
export interface LaunchVerdict {
  launch: LaunchLine;
  /** The process (trace name) it launches, when exactly one. */
  process?: string;
  /** Traced processes it may launch, when several (ambiguous). */
  processes: string[];
  /** The type it gives (`-`: none). */
  current: string;
  /** The type it should give, when planned. */
  planned?: string;
  status: LaunchStatus;
  /** Why it is long-running: `background` (`&`), `detached` (`on -d`), `server` (it attached a path in the traces). */
  longRunning: Array<'background' | 'detached' | 'server'>;
  /** Why the planned type: `-c`, `wrong-type`, `kept`; or why none. */
  because: string;
}

/** A traced process and what the traces say about its type. */
export interface ProcessTypes {
  process: string;
  /** Types it ran as (`-`: untyped). */
  ranAs: string[];
  planned?: string;
  because: string;
  /** Its launch lines (`FILE:LINE`). */
  lines: string[];
}

/** The whole report. */
export interface LaunchReport {
  verdicts: LaunchVerdict[];
  processes: ProcessTypes[];
  /** Types several executables ran as, with the executables. */
  shared: Array<{ type: string; processes: string[] }>;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Judges every launch line of `buildfiles` against the traces and the plan. */
export function launchTypes(
  buildfiles: readonly Buildfile[],
  learned: LearnResult,
  inferred: InferResult,
): LaunchReport {
  const atoms = sortedRequirements(inferred.requirements);
  const typesOf = new Map<string, Set<string>>();
  const processesOf = new Map<string, Set<string>>();
  const entered = new Map<string, Set<string>>();
  const servers = new Set<string>();
  const add = <K, V>(m: Map<K, Set<V>>, k: K, v: V): void => {
    const s = m.get(k);
    if (s) s.add(v);
    else m.set(k, new Set([v]));
  };
  for (const a of atoms) {
    add(typesOf, a.process, a.type);
    add(processesOf, a.type, a.process);
    if (a.kind === 'settypeid') add(entered, a.process, a.object);
    if (a.kind === 'attach') servers.add(a.process);
  }
  for (const p of inferred.untyped.keys()) add(typesOf, p, '-');
  for (const p of inferred.requirements.attachers) servers.add(p);

  const hintsOf = new Map<string, LearnResult['patch']['launches']>();
  for (const l of learned.patch.launches)
    hintsOf.set(l.process, [...(hintsOf.get(l.process) ?? []), l]);
  const planned = new Map<string, { type?: string; because: string }>();
  for (const process of typesOf.keys()) planned.set(process, planFor(process));
  function planFor(process: string): { type?: string; because: string } {
    const hints = hintsOf.get(process) ?? [];
    const own = hints.find((l) => l.reason === 'new-type');
    if (own)
      return { type: own.to, because: `-c: it ran as ${own.from}, shared with other executables` };
    const to = [...new Set(hints.map((l) => l.to))].sort();
    if (to.length === 1)
      return {
        type: to[0]!,
        because: `wrong type: it failed as ${hints[0]!.from} and did the same as ${to[0]!}`,
      };
    if (to.length > 1) return { because: `wrong-type hints disagree (${to.join(', ')})` };
    const ran = [...typesOf.get(process)!].filter(
      (t) => t !== '-' && t !== 'default' && !entered.get(process)?.has(t),
    );
    if (ran.length === 1) return { type: ran[0]!, because: 'kept: the type it ran as' };
    if (ran.length === 0)
      return {
        because: 'no type learned: it ran untyped and -c had nothing to give it a type for',
      };
    return { because: `it ran as several types (${ran.sort().join(', ')}) and none is planned` };
  }

  const image = new Set(buildfiles.flatMap((b) => b.imageFiles));
  const traced = new Set(typesOf.keys());
  const verdicts: LaunchVerdict[] = [];
  const linesOf = new Map<string, string[]>();
  for (const b of buildfiles)
    for (const launch of b.launches) {
      const inImage = launch.candidates.find((c) => image.has(c));
      const possible = launch.candidates.length === 1 || !inImage ? launch.candidates : [inImage];
      const processes = [...new Set(possible.map((c) => c.replace(/^\/+/, '')))]
        .filter((p) => traced.has(p))
        .sort();
      const current = launch.on?.type?.value ?? '-';
      const longRunning: LaunchVerdict['longRunning'] = [];
      if (launch.background) longRunning.push('background');
      if (launch.on?.detached) longRunning.push('detached');
      if (processes.some((p) => servers.has(p))) longRunning.push('server');
      const base = { launch, processes, current, longRunning };
      if (processes.length === 0) {
        verdicts.push({
          ...base,
          status: 'not-in-traces',
          because: 'no traced process has this path',
        });
        continue;
      }
      if (processes.length > 1) {
        verdicts.push({
          ...base,
          status: 'ambiguous',
          because: `it may launch any of ${processes.join(', ')}: not patched`,
        });
        continue;
      }
      const process = processes[0]!;
      const place = `${launch.file}:${launch.line}`;
      linesOf.set(process, [...(linesOf.get(process) ?? []), place]);
      const plan = planned.get(process)!;
      const status: LaunchStatus =
        plan.type === undefined || !isSafeTypeName(plan.type)
          ? 'no-type-planned'
          : current === plan.type
            ? 'ok'
            : current === '-'
              ? 'untyped'
              : 'wrong-type';
      verdicts.push({
        ...base,
        process,
        ...(plan.type !== undefined ? { planned: plan.type } : {}),
        status,
        because: plan.because,
      });
    }

  const processes: ProcessTypes[] = [...typesOf.keys()].sort().map((process) => {
    const plan = planned.get(process)!;
    return {
      process,
      ranAs: [...typesOf.get(process)!].sort(),
      ...(plan.type !== undefined ? { planned: plan.type } : {}),
      because: plan.because,
      lines: linesOf.get(process) ?? [],
    };
  });
  const shared = [...processesOf]
    .filter(([, ps]) => ps.size > 1)
    .map(([type, ps]) => ({ type, processes: [...ps].sort() }))
    .sort((a, b) => cmp(a.type, b.type));
  return { verdicts, processes, shared };
}

/** True when `--check` fails on this line: a long-running launch that is untyped or of the wrong type. */
export function failsCheck(v: LaunchVerdict): boolean {
  return v.longRunning.length > 0 && (v.current === '-' || v.status === 'wrong-type');
}
