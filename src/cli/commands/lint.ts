/**
 * `secpol-learn lint FILE... [--policy FILE]... [--strict] [--qnx V] [--format
 * text|json|sarif] [--ranges FILE]`: parses the files as one policy and runs the lint passes
 * (docs/lint.md). Exit codes: 0 clean or warnings only, 1 errors (syntax, or
 * what secpolcompile would refuse) or warnings with `--strict`, 2 bad usage
 * or an unreadable file. `--waive FILE` checks waiver files too (a rule without
 * a reason or with a bad date is an error, an expired waiver a warning). Text goes to stdout as `FILE:LINE:COL: severity:
 * message [ruleId]` with a code frame; JSON is one document (docs/lint.md).
 */
import * as path from 'node:path';
import type { CommandImpl } from '../command';
import { qnxOption } from '../shared-options';
import { ExitCode, UsageError } from '../../errors';
import { readRangeText } from '../load-ranges';
import type { Diagnostic } from '../../diagnostics/diagnostic';
import { parsePolicies } from '../../policy/parse';
import { readPolicyFile, readPolicyInput, type PolicySource } from '../policy-file-io';
import { lintPolicy } from '../../policy/lint';
import { parseRangeFile } from '../../policy/model/range-file';
import { DEFAULT_QNX_VERSION, QNX_VERSIONS, isQnxVersion } from '../../qnx/abilities';
import { buildModel } from '../../policy/model/build-model';
import { denyFiles, loadGuardFiles } from '../load-guards';
import { guardDiagnostics, guardViolations } from '../../review/guards';
import { lintCountLine, lintCounts, lintJson, lintSarif, lintText } from '../../render/lint-output';
import { toolVersion } from '../review-inputs';
import { appendAll } from '../../arrays';
import { todayFrom, waiveFiles, withWaive } from '../load-waivers';
import { parseWaivers } from '../../review/waivers';
import { distinctFiles } from '../policy-file-io';
import { readAs } from '../policy-bytes';
import type { PolicyFile } from '../../policy/ast';

export const lintCommand: CommandImpl = {
  builder: (y) =>
    withWaive(
      y,
      'checked as waiver files: a rule without a reason, a bad date or an expired waiver is reported',
    )
      .positional('files', {
        describe: 'policy files, concatenated in order as secpolcompile does',
        type: 'string',
        array: true,
      })
      .option('policy', {
        type: 'string',
        array: true,
        describe: 'a policy file, as the positional FILEs (repeatable; read after them)',
      })
      .option('strict', {
        type: 'boolean',
        default: false,
        describe: 'warnings fail (exit 1), not only errors',
      })
      .option('qnx', qnxOption('QNX version whose abilities are valid'))
      .option('format', {
        type: 'string',
        default: 'text',
        choices: ['text', 'json', 'sarif'],
        describe: 'output format',
      })
      .option('ranges', { type: 'string', describe: 'named range file (secpolpush -r format)' })
      .option('deny', {
        type: 'string',
        array: true,
        describe:
          'guard rules (secpol) that must never be granted (repeatable): each grant they forbid is an error',
      })
      .example(
        '$0 lint --deny never.secpol --format sarif policy.secpol > lint.sarif',
        'guard rules, as SARIF',
      )
      .example('$0 lint policy.secpol', 'report problems with code frames')
      .example(
        '$0 lint --waive waivers.secpol policy.secpol',
        'check a waiver file: reasons, dates, expired waivers',
      )
      .example(
        '$0 lint --qnx 8.0 --strict base.secpol services/*.secpol',
        'lint a split policy for QNX 8.0; fail on warnings',
      )
      .example(
        '$0 lint --format json --ranges secpol_range.txt policy.secpol',
        'machine-readable findings, with named range values',
      ),
  run: async (args, io) => {
    // A file named twice (`./name`, a symlink, a hard link) is one file of the policy, as for every
    // command (docs/reliability.md): its rules are not reported as duplicates of themselves.
    const files = await distinctFiles(
      [
        ...((args.files as string[] | undefined) ?? []),
        ...((args.policy as string[] | undefined) ?? []),
      ],
      io.cwd,
    );
    const waivers = waiveFiles(args);
    if (files.length === 0 && waivers.length === 0)
      throw new UsageError('name at least one policy file (or a waiver file with --waive)');
    if (waivers.includes('-'))
      throw new UsageError('--waive must name a file (standard input is for traces)');
    const qnx = String(args.qnx ?? DEFAULT_QNX_VERSION);
    if (!isQnxVersion(qnx)) throw new UsageError(`--qnx must be one of ${QNX_VERSIONS.join(', ')}`);
    // `-` is standard input, as everywhere (docs/cli.md): `git show HEAD:p.secpol | secpol-learn lint -`.
    if (files.filter((f) => f === '-').length > 1)
      throw new UsageError('standard input (-) can be named once');
    const sources: PolicySource[] = [];
    for (const file of files) sources.push(await readPolicyInput(file, io));
    const texts = new Map<string, string>(sources.map((s) => [s.file, s.text]));
    const diagnostics: Diagnostic[] = [];
    let ranges;
    if (typeof args.ranges === 'string') {
      const text = await readRangeText(args.ranges, io);
      texts.set(args.ranges, text);
      const r = parseRangeFile(text, { file: args.ranges });
      appendAll(diagnostics, r.diagnostics);
      ranges = r.ranges;
    }
    const { policy, diagnostics: syntax } = parsePolicies(
      sources.map((s) => ({ file: s.file, text: s.text })),
    );
    appendAll(diagnostics, syntax);
    policy.files.forEach((f, i) => readAs(f, sources[i]!.encoding));
    const linted =
      files.length > 0 ? lintPolicy(policy, { qnx, ...(ranges ? { ranges } : {}) }) : undefined;
    if (linted) appendAll(diagnostics, linted.diagnostics);
    // Waiver files (--waive): syntax, then reasons, dates and expiry (src/review/waivers.ts).
    if (waivers.length > 0) {
      const today = todayFrom(io.env);
      const parsed: PolicyFile[] = [];
      for (const file of await distinctFiles(waivers, io.cwd)) {
        const src = await readPolicyFile(path.resolve(io.cwd, file), file);
        texts.set(src.file, src.text);
        const r = parsePolicies([{ file: src.file, text: src.text }]);
        appendAll(diagnostics, r.diagnostics);
        appendAll(
          parsed,
          r.policy.files.map((f) => readAs(f, src.encoding)),
        );
      }
      appendAll(diagnostics, parseWaivers(parsed, { today, qnx, policy }).diagnostics);
    }
    // Guard rules (--deny): each grant a guard forbids is an error at the grant.
    if (denyFiles(args).length > 0) {
      const guards = await loadGuardFiles(denyFiles(args), policy, qnx, io);
      if (!guards) return ExitCode.USAGE;
      appendAll(
        diagnostics,
        guardDiagnostics(guardViolations(buildModel(policy, { qnx }), guards)),
      );
    }
    const { errors, warnings } = lintCounts(diagnostics);
    if (args.format === 'sarif')
      io.stdout.write(lintSarif(diagnostics, toolVersion(), linted?.suppressed));
    else if (args.format === 'json')
      io.stdout.write(lintJson(qnx, [...files, ...waivers], diagnostics));
    else {
      io.stdout.write(lintText(diagnostics, texts));
      io.stderr.write(lintCountLine(diagnostics));
    }
    return errors > 0 || (args.strict && warnings > 0) ? ExitCode.FINDING : ExitCode.OK;
  },
};
