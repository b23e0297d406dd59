/**
 * The property of issue 19: a buildfile patched by `rewriteLaunches` and read
 * again gives every matched launch line its planned type (status `ok`), the
 * unified diff of the change applies (jsdiff) to exactly the patched text,
 * and every line that was not a launch line to change is the same bytes.
 * Generated: processes, the types they ran as, launch styles (plain, with a
 * modifier bracket, `on` with options, `on -T OLD`, a glued `-TOLD`,
 * continuation lines, comments, lines not understood), LF or CRLF.
 */
import fc from 'fast-check';
import { applyPatch } from 'diff';
import { inferRequirements } from '../infer/infer-requirements';
import { abilityEvent } from '../infer/test-events';
import { learn } from '../plan/learn';
import { formatUnifiedDiff } from '../render/unified-diff';
import { parseBuildfile } from './parse-buildfile';
import { launchTypes } from './launch-types';
import { isRewritten, rewriteLaunches } from './rewrite-launches';

const NAMES = ['alpha', 'beta-srv', 'gamma', 'delta.d', 'eps'];
const TYPES = ['default', 'a_t', 'b_t', 'c_t'];

const style = fc.constantFrom(
  (c: string) => `${c} -x 1 &`,
  (c: string) => `[pri=10] ${c} &`,
  (c: string) => `on -u 5 ${c} -v &`,
  (c: string) => `on -T old_t ${c} &`,
  (c: string) => `on -dTold_t ${c}`,
  (c: string) => `${c} --long \\\n    arg2 &   # note`,
  (c: string) => `${c} | tee /dev/null &`,
);

describe('types patch round trip', () => {
  it('applied and re-read, every matched line runs as planned; nothing else changes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 5 }),
        fc.array(fc.constantFrom(...TYPES), { minLength: 5, maxLength: 5 }),
        fc.array(style, { minLength: 5, maxLength: 5 }),
        fc.boolean(),
        fc.boolean(),
        (names, types, styles, crlf, block) => {
          const events = names.map((n, i) =>
            abilityEvent({
              process: `proc/boot/${n}`,
              type: types[i]!,
              ability: 'IO',
              pid: `${i + 1}`,
            }),
          );
          const inferred = inferRequirements(events);
          const learned = learn(inferred, undefined, {
            mode: 'generate',
            combine: true,
            traceFiles: ['t.log'],
            eventCount: events.length,
          });
          const body = ['# boot', ...names.map((n, i) => styles[i]!(n)), 'waitfor /dev/x'];
          const lines = block ? ['[+script] .script = {', ...body, '}', 'libc.so'] : body;
          const eol = crlf ? '\r\n' : '\n';
          const text = lines.join('\n').split('\n').join(eol) + eol;
          const before = parseBuildfile(text, { file: 'b' });
          const report = launchTypes([before], learned, inferred);
          const after = rewriteLaunches(text, report.verdicts);
          // The diff applies and gives exactly the rewritten text.
          const diff = formatUnifiedDiff([{ file: 'b', before: text, after }], '/');
          if (after !== text) expect(applyPatch(text, diff)).toBe(after);
          const again = launchTypes([parseBuildfile(after, { file: 'b' })], learned, inferred);
          expect(again.verdicts).toHaveLength(report.verdicts.length);
          report.verdicts.forEach((v, i) => {
            const now = again.verdicts[i]!;
            if (isRewritten(v)) {
              expect(now.status).toBe('ok');
              expect(now.current).toBe(v.planned);
            } else expect(now.current).toBe(v.current);
          });
          // Only the physical lines holding a rewritten launch's edit differ.
          const edited = new Set(
            report.verdicts
              .filter(isRewritten)
              .map(
                (v) =>
                  v.launch.on?.type?.start.line ?? v.launch.on?.end.line ?? v.launch.commandAt.line,
              ),
          );
          const a = text.split(eol);
          const b = after.split(eol);
          expect(b).toHaveLength(a.length);
          a.forEach((l, i) => {
            if (!edited.has(i + 1)) expect(b[i]).toBe(l);
          });
          // Lines not understood are reported and left alone.
          for (const d of before.diagnostics) expect(b[d.line - 1]).toBe(a[d.line - 1]);
        },
      ),
      { numRuns: 150, seed: 1919 },
    );
  });
});
