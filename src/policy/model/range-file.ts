/**
 * Parses a named range file (reference §2.8): one `ability_list : range_name
 * : range_list` entry per line, e.g. `mem_phys : gpu_mem : syspage:/memory/gpu`.
 *
 * Handles: comma lists on both sides, decimal/octal/hex numbers, `A-B` and
 * single values, `syspage:NAME` regions (kept, their addresses are only known
 * at boot), blank lines and `#` comments (not documented; accepted leniently).
 * Bad lines become diagnostics with FILE:LINE:COL, never exceptions.
 */
import type { Diagnostic } from '../../diagnostics/diagnostic';
import { MAX_ABILITY_VALUE, normaliseAbilityName } from '../../qnx/abilities';
import type { NamedRangeValues, RangeFileValue } from './types';
import { numberValue } from '../number-literal';

/** Named range values and the problems found in the file. */
export interface RangeFileResult {
  ranges: NamedRangeValues;
  diagnostics: Diagnostic[];
}

/** Parses the text of a named range file; never throws for bad input. */
export function parseRangeFile(text: string, options: { file: string }): RangeFileResult {
  const ranges: NamedRangeValues = new Map();
  const diagnostics: Diagnostic[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/#.*$/, '');
    if (content.trim() === '') return;
    const bad = (message: string): void => {
      diagnostics.push({
        severity: 'error',
        message,
        file: options.file,
        line,
        column: raw.search(/\S/) + 1,
        ruleId: 'range-file-syntax',
      });
    };
    // Split on the first two colons only: `syspage:NAME` values carry their own colon.
    const first = content.indexOf(':');
    const second = first < 0 ? -1 : content.indexOf(':', first + 1);
    if (second < 0) return bad('expected `ability_list : range_name : range_list`');
    const abilities = content
      .slice(0, first)
      .split(',')
      .map((s) => s.trim());
    const name = content.slice(first + 1, second).trim();
    const values = content
      .slice(second + 1)
      .split(',')
      .map((s) => s.trim());
    if (abilities.some((a) => a === '') || name === '' || values.some((v) => v === '')) {
      return bad('empty ability, range name or value');
    }
    const parsed: RangeFileValue[] = [];
    for (const v of values) {
      const value = parseRangeFileValue(v);
      if (!value) return bad(`invalid range value \`${v}\` (expected N, A-B or syspage:NAME)`);
      parsed.push(value);
    }
    let byAbility = ranges.get(name);
    if (!byAbility) ranges.set(name, (byAbility = new Map()));
    for (const a of abilities) {
      const key = normaliseAbilityName(a);
      byAbility.set(key, [...(byAbility.get(key) ?? []), ...parsed]);
    }
  });
  return { ranges, diagnostics };
}

function parseRangeFileValue(v: string): RangeFileValue | undefined {
  if (v.startsWith('syspage:')) return { kind: 'syspage', name: v.slice('syspage:'.length) };
  const m = /^([^-\s]+)(?:\s*-\s*([^-\s]*))?$/.exec(v);
  if (!m) return undefined;
  const start = parseBigNumber(m[1]!);
  if (start === undefined) return undefined;
  if (m[2] === undefined) return { kind: 'interval', start, end: start };
  const end = m[2] === '' ? MAX_VALUE : parseBigNumber(m[2]);
  if (end === undefined || end < start) return undefined;
  return { kind: 'interval', start, end };
}

function parseBigNumber(text: string): bigint | undefined {
  const v = numberValue(text);
  return v === undefined ? undefined : BigInt(v);
}

/** The top of an open range (`A-`): procmgr subranges are 64-bit. */
export const MAX_VALUE = MAX_ABILITY_VALUE;
