/**
 * Lint pass `report-duplicate-rule` (warning): a declaration or a grant that
 * repeats an earlier one exactly (same type, same ability and subranges in the
 * same domains, same connect object, same attach/link path). Harmless to
 * secpolcompile, but a sign of merged snippets; the later copy is reported
 * with a note pointing at the first. Grants through different attributes that
 * expand to the same type are not duplicates of each other's statements and
 * are reported once per written item.
 */
import type { LintPass } from '../lint-types';
import type { Origin } from '../model/types';
import { eachStatement, namePlace } from './walk';

/** Reports repeated declarations and grants. */
export const reportDuplicateRule: LintPass = (policy, model, session) => {
  const reported = new Set<unknown>();
  const dup = (what: string, later: Origin, first: Origin): void => {
    const key = later.item ?? later.statement;
    // Identical origins are one written rule expanded over several subject types.
    if (reported.has(key) || (later.item ?? later.statement) === (first.item ?? first.statement))
      return;
    reported.add(key);
    session.report(
      'warning',
      'report-duplicate-rule',
      `duplicate ${what} (first at ${first.file}:${first.line}:${first.column})`,
      later,
      [{ message: 'first written here', file: first.file, line: first.line, column: first.column }],
    );
  };
  const declared = new Map<string, { file: string; line: number; column: number }>();
  eachStatement(policy, (s, file) => {
    if (
      s.type !== 'type-decl' &&
      s.type !== 'attribute-decl' &&
      s.type !== 'ability-decl' &&
      s.type !== 'range-decl'
    )
      return;
    const kind = s.type.replace('-decl', '');
    const key = `${kind} ${s.name.value}`;
    const place = namePlace(s.name, s, file);
    const first = declared.get(key);
    if (!first) declared.set(key, place);
    else {
      session.report(
        'warning',
        'report-duplicate-rule',
        `duplicate declaration \`${key};\` (first at ${first.file}:${first.line}:${first.column})`,
        place,
      );
    }
  });
  for (const [type, g] of model.grants) {
    for (const [ability, grants] of g.abilities) {
      const seen = new Map<string, Origin>();
      for (const x of grants) {
        if (x.fromDefaultPriv) continue;
        const key = `${x.ranges?.map((r) => r.text).join(',') ?? ''}|${x.domains.root}|${x.domains.nonRoot}`;
        const first = seen.get(key);
        if (first) dup(`grant of \`${ability}\` to ${type}`, x.origin, first);
        else seen.set(key, x.origin);
      }
    }
    // Sets are expanded only for a type that may hold a duplicate connect.
    if (g.connects.mayRepeat('allow-connect'))
      for (const [object, list] of g.connects) {
        const rules = list.filter((c) => c.via === 'allow-connect');
        for (let i = 1; i < rules.length; i++)
          dup(`channel connect rule ${type} → ${object}`, rules[i]!.origin, rules[0]!.origin);
      }
    for (const rules of [g.attaches, g.links]) {
      const seen = new Map<string, Origin>();
      for (const r of rules) {
        const key = `${r.fileType ?? ''}:${r.path} ${r.relabel ?? ''}`;
        const first = seen.get(key);
        if (first) dup(`allow_${r.kind} ${type} ${r.path}`, r.origin, first);
        else seen.set(key, r.origin);
      }
    }
  }
};
