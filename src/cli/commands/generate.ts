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
import { learn, type LearnResult } from '../../plan/learn';
import { collapsePaths } from '../../plan/collapse-paths';
import { templatesOption } from '../load-templates';
import { withTemplates } from '../shared-options';
import { toDraftView, type DraftView } from '../../render/view-model';
import { learnReport } from '../../render/learn-report';
import { toJson } from '../../render/json';
import { draftBytes, type PatchedBase } from '../patch-bytes';
import { loadRangeOption } from '../load-ranges';
import {
  inferFromTraces,
  learnOptions,
  parsePolicyFiles,
  withModel,
  type LoadedPolicies,
  qnxFrom,
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
    // The inference result stays inside this call, and the planned draft inside `printable`:
    // what is printed is made from the patch (its view, the patched base, the JSON and the
    // stderr report), and the patch is unreachable while the draft's text is rendered and
    // written (docs/performance.md, "1M distinct failures").
    const out = await inferFromTraces((args.traces as string[] | undefined) ?? [], args, io).then(
      ({ inferred, eventCount, traceFiles, notUnderstood }) => {
        const loaded = parsed && withModel(parsed, qnxFrom(args), ranges);
        const result = learn(inferred, loaded?.input, {
          mode: 'generate',
          combine: Boolean(args.combine),
          consume: true,
          qnx: qnxFrom(args),
          traceFiles,
          eventCount,
          notUnderstood,
        });
        return printable(result, loaded, args);
      },
    );
    if ('json' in out) io.stdout.write(out.json);
    else if (out.bases) {
      // With --base the rules go into the base's own blocks and next to its types' statements,
      // exactly as `suggest --policy` would place them; the draft is the patched base, in the
      // base's own bytes (patch-bytes.ts).
      const view = out.view;
      io.stdout.write(draftBytes((base) => templates.draft({ ...view, base }), out.bases));
    } else io.stdout.write(templates.draft(out.view));
    io.stderr.write(out.report);
    return ExitCode.OK;
  },
};

/**
 * What generate prints, made from the planned draft, which the caller then no
 * longer holds: the JSON, or the draft's view (with `--base`, the bases
 * patched, and the view without the base text and rules), and the summary for stderr.
 */
type Printable = { report: string } & (
  { json: string } | { view: DraftView; bases?: PatchedBase[] }
);

function printable(
  result: LearnResult,
  loaded: LoadedPolicies | undefined,
  args: Record<string, unknown>,
): Printable {
  const collapse = Boolean(args.collapse);
  if (collapse) result.patch = collapsePaths(result.patch);
  const report = learnReport(result);
  if (args.format === 'json') return { json: toJson(result), report };
  const explain = Boolean(args.explain);
  const collapseNote = collapse
    ? [
        "# --collapse: numbered paths above were folded into globs (QNX's recommended folding); review them",
      ]
    : [];
  // Without a base the view is the last use of the changes (and with one, applyPatch is).
  const view = toDraftView(result, {
    explain,
    base: '',
    collapse: collapseNote,
    release: !loaded,
  });
  if (!loaded) return { view, report };
  const patched = applyPatch(loaded.sources, loaded.input.policy, result.patch, { explain });
  return {
    view: { ...view, sections: [] },
    bases: loaded.sources.map((s, i) => ({ ...s, after: patched[i]!.text })),
    report,
  };
}
