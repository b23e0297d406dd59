/**
 * `secpol-learn generate [TRACE...] [--base|--policy FILE]... [--ranges FILE]`: a complete, compilable
 * draft policy from a boot trace (`secpolmonitor -aps` output): every type
 * that appears declared, every observed use and failure allowed, grouped per
 * type with a header comment. `--base` policies are printed first and only
 * what they lack is added; `-c` gives each process its own type and prints
 * its `on -T` launch line; `--collapse` folds numbered device paths into
 * globs, marked, never by default. A thin shell over the same pipeline as
 * `suggest` (mode `generate`).
 */
import type { CommandImpl } from '../command';
import { ExitCode, UsageError } from '../../errors';
import { applyPatch } from '../../render/apply-patch';
import { learn } from '../../plan/learn';
import { collapsePaths } from '../../plan/collapse-paths';
import { templatesOption } from '../load-templates';
import { withTemplates } from '../shared-options';
import { toDraftView } from '../../render/view-model';
import { toJson } from '../../render/json';
import { draftBytes } from '../patch-bytes';
import { loadRangeOption } from '../load-ranges';
import {
  inferFromTraces,
  learnOptions,
  parsePolicyFiles,
  withModel,
  type LoadedPolicies,
  qnxFrom,
  reportToStderr,
} from '../learn-inputs';

export const generateCommand: CommandImpl = {
  builder: (y) =>
    withTemplates(learnOptions(y), ['draft'])
      .option('base', {
        alias: 'policy',
        type: 'string',
        array: true,
        describe: 'policy to start from (repeatable): printed first, only what it lacks is added',
      })
      .option('collapse', {
        type: 'boolean',
        default: false,
        describe:
          'fold numbered device paths (/dev/ttyp0../dev/ttyp7 → /dev/ttyp*), marked for review',
      })
      .option('format', {
        type: 'string',
        choices: ['secpol', 'json'],
        default: 'secpol',
        describe: 'secpol: the draft policy; json: the planned rules as data',
      })
      .option('explain', {
        type: 'boolean',
        default: false,
        describe: 'add evidence comments above each rule',
      })
      .example(
        '$0 generate boot.log > draft.secpol',
        'a draft policy from a `secpolmonitor -aps` log',
      )
      .example('$0 generate boot.log -c', 'one type per executable, with the `on -T` launch lines')
      .example(
        '$0 generate boot.log --base common.secpol --collapse',
        'extend a base policy, folding /dev/ttyp0..7',
      )
      .example(
        '$0 generate boot.log --policy common.secpol --ranges secpol_range.txt',
        'a base policy that uses named ranges (--policy is --base)',
      ),
  run: async (args, io) => {
    const templates = templatesOption(args, io);
    const baseFiles = (args.base as string[] | undefined) ?? [];
    if (baseFiles.includes('-')) {
      throw new UsageError('--base must name a file (standard input is for traces)');
    }
    const parsed = baseFiles.length > 0 ? await parsePolicyFiles(baseFiles, io) : undefined;
    if (baseFiles.length > 0 && !parsed) return ExitCode.USAGE;
    const ranges = await loadRangeOption(args, io);
    if (ranges === undefined) return ExitCode.USAGE;
    // The inference result stays inside this call: only the planned draft (with the evidence
    // it cites) is reachable while the output is built (docs/performance.md).
    let loaded: LoadedPolicies | undefined;
    const result = await inferFromTraces(
      (args.traces as string[] | undefined) ?? [],
      args,
      io,
    ).then(({ inferred, eventCount, traceFiles, notUnderstood }) => {
      loaded = parsed && withModel(parsed, qnxFrom(args), ranges);
      return learn(inferred, loaded?.input, {
        mode: 'generate',
        combine: Boolean(args.combine),
        consume: true,
        qnx: qnxFrom(args),
        traceFiles,
        eventCount,
        notUnderstood,
      });
    });
    const collapse = Boolean(args.collapse);
    if (collapse) result.patch = collapsePaths(result.patch);
    if (args.format === 'json') io.stdout.write(toJson(result));
    else {
      const explain = Boolean(args.explain);
      // With --base the rules go into the base's own blocks and next to its types' statements,
      // exactly as `suggest --policy` would place them; the draft is the patched base, in the
      // base's own bytes (patch-bytes.ts).
      const collapseNote = collapse
        ? [
            "# --collapse: numbered paths above were folded into globs (QNX's recommended folding); review them",
          ]
        : [];
      if (loaded) {
        const patched = applyPatch(loaded.sources, loaded.input.policy, result.patch, { explain });
        const render = (base: string): string =>
          templates.draft({
            ...toDraftView(result, { explain, base, collapse: collapseNote }),
            sections: [],
          });
        io.stdout.write(
          draftBytes(
            render,
            loaded.sources.map((s, i) => ({ ...s, after: patched[i]!.text })),
          ),
        );
      } else
        io.stdout.write(
          templates.draft(toDraftView(result, { explain, base: '', collapse: collapseNote })),
        );
    }
    reportToStderr(result, io);
    return ExitCode.OK;
  },
};
