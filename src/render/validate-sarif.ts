/**
 * A structural validator for the SARIF 2.1.0 fields secpol-learn emits:
 * `version`, `$schema`, `runs[].tool.driver.name` and `.rules[].id`,
 * `results[].ruleId`, `.level`, `.message.text`, and
 * `.locations[].physicalLocation.artifactLocation.uri` / `.region.startLine`
 * (and `startColumn` when present), and `results[].suppressions[]` when present
 * (`kind` inSource or external, `status` accepted, a non-empty `justification`
 * string). It is not the full JSON Schema: it checks
 * what code-review tools read, and that every result's rule is declared.
 */

const LEVELS = new Set(['none', 'note', 'warning', 'error']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPositiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1;

/** Checks a SARIF log's shape; returns one message per problem (empty = valid). */
export function validateSarif(log: unknown): string[] {
  const errors: string[] = [];
  const need = (ok: boolean, what: string): void => {
    if (!ok) errors.push(what);
  };
  if (!isObj(log)) return ['the log is not an object'];
  need(log.version === '2.1.0', 'version must be "2.1.0"');
  need(
    typeof log.$schema === 'string' && /sarif-schema-2\.1\.0\.json$/.test(log.$schema),
    '$schema must name sarif-schema-2.1.0.json',
  );
  if (!Array.isArray(log.runs) || log.runs.length === 0)
    return [...errors, 'runs must be a non-empty array'];
  log.runs.forEach((run: unknown, ri) => {
    const at = `runs[${ri}]`;
    if (!isObj(run)) return need(false, `${at} is not an object`);
    const driver = isObj(run.tool) && isObj(run.tool.driver) ? run.tool.driver : undefined;
    if (!driver) return need(false, `${at}.tool.driver is missing`);
    need(
      typeof driver.name === 'string' && driver.name.length > 0,
      `${at}.tool.driver.name must be a string`,
    );
    const ruleIds = new Set<string>();
    if (driver.rules !== undefined) {
      if (!Array.isArray(driver.rules)) need(false, `${at}.tool.driver.rules must be an array`);
      else
        driver.rules.forEach((r: unknown, i) => {
          if (isObj(r) && typeof r.id === 'string' && r.id.length > 0) ruleIds.add(r.id);
          else need(false, `${at}.tool.driver.rules[${i}].id must be a string`);
        });
    }
    if (!Array.isArray(run.results)) return need(false, `${at}.results must be an array`);
    run.results.forEach((res: unknown, i) => {
      const rat = `${at}.results[${i}]`;
      if (!isObj(res)) return need(false, `${rat} is not an object`);
      need(
        typeof res.ruleId === 'string' && ruleIds.has(res.ruleId),
        `${rat}.ruleId must name a rule of the driver`,
      );
      need(
        typeof res.level === 'string' && LEVELS.has(res.level),
        `${rat}.level must be none, note, warning or error`,
      );
      need(
        isObj(res.message) && typeof res.message.text === 'string' && res.message.text.length > 0,
        `${rat}.message.text must be a string`,
      );
      if (res.suppressions !== undefined) {
        if (!Array.isArray(res.suppressions) || res.suppressions.length === 0)
          need(false, `${rat}.suppressions must be a non-empty array`);
        else
          res.suppressions.forEach((x: unknown, si) => {
            const sat = `${rat}.suppressions[${si}]`;
            if (!isObj(x)) return need(false, `${sat} is not an object`);
            need(
              x.kind === 'inSource' || x.kind === 'external',
              `${sat}.kind must be inSource or external`,
            );
            need(
              x.status === undefined ||
                x.status === 'accepted' ||
                x.status === 'underReview' ||
                x.status === 'rejected',
              `${sat}.status must be accepted, underReview or rejected`,
            );
            need(
              typeof x.justification === 'string' && x.justification.length > 0,
              `${sat}.justification must be a non-empty string`,
            );
          });
      }
      if (!Array.isArray(res.locations) || res.locations.length === 0)
        return need(false, `${rat}.locations must be a non-empty array`);
      res.locations.forEach((loc: unknown, li) => {
        const lat = `${rat}.locations[${li}].physicalLocation`;
        const pl = isObj(loc) && isObj(loc.physicalLocation) ? loc.physicalLocation : undefined;
        if (!pl) return need(false, `${lat} is missing`);
        const uri = isObj(pl.artifactLocation) ? pl.artifactLocation.uri : undefined;
        need(
          typeof uri === 'string' && uri.length > 0 && !/\s/.test(uri),
          `${lat}.artifactLocation.uri must be a URI`,
        );
        const region = isObj(pl.region) ? pl.region : undefined;
        need(
          region !== undefined && isPositiveInt(region.startLine),
          `${lat}.region.startLine must be an integer >= 1`,
        );
        if (region && region.startColumn !== undefined)
          need(
            isPositiveInt(region.startColumn),
            `${lat}.region.startColumn must be an integer >= 1`,
          );
      });
    });
  });
  return errors;
}
