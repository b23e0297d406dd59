/**
 * Helpers shared by lint passes: iterate statements with their file, and the
 * place of a name or item. Holds no checks of its own.
 */
import type { Span } from '../../diagnostics/diagnostic';
import type { AbilityGrant, Name, Policy, Position, Statement } from '../ast';

/** Calls `fn` for every statement with the file it is in. */
export function eachStatement(policy: Policy, fn: (s: Statement, file: string) => void): void {
  for (const f of policy.files) for (const s of f.statements) fn(s, f.file);
}

/** Calls `fn` for every ability item (granted or negated) of every `allow … self:ability` statement. */
export function eachAbilityGrant(
  policy: Policy,
  fn: (item: AbilityGrant, s: Statement, file: string) => void,
): void {
  eachStatement(policy, (s, file) => {
    if (s.type !== 'allow-ability') return;
    for (const item of s.items) if (item.type === 'ability-grant') fn(item, s, file);
  });
}

/** The report place of a node: its own position, else its statement's. */
export function placeOf(
  node: { position?: Position } | undefined,
  s: Statement,
  file: string,
): { file: string; line: number; column: number; statement: Statement; span?: Span } {
  const pos = node?.position ?? s.position;
  const place = {
    file: pos?.file ?? file,
    line: pos?.start.line ?? 0,
    column: pos?.start.column ?? 0,
    statement: s,
  };
  // The node's own span, so the code frame underlines the node and not its statement.
  return pos ? { ...place, span: { start: pos.start, end: pos.end } } : place;
}

/** A name's place. */
export function namePlace(n: Name, s: Statement, file: string): ReturnType<typeof placeOf> {
  return placeOf(n, s, file);
}
