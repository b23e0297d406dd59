/**
 * secpolgenerate's policy view (`/dev/secpolgenerate/policy`, reference §4.2)
 * is a policy: the sample written from the documented layout (4-space
 * indentation, one ability or path per line, `};` on its own line, hex
 * subranges as seen in the wild) goes through the policy parser, the model and
 * lint like any policy, with no special case.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parsePolicy } from './parse';
import { lintPolicy } from './lint';
import { buildModel } from './model/build-model';
import { allows } from './grants';

const FILE = path.resolve(__dirname, '..', '..', 'samples', 'secpolgenerate', 'policy-view.secpol');

describe("secpolgenerate's policy view", () => {
  const text = readFileSync(FILE, 'utf8');
  const { ast, diagnostics } = parsePolicy(text, { file: 'policy-view.secpol' });
  const policy = { type: 'policy' as const, files: [ast] };

  it('parses with no diagnostic and lints with no error', () => {
    expect(diagnostics).toEqual([]);
    expect(ast.statements.map((s) => s.type).filter((t) => t.startsWith('allow'))).toHaveLength(9);
    expect(
      lintPolicy(policy, { qnx: '7.1' }).diagnostics.filter((d) => d.severity === 'error'),
    ).toEqual([]);
  });

  it('grants what it lists, and nothing it does not', () => {
    const model = buildModel(policy, { qnx: '7.1' });
    const ability = (type: string, name: string, nonRoot = false, value?: bigint): boolean =>
      allows(model, {
        kind: 'ability',
        type,
        ability: name,
        domain: nonRoot ? 'non-root' : 'root',
        value:
          value === undefined
            ? { kind: 'unspecified' }
            : { kind: 'span', start: value, end: value },
      }).allowed;
    expect(ability('random_t', 'srandom')).toBe(true);
    expect(ability('sshd_t', 'setuid', true, 1000n)).toBe(true);
    expect(ability('random_t', 'setuid')).toBe(false);
    expect(allows(model, { kind: 'attach', type: 'devc_pty_t', path: '/dev/ttyp1' }).allowed).toBe(
      true,
    );
    expect(allows(model, { kind: 'attach', type: 'devc_pty_t', path: '/dev/ttyp2' }).allowed).toBe(
      false,
    );
    expect(
      allows(model, { kind: 'connect', type: 'sshd_t', domain: 'root', object: 'random_t' })
        .allowed,
    ).toBe(true);
  });
});
