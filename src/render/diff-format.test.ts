/**
 * diff's text lines: one per difference, with the subject type when the
 * difference has one (a declaration has none).
 */
import { parsePolicies } from '../policy/parse';
import { buildModel } from '../policy/model/build-model';
import { diffPolicies } from '../review/policy-diff';
import { diffText } from './diff-format';

function model(text: string, file: string): ReturnType<typeof buildModel> {
  return buildModel(parsePolicies([{ file, text }]).policy);
}

describe('diffText', () => {
  it('names the subject type of a grant and none for a declaration', () => {
    const old = model('type a_t;\n', 'old.secpol');
    const now = model(
      'type a_t;\nability iofunc/exec;\nallow a_t self:ability io;\n',
      'new.secpol',
    );
    const lines = diffText(diffPolicies(old, now)).split('\n').filter(Boolean);
    expect(lines).toContainEqual(
      expect.stringMatching(/^\+ added declaration: ability iofunc\/exec {2}\[new\.secpol:2\]$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^\+ added a_t ability .*: io {2}\[new\.secpol:3\]$/),
    );
    expect(lines.some((l) => l.includes(' - declaration'))).toBe(false);
  });
});
