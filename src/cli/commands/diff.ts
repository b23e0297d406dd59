/**
 * `secpol-learn diff OLD NEW [--format text|json|markdown] [--qnx V]`: a
 * semantic diff of two policies (src/review/policy-diff.ts): grants added,
 * removed, widened and narrowed per type, never a text diff. OLD and NEW are
 * each a policy file, a directory (its `*.secpol` files, sorted by name), a
 * comma-separated list of files (one policy, concatenated in that order), or
 * `-` for standard input (one side only).
 * Exit 1 when the policies grant different things, 0 when they do not (as
 * diff(1) does); 2 for bad usage, an unreadable file or a policy that does
 * not parse (code frames on stderr).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CommandImpl } from '../command';
import type { CliIo } from '../io';
import { ExitCode, InputError, UsageError } from '../../errors';
import { loadPolicies, qnxFrom } from '../learn-inputs';
import { diffPolicies } from '../../review/policy-diff';
import { diffJson, diffMarkdown, diffSummary, diffText } from '../../render/diff-format';
import { templatesOption } from '../load-templates';
import { withTemplates, qnxOption } from '../shared-options';

/** The files one side names: a directory's `*.secpol` files (sorted), or a comma-separated list. */
export async function policySide(spec: string, io: CliIo): Promise<string[]> {
  if (spec === '-') return ['-'];
  const abs = path.resolve(io.cwd, spec);
  const stat = await fs.stat(abs).catch(() => undefined);
  if (stat?.isDirectory()) {
    const names = (await fs.readdir(abs)).filter((n) => n.endsWith('.secpol')).sort();
    if (names.length === 0) throw new InputError(spec, 'the directory holds no *.secpol file');
    return names.map((n) => path.join(spec, n));
  }
  return spec.split(',').filter((s) => s.length > 0);
}

export const diffCommand: CommandImpl = {
  builder: (y) =>
    withTemplates(y, ['diff'])
      .positional('old', {
        type: 'string',
        describe:
          'policy before: a file, a directory of *.secpol, FILE,FILE…, or - (standard input)',
      })
      .positional('new', { type: 'string', describe: 'policy after, in the same forms' })
      .option('format', {
        type: 'string',
        choices: ['text', 'json', 'markdown'],
        default: 'text',
        describe: 'text; json; markdown (a pull-request comment with a Mermaid diagram)',
      })
      .option('qnx', qnxOption('QNX release (what default_priv grants)'))
      .example('$0 diff policy.secpol policy.secpol.orig', 'what a --write changed, semantically')
      .example(
        'git show HEAD:policy.secpol | $0 diff - policy.secpol',
        'the last commit against the working copy',
      )
      .example(
        '$0 diff base.secpol,svc.secpol new/',
        'a split policy against a directory of *.secpol files',
      )
      .example(
        '$0 diff old/ new/ --format markdown > review.md',
        'a review comment with a diagram',
      ),
  run: async (args, io) => {
    const templates = templatesOption(args, io);
    const qnx = qnxFrom(args);
    if (args.old === '-' && args.new === '-')
      throw new UsageError('only one side can be standard input (-)');
    const oldFiles = await policySide(String(args.old), io);
    const newFiles = await policySide(String(args.new), io);
    const before = await loadPolicies(oldFiles, io, qnx);
    const after = await loadPolicies(newFiles, io, qnx);
    if (!before || !after) return ExitCode.USAGE;
    const d = diffPolicies(before.input.model, after.input.model);
    const files = { old: oldFiles, new: newFiles };
    const format = String(args.format ?? 'text');
    io.stdout.write(
      format === 'json'
        ? diffJson(d, files)
        : format === 'markdown'
          ? diffMarkdown(d, files, templates.diff)
          : diffText(d),
    );
    io.stderr.write(`secpol-learn diff: ${diffSummary(d)}\n`);
    return d.entries.length > 0 ? ExitCode.FINDING : ExitCode.OK;
  },
};
