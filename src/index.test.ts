/**
 * Pins the public API: adding or removing an export must change this list,
 * so API changes are deliberate (mdast-util-from-markdown's "should expose
 * the public api"). Types are not runtime keys and are not listed.
 */
import * as api from './index';

describe('public API', () => {
  it('exposes exactly these runtime exports', () => {
    expect(Object.keys(api).sort()).toMatchSnapshot();
  });
});
