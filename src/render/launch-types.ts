/**
 * Printing `types` (docs/launch-types.md): text (one line per launch line,
 * `FILE:LINE: STATUS: ...`, then the processes with no launch line and the
 * shared types), JSON (schema `secpol-learn/types`) and markdown (a table).
 */
import type { LaunchReport, LaunchVerdict } from '../buildfile/launch-types';
import { failsCheck } from '../buildfile/launch-types';
import { escapeJsonControls, visible } from '../diagnostics/safe-text';
import { cell } from './review-templates';

/** Version of the `secpol-learn/types` JSON document. */
export const TYPES_SCHEMA_VERSION = 1;

/** What each status says, in words. */
function verdictWords(v: LaunchVerdict): string {
  const cmd = v.launch.command;
  switch (v.status) {
    case 'ok':
      return `${cmd} runs as ${v.current}, as planned (${v.because})`;
    case 'untyped':
      return `${cmd} runs untyped (-): launch it with \`on -T ${v.planned} ...\` (${v.because})`;
    case 'wrong-type':
      return `${cmd} runs as ${v.current}: launch it with \`on -T ${v.planned} ...\` (${v.because})`;
    case 'no-type-planned':
      return `${cmd} runs as ${v.current}; no type planned (${v.because})`;
    case 'ambiguous':
      return `${cmd} runs as ${v.current}; ${v.because}`;
    case 'not-in-traces':
      return `${cmd} runs as ${v.current}; ${v.because}`;
  }
}

const longWords = (v: LaunchVerdict): string =>
  v.longRunning.length > 0 ? ` [long-running: ${v.longRunning.join(', ')}]` : '';

/** The text report; `check` marks the lines `--check` fails on. */
export function launchTypesText(r: LaunchReport): string {
  const out: string[] = [];
  for (const v of r.verdicts) {
    const mark = failsCheck(v) ? ' (fails --check)' : '';
    const proc = v.process ? ` ${v.process}:` : '';
    out.push(
      visible(
        `${v.launch.file}:${v.launch.line}: ${v.status}${mark}:${proc} ${verdictWords(v)}${longWords(v)}`,
      ),
    );
  }
  const unlaunched = r.processes.filter((p) => p.lines.length === 0);
  if (unlaunched.length > 0) {
    out.push('', 'processes in the traces with no launch line in the buildfiles:');
    for (const p of unlaunched)
      out.push(
        visible(
          `  ${p.process} ran as ${p.ranAs.join(', ')}${p.planned ? `; planned type ${p.planned}` : ''} (${p.because})`,
        ),
      );
  }
  if (r.shared.length > 0) {
    out.push('', 'types shared by different executables in the traces:');
    for (const s of r.shared) out.push(visible(`  ${s.type}: ${s.processes.join(', ')}`));
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

/** The one-line summary (stderr). */
export function launchTypesSummary(r: LaunchReport): string {
  const n = (s: LaunchVerdict['status']): number => r.verdicts.filter((v) => v.status === s).length;
  const failing = r.verdicts.filter(failsCheck).length;
  return `secpol-learn types: ${r.verdicts.length} launch line(s): ${n('ok')} ok, ${n('untyped')} untyped, ${n('wrong-type')} wrong type, ${n('ambiguous')} ambiguous, ${n('no-type-planned')} with no type planned, ${n('not-in-traces')} not in the traces; ${failing} long-running launch(es) untyped or of the wrong type\n`;
}

/** The JSON document. */
export function launchTypesJson(r: LaunchReport, patch: string): string {
  const doc = {
    schema: 'secpol-learn/types',
    schemaVersion: TYPES_SCHEMA_VERSION,
    launches: r.verdicts.map((v) => ({
      file: v.launch.file,
      line: v.launch.line,
      lastLine: v.launch.lastLine,
      command: v.launch.command,
      ...(v.process ? { process: v.process } : {}),
      ...(v.status === 'ambiguous' ? { processes: v.processes } : {}),
      current: v.current,
      ...(v.planned !== undefined ? { planned: v.planned } : {}),
      status: v.status,
      because: v.because,
      longRunning: v.longRunning,
      failsCheck: failsCheck(v),
    })),
    processes: r.processes,
    sharedTypes: r.shared,
    patch,
  };
  return `${escapeJsonControls(JSON.stringify(doc, null, 2))}\n`;
}

/** The markdown report: one table of launch lines, then processes without one and shared types. */
export function launchTypesMarkdown(r: LaunchReport): string {
  const out = [
    '# Launch types',
    '',
    '| line | command | process | runs as | should run as | status | long-running |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const v of r.verdicts)
    out.push(
      `| ${cell(`${v.launch.file}:${v.launch.line}`, true)} | ${cell(v.launch.command, true)} | ${cell(v.process ?? v.processes.join(', '), true)} | ${cell(v.current, true)} | ${v.planned ? cell(v.planned, true) : ''} | ${cell(v.status)}${failsCheck(v) ? ' (fails --check)' : ''} | ${cell(v.longRunning.join(', '))} |`,
    );
  const unlaunched = r.processes.filter((p) => p.lines.length === 0);
  if (unlaunched.length > 0) {
    out.push('', '## Processes with no launch line', '');
    for (const p of unlaunched)
      out.push(
        `- ${cell(p.process, true)} ran as ${p.ranAs.map((t) => cell(t, true)).join(', ')}: ${cell(p.because)}`,
      );
  }
  if (r.shared.length > 0) {
    out.push('', '## Types shared by different executables', '');
    for (const s of r.shared)
      out.push(`- ${cell(s.type, true)}: ${s.processes.map((p) => cell(p, true)).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}
