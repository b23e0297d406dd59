/**
 * Inline lint suppressions (docs/lint.md, "Suppressing a finding"):
 * `# secpol-learn-disable-next-line RULE[, RULE...] -- REASON` before a
 * statement (or a block item) suppresses the warnings and notes of those lint
 * rules on it, from its first line to its last. Contract:
 * - the reason is required: a suppression without one (or with a control,
 *   bidirectional or invisible character in it) suppresses nothing and is an
 *   error (`suppression-reason`); one naming no rule is an error too
 *   (`suppression-syntax`);
 * - errors are never suppressed (secpolcompile would still refuse the policy);
 * - a suppression that suppressed nothing, or that precedes no statement or
 *   item (a comment before a closing brace, at the end of a file or after a
 *   rule on its line), is reported as unused (`unused-suppression`, a warning).
 * Pure: reads the AST's comments, filters diagnostics.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { Comment, Policy } from './ast';
import { hasUnsafeCharacter } from '../diagnostics/safe-text';

/** A lint finding a suppression comment took out, with the comment's reason. */
export interface SuppressedDiagnostic {
  diagnostic: Diagnostic;
  reason: string;
  /** The suppression comment's place. */
  file: string;
  line: number;
  column: number;
}

const DIRECTIVE = /^(?:#|\/\/)\s*secpol-learn-disable-next-line(?:\s+(.*))?$/;

interface Directive {
  comment: Comment;
  /** Lines of the statement or item it precedes; none when it precedes nothing. */
  lines?: { file: string; first: number; last: number };
}

/** Every suppression comment of the policy, with the node it precedes. */
function directives(policy: Policy): Directive[] {
  const out: Directive[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    const pos = o.position as
      { file: string; start: { line: number }; end: { line: number } } | undefined;
    for (const [key, value] of Object.entries(o)) {
      if (key === 'position') continue;
      if (key === 'leadingComments' || key === 'innerComments' || key === 'trailingComments') {
        for (const c of value as Comment[]) {
          if (!DIRECTIVE.test(c.text.trim())) continue;
          out.push(
            key === 'leadingComments' && pos
              ? { comment: c, lines: { file: pos.file, first: pos.start.line, last: pos.end.line } }
              : { comment: c },
          );
        }
      } else if (key === 'trailingComment') {
        const c = value as Comment;
        if (DIRECTIVE.test(c.text.trim())) out.push({ comment: c });
      } else visit(value);
    }
  };
  visit(policy.files);
  return out;
}

/**
 * Applies the suppression comments of `policy` to its lint `diagnostics`: returns the
 * diagnostics left (with the suppressions' own errors and warnings) and those suppressed.
 */
export function applySuppressions(
  policy: Policy,
  diagnostics: Diagnostic[],
): { diagnostics: Diagnostic[]; suppressed: SuppressedDiagnostic[] } {
  const found = directives(policy);
  if (found.length === 0) return { diagnostics, suppressed: [] };
  const own: Diagnostic[] = [];
  const gone = new Map<Diagnostic, SuppressedDiagnostic>();
  for (const { comment, lines } of found) {
    const at = {
      file: comment.position?.file ?? lines?.file ?? '',
      line: comment.position?.start.line ?? 1,
      column: comment.position?.start.column ?? 1,
    };
    const body = DIRECTIVE.exec(comment.text.trim())![1] ?? '';
    const cut = body.indexOf('--');
    const rules = (cut < 0 ? body : body.slice(0, cut)).split(/[\s,]+/).filter((r) => r !== '');
    const reason = cut < 0 ? '' : body.slice(cut + 2).trim();
    if (rules.length === 0) {
      own.push({
        severity: 'error',
        message: 'suppression names no rule: `# secpol-learn-disable-next-line RULE -- REASON`',
        ...at,
        ruleId: 'suppression-syntax',
      });
      continue;
    }
    if (reason === '' || hasUnsafeCharacter(reason)) {
      own.push({
        severity: 'error',
        message:
          reason === ''
            ? `suppression of ${rules.join(', ')} without a reason: \`# secpol-learn-disable-next-line ${rules.join(', ')} -- REASON\`; nothing is suppressed`
            : 'suppression reason holds a control, bidirectional or invisible character; nothing is suppressed',
        ...at,
        ruleId: 'suppression-reason',
      });
      continue;
    }
    let used = false;
    if (lines)
      for (const d of diagnostics) {
        if (d.severity === 'error' || !d.ruleId || !rules.includes(d.ruleId)) continue;
        if (d.file !== lines.file || d.line < lines.first || d.line > lines.last) continue;
        used = true;
        if (!gone.has(d)) gone.set(d, { diagnostic: d, reason, ...at });
      }
    if (!used)
      own.push({
        severity: 'warning',
        message: lines
          ? `unused suppression: no warning of ${rules.join(', ')} on the next statement (errors are never suppressed)`
          : 'unused suppression: it precedes no statement or block item',
        ...at,
        ruleId: 'unused-suppression',
      });
  }
  return {
    diagnostics: [...diagnostics.filter((d) => !gone.has(d)), ...own],
    suppressed: [...gone.values()],
  };
}
